"""The browser data browserslist builds from caniuse-lite, here from the shipped snapshot, and the
helpers its queries share (names, versions, filters)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Final

from antechamber.browsers import caniuse
from antechamber.browsers.browserslist._js import parse_float, parse_int, uniq

ANDROID_EVERGREEN_FIRST = "37"
OP_MOB_BLINK_FIRST = 14
FIREFOX_ESR_VERSION = "153"
ALIASES: Final = {  # browserslist/index.js's, for queries and for policy mappings
    "fx": "firefox",
    "ff": "firefox",
    "ios": "ios_saf",
    "explorer": "ie",
    "blackberry": "bb",
    "explorermobile": "ie_mob",
    "operamini": "op_mini",
    "operamobile": "op_mob",
    "chromeandroid": "and_chr",
    "firefoxandroid": "and_ff",
    "ucandroid": "and_uc",
    "qqandroid": "and_qq",
}


class BrowserslistError(ValueError):
    """A browserslist query that cannot be resolved: malformed, unknown, or needing unshipped data.

    `reason` is browserslist's own message where browserslist fails the same way; `query` is the
    whole query that was asked for.
    """

    def __init__(self, reason: str, query: str | None = None) -> None:
        self.reason = reason
        self.query = query
        super().__init__(reason if query is None else f"{reason} (in browserslist query {query!r})")


@dataclass(frozen=True, slots=True)
class Browser:
    name: str
    versions: tuple[str, ...]
    released: tuple[str, ...]
    release_date: Mapping[str, int | None]
    # Each end of a joined range ("15.2" of "15.2-15.3") names the range.
    version_aliases: dict[str, str] = field(hash=False)


@cache
def data() -> dict[str, Browser]:
    result: dict[str, Browser] = {}
    for name, agent in caniuse.agents().items():
        aliases: dict[str, str] = {}
        for full in agent.versions:
            if "-" in full:
                for end in full.split("-"):
                    aliases[end] = full
        result[name] = Browser(name, agent.versions, agent.released, agent.release_dates, aliases)
    result["firefox"].version_aliases["esr"] = FIREFOX_ESR_VERSION
    return result


@cache
def global_usage() -> dict[str, float]:
    usage: dict[str, float] = {}
    for name, agent in caniuse.agents().items():
        for version, share in agent.usage_global.items():
            usage[f"{name} {version}"] = share
    return usage


@cache
def region_usage(place: str) -> dict[str, float]:
    code = re.sub(r"[^\w-]", "", place, flags=re.ASCII)
    if code not in caniuse.regions():
        raise BrowserslistError(f"Unknown region name `{code}`.")
    usage: dict[str, float] = {}
    for name, shares in caniuse.region_usage(code).items():
        for version, share in shares.items():
            usage[f"{name} {version}"] = share
    return usage


# browserslist's desktopNames: with `mobileToDesktop`, these agents (caniuse lists only the newest
# version of most) take their desktop equivalent's versions.
DESKTOP_NAMES: Final = {
    "and_chr": "chrome",
    "and_ff": "firefox",
    "ie_mob": "ie",
    "android": "chrome",
}


def by_name(name: str, mobile_to_desktop: bool = False) -> Browser | None:
    name = name.lower()
    name = ALIASES.get(name, name)
    if mobile_to_desktop and name in DESKTOP_NAMES:
        return _desktop_view(name)
    return data().get(name)


@cache
def _desktop_view(name: str) -> Browser:
    own, desktop = data()[name], data()[DESKTOP_NAMES[name]]
    if name != "android":
        return Browser(
            name, desktop.versions, desktop.released, desktop.release_date, own.version_aliases
        )

    # normalizeAndroidData: Android's legacy versions, then Chrome's from 37 on.
    def merged(android: Sequence[str], chrome: Sequence[str]) -> tuple[str, ...]:
        legacy = [v for v in android if re.match(r"^(?:[2-4]\.|[34]$)", v)]
        first = chrome.index(ANDROID_EVERGREEN_FIRST) if ANDROID_EVERGREEN_FIRST in chrome else -1
        return (*legacy, *chrome[first:])

    released = merged(own.released, desktop.released)
    dates = dict(own.release_date)
    for version in released:
        if version not in dates:
            dates[version] = desktop.release_date.get(version)
    return Browser(
        name, merged(own.versions, desktop.versions), released, dates, own.version_aliases
    )


def browsers(mobile_to_desktop: bool) -> list[Browser]:
    """Every agent's data in caniuse's order, as browserslist iterates `agents`."""
    return [by_name(name, mobile_to_desktop) or data()[name] for name in data()]


def check_name(name: str, mobile_to_desktop: bool = False) -> Browser:
    found = by_name(name, mobile_to_desktop)
    if found is None:
        raise BrowserslistError(f"Unknown browser {name}")
    return found


def names(browser: Browser, versions: Iterable[str]) -> list[str]:
    return [f"{browser.name} {version}" for version in versions]


def major(version: str) -> float:
    return parse_int(version.split(".")[0])


def major_versions(released: Sequence[str], number: int) -> list[str]:
    if not released:
        return []
    majors = uniq(major(version) for version in released)
    index = len(majors) - number
    minimum = majors[index] if 0 <= index < len(majors) else None
    if not minimum or math.isnan(minimum):
        return list(released)
    selected: list[str] = []
    for version in reversed(released):
        if minimum > major(version):
            break
        selected.insert(0, version)
    return selected


def normalize_version(browser: Browser, version: str) -> str | None:
    if version in browser.versions:
        return version
    if version in browser.version_aliases:
        return browser.version_aliases[version]
    if len(browser.versions) == 1:
        return browser.versions[0]
    return None


def filter_jumps(
    entries: list[str], name: str, count: int, mobile_to_desktop: bool = False
) -> list[str]:
    # caniuse lists Android Browser and Opera Mobile with a jump from legacy versions to the
    # latest, so "last N" takes the latest only until N reaches past the jump.
    if name == "android":
        if mobile_to_desktop:
            return entries
        released = data()["chrome"].released
        first = (
            released.index(ANDROID_EVERGREEN_FIRST) if ANDROID_EVERGREEN_FIRST in released else -1
        )
        jump = len(released) - first
    elif name == "op_mob":
        jump = int(major(data()["op_mob"].released[-1])) - OP_MOB_BLINK_FIRST + 1
    else:
        return entries
    if count <= jump:
        return entries[-1:]
    return entries[jump - 1 - count :]


def parse_latest_float(version: str) -> float:
    parts = version.split("-")
    return parse_float(parts[1] if len(parts) > 1 and parts[1] else version)


def version_filter(sign: str, version: str) -> Callable[[str], bool]:
    if sign == ">":
        return lambda v: parse_latest_float(v) > parse_latest_float(version)
    if sign == ">=":
        return lambda v: parse_latest_float(v) >= parse_latest_float(version)
    if sign == "<":
        return lambda v: parse_float(v) < parse_float(version)
    return lambda v: parse_float(v) <= parse_float(version)


def filter_usage(usage: Mapping[str, float], sign: str, popularity: float) -> list[str]:
    if sign == "<":
        return [k for k, share in usage.items() if share < popularity]
    if sign == "<=":
        return [k for k, share in usage.items() if share <= popularity]
    if sign == ">":
        return [k for k, share in usage.items() if share > popularity]
    return [k for k, share in usage.items() if share >= popularity]


def filter_by_year(since_ms: float, mobile_to_desktop: bool = False) -> list[str]:
    since = since_ms / 1000
    selected: list[str] = []
    for browser in browsers(mobile_to_desktop):
        selected += names(
            browser,
            (v for v, date in browser.release_date.items() if date is not None and date >= since),
        )
    return selected


def place(text: str) -> str:
    return text.upper() if len(text) == 2 else text.lower()
