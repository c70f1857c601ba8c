"""The judgement: a browser's versions against the lowest a policy admits.

With a query, a browser is supported when its own version reaches the lowest version the query
selects for its agent, or its engine version (Chromium, Gecko, iOS Safari) reaches the lowest the
query selects for the engine's agents; versions newer than the caniuse data always pass. With a
mapping, a named agent is held to its minimum (`False` blocks it), one not named to its engine's
named minimum, and is otherwise supported.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, Literal, TypeAlias

from antechamber.browsers.browserslist import load_config
from antechamber.browsers.browserslist._data import DESKTOP_NAMES
from antechamber.browsers.caniuse import agents, version_key
from antechamber.browsers.detection.base import Detection
from antechamber.browsers.info import BrowserInfo, Verdict, info_of
from antechamber.browsers.supported import mapping_minima, resolve_query

__all__ = ["MODERN", "Judge", "MinimumVersion"]

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
_EVERY_VERSION: Final = (0,)


class Judge:
    """A policy's minima, worked out once; `judge(detection)` is the verdict (uncached)."""

    def __init__(
        self,
        supported: str | Mapping[str, MinimumVersion],
        *,
        browserslist_config: str | None = None,
        browserslist_env: str | None = None,
        browserslist_stats: str | None = None,
    ) -> None:
        # `extends`, `in PKG stats` and `browserslist config` look from the config's folder.
        self._path = browserslist_config
        self._env = browserslist_env
        self._stats = browserslist_stats
        if browserslist_config is not None:
            supported = load_config(browserslist_config, browserslist_env)
        if isinstance(supported, str) and supported.strip().lower() == "modern":
            supported = MODERN
        self.supported = supported

        self._data = agents()
        self._is_query = isinstance(supported, str)
        # Per agent, the lowest version admitted; None for `False` in a mapping.
        self._minimum: dict[str, Version | None]
        if isinstance(supported, str):
            self._minimum = self._query_minima(supported)
            self._engine_agents = _ENGINE_AGENTS
        elif isinstance(supported, Mapping):
            self._minimum = mapping_minima(supported, self._data)
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

    def judge(self, detection: Detection) -> BrowserInfo:
        """The verdict on an already detected browser (uncached)."""
        if detection.is_bot:
            return info_of(detection, "bot", "crawler, previewer or tool")
        if not detection.is_recognised:
            return info_of(detection, "unknown", "not a recognised browser")
        if self._is_query:
            verdict, reason = self._by_query(detection)
        else:
            verdict, reason = self._by_mapping(detection)
        return info_of(detection, verdict, reason)

    def _by_query(self, d: Detection) -> tuple[Verdict, str]:
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

    def _by_mapping(self, d: Detection) -> tuple[Verdict, str]:
        if d.agent is not None and d.agent in self._minimum and d.version is not None:
            return _compare(d.agent, d.version, self._minimum[d.agent])
        if d.engine is not None and d.engine_version is not None:
            for name in self._engine_agents[d.engine]:
                if name in self._minimum:
                    return _compare(f"engine {d.engine}", d.engine_version, self._minimum[name])
        if d.agent is not None and d.agent in self._minimum:
            return "unknown", f"{d.agent} without a version"
        return "supported", f"{d.agent or d.engine} is not limited by the policy"

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


def _show(version: Version) -> str:
    return ".".join(map(str, version))
