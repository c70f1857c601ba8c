"""Usage share per browser brand, for the upgrade page's "what people use" table."""

from __future__ import annotations

import math

from antechamber.browsers.caniuse import region_usage

__all__ = ["BRAND_AGENTS", "brand_shares"]

# Every caniuse agent belongs to exactly one brand. Opera Mini counts as Opera: it is Opera's
# product, and the upgrade page points its users to Opera's downloads. Android's WebView-based
# "Android Browser" stays apart from Chrome: its users cannot upgrade it as a Chrome.
BRAND_AGENTS: dict[str, tuple[str, ...]] = {
    "chrome": ("chrome", "and_chr"),
    "safari": ("safari", "ios_saf"),
    "firefox": ("firefox", "and_ff"),
    "edge": ("edge",),
    "opera": ("opera", "op_mob", "op_mini"),
    "samsung": ("samsung",),
    "uc": ("and_uc",),
    "ie": ("ie", "ie_mob"),
    "android": ("android",),
    "qq": ("and_qq",),
    "baidu": ("baidu",),
    "kaios": ("kaios",),
    "blackberry": ("bb",),
}


def brand_shares(region: str = "alt-ww") -> dict[str, float]:
    """Percent of page views per brand in `region`, largest first: `{"chrome": 66.1, ...}`.

    Each brand sums every version of its agents in caniuse's table for the region (`"alt-ww"` is
    the world; countries by code, any case). Shares are not rounded and add up to caniuse's
    tracked total, a little under 100. Raises ValueError for an unknown region.
    """
    usage = region_usage(region)
    # fsum: the exact sum, rounded once, so 1.8656 does not come out as 1.8655999999999997.
    shares = {
        brand: math.fsum(share for agent in agents for share in usage.get(agent, {}).values())
        for brand, agents in BRAND_AGENTS.items()
    }
    return dict(sorted(shares.items(), key=lambda item: item[1], reverse=True))
