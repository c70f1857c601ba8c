"""`baseline ...` queries, from the shipped baseline-browser-mapping snapshot (data/baseline.json).

browserslist asks baseline-browser-mapping's getCompatibleVersions() for the Baseline versions of
each browser at a cut-off date and selects `<browser> >= <version>` for each. The cut-off is:
`baseline 2024`: 31 December 2024; `baseline widely available [on DATE]`: 30 months before DATE
(default today); `baseline newly available`: today (today + 30 months - 30 months, with JS month
arithmetic). Each browser's Baseline version is the last one the timeline names on or before the
cut-off; before Baseline began (29 July 2015) it is every version ("0").
"""

from __future__ import annotations

import json
import math
from functools import cache
from importlib.resources import files
from typing import Any

from antechamber.browsers.browserslist._data import BrowserslistError
from antechamber.browsers.browserslist._js import (
    add_months_ms,
    parse_iso_date_ms,
    utc_ms,
    year_end_ms,
)
from antechamber.browsers.browserslist._parse import Context, Node

_SNAPSHOT = files("antechamber").joinpath("data", "baseline.json")
_START_MS = utc_ms(2015, 6, 29)
# bbmTransform in browserslist's index.js: baseline-browser-mapping's names to caniuse's.
_AGENTS = {
    "chrome": "chrome",
    "chrome_android": "and_chr",
    "edge": "edge",
    "firefox": "firefox",
    "firefox_android": "and_ff",
    "safari": "safari",
    "safari_ios": "ios_saf",
    "webview_android": "android",
    "samsunginternet_android": "samsung",
    "opera_android": "op_mob",
    "opera": "opera",
    "qq_android": "and_qq",
    "uc_android": "and_uc",
    "kai_os": "kaios",
}


@cache
def _snapshot() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_SNAPSHOT.read_text(encoding="utf-8"))
    return data


@cache
def _timeline() -> tuple[tuple[float, tuple[tuple[str, str], ...]], ...]:
    return tuple(
        (parse_iso_date_ms(date), tuple((name, version) for name, version in changes))
        for date, changes in _snapshot()["timeline"]
    )


def version() -> str:
    return str(_snapshot()["baseline-browser-mapping"])


def _compatible(cutoff_ms: float, downstream: bool, kaios: bool) -> list[tuple[str, str]]:
    """getCompatibleVersions(): (browser, version) in baseline-browser-mapping's order."""
    core = set(_snapshot()["core"])
    wanted = [
        name
        for name in _snapshot()["order"]
        if (name in core or downstream) and (kaios or name != "kai_os")
    ]
    if cutoff_ms < _START_MS:
        return [(name, "0") for name in wanted]
    current: dict[str, str] = {}
    for date_ms, changes in _timeline():
        if not date_ms <= cutoff_ms:  # a NaN cut-off reaches no date
            continue
        for name, version in changes:
            current[name] = version
    return [(name, current[name]) for name in wanted if name in current]


def _cutoff(context: Context, node: Node) -> float:
    year, availability, date = node.groups[0], node.groups[1], node.groups[2]
    now = float(context.now_ms if context.now_ms is not None else 0)
    if year:
        return year_end_ms(year)
    if date:
        start = parse_iso_date_ms(date)
    elif availability and availability.lower() == "newly":
        start = add_months_ms(now, 30)
    else:
        start = now
    return add_months_ms(start, -30) if not math.isnan(start) else start


def select(context: Context, node: Node) -> list[str]:
    availability = (node.groups[1] or "").lower()
    if availability == "newly" and node.groups[2]:
        raise BrowserslistError(
            "Using newly available with a date is not supported, please use "
            '"widely available on YYYY-MM-DD" and add 30 months to the date you specified.'
        )
    downstream, kaios = bool(node.groups[3]), bool(node.groups[4])
    cutoff = _cutoff(context, node)
    if kaios and not downstream:
        # baseline-browser-mapping counts KaiOS as downstream and refuses it alone, so
        # browserslist takes KaiOS from the downstream list and the rest from the core one.
        versions = _compatible(cutoff, False, False) + [
            entry for entry in _compatible(cutoff, True, True) if entry[0] == "kai_os"
        ]
    else:
        versions = _compatible(cutoff, downstream, kaios)
    queries = [f"{_AGENTS[name]} >= {version}" for name, version in versions if name in _AGENTS]
    return context.resolve(queries, context)
