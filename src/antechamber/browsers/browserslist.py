"""browserslist's query resolver, ported from browserslist 4.29.6 onto the shipped caniuse data.

`browserslist("defaults")` answers what `npx browserslist "defaults"` prints with caniuse-lite at
the same version as the snapshot: same entries, same format, same order. The port follows the JS
line by line where results depend on it (JS number parsing, key order, sorting), so it keeps the
JS names of the steps. Queries that need data antechamber does not ship (Node.js and Electron
releases, feature support, custom usage statistics, shared configs, Baseline) raise
BrowserslistError.

When browserslist is upgraded, re-check `_FIREFOX_ESR_VERSION`, `_DEAD` and `ALIASES` against its
index.js, then regenerate tests/fixtures/browserslist_queries.json.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache, cmp_to_key, lru_cache
from pathlib import Path
from typing import Any, Final

from antechamber.browsers import caniuse

__all__ = ["BROWSERSLIST_VERSION", "BrowserslistError", "browserslist", "load_config"]

BROWSERSLIST_VERSION = "4.29.6"

_YEAR_MS = 365.259641 * 24 * 60 * 60 * 1000
_ANDROID_EVERGREEN_FIRST = "37"
_OP_MOB_BLINK_FIRST = 14
_FIREFOX_ESR_VERSION = "153"
_DEFAULTS = ("> 0.5%", "last 2 versions", "Firefox ESR", "not dead")
_DEAD = ("Baidu >= 0", "ie <= 11", "ie_mob <= 11", "bb <= 10", "op_mob <= 12.1", "samsung 4")
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


# JavaScript semantics the results depend on.

_JS_SPACES = (
    "\t\n\v\f\r \u00a0\u1680"
    + "".join(chr(code) for code in range(0x2000, 0x200B))
    + "\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_JS_SPACE = f"[{_JS_SPACES}]"
_INT = re.compile(f"{_JS_SPACE}*([+-]?[0-9]+)")
_FLOAT = re.compile(
    f"{_JS_SPACE}*([+-]?(?:Infinity|[0-9]+(?:\\.[0-9]*)?(?:[eE][+-]?[0-9]+)?"
    "|\\.[0-9]+(?:[eE][+-]?[0-9]+)?))"
)


def _js_regex(pattern: str) -> re.Pattern[str]:
    # JS \s is its own set of spaces, \w and \d are ASCII, /i folds ASCII only, and `$` never
    # matches before a final newline.
    pattern = pattern.replace(r"\S", f"[^{_JS_SPACES}]").replace(r"\s", _JS_SPACE)
    if pattern.endswith("$"):
        pattern = pattern[:-1] + r"\Z"
    return re.compile(pattern, re.IGNORECASE | re.ASCII)


def _is_space(char: str) -> bool:
    return char in _JS_SPACES


def _trim(text: str) -> str:
    return text.strip(_JS_SPACES)


def _parse_int(text: str) -> float:
    match = _INT.match(text)
    return float(int(match.group(1))) if match else math.nan


def _parse_float(text: str) -> float:
    match = _FLOAT.match(text)
    return float(match.group(1).replace("Infinity", "inf")) if match else math.nan


def _compare(a: float | str, b: float | str) -> int:
    # NaN (a version such as "TP" or "all") compares equal to everything, as in JS.
    if a < b:  # type: ignore[operator]
        return -1
    if a > b:  # type: ignore[operator]
        return 1
    return 0


def _part(parts: Sequence[str], index: int) -> float:
    return _parse_int(parts[index] if index < len(parts) and parts[index] else "0")


def _compare_semver(a: Sequence[str], b: Sequence[str]) -> int:
    return (
        _compare(_parse_int(a[0]), _parse_int(b[0]))
        or _compare(_part(a, 1), _part(b, 1))
        or _compare(_part(a, 2), _part(b, 2))
    )


def _uniq(items: Iterable[Any]) -> list[Any]:
    seen: list[Any] = []
    for item in items:
        # JS indexOf never finds NaN, so every NaN is kept.
        if (isinstance(item, float) and math.isnan(item)) or item not in seen:
            seen.append(item)
    return seen


def _uniq_strings(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _date_utc_ms(year: int, month: int, day: int) -> float:
    """JS `Date.UTC(year, month, day)`: month is 0-based and may overflow, years 0-99 are 19xx."""
    if 0 <= year <= 99:
        year += 1900
    year += month // 12
    month %= 12
    # Days from 1970-01-01 to the first of the month (proleptic Gregorian), then add the day.
    y = year - (1 if month < 2 else 0)
    era = y // 400
    yoe = y - era * 400
    mp = (month + 10) % 12
    doy = (153 * mp + 2) // 5
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    days = era * 146097 + doe - 719468 + day - 1
    ms = days * 86_400_000
    return float(ms) if abs(ms) <= 8.64e15 else math.nan


# The data browserslist builds from caniuse-lite.


@dataclass(frozen=True, slots=True)
class _Browser:
    name: str
    versions: tuple[str, ...]
    released: tuple[str, ...]
    release_date: Mapping[str, int | None]
    # Each end of a joined range ("15.2" of "15.2-15.3") names the range.
    version_aliases: dict[str, str] = field(hash=False)


@cache
def _data() -> dict[str, _Browser]:
    data: dict[str, _Browser] = {}
    for name, agent in caniuse.agents().items():
        aliases: dict[str, str] = {}
        for full in agent.versions:
            if "-" in full:
                for end in full.split("-"):
                    aliases[end] = full
        data[name] = _Browser(name, agent.versions, agent.released, agent.release_dates, aliases)
    data["firefox"].version_aliases["esr"] = _FIREFOX_ESR_VERSION
    return data


@cache
def _global_usage() -> dict[str, float]:
    usage: dict[str, float] = {}
    for name, agent in caniuse.agents().items():
        for version, share in agent.usage_global.items():
            usage[f"{name} {version}"] = share
    return usage


@cache
def _region_usage(place: str) -> dict[str, float]:
    code = re.sub(r"[^\w-]", "", place, flags=re.ASCII)
    if code not in caniuse.regions():
        raise BrowserslistError(f"Unknown region name `{code}`.")
    usage: dict[str, float] = {}
    for name, shares in caniuse.region_usage(code).items():
        for version, share in shares.items():
            usage[f"{name} {version}"] = share
    return usage


def _by_name(name: str) -> _Browser | None:
    name = name.lower()
    return _data().get(ALIASES.get(name, name))


def _check_name(name: str) -> _Browser:
    data = _by_name(name)
    if data is None:
        raise BrowserslistError(f"Unknown browser {name}")
    return data


def _names(data: _Browser, versions: Iterable[str]) -> list[str]:
    return [f"{data.name} {version}" for version in versions]


def _major(version: str) -> float:
    return _parse_int(version.split(".")[0])


def _major_versions(released: Sequence[str], number: int) -> list[str]:
    if not released:
        return []
    majors = _uniq(_major(version) for version in released)
    index = len(majors) - number
    minimum = majors[index] if 0 <= index < len(majors) else None
    if not minimum or math.isnan(minimum):
        return list(released)
    selected: list[str] = []
    for version in reversed(released):
        if minimum > _major(version):
            break
        selected.insert(0, version)
    return selected


def _normalize_version(data: _Browser, version: str) -> str | None:
    if version in data.versions:
        return version
    if version in data.version_aliases:
        return data.version_aliases[version]
    if len(data.versions) == 1:
        return data.versions[0]
    return None


def _filter_jumps(names: list[str], name: str, count: int) -> list[str]:
    # caniuse lists Android Browser and Opera Mobile with a jump from legacy versions to the
    # latest, so "last N" takes the latest only until N reaches past the jump.
    if name == "android":
        released = _data()["chrome"].released
        first = (
            released.index(_ANDROID_EVERGREEN_FIRST) if _ANDROID_EVERGREEN_FIRST in released else -1
        )
        jump = len(released) - first
    elif name == "op_mob":
        jump = int(_major(_data()["op_mob"].released[-1])) - _OP_MOB_BLINK_FIRST + 1
    else:
        return names
    if count <= jump:
        return names[-1:]
    return names[jump - 1 - count :]


def _parse_latest_float(version: str) -> float:
    parts = version.split("-")
    return _parse_float(parts[1] if len(parts) > 1 and parts[1] else version)


def _version_filter(sign: str, version: str) -> Callable[[str], bool]:
    if sign == ">":
        return lambda v: _parse_latest_float(v) > _parse_latest_float(version)
    if sign == ">=":
        return lambda v: _parse_latest_float(v) >= _parse_latest_float(version)
    if sign == "<":
        return lambda v: _parse_float(v) < _parse_float(version)
    return lambda v: _parse_float(v) <= _parse_float(version)


def _filter_usage(usage: Mapping[str, float], sign: str, popularity: float) -> list[str]:
    if sign == "<":
        return [k for k, share in usage.items() if share < popularity]
    if sign == "<=":
        return [k for k, share in usage.items() if share <= popularity]
    if sign == ">":
        return [k for k, share in usage.items() if share > popularity]
    return [k for k, share in usage.items() if share >= popularity]


def _filter_by_year(since_ms: float) -> list[str]:
    since = since_ms / 1000
    selected: list[str] = []
    for data in _data().values():
        selected += _names(
            data, (v for v, date in data.release_date.items() if date is not None and date >= since)
        )
    return selected


def _place(place: str) -> str:
    return place.upper() if len(place) == 2 else place.lower()


# Queries: each a regular expression and what it selects, tried in browserslist's order.


@dataclass(slots=True)
class _Node:
    query: str
    type: str
    groups: tuple[str | None, ...] = ()
    negated: bool = False
    compose: str = "or"


@dataclass(frozen=True, slots=True)
class _Context:
    now_ms: int | None


_Select = Callable[[_Context, _Node], list[str]]


def _unshipped(what: str) -> _Select:
    def select(context: _Context, node: _Node) -> list[str]:
        raise BrowserslistError(
            f"`{node.query}` needs {what}, which antechamber does not ship; "
            "write the query with browser names and versions instead"
        )

    return select


_NODE_DATA = _unshipped("Node.js release data")
_ELECTRON_DATA = _unshipped("Electron release data")
_CUSTOM_STATS = _unshipped("custom usage statistics (`my stats` or a stats package)")
_CONFIG_FILES = _unshipped(
    "config lookup (use load_config() for a .browserslistrc or package.json)"
)


def _last_major_versions(context: _Context, node: _Node) -> list[str]:
    count = int(node.groups[0] or 0)
    selected: list[str] = []
    for data in _data().values():
        selected += _filter_jumps(
            _names(data, _major_versions(data.released, count)), data.name, count
        )
    return selected


def _last_versions(context: _Context, node: _Node) -> list[str]:
    count = int(node.groups[0] or 0)
    selected: list[str] = []
    for data in _data().values():
        selected += _filter_jumps(_names(data, data.released[-count:]), data.name, count)
    return selected


def _last_browser_major_versions(context: _Context, node: _Node) -> list[str]:
    count = int(node.groups[0] or 0)
    data = _check_name(node.groups[1] or "")
    return _filter_jumps(_names(data, _major_versions(data.released, count)), data.name, count)


def _last_browser_versions(context: _Context, node: _Node) -> list[str]:
    count = int(node.groups[0] or 0)
    data = _check_name(node.groups[1] or "")
    return _filter_jumps(_names(data, data.released[-count:]), data.name, count)


def _unreleased_versions(context: _Context, node: _Node) -> list[str]:
    selected: list[str] = []
    for data in _data().values():
        selected += _names(data, (v for v in data.versions if v not in data.released))
    return selected


def _unreleased_browser_versions(context: _Context, node: _Node) -> list[str]:
    data = _check_name(node.groups[0] or "")
    return _names(data, (v for v in data.versions if v not in data.released))


def _last_years(context: _Context, node: _Node) -> list[str]:
    now = context.now_ms
    if now is None:
        now = _now_ms(None)
    return _filter_by_year(now - _YEAR_MS * float(node.groups[0] or 0))


def _since(context: _Context, node: _Node) -> list[str]:
    year, month, day = (*node.groups, None, None)[:3]
    return _filter_by_year(_date_utc_ms(int(year or 0), int(month or "01") - 1, int(day or "01")))


def _popularity(context: _Context, node: _Node) -> list[str]:
    sign, popularity = node.groups[0] or "", node.groups[1] or ""
    return _filter_usage(_global_usage(), sign, _parse_float(popularity))


def _popularity_in_place(context: _Context, node: _Node) -> list[str]:
    sign, popularity, place = node.groups[0] or "", node.groups[1] or "", node.groups[2] or ""
    return _filter_usage(_region_usage(_place(place)), sign, _parse_float(popularity))


_MY_STATS = _js_regex(r"^my\s+stats$")


def _cover(context: _Context, node: _Node) -> list[str]:
    coverage = _parse_float(node.groups[0] or "")
    place = node.groups[1] if len(node.groups) > 1 else None
    if place is None:
        usage = _global_usage()
    elif _MY_STATS.match(place):
        return _CUSTOM_STATS(context, node)
    else:
        usage = _region_usage(_place(place))
    # A stable sort by share, largest first: equal shares keep the data's order.
    versions = sorted(usage, key=usage.__getitem__, reverse=True)
    covered = 0.0
    result: list[str] = []
    for version in versions:
        if not usage[version]:
            break
        covered += usage[version]
        result.append(version)
        if covered >= coverage:
            break
    return result


def _browser_range(context: _Context, node: _Node) -> list[str]:
    name, first, last = node.groups[0] or "", node.groups[1] or "", node.groups[2] or ""
    data = _check_name(name)
    low = _parse_float(_normalize_version(data, first) or first)
    high = _parse_float(_normalize_version(data, last) or last)
    return _names(
        data,
        (v for v in data.released if _parse_latest_float(v) >= low and _parse_float(v) <= high),
    )


def _browser_ray(context: _Context, node: _Node) -> list[str]:
    name, sign, version = node.groups[0] or "", node.groups[1] or "", node.groups[2] or ""
    data = _check_name(name)
    alias = data.version_aliases.get(version.lower())
    # Numbers stay as written: an alias would move a bound such as 15.6 to the far end of
    # "15.6-15.8".
    if alias and not re.fullmatch(r"[\d.]+", version, re.ASCII):
        version = alias
    if not re.search(r"[\d.]+", version, re.ASCII):
        raise BrowserslistError(f"Unknown version {version} of {name}")
    return _names(data, filter(_version_filter(sign, version), data.released))


def _browser_version(context: _Context, node: _Node) -> list[str]:
    name, version = node.groups[0] or "", node.groups[1] or ""
    if version.lower() == "tp":
        version = "TP"
    data = _check_name(name)
    alias = _normalize_version(data, version)
    if alias:
        version = alias
    else:
        alias = version + ".0" if "." not in version else re.sub(r"\.0$", "", version)
        alias = _normalize_version(data, alias)
        if not alias:
            raise BrowserslistError(f"Unknown version {version} of {name}")
        version = alias
    return [f"{data.name} {version}"]


def _unknown(context: _Context, node: _Node) -> list[str]:
    if _by_name(node.query):
        raise BrowserslistError(f"Specify versions in Browserslist query for browser {node.query}")
    raise BrowserslistError(
        f"Unknown browser query `{node.query}`. "
        "Maybe you are using old Browserslist or made typo in query."
    )


def _constant(*entries: str) -> _Select:
    return lambda context, node: list(entries)


_NUMBER = r"(\d+|\d+\.\d+|\.\d+)"
_QUERIES: tuple[tuple[str, re.Pattern[str], _Select], ...] = tuple(
    (name, _js_regex(pattern), select)
    for name, pattern, select in (
        ("last_major_versions", r"^last\s+(\d+)\s+major\s+versions?$", _last_major_versions),
        ("last_versions", r"^last\s+(\d+)\s+versions?$", _last_versions),
        (
            "last_electron_major_versions",
            r"^last\s+(\d+)\s+electron\s+major\s+versions?$",
            _ELECTRON_DATA,
        ),
        ("last_node_major_versions", r"^last\s+(\d+)\s+node\s+major\s+versions?$", _NODE_DATA),
        (
            "last_browser_major_versions",
            r"^last\s+(\d+)\s+(\w+)\s+major\s+versions?$",
            _last_browser_major_versions,
        ),
        ("last_electron_versions", r"^last\s+(\d+)\s+electron\s+versions?$", _ELECTRON_DATA),
        ("last_node_versions", r"^last\s+(\d+)\s+node\s+versions?$", _NODE_DATA),
        ("last_browser_versions", r"^last\s+(\d+)\s+(\w+)\s+versions?$", _last_browser_versions),
        ("unreleased_versions", r"^unreleased\s+versions$", _unreleased_versions),
        ("unreleased_electron_versions", r"^unreleased\s+electron\s+versions?$", _constant()),
        (
            "unreleased_browser_versions",
            r"^unreleased\s+(\w+)\s+versions?$",
            _unreleased_browser_versions,
        ),
        ("last_years", r"^last\s+((?:\d+\.)?\d+)\s+years?$", _last_years),
        ("since_y", r"^since\s+(\d+)$", _since),
        ("since_y_m", r"^since\s+(\d+)-(\d+)$", _since),
        ("since_y_m_d", r"^since\s+(\d+)-(\d+)-(\d+)$", _since),
        (
            "baseline",
            r"^baseline\s+(?!\s)(?:(\d+)|(newly|widely)\s+(?!\s)available"
            r"(?:\s+(?!\s)on\s+(?!\s)(\d{4}-\d{2}-\d{2}))?)?(\s+(?!\s)with\s+(?!\s)downstream)?"
            r"(\s+(?!\s)including\s+(?!\s)kaios)?$",
            _unshipped("Baseline data (baseline-browser-mapping)"),
        ),
        ("popularity", rf"^(>=?|<=?)\s*{_NUMBER}%$", _popularity),
        ("popularity_in_my_stats", rf"^(>=?|<=?)\s*{_NUMBER}%\s+in\s+my\s+stats$", _CUSTOM_STATS),
        (
            "popularity_in_config_stats",
            rf"^(>=?|<=?)\s*{_NUMBER}%\s+in\s+(\S+)\s+stats$",
            _CUSTOM_STATS,
        ),
        (
            "popularity_in_place",
            rf"^(>=?|<=?)\s*{_NUMBER}%\s+in\s+((?:alt-)?\w\w)$",
            _popularity_in_place,
        ),
        ("cover", rf"^cover\s+{_NUMBER}%$", _cover),
        ("cover_in", rf"^cover\s+{_NUMBER}%\s+in\s+(my\s+stats|(?:alt-)?\w\w)$", _cover),
        ("cover_config", rf"^cover\s+{_NUMBER}%\s+in\s+(\S+)\s+stats$", _CUSTOM_STATS),
        (
            "supports",
            r"^(?:(fully|partially)\s+)?supports\s+([\w-]+)$",
            _unshipped("caniuse feature support data"),
        ),
        ("electron_range", r"^electron\s+([\d.]+)\s*-\s*([\d.]+)$", _ELECTRON_DATA),
        ("node_range", r"^node\s+([\d.]+)\s*-\s*([\d.]+)$", _NODE_DATA),
        ("browser_range", r"^(\w+)\s+([\d.]+)\s*-\s*([\d.]+)$", _browser_range),
        ("electron_ray", r"^electron\s*(>=?|<=?)\s*([\d.]+)$", _ELECTRON_DATA),
        ("node_ray", r"^node\s*(>=?|<=?)\s*([\d.]+)$", _NODE_DATA),
        ("browser_ray", r"^(\w+)\s*(>=?|<=?)\s*([\d.]+|esr)$", _browser_ray),
        ("firefox_esr", r"^(?:firefox|ff|fx)\s+esr$", _constant(f"firefox {_FIREFOX_ESR_VERSION}")),
        # Not anchored in browserslist either.
        ("opera_mini_all", r"(?:operamini|op_mini)\s+all", _constant("op_mini all")),
        ("electron_version", r"^electron\s+([\d.]+)$", _ELECTRON_DATA),
        ("node_major_version", r"^node\s+(\d+)$", _NODE_DATA),
        ("node_minor_version", r"^node\s+(\d+\.\d+)$", _NODE_DATA),
        ("node_patch_version", r"^node\s+(\d+\.\d+\.\d+)$", _NODE_DATA),
        ("current_node", r"^current\s+node$", _NODE_DATA),
        ("maintained_node", r"^maintained\s+node\s+versions$", _NODE_DATA),
        # PhantomJS needs no data: browserslist maps it to fixed Safari versions.
        ("phantomjs_1_9", r"^phantomjs\s+1.9$", _constant("safari 5")),
        ("phantomjs_2_1", r"^phantomjs\s+2.1$", _constant("safari 6")),
        ("browser_version", r"^(\w+)\s+(tp|[\d.]+)$", _browser_version),
        ("browserslist_config", r"^browserslist\s+config$", _CONFIG_FILES),
        (
            "extends",
            r"^extends\s+(?!\s)(.+)$",
            _unshipped("a shareable config package (`extends`)"),
        ),
        ("defaults", r"^defaults$", lambda context, node: _resolve(_DEFAULTS, context)),
        ("dead", r"^dead$", lambda context, node: _resolve(_DEAD, context)),
        ("unknown", r"^(\w+)$", _unknown),
    )
)
_SELECTS = {name: select for name, _, select in _QUERIES}
_NOT = _js_regex(r"^not\s+(?!\s)")


def _match_query(query: str) -> _Node:
    negated = _NOT.match(query)
    text = query[negated.end() :] if negated else query
    for name, pattern, _ in _QUERIES:
        # search, not match: the opera_mini_all pattern is not anchored in browserslist either.
        match = pattern.search(text)
        if match:
            return _Node(query, name, match.groups(), negated is not None)
    return _Node(query, "unknown", (), negated is not None)


def _ends_with_operator(block: str) -> bool:
    end = len(block)
    while end > 0 and _is_space(block[end - 1]):
        end -= 1
    if end > 0 and block[end - 1] == ",":
        return len(_trim(block[: end - 1])) > 0
    tail = block[max(0, end - 3) : end].lower()
    size = 3 if tail == "and" else 2 if tail[-2:] == "or" else 0
    if size == 0 or end <= size or not _is_space(block[end - size - 1]):
        return False
    return len(_trim(block[: end - size])) > 0


def _parse_block(block: str, nodes: list[_Node]) -> None:
    def push(text: str, compose: str) -> None:
        node = _match_query(_trim(text))
        node.compose = compose
        nodes.append(node)

    if not block:
        return
    length = len(block)
    start = 0
    compose = "or"
    i = 0
    while i < length:
        char = block[i]
        if char == ",":
            if i != 0:
                push(block[start:i], compose)
            i += 1
            while i < length and _is_space(block[i]):
                i += 1
            compose, start = "or", i
            continue
        if _is_space(char):
            q = i
            while q < length and _is_space(block[q]):
                q += 1
            for keyword in ("and", "or"):
                after = q + len(keyword)
                if after < length and block[q:after].lower() == keyword and _is_space(block[after]):
                    if i != 0:
                        push(block[start:i], compose)
                    while after < length and _is_space(block[after]):
                        after += 1
                    compose, start, i = keyword, after, after
                    break
            else:
                i = q
            continue
        i += 1
    push(block[start:], compose)


def _parse(queries: str | Sequence[str]) -> list[_Node]:
    entries = [queries] if isinstance(queries, str) else list(queries)
    blocks: list[str] = []
    pending: list[str] = []
    for entry in entries:
        if not entry:
            continue
        pending.append(entry)
        if _ends_with_operator(entry):
            continue
        blocks.append("\n".join(pending))
        pending = []
    if pending:
        blocks.append("\n".join(pending))
    nodes: list[_Node] = []
    for block in blocks:
        _parse_block(block, nodes)
    return nodes


def _resolve(queries: str | Sequence[str], context: _Context) -> list[str]:
    result: list[str] = []
    for index, node in enumerate(_parse(queries)):
        if node.negated and index == 0:
            raise BrowserslistError(
                f"Write any browsers query (for instance, `defaults`) before `{node.query}`"
            )
        selected = []
        for entry in _SELECTS[node.type](context, node):
            name, _, version = entry.partition(" ")
            if version == "0":
                data = _by_name(name)
                entry = f"{name} {data.versions[0]}" if data else entry
            selected.append(entry)
        if not node.negated and node.compose == "or":
            result += selected
            continue
        chosen = set(selected)
        keep = not node.negated
        result = [entry for entry in result if (entry in chosen) == keep]
    return result


def _compare_entries(first: str, second: str) -> int:
    name1, version1 = first.split(" ")[:2]
    name2, version2 = second.split(" ")[:2]
    if name1 == name2:
        # caniuse ranges never overlap, so a range sorts by its lower end.
        return _compare_semver(version2.split("-")[0].split("."), version1.split("-")[0].split("."))
    return _compare(name1, name2)


def _now_ms(now: datetime | None) -> int:
    moment = datetime.now(UTC) if now is None else now
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - datetime(1970, 1, 1, tzinfo=UTC)) // _MILLISECOND


_MILLISECOND = datetime(1970, 1, 1, 0, 0, 0, 1000, tzinfo=UTC) - datetime(1970, 1, 1, tzinfo=UTC)


@lru_cache(maxsize=512)
def _browserslist(query: str, now_ms: int | None) -> tuple[str, ...]:
    try:
        selected = _uniq_strings(_resolve(query, _Context(now_ms)))
    except BrowserslistError as error:
        raise BrowserslistError(error.reason, query) from None
    # browserslist's own comparator: by name, then version, newest first. It is not a total
    # order ("TP" and "all" equal everything), so the result also depends on the sort algorithm;
    # CPython's list.sort is the TimSort that V8's Array.prototype.sort was ported from.
    return tuple(sorted(selected, key=cmp_to_key(_compare_entries)))


def browserslist(query: str, *, now: datetime | None = None) -> list[str]:
    """The browser versions a browserslist query selects, as `npx browserslist` prints them.

        >>> browserslist("firefox esr, ios_saf >= 18")[:2]
        ['firefox 153', 'ios_saf 26.6']

    Entries are `"<caniuse agent> <version>"` (`"ios_saf 18.5-18.7"`, `"op_mini all"`), sorted by
    agent, newest version first. `now` fixes the date that `last N years` counts back from (naive
    datetimes are UTC); by default it is the time of the first call, as results are cached per
    query. Raises BrowserslistError (a ValueError) for a malformed query, an unknown browser or
    version, and for queries that need data antechamber does not ship (`node ...`,
    `electron ...`, `supports ...`, `extends ...`, `... in my stats`, `baseline ...`).
    """
    if not isinstance(query, str):
        raise TypeError(f"A browserslist query must be a string, not {type(query).__name__}")
    # Only `last N years` reads the date; other queries share one cache entry whatever `now` is.
    needs_now = now is not None and any(node.type == "last_years" for node in _parse(query))
    return list(_browserslist(query, _now_ms(now) if needs_now else None))


# Config files, read the way browserslist's node.js reads them.

_SECTION = _js_regex(r"^\s*\[(.+)]\s*$")
_FORMAT = "Browserslist config should be a string or an array of strings with browser queries"


def _parse_rc(text: str, path: Path) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {"defaults": []}
    sections = ["defaults"]
    lines = re.split(r"\n|,", re.sub(r"#[^\n]*", "", text))
    for line in (_trim(line) for line in lines):
        if not line:
            continue
        section = _SECTION.match(line)
        if section:
            sections = _trim(section.group(1)).split(" ")
            for name in sections:
                if name in result:
                    raise ValueError(f"{path}: duplicate section [{name}] in browserslist config")
                result[name] = []
        else:
            for name in sections:
                result[name].append(line)
    return result


def _parse_package(text: str, path: Path) -> dict[str, Any]:
    try:
        package = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}: not valid JSON ({error})") from None
    if not isinstance(package, dict):
        raise ValueError(f"{path}: a package.json must hold a JSON object")
    if "browserslist" not in package:
        if "browserlist" in package:
            raise ValueError(f"{path}: `browserlist` key instead of `browserslist`")
        raise ValueError(f"{path}: no `browserslist` key")
    config = package["browserslist"]
    if isinstance(config, str | list):
        config = {"defaults": config}
    if not isinstance(config, dict):
        raise ValueError(f"{path}: {_FORMAT}")
    for section in config.values():
        if not isinstance(section, str) and not (
            isinstance(section, list) and all(isinstance(item, str) for item in section)
        ):
            raise ValueError(f"{path}: {_FORMAT}")
    return config


def _join(entries: Sequence[str]) -> str:
    # Entries ending in `and`/`or`/`,` continue on the next one; the others are separate
    # queries, which ", " keeps separate.
    groups: list[str] = []
    pending: list[str] = []
    for entry in entries:
        if not entry:
            continue
        pending.append(entry)
        if not _ends_with_operator(entry):
            groups.append(" ".join(pending))
            pending = []
    if pending:
        groups.append(" ".join(pending))
    return ", ".join(groups)


def load_config(path: str, env: str | None = None) -> str:
    """The browserslist query a `.browserslistrc` or `package.json` holds, joined with ", ".

    The section is picked as browserslist picks it: `env`, else `$BROWSERSLIST_ENV`, else
    `$NODE_ENV`, else `"production"`, falling back to the `defaults` section (queries outside any
    `[section]`, or a plain string/list in package.json). `path` may also be a directory holding
    one of `.browserslistrc`, `browserslist` or a package.json with a `browserslist` key. Raises
    ValueError naming the path when the file is missing or malformed, or when no section applies
    (browserslist would then silently fall back to its defaults or select nothing).
    """
    file = Path(path)
    if file.is_dir():
        file = _config_in(file)
    try:
        text = file.read_text(encoding="utf-8").lstrip("\ufeff")
    except OSError as error:
        raise ValueError(f"{path}: cannot read browserslist config ({error.strerror})") from None
    config: Mapping[str, str | list[str]] = (
        _parse_package(text, file) if file.name == "package.json" else _parse_rc(text, file)
    )
    name = env or os.environ.get("BROWSERSLIST_ENV") or os.environ.get("NODE_ENV") or "production"
    # A JS `||`: an empty string section falls through to the defaults.
    section = config.get(name) or config.get("defaults")
    entries = [section] if isinstance(section, str) else list(section or [])
    query = _join(entries)
    if not query:
        raise ValueError(
            f"{file}: no browserslist queries for environment {name!r} "
            f"and no defaults (sections: {', '.join(sorted(config)) or 'none'})"
        )
    return query


def _config_in(directory: Path) -> Path:
    found = [
        directory / name
        for name in ("browserslist", ".browserslistrc")
        if (directory / name).is_file()
    ]
    package = directory / "package.json"
    if package.is_file() and '"browserslist"' in package.read_text(encoding="utf-8"):
        found.append(package)
    if len(found) > 1:
        raise ValueError(
            f"{directory}: contains several browserslist configs "
            f"({', '.join(file.name for file in found)})"
        )
    if not found:
        raise ValueError(
            f"{directory}: no .browserslistrc, browserslist or package.json with browsers"
        )
    return found[0]
