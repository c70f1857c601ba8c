"""Brand shares against sums made here from caniuse-db's raw region files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from antechamber.browsers.shares import BRAND_AGENTS, brand_shares

RAW = Path(__file__).parent / "fixtures" / "caniuse-db"
REGIONS = ["alt-ww", "alt-eu", "UA", "US", "DE"]

# Which caniuse agents make a brand, written out here rather than read from the module.
BRANDS = {
    "chrome": ["chrome", "and_chr"],
    "safari": ["safari", "ios_saf"],
    "firefox": ["firefox", "and_ff"],
    "edge": ["edge"],
    "opera": ["opera", "op_mob", "op_mini"],
    "samsung": ["samsung"],
    "uc": ["and_uc"],
    "ie": ["ie", "ie_mob"],
    "android": ["android"],
    "qq": ["and_qq"],
    "baidu": ["baidu"],
    "kaios": ["kaios"],
    "blackberry": ["bb"],
}


def raw_table(region: str) -> dict[str, dict[str, float | None]]:
    data: dict[str, dict[str, float | None]] = json.loads(
        (RAW / f"{region}.json").read_text(encoding="utf-8")
    )["data"]
    return data


@pytest.mark.parametrize("region", REGIONS)
def test_brand_shares_sum_caniuse_numbers(region: str) -> None:
    raw = raw_table(region)
    expected = {
        brand: sum(share or 0.0 for agent in agents for share in raw.get(agent, {}).values())
        for brand, agents in BRANDS.items()
    }
    assert brand_shares(region) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("region", REGIONS)
def test_every_agent_counts_once(region: str) -> None:
    raw = raw_table(region)
    everything = sum(share or 0.0 for shares in raw.values() for share in shares.values())
    assert sum(brand_shares(region).values()) == pytest.approx(everything, abs=1e-9)
    agents = [agent for members in BRAND_AGENTS.values() for agent in members]
    assert sorted(agents) == sorted(set(agents)) == sorted(raw)


def test_largest_brand_first() -> None:
    shares = list(brand_shares().values())
    assert shares == sorted(shares, reverse=True)


def test_world_is_the_default_and_countries_ignore_case() -> None:
    assert brand_shares() == brand_shares("alt-ww")
    assert brand_shares("ua") == brand_shares("UA")


def test_an_unknown_region_is_refused() -> None:
    with pytest.raises(ValueError, match="'XX'"):
        brand_shares("XX")
