"""The browser policy (a browserslist query or a mapping of minimum versions) and its verdicts."""

from __future__ import annotations

import sys
from collections import OrderedDict
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final, Literal, NamedTuple, TypeAlias

from antechamber.browsers.browserslist import load_config
from antechamber.browsers.browserslist._data import DESKTOP_NAMES
from antechamber.browsers.caniuse import agents, version_key
from antechamber.browsers.detect import (
    HINT_HEADERS,
    MAX_USER_AGENT_LENGTH,
    Detection,
    Facts,
    facts_of,
    warm_up,
    with_hints,
)
from antechamber.browsers.supported import mapping_minima, resolve_query
from antechamber.browsers.user_agent import parse_user_agent

if TYPE_CHECKING:
    from user_agents.parsers import UserAgent

__all__ = ["MODERN", "BrowserInfo", "BrowserPolicy", "CacheInfo", "Verdict"]

Verdict: TypeAlias = Literal["supported", "outdated", "unknown", "bot", "exempt"]
Version: TypeAlias = tuple[int, ...]
MinimumVersion: TypeAlias = str | int | float | Literal[False]

# Rails 7.2's `allow_browser versions: :modern`: browsers with webp, web push, badges, import
# maps, CSS nesting and CSS :has.
MODERN: Final[Mapping[str, MinimumVersion]] = {
    "safari": "17.2",
    "ios_saf": "17.2",
    "chrome": "120",
    "firefox": "121",
    "opera": "106",
    "ie": False,
}


# The agents an engine version is measured against. Chromium and Gecko have a desktop and an
# Android agent; caniuse keeps one version for and_chr/and_ff that stands for all of them, so the
# desktop agent's range is what gives the engine test its lower bound.
_ENGINE_AGENTS: Final[Mapping[str, tuple[str, ...]]] = {
    "chrome": ("chrome", "and_chr"),
    "and_chr": ("chrome", "and_chr"),
    "firefox": ("firefox", "and_ff"),
    "and_ff": ("firefox", "and_ff"),
    "ios_saf": ("ios_saf",),
}
# In a mapping, Rails' `safari:` covers Safari on iOS too; it does so here when `ios_saf` is not
# named, so `{"safari": "17.2"}` means what a Rails user expects.
_MAPPING_ENGINE_AGENTS: Final[Mapping[str, tuple[str, ...]]] = {
    **_ENGINE_AGENTS,
    "ios_saf": ("ios_saf", "safari"),
}
# Agents whose version is also their engine's (Edge has followed Chromium's numbers since 79).
_OWN_ENGINE: Final = {
    "chrome": "chrome",
    "and_chr": "and_chr",
    "edge": "chrome",
    "firefox": "firefox",
    "and_ff": "and_ff",
    "ios_saf": "ios_saf",
}
_EVERY_VERSION: Final = (0,)
_BLOCKED: Final = None


@dataclass(frozen=True, slots=True)
class BrowserInfo:
    """The verdict on one request's browser (also `request.state.browser`).

    >>> IE_11 = "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko"
    >>> info = BrowserPolicy("defaults").inspect(IE_11)
    >>> (info.family, info.agent, info.version, info.verdict)
    ('IE', 'ie', '11', 'outdated')

    `agent`/`version` are the browser's caniuse agent and version (`agent` is None when caniuse
    has no agent for it, `version` is then its own version); `engine`/`engine_version` are the
    Chromium, Gecko or iOS Safari equivalent it was also judged by; `reason` says why, for logs.
    """

    family: str
    agent: str | None
    version: str | None
    is_bot: bool
    is_mobile: bool
    verdict: Verdict
    engine: str | None = None
    engine_version: str | None = None
    os: str | None = None
    os_version: str | None = None
    is_tablet: bool = False
    reason: str = ""


class CacheInfo(NamedTuple):
    """Statistics of `BrowserPolicy`'s verdict cache, for benchmarks and monitoring."""

    hits: int
    misses: int
    maxsize: int
    currsize: int
    bytes: int


_CacheKey: TypeAlias = str | tuple[str, ...]
_Hints: TypeAlias = tuple[str, str, str, str]
# A detection, or a detection and the Client Hints sent with it (see BrowserPolicy._verdicts).
_Judged: TypeAlias = Facts | tuple[Facts, _Hints]


class BrowserPolicy:
    """Judge browsers against a browserslist query, a mapping of minimum versions, or `"modern"`.

    >>> policy = BrowserPolicy("defaults")                          # or "> 0.5%, not dead" ...
    >>> policy = BrowserPolicy({"chrome": "120", "safari": "17.2", "ie": False})
    >>> policy = BrowserPolicy("modern")
    >>> info = policy.inspect(request.headers.get("user-agent"), request.headers)
    >>> info.verdict                     # "supported", "outdated", "unknown" or "bot"
    >>> policy.blocks(info)              # outdated, or unknown with unknown="block"

    With a query, a browser is supported when its own version reaches the lowest version the query
    selects for its agent, or its engine version (Chromium, Gecko, iOS Safari) reaches the lowest
    the query selects for the engine's agents; versions newer than the caniuse data always pass.
    With a mapping, a named agent is held to its minimum (`False` blocks it), one not named to its
    engine's named minimum, and is otherwise supported. Verdicts are cached per User-Agent and
    Client Hints in a bounded LRU of `cache_size` entries; User-Agents detected alike (new builds
    of one browser) share one `BrowserInfo`.
    """

    def __init__(
        self,
        supported: str | Mapping[str, MinimumVersion] = "defaults",
        *,
        unknown: Literal["allow", "block"] = "allow",
        cache_size: int = 10_000,
        browserslist_config: str | None = None,
        browserslist_env: str | None = None,
        browserslist_stats: str | None = None,
    ) -> None:
        if unknown not in ("allow", "block"):
            raise ValueError(f"Invalid unknown={unknown!r}: expected 'allow' or 'block'")
        if isinstance(cache_size, bool) or not isinstance(cache_size, int) or cache_size < 1:
            raise ValueError(f"Invalid cache_size={cache_size!r}: expected a positive integer")
        # `extends`, `in PKG stats` and `browserslist config` look from the config's folder.
        self._path = browserslist_config
        self._env = browserslist_env
        self._stats = browserslist_stats
        if browserslist_config is not None:
            supported = load_config(browserslist_config, browserslist_env)
        if isinstance(supported, str) and supported.strip().lower() == "modern":
            supported = MODERN
        self.supported = supported
        self.unknown = unknown
        self.cache_size = cache_size

        self._data = agents()
        self._is_query = isinstance(supported, str)
        # Per agent, the lowest version admitted; _BLOCKED for `False` in a mapping.
        self._minimum: dict[str, Version | None]
        if isinstance(supported, str):
            self._minimum = self._query_minima(supported)
            self._engine_agents = _ENGINE_AGENTS
        elif isinstance(supported, Mapping):
            self._minimum = self._mapping_minima(supported)
            self._engine_agents = _MAPPING_ENGINE_AGENTS
        else:
            raise TypeError(
                f"Invalid supported={supported!r}: expected a browserslist query, 'modern' or a "
                "mapping of browser to minimum version"
            )
        self._engine_minimum = {
            engine: self._lowest(names) for engine, names in self._engine_agents.items()
        }
        self._newest = {key: _newest(agent.versions) for key, agent in self._data.items()}
        self._engine_newest = {
            engine: max(self._newest.get(name, ()) for name in names)
            for engine, names in _ENGINE_AGENTS.items()
        }

        self._cache: OrderedDict[_CacheKey, BrowserInfo] = OrderedDict()
        # A verdict is a function of the detection and the Client Hints alone, and never-seen
        # User-Agents are mostly new builds of a few browsers, sending the hints their browser
        # always sends: they share one judgement (and one BrowserInfo in the cache), and the
        # hints are applied once. Bounded like the cache, as a User-Agent may claim any version.
        self._verdicts: dict[_Judged, BrowserInfo] = {}
        self._hits = 0
        self._misses = 0
        self._user_agent = lru_cache(maxsize=cache_size)(parse_user_agent)
        warm_up()

    def __repr__(self) -> str:
        return f"BrowserPolicy({self.supported!r}, unknown={self.unknown!r})"

    # -- per request --------------------------------------------------------------------------

    def inspect(
        self, user_agent: str | None, headers: Mapping[str, str] | None = None
    ) -> BrowserInfo:
        """The verdict on a User-Agent, refined by any Client Hints in `headers`. Never raises."""
        if not isinstance(user_agent, str):
            user_agent = _text(user_agent)
        ua = user_agent[:MAX_USER_AGENT_LENGTH]
        hints = _client_hints(headers) if headers else None
        key: _CacheKey = ua if hints is None else (ua, *hints)
        cache = self._cache
        info = cache.get(key)
        if info is not None:
            self._hits += 1
            # Another thread may have evicted it in between; the answer stands. (try/except, not
            # contextlib.suppress: this is the hot path, and suppress costs a microsecond.)
            try:  # noqa: SIM105
                cache.move_to_end(key)
            except KeyError:
                pass
            return info
        self._misses += 1
        info = self.verdict(ua, hints)
        cache[key] = info
        if len(cache) > self.cache_size:
            with suppress(KeyError):  # emptied by another thread
                cache.popitem(last=False)
        return info

    def verdict(self, user_agent: str, hints: _Hints | None) -> BrowserInfo:
        """`inspect` without its per-User-Agent cache, for a caller that keeps its own (the
        gate): `user_agent` already capped, `hints` the four Client Hints in `HINT_HEADERS`'
        order ("" for one not sent, each capped) or None when none was sent."""
        facts = facts_of(user_agent)
        judged: _Judged = facts if hints is None else (facts, hints)
        verdicts = self._verdicts
        info = verdicts.get(judged)
        if info is None:
            if hints is not None:
                facts = with_hints(facts, dict(zip(HINT_HEADERS, hints, strict=True)))
            info = self.judge(facts)
            if len(verdicts) >= self.cache_size:
                verdicts.clear()  # only a flood of made-up versions gets here
            verdicts[judged] = info
        return info

    def blocks(self, info: BrowserInfo) -> bool:
        """Whether a request with this verdict should get the upgrade page."""
        return info.verdict == "outdated" or (info.verdict == "unknown" and self.unknown == "block")

    def admits(self, agent: str, version: str) -> bool:
        """Whether `agent` at `version` (a browser the upgrade page might offer) is supported."""
        engine = _OWN_ENGINE.get(agent)
        detection = Detection(
            family=agent,
            agent=agent,
            version=version,
            engine=engine,
            engine_version=version if engine is not None else None,
        )
        return self.judge(detection).verdict == "supported"

    def user_agent(self, user_agent: str | None) -> UserAgent:
        """The `user_agents.UserAgent` for a User-Agent, parsed on first use and cached."""
        return self._user_agent((user_agent or "")[:MAX_USER_AGENT_LENGTH])

    def cache_info(self) -> CacheInfo:
        """Hits, misses, size and approximate memory (keys and verdicts, shared verdicts once)
        of the verdict cache."""
        seen: set[int] = set()
        size = sys.getsizeof(self._cache) + sys.getsizeof(self._verdicts)
        for key, info in [*self._cache.items(), *self._verdicts.items()]:
            size += _deep_size(key, seen) + _deep_size(info, seen)
        return CacheInfo(self._hits, self._misses, self.cache_size, len(self._cache), size)

    def cache_clear(self) -> None:
        self._cache.clear()
        self._verdicts.clear()
        self._hits = self._misses = 0

    # -- the judgement ------------------------------------------------------------------------

    def judge(self, detection: Detection | Facts) -> BrowserInfo:
        """The verdict on an already detected browser (uncached)."""
        if detection.is_bot:
            return _info(detection, "bot", "crawler, previewer or tool")
        if not detection.is_recognised:
            return _info(detection, "unknown", "not a recognised browser")
        if self._is_query:
            verdict, reason = self._judge_by_query(detection)
        else:
            verdict, reason = self._judge_by_mapping(detection)
        return _info(detection, verdict, reason)

    def _judge_by_query(self, d: Detection | Facts) -> tuple[Verdict, str]:
        # Each version is read only when it is needed: a supported browser's own usually settles it.
        agent = d.agent
        if agent is not None:
            minimum = self._minimum.get(agent)
            if minimum == _EVERY_VERSION:
                return "supported", f"{agent} (every version) is selected"
            own = _key(d.version)
            if own is not None:
                if minimum is not None and own >= minimum:
                    return "supported", f"{agent} {d.version} >= {_show(minimum)}"
                if own > self._newest.get(agent, ()):
                    return "supported", f"{agent} {d.version} is newer than the caniuse data"
        engine_agent = d.engine
        if engine_agent is not None:
            engine = _key(d.engine_version)
            if engine is not None:
                minimum = self._engine_minimum[engine_agent]
                if minimum is not None and engine >= minimum:
                    return (
                        "supported",
                        f"engine {engine_agent} {d.engine_version} >= {_show(minimum)}",
                    )
                if engine > self._engine_newest[engine_agent]:
                    return (
                        "supported",
                        f"engine {engine_agent} {d.engine_version} is newer than the data",
                    )
        return (
            "outdated",
            f"{agent or engine_agent} {d.version or d.engine_version} is not selected",
        )

    def _judge_by_mapping(self, d: Detection | Facts) -> tuple[Verdict, str]:
        if d.agent is not None and d.agent in self._minimum and d.version is not None:
            return _compare(d.agent, d.version, self._minimum[d.agent])
        if d.engine is not None and d.engine_version is not None:
            for name in self._engine_agents[d.engine]:
                if name in self._minimum:
                    return _compare(f"engine {d.engine}", d.engine_version, self._minimum[name])
        if d.agent is not None and d.agent in self._minimum:
            return "unknown", f"{d.agent} without a version"
        return "supported", f"{d.agent or d.engine} is not limited by the policy"

    # -- precomputation -----------------------------------------------------------------------

    def _query_minima(self, query: str) -> dict[str, Version | None]:
        # Node.js entries ("node 22.11.0") are not browsers: skipped. Chrome and Firefox for
        # Android, IE Mobile and Android WebView, of which caniuse lists (mostly) the newest
        # version only, are judged by what the query says of them: their minimum comes from the
        # query resolved with browserslist's mobileToDesktop option (`and_chr >= 49` admits
        # Chrome for Android 49 and up, not only the one version caniuse lists).
        options: dict[str, Any] = {"path": self._path, "env": self._env, "stats": self._stats}
        selected = resolve_query(query, **options)
        mobile = resolve_query(query, **options, mobile_to_desktop=True)
        minima: dict[str, Version | None] = {}
        for entry in [*selected, *(e for e in mobile if e.partition(" ")[0] in DESKTOP_NAMES)]:
            name, _, version = entry.partition(" ")
            if name not in self._data:
                continue
            key = version_key(version)
            current = minima.get(name)
            if current is None or key < current:
                minima[name] = key
        return minima

    def _mapping_minima(self, mapping: Mapping[str, MinimumVersion]) -> dict[str, Version | None]:
        return mapping_minima(mapping, self._data)

    def _lowest(self, names: tuple[str, ...]) -> Version | None:
        found = [self._minimum[n] for n in names if n in self._minimum]
        versions = [v for v in found if v is not None]
        return min(versions) if versions else None


def _compare(what: str, version: str, minimum: Version | None) -> tuple[Verdict, str]:
    if minimum is None:
        return "outdated", f"{what} is blocked"
    key = _key(version)
    if key is not None and key >= minimum:
        return "supported", f"{what} {version} >= {_show(minimum)}"
    return "outdated", f"{what} {version} < {_show(minimum)}"


def _key(version: str | None) -> Version | None:
    """`version_key(version)`, None for None or anything that is not a version."""
    # What detection gives ("131", "17.2") is read here, as version_key would read it (its
    # `\d` and str.isdecimal are both Unicode's Nd); anything else goes the long way.
    if version is None:
        return None
    if version.isdecimal():
        return (int(version),)
    major, _, minor = version.partition(".")
    if major.isdecimal() and minor.isdecimal():
        second = int(minor)
        return (int(major), second) if second else (int(major),)
    return _long_key(version)


# Bounded all the same, as a User-Agent may claim any version.
@lru_cache(maxsize=2048)
def _long_key(version: str) -> Version | None:
    try:
        return version_key(version)
    except ValueError:
        return None


def _newest(versions: tuple[str, ...]) -> Version:
    keys = []
    for version in versions:
        if version.lower() in ("tp", "all"):
            continue  # previews and Opera Mini's "all" say nothing about how far the data goes
        key = _key(version)
        if key is not None:
            keys.append(key)
    return max(keys, default=())


@lru_cache(maxsize=256)  # only ever called with the policy's minima
def _show(version: Version) -> str:
    return ".".join(map(str, version))


def _info(d: Detection | Facts, verdict: Verdict, reason: str) -> BrowserInfo:
    """`BrowserInfo` with `d`'s fields, `verdict` and `reason`."""
    return BrowserInfo(
        family=d.family,
        agent=d.agent,
        version=d.version,
        is_bot=d.is_bot,
        is_mobile=d.is_mobile,
        verdict=verdict,
        engine=d.engine,
        engine_version=d.engine_version,
        os=d.os,
        os_version=d.os_version,
        is_tablet=d.is_tablet,
        reason=reason,
    )


def _text(value: object) -> str:
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("latin-1")
    return ""


def _client_hints(headers: Mapping[str, str]) -> _Hints | None:
    """The four hint headers (capped), or None when the request sends none."""
    if type(headers) is dict:
        # The gate's own dict, lower-case names and str values: four lookups on the hot path
        # (written out: a comprehension costs a frame per request).
        get = headers.get
        # In HINT_HEADERS' order, which the cache key and the detector rely on.
        brands, full, mobile, platform = (
            get("sec-ch-ua"),
            get("sec-ch-ua-full-version-list"),
            get("sec-ch-ua-mobile"),
            get("sec-ch-ua-platform"),
        )
        if brands is not None or mobile is not None or platform is not None or full is not None:
            cap = MAX_USER_AGENT_LENGTH
            return (
                brands[:cap] if isinstance(brands, str) else "",
                full[:cap] if isinstance(full, str) else "",
                mobile[:cap] if isinstance(mobile, str) else "",
                platform[:cap] if isinstance(platform, str) else "",
            )
    values = _hints_by_scan(headers)
    if values is None or values == [None, None, None, None]:
        return None
    capped = [v[:MAX_USER_AGENT_LENGTH] if isinstance(v, str) else "" for v in values]
    return capped[0], capped[1], capped[2], capped[3]


def _hints_by_scan(headers: Mapping[str, str]) -> list[str | None] | None:
    found: dict[str, str] = {}
    try:
        raw = getattr(headers, "raw", None)
        if isinstance(raw, list):
            # Starlette's Headers: one pass over the ASGI pairs (names already lower-case)
            # instead of a scan of the whole list per header asked for.
            for name, value in raw:
                if name[:9] == b"sec-ch-ua":
                    found[name.decode("latin-1")] = value.decode("latin-1")
        elif isinstance(headers, dict):
            for name, value in headers.items():
                if name[:9].lower() == "sec-ch-ua":
                    found[name.lower()] = value
        else:
            # httpx's, multidict's, werkzeug's ... headers are case-insensitive already.
            for name in HINT_HEADERS:
                value = headers.get(name)
                if value is not None:
                    found[name] = value
    except (AttributeError, TypeError, ValueError):
        return None
    return [found.get(name) for name in HINT_HEADERS]


def _deep_size(obj: object, seen: set[int]) -> int:
    if id(obj) in seen:
        return 0
    seen.add(id(obj))
    size = sys.getsizeof(obj)
    if isinstance(obj, tuple):
        size += sum(_deep_size(item, seen) for item in obj)
    elif isinstance(obj, BrowserInfo):
        size += sum(_deep_size(getattr(obj, f.name), seen) for f in fields(obj))
    return size
