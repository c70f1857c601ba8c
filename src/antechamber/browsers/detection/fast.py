"""The User-Agents most traffic sends, recognised by template, without the parsers.

Current Chrome and Edge (reduced), Firefox and Safari, each on its usual platforms. A strict full
match leaves no room for another token, so no bot, no other browser and no other OS can be hiding
in one; its Detection is then built here, to the field what the parsers would make of it
(tests/test_detect_fast.py checks that on uap-core's corpus, its never-seen variants and every
platform and version below).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final, TypeAlias

from antechamber.browsers.detection.base import Detection, version
from antechamber.web.cache import BoundedCache

__all__ = ["detect_common"]

_BUILD = r"\.\d{1,6}"
_FAST_CHROMIUM = re.compile(
    r"Mozilla/5\.0 \((Windows NT 10\.0; Win64; x64|Macintosh; Intel Mac OS X 10_15_7|"
    r"X11; Linux x86_64|Linux; Android 10; K)\) AppleWebKit/537\.36 \(KHTML, like Gecko\) "
    rf"Chrome/([1-9]\d{{1,3}}){_BUILD * 3} (Mobile )?Safari/537\.36"
    rf"(?: (Edg|EdgA)/([1-9]\d{{1,3}}){_BUILD * 3})?"
)
_FAST_FIREFOX = re.compile(
    r"Mozilla/5\.0 \((Windows NT 10\.0; Win64; x64|Macintosh; Intel Mac OS X 10\.15|"
    r"X11; Linux x86_64|X11; Ubuntu; Linux x86_64|Android 1[0-6]; Mobile); "
    r"rv:[1-9]\d{1,3}\.\d{1,6}\) Gecko/(?:20100101|[1-9]\d{1,3}\.\d{1,6}) "
    r"Firefox/([1-9]\d{1,3})\.(\d{1,6})"
)
_FAST_SAFARI = re.compile(
    r"Mozilla/5\.0 \((Macintosh; Intel Mac OS X 10_15_7|iPhone; CPU iPhone OS|iPad; CPU OS)"
    rf"(?: ([1-9]\d)_(\d{{1,2}})(?:_\d{{1,2}})? like Mac OS X)?\) AppleWebKit/605\.1{_BUILD} "
    r"\(KHTML, like Gecko\) Version/([1-9]\d)\.(\d{1,2})(?:\.\d{1,2})? "
    rf"(?:Mobile/15E148 Safari/604\.1|Safari/605\.1{_BUILD})"
)
# Platform -> (OS, OS version) as ua-parser names them.
_FAST_PLATFORMS: Final[Mapping[str, tuple[str, str | None]]] = {
    "Windows NT 10.0; Win64; x64": ("Windows", "10"),
    "Macintosh; Intel Mac OS X 10_15_7": ("Mac OS X", "10.15"),
    "Macintosh; Intel Mac OS X 10.15": ("Mac OS X", "10.15"),
    "X11; Linux x86_64": ("Linux", None),
    "X11; Ubuntu; Linux x86_64": ("Ubuntu", None),
    "Linux; Android 10; K": ("Android", "10"),
}

# The answers by the groups each template captured (build numbers are not captured), so each
# browser version on each platform is worked out once: a never-seen build of it costs the match
# and one lookup. _NOT_TAKEN: the shape is left to the parsers after all. Bounded, as a
# User-Agent may claim any version.
_Groups: TypeAlias = tuple[str | None, ...]
_CHROMIUM_SEEN: Final = BoundedCache[_Groups, Detection](2048)
_SAFARI_SEEN: Final = BoundedCache[_Groups, Detection](2048)
_NOT_TAKEN: Final = Detection("")


def detect_common(ua: str) -> Detection | None:
    """The Detection of a User-Agent of one of the common shapes, or None for any other."""
    if "Chrome/" in ua:
        m = _FAST_CHROMIUM.fullmatch(ua)
        if m is None:
            return None
        groups = m.groups()
        found = _CHROMIUM_SEEN.get(groups)
        if found is None:
            found = _CHROMIUM_SEEN.put(groups, _chromium(*groups))
        return None if found is _NOT_TAKEN else found
    if "Firefox/" in ua:
        m = _FAST_FIREFOX.fullmatch(ua)
        if m is None:
            return None
        # Not remembered: a Firefox build changes the version itself ("Firefox/128.5").
        return _firefox(*m.groups())
    m = _FAST_SAFARI.fullmatch(ua)
    if m is None:
        return None
    groups = m.groups()
    ios = groups[0][0] == "i"
    if ios != (groups[1] is not None) or ios != ua.endswith("604.1"):
        return None
    found = _SAFARI_SEEN.get(groups)
    if found is None:
        found = _SAFARI_SEEN.put(groups, _safari(*groups))
    return None if found is _NOT_TAKEN else found


def _chromium(
    platform: str, chrome: str, mobile: str | None, edge: str | None, edge_version: str | None
) -> Detection:
    os, os_version = _FAST_PLATFORMS[platform]
    android = os == "Android"
    if (mobile and not android) or edge == ("EdgA" if not android else "Edg"):
        return _NOT_TAKEN
    phone = android and mobile is not None
    engine = "and_chr" if android else "chrome"
    if edge is not None:
        family, agent, own = "Edge Mobile" if android else "Edge", "edge", edge_version
    else:
        family, agent, own = "Chrome Mobile" if phone else "Chrome", engine, chrome
    tablet = android and not phone
    return Detection(family, agent, own, engine, chrome, os, os_version, phone, tablet)


def _firefox(platform: str, major: str, minor: str) -> Detection:
    # version(major, minor), which the template's digits reduce to this (a Firefox build's
    # minor is new every time: the cache in `version` would only miss).
    second = int(minor)
    own = f"{int(major)}.{second}" if second else str(int(major))
    if platform[0] == "A":  # Android
        return Detection(
            "Firefox Mobile", "and_ff", own, "and_ff", own, "Android", platform[8:10], True
        )
    os, os_version = _FAST_PLATFORMS[platform]
    return Detection("Firefox", "firefox", own, "firefox", own, os, os_version)


def _safari(
    platform: str, os_major: str | None, os_minor: str | None, major: str, minor: str
) -> Detection:
    own = version(major, minor)
    if os_major is None:
        return Detection("Safari", "safari", own, None, None, "Mac OS X", "10.15")
    os_version = version(os_major, os_minor)
    if int(major) < int(os_major):
        own = os_version  # some app's own Version/ token, not Safari's: see parsed._ios_version
    phone = platform.startswith("iPhone")
    return Detection(
        "Mobile Safari", "ios_saf", own, "ios_saf", own, "iOS", os_version, phone, not phone
    )
