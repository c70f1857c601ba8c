"""Block/allow agreement with browserslist-useragent (the reference) for `defaults` on uap-core's
1,601 User-Agents. The fixture is the reference's own output: tests/fixtures/generate_verdicts.sh.

The reference is not an oracle. Where it is demonstrably wrong, the class is left out of the
agreement figure, counted, and tested on its own below with antechamber's (correct) answer.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from antechamber.browsers.policy import BrowserInfo, BrowserPolicy

FIXTURE = Path(__file__).parent / "fixtures" / "uap_verdicts_defaults.jsonl"

# The families browserslist-useragent can match against a query: its own names for the browsers
# browserslist has data for. For any other family ("NetFront", "Puffin", "WebKit", "Facebook" ...)
# it answers "not matched" whatever the query, so that answer is no verdict.
REFERENCE_FAMILIES = frozenset(
    {
        "Android", "Baidu", "BlackBerry", "Chrome", "chrome", "Edge", "Explorer",
        "ExplorerMobile", "Firefox", "iOS", "KaiOS", "Opera", "Opera Mini", "OperaMobile",
        "QQAndroid", "Safari", "Samsung", "UCAndroid",
    }
)  # fmt: skip
IN_APP_FAMILIES = frozenset(
    {"Facebook", "Instagram", "Snapchat", "Pinterest", "WeChat", "Twitter", "LINE", "TikTok"}
)


@dataclass(frozen=True)
class Row:
    ua: str
    family: str | None
    version: str | None
    matches: bool | None
    info: BrowserInfo

    @property
    def reference_blocks(self) -> bool:
        return not self.matches

    @property
    def we_block(self) -> bool:
        return self.info.verdict == "outdated"


@dataclass(frozen=True)
class Exclusion:
    name: str
    reason: str
    applies: Callable[[Row], bool]


EXCLUDED = (
    Exclusion(
        "bots",
        "crawlers, previewers and tools; the reference has no notion of a bot and judges the "
        "browser a crawler imitates (Googlebot as Chrome 41, baiduspider as IE 6)",
        lambda r: r.info.is_bot,
    ),
    Exclusion(
        "Samsung Internet",
        "the reference resolves Samsung Internet to Chrome and judges its Chromium version "
        "against chrome; antechamber judges it as `samsung` (and by its engine)",
        lambda r: r.info.agent == "samsung",
    ),
    Exclusion(
        "iOS 26+ Safari",
        "Safari on iOS 26 freezes the OS token at 18_x; the reference reads the OS and calls it "
        "iOS 18, antechamber reads Version/26",
        lambda r: r.info.agent == "ios_saf" and _major(r.info.version) >= 26,
    ),
    Exclusion(
        "Opera Mini",
        "`defaults` selects `op_mini all`, but the reference never matches Opera Mini: it names "
        "the family 'Opera Mini' while its query names it 'OperaMini', and 'all' is no version",
        lambda r: r.info.agent == "op_mini" or r.family == "Opera Mini",
    ),
)


def _major(version: str | None) -> int:
    head = (version or "0").split(".", 1)[0]
    return int(head) if head.isdigit() else 0


@pytest.fixture(scope="module")
def rows() -> list[Row]:
    policy = BrowserPolicy("defaults")
    result = []
    with FIXTURE.open(encoding="utf-8") as f:
        for line in f:
            data = json.loads(line)
            result.append(
                Row(
                    data["ua"],
                    data["family"],
                    data["version"],
                    data["matches"],
                    policy.inspect(data["ua"]),
                )
            )
    return result


def recognised_by_reference(row: Row) -> bool:
    return row.family in REFERENCE_FAMILIES and row.version is not None


def exclusion_of(row: Row) -> Exclusion | None:
    return next((e for e in EXCLUDED if e.applies(row)), None)


def test_block_allow_agrees_with_the_reference_on_what_it_recognises(rows: list[Row]) -> None:
    recognised = [r for r in rows if recognised_by_reference(r)]
    counts = {e.name: 0 for e in EXCLUDED}
    compared = []
    for row in recognised:
        exclusion = exclusion_of(row)
        if exclusion is None:
            compared.append(row)
        else:
            counts[exclusion.name] += 1
    agreeing = sum(r.we_block == r.reference_blocks for r in compared)
    figure = agreeing / len(compared)
    unrecognised = [r for r in rows if not recognised_by_reference(r)]
    in_app = sum(r.family in IN_APP_FAMILIES for r in unrecognised)
    print(
        f"\ncorpus agreement with browserslist-useragent for `defaults`: {agreeing}/"
        f"{len(compared)} = {figure:.1%} of the {len(recognised)} User-Agents it recognises"
    )
    for exclusion in EXCLUDED:
        print(f"  excluded {exclusion.name}: {counts[exclusion.name]} ({exclusion.reason})")
    print(
        f"  not recognised by the reference: {len(unrecognised)} (no family or version, or a "
        f"family browserslist has no data for; in-app browsers among them: {in_app})"
    )
    disagreeing = [r for r in compared if r.we_block != r.reference_blocks]
    for row in disagreeing:
        print(f"  differs: reference {row.family} {row.version} -> {row.matches}; ours {row.info}")
    assert figure >= 0.97


def test_bots_are_bots_where_the_reference_judges_the_browser_they_imitate(
    rows: list[Row],
) -> None:
    bots = [r for r in rows if recognised_by_reference(r) and r.info.is_bot]
    assert bots
    assert all(r.info.verdict == "bot" for r in bots)
    # e.g. "Mozilla/4.0 (compatible; MSIE 6.0; ...; baiduspider)": never blocked as IE 6.
    assert any(r.family == "Explorer" and r.reference_blocks for r in bots)


def test_samsung_internet_is_judged_as_samsung_not_as_chrome(rows: list[Row]) -> None:
    samsung = [r for r in rows if r.info.agent == "samsung"]
    assert samsung
    for row in samsung:
        assert row.info.family == "Samsung Internet"
        assert row.info.engine == "and_chr"
        assert row.family != "Samsung"  # the reference never says Samsung
    current = BrowserPolicy("defaults").inspect(
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
        "SamsungBrowser/29.0 Chrome/136.0.0.0 Mobile Safari/537.36"
    )
    assert (current.agent, current.version, current.verdict) == ("samsung", "29", "supported")
    assert "samsung 29" in current.reason


def test_ios_26_safari_is_ios_26_not_ios_18() -> None:
    info = BrowserPolicy("ios_saf >= 26").inspect(
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/26.0 Mobile/15E148 Safari/604.1"
    )
    assert (info.agent, info.version, info.os_version, info.verdict) == (
        "ios_saf",
        "26",
        "18.6",
        "supported",
    )


def test_opera_mini_is_supported_because_defaults_selects_op_mini_all(rows: list[Row]) -> None:
    opera_mini = [r for r in rows if r.info.agent == "op_mini"]
    assert opera_mini
    assert all(r.info.verdict == "supported" for r in opera_mini)
    assert all(not r.matches for r in opera_mini)


def test_in_app_browsers_the_reference_cannot_name_are_judged_by_their_engine(
    rows: list[Row],
) -> None:
    in_app = [r for r in rows if r.family in IN_APP_FAMILIES]
    assert in_app
    judged = [r for r in in_app if r.info.verdict in ("supported", "outdated")]
    # Facebook and Instagram web views: iOS Safari of their iOS, their Android Chromium, or
    # before Android 4.4 the stock browser's WebKit (`android`).
    assert all(r.info.engine in ("ios_saf", "and_chr") or r.info.agent == "android" for r in judged)
    # The rest are the apps' native HTTP clients ("[FBAN/FB4A;FBAV/3.4;...]",
    # "Instagram 415.0.0.36.76 Android (...)"): no web view, nothing to judge.
    web_views = [r for r in in_app if r.ua.startswith("Mozilla/")]
    assert judged == web_views
    assert all(r.info.verdict == "unknown" for r in in_app if r not in web_views)
    facebook_android = BrowserPolicy("defaults").inspect(
        "Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP2A.240805.005; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/127.0.6533.103 Mobile Safari/537.36 "
        "[FB_IAB/FB4A;FBAV/477.0.0.49.74;]"
    )
    assert (facebook_android.family, facebook_android.verdict) == ("Facebook", "supported")
