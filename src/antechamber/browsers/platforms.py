"""Which system a visitor's User-Agent reports, and which of its versions can be trusted.

    platform_of(os_family, user_agent) -> (platform, version or None, display name)
    platform_of("Windows", "... Windows NT 6.1 ...") == ("windows", (6, 1), "Windows 7")

The upgrade page (`antechamber.browsers.upgrade`) limits what it recommends by the version
returned here: None means "no limit known", never "too old".

What a User-Agent cannot tell, we do not guess: macOS has reported itself as 10.15.7 since 2020
and Chrome's reduced UA says "Android 10" whatever the version, so only versions below those are
trusted to limit anything; Windows 11 says "Windows NT 10.0" like Windows 10, which needs no limit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Literal

__all__ = ["PLATFORM_NAMES", "Platform", "Version", "platform_of"]

Platform = Literal["windows", "macos", "linux", "chromeos", "android", "ios", "other"]

PLATFORM_NAMES: Mapping[Platform, str] = {
    "windows": "Windows",
    "macos": "macOS",
    "linux": "Linux",
    "chromeos": "ChromeOS",
    "android": "Android",
    "ios": "iOS",
    "other": "",
}

Version = tuple[int, ...]

# Bounded digit runs: a hostile UA's 5,000-digit "version" is no version (and int() would refuse).
_WINDOWS_NT = re.compile(r"Windows NT (\d{1,3})\.(\d{1,3})(?!\d)")
_MAC = re.compile(r"Mac OS X (\d{1,3})[._](\d{1,3})(?!\d)")
_IOS = re.compile(r"(?:iPhone|CPU) OS (\d{1,3})_(\d{1,3})(?!\d)")
_ANDROID = re.compile(r"Android (\d{1,3})(?:\.(\d{1,3}))?(?!\d)")
_WINDOWS_NAMES = {
    (5, 0): "2000",
    (5, 1): "XP",
    (5, 2): "XP",
    (6, 0): "Vista",
    (6, 1): "7",
    (6, 2): "8",
    (6, 3): "8.1",
}


def platform_of(os_family: str | None, user_agent: str) -> tuple[Platform, Version | None, str]:
    """The visitor's platform, its version when the UA can be trusted on it, and a display name."""
    family = (os_family or "").lower()
    if family.startswith("windows") and "phone" not in family:
        match = _WINDOWS_NT.search(user_agent)
        if match:
            version = (int(match[1]), int(match[2]))
            name = _WINDOWS_NAMES.get(version, "10/11" if version >= (10, 0) else "")
            return "windows", version, f"Windows {name}".strip()
        return "windows", None, "Windows"
    if family in ("ios", "ipados"):
        match = _IOS.search(user_agent)
        if match:
            return "ios", (int(match[1]), int(match[2])), f"iOS {match[1]}.{match[2]}"
        return "ios", None, "iOS"
    if family in ("mac os x", "macos"):
        match = _MAC.search(user_agent)
        if match and (int(match[1]), int(match[2])) < (10, 15):
            return "macos", (int(match[1]), int(match[2])), f"macOS {match[1]}.{match[2]}"
        return "macos", None, "macOS"
    if family == "android":
        match = _ANDROID.search(user_agent)
        if match:
            version = (int(match[1]), int(match[2] or 0))
            shown = f"{match[1]}.{match[2]}" if match[2] else match[1]
            if version < (10,):
                return "android", version, f"Android {shown}"
        return "android", None, "Android"
    if family in ("chrome os", "chromeos"):
        return "chromeos", None, "ChromeOS"
    if family in ("linux", "ubuntu", "debian", "fedora", "red hat", "suse", "mint", "arch linux"):
        return "linux", None, "Linux"
    return "other", None, ""
