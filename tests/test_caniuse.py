"""The shipped caniuse snapshot against caniuse-db's raw files and browserslist's own view.

tests/fixtures/caniuse-db holds files copied verbatim from caniuse-db (see its README);
"unreleased versions" comes from the real browserslist (browserslist_queries.json).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from antechamber.browsers.caniuse import (
    CANIUSE_VERSION,
    agents,
    region_usage,
    regions,
    version_key,
)

RAW = Path(__file__).parent / "fixtures" / "caniuse-db"
RAW_AGENTS: dict[str, Any] = json.loads((RAW / "agents.json").read_text(encoding="utf-8"))
REFERENCE = json.loads(
    (Path(__file__).parent / "fixtures" / "browserslist_queries.json").read_text(encoding="utf-8")
)


def test_the_version_is_caniuse_dbs() -> None:
    assert CANIUSE_VERSION == "1.0.30001813"


def test_every_caniuse_agent_is_there_in_caniuse_order() -> None:
    assert list(agents()) == list(RAW_AGENTS)


@pytest.mark.parametrize("key", list(RAW_AGENTS))
def test_an_agent_carries_caniuse_numbers_untouched(key: str) -> None:
    raw, agent = RAW_AGENTS[key], agents()[key]
    listed = raw["version_list"]
    assert (agent.key, agent.browser, agent.long_name, agent.type) == (
        key,
        raw["browser"],
        raw["long_name"],
        raw["type"],
    )
    assert agent.versions == tuple(entry["version"] for entry in listed)
    assert dict(agent.release_dates) == {e["version"]: e["release_date"] for e in listed}
    assert dict(agent.usage_global) == {e["version"]: e["global_usage"] for e in listed}


@pytest.mark.parametrize("key", list(RAW_AGENTS))
def test_released_versions_are_those_browserslist_releases(key: str) -> None:
    unreleased = {
        entry.split(" ")[1]
        for entry in REFERENCE["results"]["unreleased versions"]
        if entry.split(" ")[0] == key
    }
    agent = agents()[key]
    assert agent.released == tuple(v for v in agent.versions if v not in unreleased)
    assert agent.released == agent.versions[: len(agent.released)]


def test_agents_compare_and_hash_by_value() -> None:
    assert agents()["chrome"] == agents()["chrome"]
    assert hash(agents()["chrome"]) == hash(agents()["chrome"])


@pytest.mark.parametrize("region", ["alt-ww", "alt-eu", "UA", "US", "DE"])
def test_region_usage_is_caniuses_table(region: str) -> None:
    raw = json.loads((RAW / f"{region}.json").read_text(encoding="utf-8"))["data"]
    table = region_usage(region)
    assert set(table) == set(raw)
    for agent, shares in raw.items():
        expected = {v: s for v, s in shares.items() if s is not None}
        # Single-version agents come as version "0"; they are filed under the agent's version.
        if "0" in expected:
            expected[agents()[agent].versions[-1]] = expected.pop("0")
        assert dict(table[agent]) == expected


@pytest.mark.parametrize(("spelling", "code"), [("ua", "UA"), ("De", "DE"), ("ALT-WW", "alt-ww")])
def test_region_codes_are_case_insensitive(spelling: str, code: str) -> None:
    assert region_usage(spelling) == region_usage(code)


@pytest.mark.parametrize("region", ["XX", "alt-xx", "world", ""])
def test_an_unknown_region_is_named(region: str) -> None:
    with pytest.raises(ValueError, match="Unknown region") as raised:
        region_usage(region)
    assert repr(region) in str(raised.value)


def test_regions_list_the_countries_and_groups() -> None:
    codes = regions()
    assert {"alt-ww", "alt-eu", "UA", "US", "DE"} <= set(codes)
    assert all(code == code.upper() or code.startswith("alt-") for code in codes)


@pytest.mark.parametrize(
    ("version", "key"),
    [
        ("120", (120,)),
        ("17.2", (17, 2)),
        ("16.0", (16,)),
        ("18.5-18.7", (18, 5)),
        ("4.4.3-4.4.4", (4, 4, 3)),
        ("all", (0,)),
    ],
)
def test_version_key(version: str, key: tuple[int, ...]) -> None:
    assert version_key(version) == key


def test_version_keys_order_versions() -> None:
    ordered = ["all", "9", "15.2-15.3", "15.4", "16", "16.1", "18.5-18.7", "26.0", "TP"]
    assert sorted(reversed(ordered), key=version_key) == ordered


@pytest.mark.parametrize("version", ["", "abc", "1.x", "18.5-", "-1"])
def test_version_key_refuses_what_is_not_a_version(version: str) -> None:
    with pytest.raises(ValueError, match="Not a browser version"):
        version_key(version)
