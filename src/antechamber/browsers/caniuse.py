"""The caniuse usage data that antechamber ships (src/antechamber/data/caniuse.json).

The snapshot is written by `scripts/update-data` from a caniuse-db release and read here once, on
first use. Mappings keep the key order of the snapshot, which is the order browserslist iterates.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from types import MappingProxyType
from typing import Any

__all__ = [
    "CANIUSE_VERSION",
    "Agent",
    "agents",
    "region_usage",
    "regions",
    "version_key",
]

_SNAPSHOT = files("antechamber").joinpath("data", "caniuse.json")


def _read_version() -> str:
    # Only the head of the file: importing this module must not cost the full parse.
    with _SNAPSHOT.open("rb") as stream:
        head = stream.read(256).decode("utf-8", "replace")
    match = re.match(r'\{"caniuse_version":"([^"]+)"', head)
    if match is None:
        return str(_snapshot()["caniuse_version"])
    return match.group(1)


CANIUSE_VERSION: str = _read_version()


@dataclass(frozen=True, slots=True)
class Agent:
    """One caniuse agent (a browser as caniuse counts them), e.g. `agents()["ios_saf"]`.

    `versions` run oldest first and include unreleased ones; `released` is what browserslist
    treats as released. Version strings are caniuse's own (`"18.5-18.7"`, `"TP"`, `"all"`).
    """

    key: str
    browser: str
    long_name: str
    type: str
    versions: tuple[str, ...]
    released: tuple[str, ...]
    release_dates: Mapping[str, int | None] = field(hash=False)
    usage_global: Mapping[str, float] = field(hash=False)


@cache
def _snapshot() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_SNAPSHOT.read_text(encoding="utf-8"))
    return data


@cache
def agents() -> Mapping[str, Agent]:
    """Every caniuse agent by key (`"chrome"`, `"and_chr"` ...), in caniuse's order."""
    result: dict[str, Agent] = {}
    for key, raw in _snapshot()["agents"].items():
        versions = tuple(raw["versions"])
        result[key] = Agent(
            key=key,
            browser=raw["browser"],
            long_name=raw["long_name"],
            type=raw["type"],
            versions=versions,
            released=versions[: len(versions) - raw["unreleased"]],
            release_dates=MappingProxyType(dict(zip(versions, raw["release_dates"], strict=True))),
            usage_global=MappingProxyType(raw["usage_global"]),
        )
    return MappingProxyType(result)


@cache
def _region_tables() -> Mapping[str, Mapping[str, Mapping[str, float]]]:
    return MappingProxyType(
        {
            code: MappingProxyType(
                {agent: MappingProxyType(shares) for agent, shares in table.items()}
            )
            for code, table in _snapshot()["regions"].items()
        }
    )


def regions() -> tuple[str, ...]:
    """Region codes with usage data: countries (`"UA"`, `"DE"`), `"alt-ww"`, `"alt-eu"` ..."""
    return tuple(_region_tables())


def region_usage(region: str) -> Mapping[str, Mapping[str, float]]:
    """Usage share in percent by agent, then version, for one region.

    `region` is a country code in any case (`"UA"`, `"de"`) or a caniuse group (`"alt-ww"` is the
    whole world, `"alt-eu"` Europe ...). Versions without data are absent. Raises ValueError for a
    region caniuse has no table for.
    """
    code = region.strip()
    code = code.upper() if len(code) == 2 else code.lower()
    tables = _region_tables()
    if code not in tables:
        raise ValueError(
            f"Unknown region {region!r}: expected a caniuse region code such as 'alt-ww' "
            "(world), 'alt-eu' or a two-letter country code such as 'US'"
        )
    return tables[code]


# Safari Technology Preview is ahead of every released Safari.
_PREVIEW = (2**31 - 1,)
_VERSION = re.compile(r"(\d+(?:\.\d+)*)(?:-\d+(?:\.\d+)*)?")


def version_key(version: str) -> tuple[int, ...]:
    """A sort key for a caniuse or User-Agent version: `"17.2"` -> `(17, 2)`.

    A joined range sorts by its lower bound (`"18.5-18.7"` -> `(18, 5)`); trailing zeros do not
    count (`"16.0"` == `"16"`); `"all"` (Opera Mini) is `(0,)` and `"TP"` sorts after everything.
    Raises ValueError for anything else.
    """
    text = version.strip()
    if text.lower() == "all":
        return (0,)
    if text.lower() == "tp":
        return _PREVIEW
    match = _VERSION.fullmatch(text)
    if match is None:
        raise ValueError(f"Not a browser version: {version!r}")
    parts = [int(part) for part in match.group(1).split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)
