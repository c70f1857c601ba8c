"""User-Agent and Client Hints detection: real User-Agents (uap-core's corpus, crawler-user-agents'
instances, browsers' published formats) to caniuse agent, engine, and bot."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import ua_parser_rs
import yaml
from ua_parser import load_lazy_builtins
from ua_parser.regex import Resolver

from antechamber.browsers.detect import (
    _BROKEN_CRAWLER_PATTERNS,
    _EXTRA_BOT_PATTERNS,
    MAX_USER_AGENT_LENGTH,
    Detection,
    _crawler_patterns,
    _is_phone,
    _is_tablet,
    _without_groups,
    detect,
    is_bot,
)

CORPUS = Path(__file__).parent / "corpora" / "uap-core" / "test_ua.yaml"

# Chrome's reduced User-Agent: frozen platform, minor versions zeroed.
CHROME_131 = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
CHROME_ANDROID_131 = (
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
EDGE_131 = CHROME_131 + " Edg/131.0.0.0"
EDGE_ANDROID_131 = CHROME_ANDROID_131 + " EdgA/131.0.0.0"
EDGE_LEGACY_18 = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/70.0.3538.102 Safari/537.36 Edge/18.18363"
)
SAMSUNG_27 = (
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
    "SamsungBrowser/27.0 Chrome/125.0.0.0 Mobile Safari/537.36"
)
# iOS 26 Safari freezes the OS token at 18_6; Version/ keeps counting.
IOS_26_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/26.0 Mobile/15E148 Safari/604.1"
)
IOS_17_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1"
)
IOS_17_CHROME = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1"
)
IOS_17_FIREFOX = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) FxiOS/121.0 Mobile/15E148 Safari/605.1.15"
)
IOS_17_FACEBOOK = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/470.0.0.39.106;FBBV/613413573;"
    "FBDV/iPhone14,5;FBMD/iPhone;FBSN/iOS;FBSV/17.5;FBSS/3;FBCR/;FBID/phone;FBLC/en_US;FBOP/80]"
)
IOS_11_INSTAGRAM = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 11_2_5 like Mac OS X) AppleWebKit/604.5.6 "
    "(KHTML, like Gecko) Mobile/15D60 Instagram 33.0.0.11.96 (iPhone9,3; iOS 11_2_5; en_AU; "
    "en-AU; scale=2.00; gamut=wide; 750x1334)"
)
ANDROID_FACEBOOK_WEBVIEW = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP2A.240805.005; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/127.0.6533.103 Mobile Safari/537.36 "
    "[FB_IAB/FB4A;FBAV/477.0.0.49.74;]"
)
ANDROID_WEBVIEW_131 = (
    "Mozilla/5.0 (Linux; Android 13; SM-S908B Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/131.0.6778.39 Mobile Safari/537.36"
)
ANDROID_4_STOCK = (
    "Mozilla/5.0 (Linux; U; Android 4.0.3; en-us; Amaze_4G Build/IML74K) AppleWebKit/534.30 "
    "(KHTML, like Gecko) Version/4.0 Mobile Safari/534.30"
)
FIREFOX_121 = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0"
FIREFOX_ANDROID_133 = "Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0"
FIREFOX_ANDROID_TABLET = "Mozilla/5.0 (Android 14; Tablet; rv:133.0) Gecko/133.0 Firefox/133.0"
# Firefox 115-119 still said rv:109.0; the Firefox/ token is the version.
FIREFOX_115_FROZEN_RV = "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0"
SAFARI_17_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.2 Safari/605.1.15"
)
OPERA_106 = CHROME_131.replace("Chrome/131", "Chrome/120") + " OPR/106.0.0.0"
OPERA_MOBILE_86 = (
    "Mozilla/5.0 (Linux; Android 10; VOG-L29) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36 OPR/86.0.0.0"
)
OPERA_MINI = (
    "Opera/9.80 (Android; Opera Mini/7.6.35766/35.5706; U; en) Presto/2.8.119 Version/11.10"
)
UC_BROWSER_13 = (
    "Mozilla/5.0 (Linux; U; Android 8.1.0; en-US; Nexus 6P Build/OPM7.211005.002) "
    "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/57.0.2987.108 "
    "UCBrowser/13.4.0.1306 Mobile Safari/537.36"
)
QQ_BROWSER_14 = (
    "Mozilla/5.0 (Linux; U; Android 11; zh-cn; PFDM00 Build/RP1A.200720.011) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/89.0.4389.72 MQQBrowser/14.9 Mobile Safari/537.36"
)
BAIDU_APP = (
    "Mozilla/5.0 (Linux; U; Android 10; zh-CN; V2001A Build/QP1A.190711.020) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/76.0.3809.89 Mobile Safari/537.36 T7/12.10 "
    "SP-engine/2.28.0 baiduboxapp/12.10.0.10 (Baidu; P1 10)"
)
KAIOS_25 = (
    "Mozilla/5.0 (Mobile; LYF/F300B/LYF-F300B-001-01-15-130718-i;Android; rv:48.0) Gecko/48.0 "
    "Firefox/48.0 KAIOS/2.5"
)
IE_11 = "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko"
IE_MOBILE_10 = (
    "Mozilla/5.0 (compatible; MSIE 10.0; Windows Phone 8.0; Trident/6.0; IEMobile/10.0; ARM; "
    "Touch; NOKIA; Lumia 920)"
)
OUTLOOK_ON_IE7 = (
    "Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 6.1; Trident/6.0; Microsoft Outlook 15.0.4420)"
)
YANDEX_23 = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/118.0.5993.771 YaBrowser/23.11.2.771 Yowser/2.5 Safari/537.36"
)
SILK_131 = (
    "Mozilla/5.0 (Linux; Android 9; KFTRWI) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Silk/131.4.1 like Chrome/131.0.6778.200 Safari/537.36"
)
BLACKBERRY_10 = (
    "Mozilla/5.0 (BB10; Touch) AppleWebKit/537.3+ (KHTML, like Gecko) Version/10.0.9.388 "
    "Mobile Safari/537.3+"
)
IPAD_SAFARI_17 = (
    "Mozilla/5.0 (iPad; CPU OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.2 Mobile/15E148 Safari/604.1"
)

# Bots, crawlers, previewers and tools (crawler-user-agents' recorded instances, uap-core's corpus).
GOOGLE_BOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
GOOGLE_BOT_SMARTPHONE = (
    "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/41.0.2272.96 Mobile Safari/537.36 (compatible; Googlebot/2.1; "
    "+http://www.google.com/bot.html)"
)
BOTS = {
    "GOOGLE_BOT": GOOGLE_BOT,
    "GOOGLE_BOT_SMARTPHONE": GOOGLE_BOT_SMARTPHONE,
    "BING_BOT": "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "APPLE_BOT": (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_10_1) AppleWebKit/600.2.5 (KHTML, like Gecko) "
        "Version/8.0.2 Safari/600.2.5 (Applebot/0.1)"
    ),
    "GPT_BOT": (
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.0; "
        "+https://openai.com/gptbot)"
    ),
    "CURL": "curl/7.29.0",
    "WGET": "Wget/1.14 (linux-gnu)",
    "PYTHON_REQUESTS": "python-requests/2.9.2",
    "HTTPX": "python-httpx/0.16.1",
    "AIOHTTP": "Python/3.9 aiohttp/3.7.3",
    "GO_HTTP": "Go-http-client/1.1",
    "OKHTTP": "okhttp/3.4.2",
    "JAVA": "Java/1.8.0_25",
    "LIBWWW": "libwww-perl/6.05",
    "HEADLESS_CHROME": (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "HeadlessChrome/74.0.3729.169 Safari/537.36"
    ),
    "PHANTOMJS": (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X) AppleWebKit/534.34 (KHTML, like Gecko) "
        "PhantomJS/1.6.0 Safari/534.34"
    ),
    "LIGHTHOUSE": (
        "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5 Build/MRA58N) AppleWebKit/537.36(KHTML, like "
        "Gecko) Chrome/69.0.3464.0 Mobile Safari/537.36 Chrome-Lighthouse"
    ),
    "SLACKBOT": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "FACEBOOK_EXTERNAL_HIT": (
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"
    ),
    "TWITTERBOT": "Twitterbot/1.0",
    "WHATSAPP": "WhatsApp/2.23.20.0 A",
    "DISCORDBOT": "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
    "BING_PREVIEW": (
        "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/534+ (KHTML, like Gecko) BingPreview/1.0b"
    ),
    "TELEGRAM_BOT": "TelegramBot (like TwitterBot)",
    "LINKEDIN_BOT": (
        "LinkedInBot/1.0 (compatible; Mozilla/5.0; Jakarta Commons-HttpClient/3.1 "
        "+http://www.linkedin.com)"
    ),
    # Found by uap-core's generic spider rule only (not in crawler-user-agents).
    "MSIE_CRAWLER": "Mozilla/4.0 (compatible; MSIE 4.0; MSIECrawler; Windows 95)",
}


@pytest.mark.parametrize(
    ("user_agent", "family", "agent", "version", "engine", "engine_version"),
    [
        (CHROME_131, "Chrome", "chrome", "131", "chrome", "131"),
        (CHROME_ANDROID_131, "Chrome Mobile", "and_chr", "131", "and_chr", "131"),
        (EDGE_131, "Edge", "edge", "131", "chrome", "131"),
        (EDGE_ANDROID_131, "Edge Mobile", "edge", "131", "and_chr", "131"),
        (EDGE_LEGACY_18, "Edge", "edge", "18", None, None),
        (SAMSUNG_27, "Samsung Internet", "samsung", "27", "and_chr", "125"),
        (IOS_26_SAFARI, "Mobile Safari", "ios_saf", "26", "ios_saf", "26"),
        (IOS_17_SAFARI, "Mobile Safari", "ios_saf", "17.2", "ios_saf", "17.2"),
        (IOS_17_CHROME, "Chrome Mobile iOS", "ios_saf", "17.5", "ios_saf", "17.5"),
        (IOS_17_FIREFOX, "Firefox iOS", "ios_saf", "17.2", "ios_saf", "17.2"),
        (IOS_17_FACEBOOK, "Facebook", "ios_saf", "17.5", "ios_saf", "17.5"),
        (IOS_11_INSTAGRAM, "Instagram", "ios_saf", "11.2", "ios_saf", "11.2"),
        (IPAD_SAFARI_17, "Mobile Safari", "ios_saf", "17.2", "ios_saf", "17.2"),
        (ANDROID_FACEBOOK_WEBVIEW, "Facebook", None, "477", "and_chr", "127"),
        (ANDROID_WEBVIEW_131, "Chrome Mobile WebView", "android", "131", "and_chr", "131"),
        (ANDROID_4_STOCK, "Android", "android", "4", None, None),
        (FIREFOX_121, "Firefox", "firefox", "121", "firefox", "121"),
        (FIREFOX_ANDROID_133, "Firefox Mobile", "and_ff", "133", "and_ff", "133"),
        (FIREFOX_115_FROZEN_RV, "Firefox", "firefox", "115", "firefox", "115"),
        (SAFARI_17_MAC, "Safari", "safari", "17.2", None, None),
        (OPERA_106, "Opera", "opera", "106", "chrome", "120"),
        (OPERA_MOBILE_86, "Opera Mobile", "op_mob", "86", "and_chr", "131"),
        (OPERA_MINI, "Opera Mini", "op_mini", "7.6", None, None),
        (UC_BROWSER_13, "UC Browser", "and_uc", "13.4", "and_chr", "57"),
        (QQ_BROWSER_14, "QQ Browser Mobile", "and_qq", "14.9", "and_chr", "89"),
        (BAIDU_APP, "Baidu Explorer", "baidu", "12.10", "and_chr", "76"),
        (KAIOS_25, "Firefox Mobile", "kaios", "2.5", "firefox", "48"),
        (IE_11, "IE", "ie", "11", None, None),
        (IE_MOBILE_10, "IE Mobile", "ie_mob", "10", None, None),
        (OUTLOOK_ON_IE7, "Outlook", "ie", "7", None, None),
        (YANDEX_23, "Yandex Browser", None, "23.11", "chrome", "118"),
        (SILK_131, "Amazon Silk", None, "131.4", "and_chr", "131"),
        (BLACKBERRY_10, "BlackBerry WebKit", "bb", "10", None, None),
    ],
)
def test_browsers_map_to_their_caniuse_agent_and_engine(
    user_agent: str,
    family: str,
    agent: str | None,
    version: str,
    engine: str | None,
    engine_version: str | None,
) -> None:
    d = detect(user_agent)
    assert (d.family, d.agent, d.version, d.engine, d.engine_version) == (
        family,
        agent,
        version,
        engine,
        engine_version,
    )
    assert not d.is_bot
    assert d.is_recognised


def test_ios_26_safari_is_judged_by_its_version_token_not_the_frozen_os() -> None:
    d = detect(IOS_26_SAFARI)
    assert d.os_version == "18.6"
    assert d.version == "26"


def test_an_ipad_asking_for_the_desktop_site_is_treated_as_mac_safari() -> None:
    # iPadOS sends exactly the Mac Safari User-Agent; Safari and iOS Safari share version numbers.
    assert detect(SAFARI_17_MAC).agent == "safari"


@pytest.mark.parametrize(("name", "user_agent"), sorted(BOTS.items()))
def test_crawlers_previewers_and_tools_are_bots(name: str, user_agent: str) -> None:
    assert detect(user_agent).is_bot, name


def test_a_bot_keeps_its_name() -> None:
    assert detect(GOOGLE_BOT).family == "Googlebot"


def test_no_browser_in_the_corpus_is_taken_for_a_bot() -> None:
    # crawler-user-agents has patterns loose enough to catch real browsers (an OPPO build id,
    # "008/" inside Opera Mini's build number); those are replaced by anchored ones.
    browsers = {
        "Chrome", "Chrome Mobile", "Chrome Mobile iOS", "Chrome Mobile WebView", "Edge",
        "Edge Mobile", "Firefox", "Firefox Mobile", "Firefox iOS", "Safari", "Mobile Safari",
        "Samsung Internet", "Opera", "Opera Mini", "Opera Mobile", "UC Browser", "IE",
        "IE Mobile", "Facebook", "Instagram", "Yandex Browser", "Brave", "Vivaldi", "Whale",
        "Amazon Silk", "HeyTap Browser", "QQ Browser Mobile", "Android",
    }  # fmt: skip
    taken = [
        case["user_agent_string"]
        for case in _corpus()
        if case["family"] in browsers and detect(case["user_agent_string"]).is_bot
    ]
    # uap-core itself files this one under Chrome; it is Google's web preview renderer.
    assert taken == [
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko; Google Web "
        "Preview) Chrome/27.0 .1453 Safari/537.36."
    ]


def _reference_is_bot() -> Callable[[str], bool]:
    """The bot test as first written: the crawler list, or ua-parser's full device parse says
    "Spider" (the screen and the confirmation in `_Detector.is_bot` are shortcuts to this)."""
    patterns = [p for p in _crawler_patterns() if p not in _BROKEN_CRAWLER_PATTERNS]
    crawlers = ua_parser_rs.UserAgentExtractor(
        (p, "bot", None, None, None, None) for p in [*patterns, *_EXTRA_BOT_PATTERNS]
    )
    devices = Resolver(load_lazy_builtins()).de

    def is_bot(ua: str) -> bool:
        if crawlers.extract(ua) is not None:
            return True
        device = devices.extract(ua)
        return device is not None and device.family == "Spider"

    return is_bot


def test_the_bot_screen_agrees_with_the_crawler_list_and_a_full_device_parse() -> None:
    reference = _reference_is_bot()
    uas = [c["user_agent_string"] for c in _corpus()] + list(BOTS.values())
    uas += [ua + " Silk/1.0" for ua in uas[:50]]  # a spider-rule hit that is no spider
    variants = [v for ua in uas for v in (ua, ua.upper(), ua.lower(), ua.swapcase())]
    differ = [ua for ua in variants if is_bot(ua) != reference(ua)]
    assert differ == []
    assert sum(map(reference, variants)) > 3000  # the case variants of bots are bots too


def test_capture_groups_are_made_non_capturing_and_nothing_else() -> None:
    regex = r"^(a|\(b\))[(x)][^()]{1,3}(?:c)(?i:d)[[(]e](f(g))\\(h)"
    assert (
        _without_groups(regex) == r"^(?:a|\(b\))[(x)][^()]{1,3}(?:c)(?i:d)[[(]e](?:f(?:g))\\(?:h)"
    )
    spiders = [m.regex for m in load_lazy_builtins()[2] if getattr(m, "family", "") == "Spider"]
    assert len(spiders) >= 5
    for spider in spiders:
        assert re.compile(_without_groups(spider)).groups == 0, spider


def test_the_tablet_test_is_the_regex_it_replaced() -> None:
    regex = re.compile(r"iPad|Tablet(?! PC)|Kindle|Silk/|PlayBook|\bKF[A-Z]{2,4}\b")
    uas = [c["user_agent_string"] for c in _corpus()] + [
        "Windows NT 6.1; Tablet PC 2.0",
        "Tablet PC; Tablet",
        "KFTT Build",
        "xKFTT Build",
        "(KFAPWI)",
        "KFABCDE",
        "Kindle/3.0",
        "PlayBook; U",
    ]
    assert [_is_tablet(ua) for ua in uas] == [regex.search(ua) is not None for ua in uas]


def test_the_phone_test_is_the_regex_it_replaced() -> None:
    regex = re.compile(
        r"Mobi|iPhone|iPod|Opera Mini|Windows Phone|IEMobile|BlackBerry|BB10|KAIOS|Symbian|"
        r"SymbOS|MIDP"
    )
    uas = [c["user_agent_string"] for c in _corpus()]
    assert sum(map(_is_phone, uas)) > 200
    assert [_is_phone(ua) for ua in uas] == [regex.search(ua) is not None for ua in uas]


def test_every_field_of_a_detection_lands_in_its_place() -> None:
    # Detections are built positionally on the cold path; a reordered field would show here.
    assert detect(SAMSUNG_27) == Detection(
        family="Samsung Internet",
        agent="samsung",
        version="27",
        engine="and_chr",
        engine_version="125",
        os="Android",
        os_version="10",
        is_mobile=True,
    )
    assert detect(IPAD_SAFARI_17) == Detection(
        family="Mobile Safari",
        agent="ios_saf",
        version="17.2",
        engine="ios_saf",
        engine_version="17.2",
        os="iOS",
        os_version="17.2",
        is_tablet=True,
    )
    assert detect(GOOGLE_BOT) == Detection(family="Googlebot", is_bot=True)


def test_the_length_cap_changes_nothing_on_the_corpus() -> None:
    assert max(len(c["user_agent_string"]) for c in _corpus()) <= MAX_USER_AGENT_LENGTH


@pytest.mark.parametrize(
    ("user_agent", "is_mobile", "is_tablet"),
    [
        (IOS_17_SAFARI, True, False),
        (IPAD_SAFARI_17, False, True),
        (CHROME_ANDROID_131, True, False),
        (FIREFOX_ANDROID_TABLET, False, True),
        (SILK_131, False, True),
        (OPERA_MINI, True, False),
        (CHROME_131, False, False),
    ],
)
def test_phones_and_tablets_are_told_apart(
    user_agent: str, is_mobile: bool, is_tablet: bool
) -> None:
    d = detect(user_agent)
    assert (d.is_mobile, d.is_tablet) == (is_mobile, is_tablet)


# -- Client Hints ---------------------------------------------------------------------------------

EDGE_HINTS = {
    "sec-ch-ua": '"Chromium";v="130", "Microsoft Edge";v="130", "Not?A_Brand";v="99"',
    "sec-ch-ua-mobile": "?0",
    "sec-ch-ua-platform": '"Windows"',
}
CHROME_130 = CHROME_131.replace("131", "130")


def test_client_hints_name_edge_behind_a_generic_chromium_user_agent() -> None:
    d = detect(CHROME_130, EDGE_HINTS)
    assert (d.family, d.agent, d.version, d.engine, d.engine_version) == (
        "Edge",
        "edge",
        "130",
        "chrome",
        "130",
    )


def test_the_full_version_list_is_preferred_and_grease_is_ignored() -> None:
    hints = {
        "sec-ch-ua": '"Not)A;Brand";v="8", "Chromium";v="138", "Opera";v="122"',
        "sec-ch-ua-full-version-list": (
            '"Not)A;Brand";v="8.0.0.0", "Chromium";v="138.0.7204.158", "Opera";v="122.0.5643.51"'
        ),
        "sec-ch-ua-platform": '"macOS"',
    }
    d = detect(CHROME_131.replace("131", "138"), hints)
    assert (d.family, d.agent, d.version, d.engine_version) == ("Opera", "opera", "122", "138")


def test_client_hints_on_android_name_the_android_agent_and_engine() -> None:
    hints = {
        "sec-ch-ua": '"Samsung Internet";v="27.0", "Chromium";v="125", "Not.A/Brand";v="24"',
        "sec-ch-ua-mobile": "?1",
        "sec-ch-ua-platform": '"Android"',
    }
    d = detect(CHROME_ANDROID_131.replace("131", "125"), hints)
    assert (d.family, d.agent, d.version, d.engine, d.is_mobile) == (
        "Samsung Internet",
        "samsung",
        "27",
        "and_chr",
        True,
    )


def test_an_unknown_brand_names_the_family_and_keeps_the_chromium_engine() -> None:
    hints = {"sec-ch-ua": '"Brave";v="131", "Chromium";v="131", "Not_A Brand";v="24"'}
    d = detect(CHROME_131, hints)
    assert (d.family, d.agent, d.engine, d.engine_version) == ("Brave", None, "chrome", "131")


@pytest.mark.parametrize(
    "sec_ch_ua",
    [
        '"Chromium";v="130", "Microsoft Edge"',
        '"Chromium";v=130',
        "garbage \x00\xff",
        '"' + "A" * 10_000 + '";v="1"',
        '"Microsoft Edge";v="abc"',
        "",
    ],
)
def test_malformed_hints_are_ignored(sec_ch_ua: str) -> None:
    assert detect(CHROME_130, {"sec-ch-ua": sec_ch_ua}) == detect(CHROME_130)


def test_hints_do_not_apply_to_a_browser_that_is_not_chromium() -> None:
    assert detect(FIREFOX_121, EDGE_HINTS) == detect(FIREFOX_121)


# -- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "user_agent",
    [None, "", "   ", "SomethingWeNeverKnewExisted", "\x00\x01\xff" * 50, "x" * 100_000],
)
def test_empty_or_garbage_user_agents_are_not_recognised(user_agent: str | None) -> None:
    d = detect(user_agent)
    assert isinstance(d, Detection)
    assert not d.is_recognised
    assert not d.is_bot


def _corpus() -> list[dict[str, str]]:
    with CORPUS.open(encoding="utf-8") as f:
        cases: list[dict[str, str]] = yaml.safe_load(f)["test_cases"]
    return cases
