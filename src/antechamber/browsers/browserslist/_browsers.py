"""browserslist's selectors that read caniuse's agents and usage tables."""

from __future__ import annotations

import re

from antechamber.browsers.browserslist import _data as d
from antechamber.browsers.browserslist._data import BrowserslistError
from antechamber.browsers.browserslist._js import date_utc_ms, parse_float, regex
from antechamber.browsers.browserslist._parse import Context, Node, Select

_YEAR_MS = 365.259641 * 24 * 60 * 60 * 1000
_MY_STATS = regex(r"^my\s+stats$")


def _count(node: Node) -> int:
    return int(node.groups[0] or 0)


def last_major_versions(context: Context, node: Node) -> list[str]:
    selected: list[str] = []
    for data in d.browsers(context.mobile_to_desktop):
        entries = d.names(data, d.major_versions(data.released, _count(node)))
        selected += d.filter_jumps(entries, data.name, _count(node), context.mobile_to_desktop)
    return selected


def last_versions(context: Context, node: Node) -> list[str]:
    selected: list[str] = []
    for data in d.browsers(context.mobile_to_desktop):
        entries = d.names(data, data.released[-_count(node) :])
        selected += d.filter_jumps(entries, data.name, _count(node), context.mobile_to_desktop)
    return selected


def last_browser_major_versions(context: Context, node: Node) -> list[str]:
    data = d.check_name(node.groups[1] or "", context.mobile_to_desktop)
    entries = d.names(data, d.major_versions(data.released, _count(node)))
    return d.filter_jumps(entries, data.name, _count(node), context.mobile_to_desktop)


def last_browser_versions(context: Context, node: Node) -> list[str]:
    data = d.check_name(node.groups[1] or "", context.mobile_to_desktop)
    return d.filter_jumps(
        d.names(data, data.released[-_count(node) :]),
        data.name,
        _count(node),
        context.mobile_to_desktop,
    )


def unreleased_versions(context: Context, node: Node) -> list[str]:
    selected: list[str] = []
    for data in d.browsers(context.mobile_to_desktop):
        selected += d.names(data, (v for v in data.versions if v not in data.released))
    return selected


def unreleased_browser_versions(context: Context, node: Node) -> list[str]:
    data = d.check_name(node.groups[0] or "", context.mobile_to_desktop)
    return d.names(data, (v for v in data.versions if v not in data.released))


def last_years(context: Context, node: Node) -> list[str]:
    now = context.now_ms if context.now_ms is not None else 0
    return d.filter_by_year(now - _YEAR_MS * float(node.groups[0] or 0), context.mobile_to_desktop)


def since(context: Context, node: Node) -> list[str]:
    year, month, day = (*node.groups, None, None)[:3]
    since_ms = date_utc_ms(int(year or 0), int(month or "01") - 1, int(day or "01"))
    return d.filter_by_year(since_ms, context.mobile_to_desktop)


def popularity(context: Context, node: Node) -> list[str]:
    sign, share = node.groups[0] or "", node.groups[1] or ""
    return d.filter_usage(d.global_usage(), sign, parse_float(share))


def popularity_in_my_stats(context: Context, node: Node) -> list[str]:
    sign, share = node.groups[0] or "", node.groups[1] or ""
    if context.custom_usage is None:
        raise BrowserslistError("Custom usage statistics was not provided")
    return d.filter_usage(context.custom_usage, sign, parse_float(share))


def popularity_in_place(context: Context, node: Node) -> list[str]:
    sign, share, place = node.groups[0] or "", node.groups[1] or "", node.groups[2] or ""
    return d.filter_usage(d.region_usage(d.place(place)), sign, parse_float(share))


def cover(context: Context, node: Node) -> list[str]:
    coverage = parse_float(node.groups[0] or "")
    place = node.groups[1] if len(node.groups) > 1 else None
    if place is None:
        usage = d.global_usage()
    elif _MY_STATS.match(place):
        if context.custom_usage is None:
            raise BrowserslistError("Custom usage statistics was not provided")
        usage = dict(context.custom_usage)
    else:
        usage = d.region_usage(d.place(place))
    return cover_usage(usage, coverage)


def cover_usage(usage: dict[str, float], coverage: float) -> list[str]:
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


def browser_range(context: Context, node: Node) -> list[str]:
    name, first, last = node.groups[0] or "", node.groups[1] or "", node.groups[2] or ""
    data = d.check_name(name, context.mobile_to_desktop)
    low = parse_float(d.normalize_version(data, first) or first)
    high = parse_float(d.normalize_version(data, last) or last)
    return d.names(
        data,
        (v for v in data.released if d.parse_latest_float(v) >= low and parse_float(v) <= high),
    )


def browser_ray(context: Context, node: Node) -> list[str]:
    name, sign, version = node.groups[0] or "", node.groups[1] or "", node.groups[2] or ""
    data = d.check_name(name, context.mobile_to_desktop)
    alias = data.version_aliases.get(version.lower())
    # Numbers stay as written: an alias would move a bound such as 15.6 to the far end of
    # "15.6-15.8".
    if alias and not re.fullmatch(r"[\d.]+", version, re.ASCII):
        version = alias
    if not re.search(r"[\d.]+", version, re.ASCII):
        raise BrowserslistError(f"Unknown version {version} of {name}")
    return d.names(data, filter(d.version_filter(sign, version), data.released))


def browser_version(context: Context, node: Node) -> list[str]:
    name, version = node.groups[0] or "", node.groups[1] or ""
    if version.lower() == "tp":
        version = "TP"
    data = d.check_name(name, context.mobile_to_desktop)
    alias = d.normalize_version(data, version)
    if alias:
        version = alias
    else:
        alias = version + ".0" if "." not in version else re.sub(r"\.0$", "", version)
        alias = d.normalize_version(data, alias)
        if not alias:
            raise BrowserslistError(f"Unknown version {version} of {name}")
        version = alias
    return [f"{data.name} {version}"]


def unknown(context: Context, node: Node) -> list[str]:
    if d.by_name(node.query, context.mobile_to_desktop):
        raise BrowserslistError(f"Specify versions in Browserslist query for browser {node.query}")
    raise BrowserslistError(
        f"Unknown browser query `{node.query}`. "
        "Maybe you are using old Browserslist or made typo in query."
    )


def constant(*entries: str) -> Select:
    return lambda context, node: list(entries)
