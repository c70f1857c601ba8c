"""`BrowserPolicy`: verdicts on requests' browsers, kept per User-Agent and Client Hints."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import fields
from typing import TYPE_CHECKING, Any, Final, Literal, NamedTuple, TypeAlias

from antechamber.browsers.detect import (
    HINT_HEADERS,
    MAX_USER_AGENT_LENGTH,
    Detection,
    detect_user_agent,
    warm_up,
    with_hints,
)
from antechamber.browsers.detection.hints import Hints, client_hints
from antechamber.browsers.info import BrowserInfo, Verdict
from antechamber.browsers.judgement import MODERN, Judge, MinimumVersion
from antechamber.browsers.user_agent import parse_user_agent
from antechamber.web.cache import BoundedCache

if TYPE_CHECKING:
    from user_agents.parsers import UserAgent

__all__ = ["MODERN", "BrowserInfo", "BrowserPolicy", "CacheInfo", "Verdict"]

# Agents whose version is also their engine's (Edge has followed Chromium's numbers since 79).
_OWN_ENGINE: Final = {
    "chrome": "chrome",
    "and_chr": "and_chr",
    "edge": "chrome",
    "firefox": "firefox",
    "and_ff": "and_ff",
    "ios_saf": "ios_saf",
}


class CacheInfo(NamedTuple):
    """Statistics of `BrowserPolicy`'s verdict cache, for benchmarks and monitoring."""

    hits: int
    misses: int
    maxsize: int
    currsize: int
    bytes: int


_CacheKey: TypeAlias = str | tuple[str, ...]
# A detection, or a detection and the Client Hints sent with it (see BrowserPolicy.verdict).
_Judged: TypeAlias = Detection | tuple[Detection, Hints]


def _weight(cache: BoundedCache[Any, Any], seen: set[int]) -> int:
    """Approximate bytes of a cache, its keys and values (those in `seen` not again)."""
    return sys.getsizeof(cache) + sum(
        _deep_size(key, seen) + _deep_size(value, seen) for key, value in cache.items()
    )


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
    Client Hints, at most `cache_size` of them (the oldest go first); User-Agents detected alike
    (new builds of one browser) share one `BrowserInfo`.
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
        self._judge = Judge(
            supported,
            browserslist_config=browserslist_config,
            browserslist_env=browserslist_env,
            browserslist_stats=browserslist_stats,
        )
        self.supported = self._judge.supported
        self.unknown = unknown
        self.cache_size = cache_size

        self._cache = BoundedCache[_CacheKey, BrowserInfo](cache_size)
        # A verdict is a function of the detection and the Client Hints alone, and never-seen
        # User-Agents are mostly new builds of a few browsers, sending the hints their browser
        # always sends: they share one judgement (and one BrowserInfo in the cache), and the
        # hints are applied once. Bounded like the cache, as a User-Agent may claim any version.
        self._verdicts = BoundedCache[_Judged, BrowserInfo](cache_size)
        self._user_agents = BoundedCache[str, "UserAgent"](cache_size)
        self._hits = 0
        self._misses = 0
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
        hints = client_hints(headers) if headers else None
        key: _CacheKey = ua if hints is None else (ua, *hints)
        info = self._cache.get(key)
        if info is not None:
            self._hits += 1
            return info
        self._misses += 1
        return self._cache.put(key, self.verdict(ua, hints))

    def verdict(self, user_agent: str, hints: Hints | None) -> BrowserInfo:
        """`inspect` without its per-User-Agent cache, for a caller that keeps its own:
        `user_agent` already capped, `hints` the four Client Hints in `HINT_HEADERS`' order
        ("" for one not sent, each capped) or None when none was sent."""
        detection = detect_user_agent(user_agent)
        judged: _Judged = detection if hints is None else (detection, hints)
        info = self._verdicts.get(judged)
        if info is None:
            if hints is not None:
                detection = with_hints(detection, dict(zip(HINT_HEADERS, hints, strict=True)))
            info = self._verdicts.put(judged, self._judge.judge(detection))
        return info

    def judge(self, detection: Detection) -> BrowserInfo:
        """The verdict on an already detected browser (uncached)."""
        return self._judge.judge(detection)

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
        return self._judge.judge(detection).verdict == "supported"

    def user_agent(self, user_agent: str | None) -> UserAgent:
        """The `user_agents.UserAgent` for a User-Agent, parsed on first use and cached."""
        return self._user_agents.get_or(
            (user_agent or "")[:MAX_USER_AGENT_LENGTH], parse_user_agent
        )

    def cache_info(self) -> CacheInfo:
        """Hits, misses, size and approximate memory (keys and verdicts, shared verdicts once)
        of the verdict cache."""
        seen: set[int] = set()
        size = _weight(self._cache, seen) + _weight(self._verdicts, seen)
        return CacheInfo(self._hits, self._misses, self.cache_size, len(self._cache), size)

    def cache_clear(self) -> None:
        self._cache.clear()
        self._verdicts.clear()
        self._hits = self._misses = 0


def _text(value: object) -> str:
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("latin-1")
    return ""


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
