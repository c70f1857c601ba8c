"""BrowserPolicy: the contract's rule for judging a browser, against queries, mappings and
"modern"; the verdict cache; bad input."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from user_agents.parsers import UserAgent

from antechamber.browsers.browserslist import browserslist
from antechamber.browsers.caniuse import agents, version_key
from antechamber.browsers.detect import Detection
from antechamber.browsers.info import info_of
from antechamber.browsers.policy import MODERN, BrowserInfo, BrowserPolicy
from test_detect import (
    ANDROID_4_STOCK,
    ANDROID_WEBVIEW_131,
    BOTS,
    CHROME_ANDROID_131,
    EDGE_HINTS,
    EDGE_LEGACY_18,
    FIREFOX_121,
    GOOGLE_BOT,
    IE_11,
    IOS_17_CHROME,
    IOS_17_SAFARI,
    IOS_26_SAFARI,
    OPERA_MINI,
    SAFARI_17_MAC,
    SAMSUNG_27,
)


def chrome(version: int) -> str:
    return (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        f"Chrome/{version}.0.0.0 Safari/537.36"
    )


def edge(version: int) -> str:
    return chrome(version) + f" Edg/{version}.0.0.0"


def chrome_android(version: int) -> str:
    return (
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
        f"Chrome/{version}.0.0.0 Mobile Safari/537.36"
    )


def firefox(version: str) -> str:
    return (
        f"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:{version}) Gecko/20100101 Firefox/{version}"
    )


def safari(version: str) -> str:
    return (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        f"Version/{version} Safari/605.1.15"
    )


def ios_safari(version: str) -> str:
    # From iOS 26 on, the OS token stays at 18_6.
    os = "18_6" if int(version.split(".")[0]) >= 26 else version.replace(".", "_")
    return (
        f"Mozilla/5.0 (iPhone; CPU iPhone OS {os} like Mac OS X) AppleWebKit/605.1.15 "
        f"(KHTML, like Gecko) Version/{version} Mobile/15E148 Safari/604.1"
    )


def samsung(version: str, chromium: int) -> str:
    return (
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
        f"SamsungBrowser/{version} Chrome/{chromium}.0.0.0 Mobile Safari/537.36"
    )


CHROME_118 = chrome(118)
CHROME_120 = chrome(120)
CHROME_160 = chrome(160)  # newer than any Chrome the shipped data knows
EDGE_130 = edge(130)
CHROME_ANDROID_150 = chrome_android(150)


@pytest.fixture(scope="module")
def defaults() -> BrowserPolicy:
    return BrowserPolicy("defaults")


@pytest.fixture(scope="module")
def modern() -> BrowserPolicy:
    return BrowserPolicy("modern")


# -- the query form -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user_agent", "verdict"),
    [
        (IE_11, "outdated"),
        (EDGE_130, "supported"),  # defaults keeps chrome 109; Edge is judged by Chromium too
        (CHROME_ANDROID_150, "supported"),  # caniuse lists only and_chr 154
        (CHROME_160, "supported"),
        (chrome(108), "outdated"),
        (chrome(109), "supported"),
        (EDGE_LEGACY_18, "outdated"),
        (SAMSUNG_27, "supported"),  # samsung 27 is not selected, its Chromium 125 is
        (samsung("4.0", 44), "outdated"),
        (IOS_26_SAFARI, "supported"),
        (IOS_17_SAFARI, "outdated"),
        (IOS_17_CHROME, "outdated"),  # every browser on iOS is the iOS Safari of its iOS
        (SAFARI_17_MAC, "outdated"),
        (ANDROID_4_STOCK, "outdated"),
        (ANDROID_WEBVIEW_131, "supported"),
        (OPERA_MINI, "supported"),  # defaults selects "op_mini all"
        (FIREFOX_121, "outdated"),
        (GOOGLE_BOT, "bot"),
        ("", "unknown"),
        (None, "unknown"),
        ("SomethingWeNeverKnewExisted", "unknown"),
    ],
)
def test_defaults_judges_by_own_agent_or_engine(
    defaults: BrowserPolicy, user_agent: str | None, verdict: str
) -> None:
    assert defaults.inspect(user_agent).verdict == verdict


def test_a_query_that_does_not_select_an_agent_blocks_it() -> None:
    policy = BrowserPolicy("chrome >= 120")
    assert policy.inspect(FIREFOX_121).verdict == "outdated"
    assert policy.inspect(EDGE_130).verdict == "supported"
    assert policy.inspect(CHROME_118).verdict == "outdated"


def test_versions_newer_than_the_data_always_pass() -> None:
    newest_safari = max(version_key(v) for v in agents()["safari"].versions if v != "TP")
    future = f"{newest_safari[0] + 1}.0"
    policy = BrowserPolicy("chrome >= 120")
    assert policy.inspect(safari(future)).verdict == "supported"
    assert policy.inspect(CHROME_160).verdict == "supported"


# -- the mapping form and "modern" ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("user_agent", "verdict"),
    [
        (CHROME_118, "outdated"),
        (CHROME_120, "supported"),
        (CHROME_160, "supported"),
        (IE_11, "outdated"),
        (edge(119), "outdated"),  # Edge is not named: judged by chrome, as Rails does
        (edge(120), "supported"),
        (safari("17.1"), "outdated"),
        (safari("17.2"), "supported"),
        (ios_safari("17.1"), "outdated"),
        (IOS_17_SAFARI, "supported"),
        (FIREFOX_121, "supported"),
        (firefox("120.0"), "outdated"),
        (SAMSUNG_27, "supported"),  # by its Chromium 125
        (samsung("23.0", 115), "outdated"),
        (OPERA_MINI, "supported"),  # neither named nor an engine named: not limited
        (GOOGLE_BOT, "bot"),
    ],
)
def test_modern_is_rails_preset(modern: BrowserPolicy, user_agent: str, verdict: str) -> None:
    assert modern.inspect(user_agent).verdict == verdict


def test_modern_is_the_preset_mapping() -> None:
    assert dict(MODERN) == {
        "safari": "17.2",
        "ios_saf": "17.2",
        "chrome": "120",
        "firefox": "121",
        "opera": "106",
        "ie": False,
    }


def test_a_mapping_accepts_aliases_and_numbers() -> None:
    policy = BrowserPolicy({"ff": 121, "ios": 17.2, "Chrome": "120", "explorer": False})
    assert policy.inspect(firefox("120.0")).verdict == "outdated"
    assert policy.inspect(ios_safari("17.1")).verdict == "outdated"
    assert policy.inspect(IOS_17_SAFARI).verdict == "supported"
    assert policy.inspect(CHROME_118).verdict == "outdated"
    assert policy.inspect(IE_11).verdict == "outdated"


def test_a_point_release_is_compared_by_its_numbers() -> None:
    policy = BrowserPolicy({"firefox": "128.5"})
    releases = ("128.0", "128.4", "128.5", "128.10", "129.0")
    verdicts = {release: policy.inspect(firefox(release)).verdict for release in releases}
    assert verdicts == {
        "128.0": "outdated",
        "128.4": "outdated",
        "128.5": "supported",
        "128.10": "supported",  # ten, not one: 128.10 came after 128.5
        "129.0": "supported",
    }
    assert policy.inspect(firefox("128.10")).version == "128.10"


def test_false_blocks_every_version() -> None:
    policy = BrowserPolicy({"chrome": False})
    assert policy.inspect(CHROME_160).verdict == "outdated"
    assert policy.inspect(EDGE_130).verdict == "outdated"  # by its engine


def test_browsers_a_mapping_does_not_name_are_allowed() -> None:
    policy = BrowserPolicy({"chrome": "120"})
    assert policy.inspect(IE_11).verdict == "supported"
    assert policy.inspect(safari("10.0")).verdict == "supported"


def test_safari_in_a_mapping_also_covers_ios_unless_ios_saf_is_named() -> None:
    assert BrowserPolicy({"safari": "17.2"}).inspect(ios_safari("16.6")).verdict == "outdated"
    assert (
        BrowserPolicy({"safari": "17.2", "ios": "16"}).inspect(ios_safari("16.6")).verdict
        == "supported"
    )


@pytest.mark.parametrize(
    ("supported", "message"),
    [
        ({"netscape": "4"}, "netscape"),
        ({"chrome": "latest"}, "latest"),
        ({"chrome": True}, "True"),
        ({"chrome": None}, "None"),
        ("chrome >= banana", "banana"),
        ("node >= 18", "node"),
    ],
)
def test_an_invalid_policy_raises_naming_the_value(supported: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BrowserPolicy(supported)  # type: ignore[arg-type]


def test_invalid_options_raise() -> None:
    with pytest.raises(ValueError, match="unknown"):
        BrowserPolicy(unknown="deny")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="cache_size"):
        BrowserPolicy(cache_size=0)


def test_the_query_can_come_from_a_browserslistrc(tmp_path: Path) -> None:
    rc = tmp_path / ".browserslistrc"
    rc.write_text("[production]\nchrome >= 120\n\n[development]\nlast 1 chrome version\n")
    policy = BrowserPolicy(browserslist_config=str(rc), browserslist_env="production")
    assert policy.inspect(CHROME_118).verdict == "outdated"
    assert policy.inspect(CHROME_120).verdict == "supported"


# -- the promises ---------------------------------------------------------------------------------


def _newest(agent: str) -> str:
    released = [v for v in agents()[agent].released if v != "TP"]  # Safari Technology Preview
    return max(released, key=version_key).split("-")[0]


def _with_minor(version: str) -> str:
    return version if "." in version else f"{version}.0"


def current_browsers() -> dict[str, str]:
    """The newest release of each browser the shipped caniuse data knows, in its real UA format."""
    chromium = int(_newest("chrome"))
    return {
        "chrome": chrome(chromium),
        "edge": edge(int(_newest("edge"))),
        "firefox": firefox(_newest("firefox") + ".0"),
        # Safari always sends a minor version: "Version/26.0".
        "safari": safari(_with_minor(_newest("safari"))),
        "ios_saf": ios_safari(_with_minor(_newest("ios_saf"))),
        "samsung": samsung(_newest("samsung") + ".0", chromium - 6),
        "and_chr": chrome_android(int(_newest("and_chr"))),
    }


@pytest.mark.parametrize("supported", ["defaults", "modern", "> 0.5%, last 2 versions, not dead"])
@pytest.mark.parametrize("browser", sorted(current_browsers()))
def test_no_current_browser_is_ever_outdated(supported: str, browser: str) -> None:
    info = BrowserPolicy(supported).inspect(current_browsers()[browser])
    assert info.agent == browser
    assert info.verdict == "supported", info


@pytest.mark.parametrize("supported", ["defaults", "modern", {"chrome": False, "ie": False}])
@pytest.mark.parametrize(("name", "user_agent"), sorted(BOTS.items()))
def test_no_bot_is_ever_outdated(supported: object, name: str, user_agent: str) -> None:
    info = BrowserPolicy(supported).inspect(user_agent)  # type: ignore[arg-type]
    assert (info.verdict, info.is_bot) == ("bot", True), name


def test_unknown_block_blocks_the_unrecognised_but_never_a_bot() -> None:
    policy = BrowserPolicy(unknown="block")
    assert policy.blocks(policy.inspect("SomethingWeNeverKnewExisted"))
    assert not policy.blocks(policy.inspect(GOOGLE_BOT))
    assert not BrowserPolicy().blocks(BrowserPolicy().inspect("SomethingWeNeverKnewExisted"))


def test_admits_answers_for_a_browser_version(defaults: BrowserPolicy) -> None:
    assert defaults.admits("edge", "130")  # by its Chromium version
    assert not defaults.admits("ie", "11")
    assert not defaults.admits("safari", "18.6")
    assert defaults.admits("safari", _newest("safari"))


# -- Client Hints and the cache -------------------------------------------------------------------


def test_client_hints_refine_the_verdict_and_the_cache_key() -> None:
    policy = BrowserPolicy({"edge": "131"})
    chrome_130 = chrome(130)
    assert policy.inspect(chrome_130).verdict == "supported"
    info = policy.inspect(chrome_130, {"Sec-CH-UA": EDGE_HINTS["sec-ch-ua"]})
    assert (info.family, info.agent, info.verdict) == ("Edge", "edge", "outdated")
    assert policy.inspect(chrome_130).verdict == "supported"


def test_new_builds_share_a_verdict_only_with_the_same_hints() -> None:
    policy = BrowserPolicy({"edge": "131"})
    build = chrome(130).replace("130.0.0.0", "130.0.{}.0")
    edge = {"sec-ch-ua": EDGE_HINTS["sec-ch-ua"]}
    first = policy.inspect(build.format(1), edge)
    assert policy.inspect(build.format(2), edge) is first
    assert (first.family, first.verdict) == ("Edge", "outdated")
    plain = policy.inspect(build.format(3))
    assert (plain.family, plain.verdict) == ("Chrome", "supported")
    assert policy.inspect(build.format(4)) is plain
    assert policy.cache_info().misses == 4


def test_header_names_are_case_insensitive_in_a_plain_dict(defaults: BrowserPolicy) -> None:
    lower = defaults.inspect(chrome(130), {"sec-ch-ua": EDGE_HINTS["sec-ch-ua"]})
    mixed = defaults.inspect(chrome(130), {"SEC-CH-UA": EDGE_HINTS["sec-ch-ua"]})
    assert lower == mixed
    assert lower.family == "Edge"


def test_starlette_headers_are_read_for_hints(defaults: BrowserPolicy) -> None:
    from starlette.datastructures import Headers

    headers = Headers(raw=[(b"sec-ch-ua", EDGE_HINTS["sec-ch-ua"].encode())])
    assert defaults.inspect(chrome(130), headers).family == "Edge"


def test_a_cached_verdict_is_the_same_object_and_the_cache_is_bounded() -> None:
    policy = BrowserPolicy(cache_size=3)
    first = policy.inspect(CHROME_120)
    assert policy.inspect(CHROME_120) is first
    for version in range(121, 126):
        policy.inspect(chrome(version))
    stats = policy.cache_info()
    assert (stats.hits, stats.misses, stats.maxsize, stats.currsize) == (1, 6, 3, 3)
    assert stats.bytes > 0
    assert policy.inspect(CHROME_120) == first  # evicted: detected again, a miss
    assert policy.cache_info().misses == 7


def test_a_huge_user_agent_is_cached_by_its_first_512_characters() -> None:
    policy = BrowserPolicy()
    policy.inspect(CHROME_120 + "x" * 100_000)
    assert policy.cache_info().bytes < 20_000


def test_the_user_agents_object_is_built_on_demand_and_cached(defaults: BrowserPolicy) -> None:
    ua = defaults.user_agent(IOS_17_SAFARI)
    assert isinstance(ua, UserAgent)
    assert ua.is_mobile and not ua.is_tablet
    assert defaults.user_agent(IOS_17_SAFARI) is ua
    assert defaults.user_agent(None).ua_string == ""


def test_browser_info_carries_the_contract_fields(defaults: BrowserPolicy) -> None:
    info = defaults.inspect(CHROME_ANDROID_131)
    assert isinstance(info, BrowserInfo)
    assert (info.family, info.agent, info.version, info.is_bot, info.is_mobile) == (
        "Chrome Mobile",
        "and_chr",
        "131",
        False,
        True,
    )
    assert info.verdict == "supported"
    assert info.reason


# -- bad input ------------------------------------------------------------------------------------

BAD_USER_AGENTS = {
    "empty": "",
    "huge": "Mozilla/5.0 " + "(KHTML, like Gecko) " * 5_000,
    "binary garbage": bytes(range(256)).decode("latin-1") * 40,
    "garbage Chrome": "Chrome/" + "9" * 5_000,
}
MALFORMED_HINTS = {
    "sec-ch-ua": '"Chromium";v="130", "Microsoft Edge' + "\x00" * 1000,
    "sec-ch-ua-full-version-list": ";" * 10_000,
    "sec-ch-ua-mobile": "?maybe",
    "sec-ch-ua-platform": '"' * 10_000,
}


@pytest.mark.parametrize("name", sorted(BAD_USER_AGENTS))
def test_bad_input_is_unknown_quickly_and_never_raises(name: str) -> None:
    user_agent = BAD_USER_AGENTS[name]
    policy = BrowserPolicy(cache_size=1)  # so that every call below is judged afresh
    elapsed = []
    for i in range(20):
        fresh = user_agent + " " * i  # a miss every time
        started = time.perf_counter()
        info = policy.inspect(fresh, MALFORMED_HINTS)
        elapsed.append(time.perf_counter() - started)
        assert info.verdict == "unknown", info
    elapsed.sort()
    assert elapsed[len(elapsed) // 2] < 0.005  # a sanity bound, not a benchmark


def test_malformed_hints_on_a_real_browser_leave_the_user_agent_verdict(
    defaults: BrowserPolicy,
) -> None:
    info = defaults.inspect(CHROME_120, MALFORMED_HINTS)
    assert (info.family, info.agent, info.verdict) == ("Chrome", "chrome", "supported")


# Client Hints as Chromium sends them, each hint set once as a plain dict with lower-case names
# (what the gate passes) and once as Starlette's Headers (what an app would pass).
HINT_SETS = {
    "edge on windows": EDGE_HINTS,
    "opera, full versions only": {
        "sec-ch-ua-full-version-list": (
            '"Chromium";v="130.0.6723.92", "Opera";v="115.0.5322.68", "Not?A_Brand";v="99.0.0.0"'
        ),
        "sec-ch-ua-platform": '"macOS"',
    },
    "chrome on android, mobile": {
        "sec-ch-ua": '"Google Chrome";v="131", "Chromium";v="131", "Not_A Brand";v="24"',
        "sec-ch-ua-mobile": "?1",
        "sec-ch-ua-platform": '"Android"',
    },
    "old edge, full versions": {
        "sec-ch-ua": '"Chromium";v="100", "Microsoft Edge";v="100", " Not A;Brand";v="99"',
        "sec-ch-ua-full-version-list": (
            '"Chromium";v="100.0.4896.127", "Microsoft Edge";v="100.0.1185.50"'
        ),
        "sec-ch-ua-mobile": "?0",
        "sec-ch-ua-platform": '"Windows"',
    },
}


@pytest.mark.parametrize("hints", HINT_SETS.values(), ids=HINT_SETS.keys())
def test_hints_in_a_plain_dict_and_in_starlette_headers_give_the_same_verdict(
    hints: dict[str, str],
) -> None:
    from starlette.datastructures import Headers

    ua = chrome(130)
    as_dict = BrowserPolicy("defaults").inspect(ua, dict(hints))
    as_headers = BrowserPolicy("defaults").inspect(
        ua, Headers(raw=[(k.encode(), v.encode()) for k, v in hints.items()])
    )
    assert as_dict == as_headers


def test_a_verdict_carries_every_field_of_the_detection_to_its_own_field() -> None:
    # BrowserInfo is built positionally on the cold path; a reordered field would show here.
    d = Detection("fam", "agt", "1", "eng", "2", "os", "3", is_mobile=True, is_tablet=False)
    info = info_of(d, "supported", "why")
    assert info == BrowserInfo(
        family="fam",
        agent="agt",
        version="1",
        is_bot=False,
        is_mobile=True,
        verdict="supported",
        engine="eng",
        engine_version="2",
        os="os",
        os_version="3",
        is_tablet=False,
        reason="why",
    )
    bot = info_of(Detection("b", is_bot=True, is_tablet=True), "bot", "r")
    assert (bot.is_bot, bot.is_mobile, bot.is_tablet) == (True, False, True)


# -- Samsung Internet's minor versions and single-version mobile agents ---------------------------

# Real User-Agents as the browsers sent them (Samsung Internet 7.2 on a Galaxy S7 and 9.2 on a
# Galaxy S9, as published by Samsung's and others' UA lists; Chrome 153 and Firefox 140 for
# Android in their reduced forms).
SAMSUNG_7_2 = (
    "Mozilla/5.0 (Linux; Android 7.0; SAMSUNG SM-G930F Build/NRD90M) AppleWebKit/537.36 "
    "(KHTML, like Gecko) SamsungBrowser/7.2 Chrome/59.0.3071.125 Mobile Safari/537.36"
)
SAMSUNG_9_2 = (
    "Mozilla/5.0 (Linux; Android 9; SAMSUNG SM-G960F Build/PPR1.180610.011) AppleWebKit/537.36 "
    "(KHTML, like Gecko) SamsungBrowser/9.2 Chrome/67.0.3396.87 Mobile Safari/537.36"
)
CHROME_ANDROID_153 = (
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/153.0.0.0 Mobile Safari/537.36"
)
CHROME_ANDROID_48 = (
    "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/48.0.2564.95 Mobile Safari/537.36"
)
FIREFOX_ANDROID_140 = "Mozilla/5.0 (Android 14; Mobile; rv:140.0) Gecko/140.0 Firefox/140.0"


def test_samsung_internet_keeps_its_minor_version() -> None:
    info = BrowserPolicy("samsung >= 7").inspect(SAMSUNG_7_2)
    assert (info.agent, info.version, info.verdict) == ("samsung", "7.2", "supported")
    assert BrowserPolicy("samsung >= 9.2").inspect(SAMSUNG_9_2).verdict == "supported"
    assert BrowserPolicy("samsung >= 9.2").inspect(SAMSUNG_7_2).verdict == "outdated"
    assert BrowserPolicy("samsung 7.2-7.4").inspect(SAMSUNG_7_2).verdict == "supported"


def test_single_version_mobile_agents_are_judged_by_what_the_query_says() -> None:
    # caniuse lists only and_chr 154 and and_ff 156: browserslist alone resolves `and_chr >= 49`
    # to `and_chr 154`. The gate reads the query as browserslist's mobileToDesktop does.
    assert browserslist("and_chr >= 49") == ["and_chr 154"]
    policy = BrowserPolicy("and_chr >= 49, and_ff >= 100")
    assert policy.inspect(CHROME_ANDROID_153).verdict == "supported"
    assert policy.inspect(CHROME_ANDROID_48).verdict == "outdated"
    assert policy.inspect(FIREFOX_ANDROID_140).verdict == "supported"
    # Other agents are untouched: Samsung Internet, not named, is not admitted by its own
    # version; its Chromium 59 is above 49, so the engine test admits it, as for any Chromium.
    assert BrowserPolicy("and_chr >= 60").inspect(SAMSUNG_7_2).verdict == "outdated"


def test_a_query_of_node_versions_only_is_refused() -> None:
    with pytest.raises(ValueError, match=r"selects no browser.*node"):
        BrowserPolicy("maintained node versions")


def test_node_and_electron_entries_are_ignored_beside_browsers() -> None:
    policy = BrowserPolicy("chrome >= 120, maintained node versions, electron >= 40")
    assert policy.inspect(CHROME_120).verdict == "supported"
    assert policy.inspect(CHROME_118).verdict == "outdated"


@pytest.mark.parametrize("hints", [*HINT_SETS.values(), {}], ids=[*HINT_SETS.keys(), "none"])
def test_hints_as_the_gate_keys_them_read_as_the_headers_do(hints: dict[str, str]) -> None:
    # The gate keys verdicts by the hint headers as sent (bytes) and reads them from there.
    from antechamber.browsers.detection.hints import HINT_HEADERS, client_hints, sent_hints

    sent = [hints[name].encode("latin-1") if name in hints else None for name in HINT_HEADERS]
    assert sent_hints(*sent) == client_hints(hints)
