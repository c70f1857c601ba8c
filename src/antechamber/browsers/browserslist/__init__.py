"""browserslist's query resolver, ported from browserslist 4.29.6 onto the shipped data.

`browserslist("defaults")` answers what `npx browserslist "defaults"` prints with caniuse-lite,
baseline-browser-mapping, node-releases and electron-to-chromium at the shipped versions: same
entries, same format, same order, same error messages. The port follows the JS where results
depend on it (JS number parsing, key order, sorting), so it keeps the JS names of the steps.

When browserslist is upgraded, re-check `FIREFOX_ESR_VERSION`, `_DEAD` and `ALIASES` against its
index.js, then regenerate tests/fixtures/browserslist_queries.json.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cmp_to_key, lru_cache
from pathlib import Path

from antechamber.browsers.browserslist import _browsers as b
from antechamber.browsers.browserslist import baseline, extends, features, nodejs
from antechamber.browsers.browserslist import stats as _stats
from antechamber.browsers.browserslist._data import (
    ALIASES,
    BrowserslistError,
    by_name,
    global_usage,
    region_usage,
)
from antechamber.browsers.browserslist._js import compare, compare_semver, regex, to_ms
from antechamber.browsers.browserslist._parse import Context, Node, Select, parse
from antechamber.browsers.browserslist.config import DEFAULTS, browserslist_config, load_config

__all__ = [
    "ALIASES",
    "BASELINE_VERSION",
    "BROWSERSLIST_VERSION",
    "BrowserslistError",
    "browserslist",
    "coverage",
    "load_config",
]

BROWSERSLIST_VERSION = "4.29.6"
BASELINE_VERSION = baseline.version()
_DEAD = ("Baidu >= 0", "ie <= 11", "ie_mob <= 11", "bb <= 10", "op_mob <= 12.1", "samsung 4")
_NUMBER = r"(\d+|\d+\.\d+|\.\d+)"
_QUERIES: tuple[tuple[str, str, Select], ...] = (
    ("last_major_versions", r"^last\s+(\d+)\s+major\s+versions?$", b.last_major_versions),
    ("last_versions", r"^last\s+(\d+)\s+versions?$", b.last_versions),
    (
        "last_electron_major_versions",
        r"^last\s+(\d+)\s+electron\s+major\s+versions?$",
        nodejs.last_electron_major_versions,
    ),
    (
        "last_node_major_versions",
        r"^last\s+(\d+)\s+node\s+major\s+versions?$",
        nodejs.last_node_major_versions,
    ),
    (
        "last_browser_major_versions",
        r"^last\s+(\d+)\s+(\w+)\s+major\s+versions?$",
        b.last_browser_major_versions,
    ),
    (
        "last_electron_versions",
        r"^last\s+(\d+)\s+electron\s+versions?$",
        nodejs.last_electron_versions,
    ),
    ("last_node_versions", r"^last\s+(\d+)\s+node\s+versions?$", nodejs.last_node_versions),
    ("last_browser_versions", r"^last\s+(\d+)\s+(\w+)\s+versions?$", b.last_browser_versions),
    ("unreleased_versions", r"^unreleased\s+versions$", b.unreleased_versions),
    ("unreleased_electron_versions", r"^unreleased\s+electron\s+versions?$", b.constant()),
    (
        "unreleased_browser_versions",
        r"^unreleased\s+(\w+)\s+versions?$",
        b.unreleased_browser_versions,
    ),
    ("last_years", r"^last\s+((?:\d+\.)?\d+)\s+years?$", b.last_years),
    ("since_y", r"^since\s+(\d+)$", b.since),
    ("since_y_m", r"^since\s+(\d+)-(\d+)$", b.since),
    ("since_y_m_d", r"^since\s+(\d+)-(\d+)-(\d+)$", b.since),
    (
        "baseline",
        r"^baseline\s+(?!\s)(?:(\d+)|(newly|widely)\s+(?!\s)available"
        r"(?:\s+(?!\s)on\s+(?!\s)(\d{4}-\d{2}-\d{2}))?)?(\s+(?!\s)with\s+(?!\s)downstream)?"
        r"(\s+(?!\s)including\s+(?!\s)kaios)?$",
        baseline.select,
    ),
    ("popularity", rf"^(>=?|<=?)\s*{_NUMBER}%$", b.popularity),
    (
        "popularity_in_my_stats",
        rf"^(>=?|<=?)\s*{_NUMBER}%\s+in\s+my\s+stats$",
        b.popularity_in_my_stats,
    ),
    (
        "popularity_in_config_stats",
        rf"^(>=?|<=?)\s*{_NUMBER}%\s+in\s+(\S+)\s+stats$",
        _stats.popularity_in_config_stats,
    ),
    (
        "popularity_in_place",
        rf"^(>=?|<=?)\s*{_NUMBER}%\s+in\s+((?:alt-)?\w\w)$",
        b.popularity_in_place,
    ),
    ("cover", rf"^cover\s+{_NUMBER}%$", b.cover),
    ("cover_in", rf"^cover\s+{_NUMBER}%\s+in\s+(my\s+stats|(?:alt-)?\w\w)$", b.cover),
    ("cover_config", rf"^cover\s+{_NUMBER}%\s+in\s+(\S+)\s+stats$", _stats.cover_config),
    ("supports", r"^(?:(fully|partially)\s+)?supports\s+([\w-]+)$", features.select),
    ("electron_range", r"^electron\s+([\d.]+)\s*-\s*([\d.]+)$", nodejs.electron_range),
    ("node_range", r"^node\s+([\d.]+)\s*-\s*([\d.]+)$", nodejs.node_range),
    ("browser_range", r"^(\w+)\s+([\d.]+)\s*-\s*([\d.]+)$", b.browser_range),
    ("electron_ray", r"^electron\s*(>=?|<=?)\s*([\d.]+)$", nodejs.electron_ray),
    ("node_ray", r"^node\s*(>=?|<=?)\s*([\d.]+)$", nodejs.node_ray),
    ("browser_ray", r"^(\w+)\s*(>=?|<=?)\s*([\d.]+|esr)$", b.browser_ray),
    ("firefox_esr", r"^(?:firefox|ff|fx)\s+esr$", b.constant("firefox 153")),
    # Not anchored in browserslist either.
    ("opera_mini_all", r"(?:operamini|op_mini)\s+all", b.constant("op_mini all")),
    ("electron_version", r"^electron\s+([\d.]+)$", nodejs.electron_version),
    ("node_major_version", r"^node\s+(\d+)$", nodejs.node_version),
    ("node_minor_version", r"^node\s+(\d+\.\d+)$", nodejs.node_version),
    ("node_patch_version", r"^node\s+(\d+\.\d+\.\d+)$", nodejs.node_version),
    ("current_node", r"^current\s+node$", nodejs.current_node),
    ("maintained_node", r"^maintained\s+node\s+versions$", nodejs.maintained_node),
    # PhantomJS needs no data: browserslist maps it to fixed Safari versions.
    ("phantomjs_1_9", r"^phantomjs\s+1.9$", b.constant("safari 5")),
    ("phantomjs_2_1", r"^phantomjs\s+2.1$", b.constant("safari 6")),
    ("browser_version", r"^(\w+)\s+(tp|[\d.]+)$", b.browser_version),
    ("browserslist_config", r"^browserslist\s+config$", browserslist_config),
    ("extends", r"^extends\s+(?!\s)(.+)$", extends.extends),
    ("defaults", r"^defaults$", lambda context, node: _resolve(DEFAULTS, context)),
    ("dead", r"^dead$", lambda context, node: _resolve(_DEAD, context)),
    ("unknown", r"^(\w+)$", b.unknown),
)
_PATTERNS = tuple((name, regex(pattern)) for name, pattern, _ in _QUERIES)
_SELECTS = {name: select for name, _, select in _QUERIES}
_NOT = regex(r"^not\s+(?!\s)")
# Queries whose answer depends on the date, the file system or the node on PATH: not cached.
_UNCACHED = {"last_years", "baseline", "maintained_node", "current_node", "extends"}
_UNCACHED |= {"browserslist_config", "popularity_in_config_stats", "cover_config"}


def _match_query(query: str) -> Node:
    negated = _NOT.match(query)
    text = query[negated.end() :] if negated else query
    for name, pattern in _PATTERNS:
        # search, not match: the opera_mini_all pattern is not anchored in browserslist either.
        match = pattern.search(text)
        if match:
            return Node(query, name, match.groups(), negated is not None)
    return Node(query, "unknown", (), negated is not None)


@lru_cache(maxsize=512)
def _parse(queries: str | tuple[str, ...]) -> tuple[Node, ...]:
    return tuple(parse(queries, _match_query))


def _resolve(queries: str | Sequence[str], context: Context) -> list[str]:
    result: list[str] = []
    nodes = _parse(queries if isinstance(queries, str) else tuple(_strings(queries)))
    for index, node in enumerate(nodes):
        if node.negated and index == 0:
            raise BrowserslistError(
                f"Write any browsers query (for instance, `defaults`) before `{node.query}`"
            )
        selected = []
        for entry in _SELECTS[node.type](context, node):
            name, _, version = entry.partition(" ")
            if version == "0":
                data = by_name(name, context.mobile_to_desktop)
                entry = f"{name} {data.versions[0]}" if data else entry
            selected.append(entry)
        if not node.negated and node.compose == "or":
            result += selected
            continue
        chosen = set(selected)
        keep = not node.negated
        result = [entry for entry in result if (entry in chosen) == keep]
    return result


def _strings(queries: Sequence[object]) -> list[str]:
    if not all(isinstance(query, str) for query in queries):
        raise BrowserslistError(
            "Browserslist config should be a string or an array of strings with browser queries"
        )
    return [str(query) for query in queries]


def _compare_entries(first: str, second: str) -> int:
    name1, version1 = first.split(" ")[:2]
    name2, version2 = second.split(" ")[:2]
    if name1 == name2:
        # caniuse ranges never overlap, so a range sorts by its lower end.
        return compare_semver(version2.split("-")[0].split("."), version1.split("-")[0].split("."))
    return compare(name1, name2)


def _select_sorted(queries: str | Sequence[str], context: Context) -> list[str]:
    # browserslist's own comparator: by name, then version, newest first. It is not a total
    # order ("TP" and "all" equal everything), so the result also depends on the sort algorithm;
    # CPython's list.sort is the TimSort that V8's Array.prototype.sort was ported from.
    selected = list(dict.fromkeys(_resolve(queries, context)))
    return sorted(selected, key=cmp_to_key(_compare_entries))


@lru_cache(maxsize=512)
def _cached(
    query: str, path: Path | None, env: str | None, mobile_to_desktop: bool
) -> tuple[str, ...]:
    context = Context(None, path, env, None, mobile_to_desktop, _resolve)
    return tuple(_select_sorted(query, context))


def _uncached(nodes: Sequence[Node]) -> bool:
    return any(node.type in _UNCACHED or "stats" in node.query.lower() for node in nodes)


def browserslist(
    query: str,
    *,
    path: str | os.PathLike[str] | None = None,
    now: datetime | None = None,
    env: str | None = None,
    stats: _stats.Stats | None = None,
    mobile_to_desktop: bool = False,
) -> list[str]:
    """The browser versions a browserslist query selects, as `npx browserslist` prints them.

        >>> browserslist("firefox esr, ios_saf >= 18")[:2]
        ['firefox 153', 'ios_saf 26.6']

    Entries are `"<caniuse agent> <version>"` (`"ios_saf 18.5-18.7"`, `"op_mini all"`), sorted by
    agent, newest version first; Node.js queries add `"node 22.11.0"` entries. `path` is where
    `extends`, `... in PKG stats`, `browserslist config` and a `browserslist-stats.json` are
    looked for (a folder, or a config file in it; default: the working directory). `now` fixes
    the date for `last N years`, `baseline widely/newly available` and `maintained node versions`
    (naive datetimes are UTC; default: the time of the call). `env` picks a config section
    (default: $BROWSERSLIST_ENV, $NODE_ENV, "production"). `stats` is the `my stats` usage: a
    `browserslist-stats.json` path or its parsed mapping. `mobile_to_desktop` is browserslist's
    `mobileToDesktop` option: Chrome and Firefox for Android, IE Mobile and Android WebView take
    their desktop equivalent's versions (`and_chr >= 120` selects and_chr 120 and up).

    Raises BrowserslistError (a ValueError) with browserslist's own message for a malformed
    query, an unknown browser, version, feature or region, and a package that cannot be found
    or read.
    """
    if not isinstance(query, str):
        raise TypeError(f"A browserslist query must be a string, not {type(query).__name__}")
    where = Path(path) if path is not None else None
    try:
        nodes = _parse(query)
        if stats is None and not _uncached(nodes) and now is None:
            return list(_cached(query, where, env, mobile_to_desktop))
        moment = to_ms(now if now is not None else datetime.now(UTC))
        usage = _stats.custom_usage(stats, where if where is not None else Path.cwd())
        context = Context(moment, where, env, usage, mobile_to_desktop, _resolve)
        return _select_sorted(query, context)
    except BrowserslistError as error:
        raise BrowserslistError(error.reason, query) from None


def coverage(browsers: Sequence[str], region: str | None = None) -> float:
    """The share of users (percent) the entries cover: browserslist.coverage(). `region` is a
    caniuse region code (`"US"`, `"alt-eu"`), or None for the world. Entries without usage data
    (Node.js versions, unreleased browsers) count for nothing."""
    if region is None:
        usage = global_usage()
    else:
        try:
            usage = region_usage(region.lower() if len(region) > 2 else region.upper())
        except BrowserslistError as error:
            raise BrowserslistError(error.reason, region) from None
    total = 0.0
    for entry in browsers:
        share = usage.get(entry)
        if share is None:
            share = usage.get(entry.rpartition(" ")[0] + " 0")
        total += share or 0
    return total
