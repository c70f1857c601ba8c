"""What the upgrade page recommends: browsers that exist for the visitor's system, and the limits
that an old system puts on them.

Everything here is data plus one function, `advise`. Whether a browser version is good enough is
not decided here: `advise` takes a judge, `admits(agent, version)`, from the site's own policy, so
the page only ever recommends what the gate will then let through.

Sources for the limits (the last version of each browser that an old system can run). Review them
when the caniuse snapshot is refreshed:
- Chrome: Google's Chrome Enterprise release notes and "Chrome browser system requirements"
  (Windows 7/8.1 end at 109, Jan 2023; macOS 10.13/10.14 at 116, 10.15 at 128, 11 at 138;
  Android 5/6 at 106, 7 at 119, 8/9 at 138).
- Edge: Microsoft's "Microsoft Edge supported operating systems" (Windows 7/8.1 end at 109; on
  macOS and Android it follows Chromium's requirements).
- Firefox: Mozilla's system requirements and support articles (Windows XP/Vista end at 52 ESR,
  Windows 7/8/8.1 and macOS 10.12-10.14 at 115 ESR, macOS 10.9-10.11 at 78 ESR; Android 4.x at 68).
- Opera: Opera's desktop release notes (Windows 7/8.1 end at 95); elsewhere it follows Chromium.
- Safari ships with macOS and iOS; its last version per macOS is Apple's (10.13: 13.1, 10.14: 14.1,
  10.15: 15.6, 11: 16.6, 12: 17.6, 13: 18.6). Which iPhones stop at which iOS: Apple's
  compatibility lists for each iOS release.

Which system a User-Agent reports, and how far its version can be trusted, is
`antechamber.browsers.platforms` (`platform_of`, importable from here as before).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from antechamber.browsers.caniuse import agents
from antechamber.browsers.platforms import PLATFORM_NAMES, Platform, Version, platform_of

__all__ = [
    "BRANDS",
    "IOS_LAST_FOR_DEVICES",
    "OS_LIMITS",
    "Advice",
    "Brand",
    "Platform",
    "Recommendation",
    "advise",
    "platform_of",
]


@dataclass(frozen=True, slots=True)
class Brand:
    """A browser as people know it, with the caniuse agent that stands for it on each platform."""

    key: str  # the key of `brand_shares`
    name: str
    url: str  # the vendor's own download page
    agents: Mapping[Platform, str]  # platform -> caniuse agent; absent: not available there

    @property
    def platforms(self) -> tuple[str, ...]:
        return tuple(PLATFORM_NAMES[p] for p in self.agents if p not in ("other", "chromeos"))


BRANDS: tuple[Brand, ...] = (
    Brand(
        "chrome",
        "Google Chrome",
        "https://www.google.com/chrome/",
        {
            "windows": "chrome",
            "macos": "chrome",
            "linux": "chrome",
            "chromeos": "chrome",
            "android": "and_chr",
            "ios": "ios_saf",
            "other": "chrome",
        },
    ),
    Brand(
        "safari",
        "Safari",
        "https://www.apple.com/safari/",
        {"macos": "safari", "ios": "ios_saf"},
    ),
    Brand(
        "edge",
        "Microsoft Edge",
        "https://www.microsoft.com/edge/download",
        {
            "windows": "edge",
            "macos": "edge",
            "linux": "edge",
            "android": "and_chr",  # caniuse has no Edge for Android; it is Chromium
            "ios": "ios_saf",
            "other": "edge",
        },
    ),
    Brand(
        "firefox",
        "Mozilla Firefox",
        "https://www.mozilla.org/firefox/new/",
        {
            "windows": "firefox",
            "macos": "firefox",
            "linux": "firefox",
            "android": "and_ff",
            "ios": "ios_saf",
            "other": "firefox",
        },
    ),
    Brand(
        "samsung",
        "Samsung Internet",
        "https://play.google.com/store/apps/details?id=com.sec.android.app.sbrowser",
        {"android": "samsung"},
    ),
    Brand(
        "opera",
        "Opera",
        "https://www.opera.com/download",
        {
            "windows": "opera",
            "macos": "opera",
            "linux": "opera",
            "android": "op_mob",
            "ios": "ios_saf",
            "other": "opera",
        },
    ),
)

# The agents a visitor's own browser may be reported as, per brand, to say "update it".
_BRAND_OF_AGENT = {
    "chrome": "chrome",
    "and_chr": "chrome",
    "safari": "safari",
    "ios_saf": "safari",
    "edge": "edge",
    "firefox": "firefox",
    "and_ff": "firefox",
    "samsung": "samsung",
    "opera": "opera",
    "op_mob": "opera",
}

# (brand, platform) -> [(OS versions below this, last browser version they run)], oldest first.
# None as the version: the browser never ran there at all.
_CHROMIUM_MACOS: tuple[tuple[Version, str | None], ...] = (
    ((10, 9), "49"),
    ((10, 11), "87"),
    ((10, 13), "103"),
    ((10, 15), "116"),
    # 10.15 and 11 would stop at 128 and 138, but a Mac UA says 10.15.7 whatever the version.
)
_CHROMIUM_ANDROID: tuple[tuple[Version, str | None], ...] = (
    ((4, 1), None),
    ((4, 4), "71"),
    ((5,), "81"),
    ((7,), "106"),
    ((8,), "119"),
    ((10,), "138"),
)
OS_LIMITS: Mapping[tuple[str, Platform], tuple[tuple[Version, str | None], ...]] = {
    ("chrome", "windows"): (((6, 1), "49"), ((10,), "109")),
    ("edge", "windows"): (((6, 1), None), ((10,), "109")),
    ("firefox", "windows"): (((6, 1), "52"), ((10,), "115")),
    ("opera", "windows"): (((6, 1), "36"), ((10,), "95")),
    ("chrome", "macos"): _CHROMIUM_MACOS,
    ("edge", "macos"): (((10, 12), None), *_CHROMIUM_MACOS[2:]),
    ("opera", "macos"): _CHROMIUM_MACOS,
    ("firefox", "macos"): (((10, 9), "45"), ((10, 12), "78"), ((10, 15), "115")),
    ("safari", "macos"): (((10, 14), "13.1"), ((10, 15), "14.1")),
    ("chrome", "android"): _CHROMIUM_ANDROID,
    ("edge", "android"): _CHROMIUM_ANDROID,
    ("firefox", "android"): (((4, 1), None), ((5,), "68")),
    ("samsung", "android"): (((5,), None),),
    ("opera", "android"): (((5,), None),),
}

# The last iOS of older iPhones: a visitor on one of these may have no update to install.
IOS_LAST_FOR_DEVICES: Mapping[Version, str] = {
    (12, 5): "iPhone 5s, iPhone 6, iPad Air, iPad mini 2/3",
    (15, 8): "iPhone 6s, iPhone 7, iPhone SE (1st generation), iPad Air 2, iPad mini 4",
    (16, 7): "iPhone 8, iPhone X, iPad (5th generation)",
    (17, 7): "iPad (6th generation), iPad Pro (2nd generation)",
    (18, 7): "iPhone XS, iPhone XR, iPad (7th generation)",
}


@dataclass(frozen=True, slots=True)
class Recommendation:
    brand: Brand
    share: float  # fraction of page views in the region, 0..1
    version: str  # what the visitor would get: the latest, or the last their system runs
    last_for_system: bool  # True: `version` is the last one the visitor's system runs
    current: bool  # the visitor's own browser: "update" rather than "download"


@dataclass(frozen=True, slots=True)
class Advice:
    """What the upgrade page says about the visitor's system and what to install."""

    platform: Platform
    system: str  # "Windows 7", "iOS 15.8", "" when unknown
    recommendations: tuple[Recommendation, ...] = ()
    update_ios: bool = False  # on iOS every browser is Safari's engine: the system is the fix
    ios_devices: str | None = None  # devices whose last iOS the visitor is on
    system_too_old: bool = False  # nothing that the policy admits runs on this system


def _cap(brand: str, platform: Platform, version: Version | None) -> tuple[bool, str | None]:
    """(limited, last version) for a brand on a system version; (False, None): no limit."""
    if version is None:
        return False, None
    for below, last in OS_LIMITS.get((brand, platform), ()):
        if version < below:
            return True, last
    return False, None


def _latest(agent: str) -> str | None:
    data = agents().get(agent)
    if data is None or not data.released:
        return None
    return data.released[-1].split("-")[-1]


def advise(
    *,
    os_family: str | None,
    user_agent: str,
    agent: str | None,
    shares: Mapping[str, float],
    admits: Callable[[str, str], bool],
) -> Advice:
    """Recommendations for one visitor, largest share first.

    `shares` are `brand_shares(region)` (percent); `admits(agent, version)` is the site's policy.
    """
    platform, version, system = platform_of(os_family, user_agent)
    if platform == "ios":
        # Every iOS browser is WebKit at the system's version: only an iOS update changes it.
        devices = None
        if version is not None:
            devices = IOS_LAST_FOR_DEVICES.get(version[:2])
        return Advice(platform, system, update_ios=True, ios_devices=devices)
    own_brand = _BRAND_OF_AGENT.get(agent or "")
    recommendations: list[Recommendation] = []
    for brand in BRANDS:
        brand_agent = brand.agents.get(platform)
        if brand_agent is None:
            continue
        limited, last = _cap(brand.key, platform, version)
        offered = last if limited else _latest(brand_agent)
        if offered is None or not admits(brand_agent, offered):
            continue
        recommendations.append(
            Recommendation(
                brand=brand,
                share=shares.get(brand.key, 0.0) / 100,
                version=offered,
                last_for_system=limited,
                current=brand.key == own_brand,
            )
        )
    recommendations.sort(key=lambda r: r.share, reverse=True)
    return Advice(
        platform,
        system,
        recommendations=tuple(recommendations),
        system_too_old=not recommendations and version is not None,
    )
