"""Detection through the parsers: ua-parser 1.x's native (Rust) resolver and the bot screen.

Only the user-agent and OS domains are asked for, because the device domain costs as much as both
together and is needed for nothing but the rare "Spider" confirmation (see `bots`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from operator import attrgetter
from typing import Final

import ua_parser_rs
from ua_parser import load_lazy_builtins

from antechamber.browsers.detection.base import MAJOR_ONLY, Detection, version
from antechamber.browsers.detection.bots import BOT, BotScreen

__all__ = ["Parsers"]

# ua-parser family -> (caniuse agent elsewhere, caniuse agent on Android). Families not listed have
# no caniuse agent of their own and are judged by their engine alone (Yandex, Brave, Vivaldi, Silk,
# Whale, in-app browsers ...).
_AGENTS: Final[Mapping[str, tuple[str | None, str | None]]] = {
    "Chrome": ("chrome", "and_chr"),
    "Chromium": ("chrome", "and_chr"),
    "Chrome Mobile": ("and_chr", "and_chr"),
    "Chrome Mobile WebView": (None, "android"),
    "Edge": ("edge", "edge"),
    "Edge Mobile": ("edge", "edge"),
    "Firefox": ("firefox", "and_ff"),
    "Firefox Beta": ("firefox", "and_ff"),
    "Firefox Mobile": (None, "and_ff"),
    "Safari": ("safari", None),
    "IE": ("ie", None),
    "IE Mobile": ("ie_mob", None),
    "Opera": ("opera", "op_mob"),
    "Opera GX": ("opera", "op_mob"),
    "Opera Mobile": ("op_mob", "op_mob"),
    "Opera Tablet": ("op_mob", "op_mob"),
    "Opera Mini": ("op_mini", "op_mini"),
    "Samsung Internet": ("samsung", "samsung"),
    "UC Browser": (None, "and_uc"),
    "QQ Browser Mobile": (None, "and_qq"),
    "QQ Browser": (None, "and_qq"),
    "Baidu Browser": (None, "baidu"),
    "Baidu Explorer": (None, "baidu"),
    "Android": (None, "android"),
    "BlackBerry WebKit": ("bb", "bb"),
}

_CHROMIUM = re.compile(r"(?:Chrome|Chromium)/(\d{1,4})(?!\d)")
_GECKO = re.compile(r"rv:(\d+)(?:\.(\d+))?[^)]*\)\s*Gecko/")
_FIREFOX = re.compile(r"Firefox/(\d+)(?:\.(\d+))?")
_TRIDENT = re.compile(r"MSIE (\d+)(?:\.(\d+))?")
_SAFARI_COMPATIBLE = re.compile(r"Version/(\d+)(?:\.(\d+))?[^ ]* (?:Mobile/\S+ )?Safari/")
_SAFARI_VERSION = re.compile(r"Version/(\d+)(?:\.(\d+))?")
# Tablets: "iPad", "Kindle", "Silk/", "PlayBook", "Tablet" but not "Tablet PC", and Kindle Fire
# model codes (KFTT, KFOT ...). Checked as substrings first: one regex of all six, which Python's
# re tries at every position, cost 4 µs a User-Agent.
_TABLET = re.compile(r"Tablet(?! PC)")
_KINDLE_FIRE = re.compile(r"\bKF[A-Z]{2,4}\b")

_RULE: Final = attrgetter("regex", "family", "major", "minor", "patch", "patch_minor")


class Parsers:
    """The compiled parsers, built once per process (about 0.2 s, most of it ua-parser's rules)."""

    def __init__(self) -> None:
        matchers = load_lazy_builtins()
        # As ua_parser.regex.Resolver builds them (its device extractor would go unused).
        self._ua = ua_parser_rs.UserAgentExtractor(map(_RULE, matchers[0]))
        self._os = ua_parser_rs.OSExtractor(map(_RULE, matchers[1]))
        self._bots = BotScreen(matchers[2])
        # The screen, then ua-parser's browser rules, in one automaton: a browser's User-Agent
        # (no screen rule matches it) is then named by one native call, which scans it once
        # instead of twice (the prefilter's scan is most of a call's cost).
        self._screen_and_browsers = ua_parser_rs.UserAgentExtractor(
            [*self._bots.rules, *map(_RULE, matchers[0])]
        )

    def is_bot(self, ua: str) -> bool:
        hit = self._screen_and_browsers.extract(ua)
        return hit is not None and self._bots.is_hit(hit.family, ua)

    def detect(self, ua: str) -> Detection:
        """The Detection of a User-Agent (non-blank, already cut), without Client Hints."""
        # The extractors are called directly: ua_parser's Resolver.__call__ builds Domain flags
        # and a PartialResult per request, a third of the cost of a parse.
        browser = self._screen_and_browsers.extract(ua)
        family: str = browser.family if browser is not None else "Other"
        if family.startswith(BOT):
            bot = self._bots.is_hit(family, ua)
            browser = self._ua.extract(ua)  # the screen's hit named no browser
            family = browser.family if browser is not None else "Other"
            if bot:
                return Detection(family if family != "Other" else "Bot", is_bot=True)
        os = self._os.extract(ua)
        os_family: str | None = None
        os_version: str | None = None
        if os is not None:
            os_family, os_version = os.family, version(os.major, os.minor)
        phone = _is_phone(ua)
        # Android tablets are the Android devices that do not say "Mobile".
        is_tablet = _is_tablet(ua) or (os_family == "Android" and not phone)
        is_mobile = phone and not is_tablet

        # Every browser and web view on iOS is WebKit; a native app's own HTTP client (no
        # Mozilla/ or WebKit token: "Snapchat/10.29 (iPhone10,1; iOS 11.2)") is not a browser.
        if os_family == "iOS" and ("AppleWebKit" in ua or ua.startswith("Mozilla/")):
            ios = _ios_version(ua, os_version)
            return Detection(
                family, "ios_saf", ios, "ios_saf", ios, os_family, os_version, is_mobile, is_tablet
            )

        android = os_family == "Android"
        agent = _agent_for(family, android, os_family)
        own: str | None = None
        if browser is not None and browser.major is not None:
            own = version(browser.major, None if agent in MAJOR_ONLY else browser.minor)
        if agent == "safari" and own is None and (token := _SAFARI_COMPATIBLE.search(ua)):
            own = version(*token.groups())  # uap-core wants "Version/N.M"; "N" is enough
        if agent == "kaios":
            own = os_version
        elif agent == "android" and family == "Chrome Mobile WebView":
            own = browser.major if browser is not None else None
        elif (
            agent is None
            and "MSIE " in ua
            and (ie := _TRIDENT.search(ua)) is not None
            and "Opera" not in ua
        ):
            # Mail clients, toolbars and shells around Internet Explorer (Outlook, AOL, Windows
            # Live Mail ...) render with it; its version is theirs.
            agent, own = "ie", version(*ie.groups())
        elif agent is None and android and "AppleWebKit/" in ua and "Chrome/" not in ua:
            # Before Android 4.4 every app's web view was the stock browser's WebKit, which
            # caniuse tracks as `android` by Android version.
            agent, own = "android", os_version
        elif (
            agent is None
            and not android
            and "AppleWebKit/" in ua
            and "Chrome/" not in ua
            and (safari := _SAFARI_COMPATIBLE.search(ua)) is not None
        ):
            # Other WebKit browsers (WebKit nightlies, webOS, Dolphin, WebKitGTK shells) claim a
            # Safari version with "Version/N Safari/"; that claim is all there is to judge.
            agent, own = "safari", version(*safari.groups())

        engine: str | None = None
        engine_version: str | None = None
        # EdgeHTML ("Edge/18") carries a Chrome token for compatibility; it is not Chromium.
        # (Each regex is tried only where its literal is: `in` finds one faster than `re`.)
        if "Chrom" in ua and (m := _CHROMIUM.search(ua)) is not None and " Edge/" not in ua:
            engine, engine_version = ("and_chr" if android else "chrome"), m.group(1)
        elif "Gecko/" in ua and (g := _GECKO.search(ua)) is not None:
            f = _FIREFOX.search(ua)
            # Firefox froze "rv:" at 109 for a while; its Firefox/ token is the real version.
            engine_version = version(*f.groups()) if f is not None else version(*g.groups())
            engine = "and_ff" if android else "firefox"

        return Detection(
            family, agent, own, engine, engine_version, os_family, os_version, is_mobile, is_tablet
        )


def _is_phone(ua: str) -> bool:
    # Substrings, not one regex of the twelve: Python's re tries every alternative at every
    # position (2.3 µs a User-Agent; these checks take 1.4).
    return (
        "Mobi" in ua
        or "iPhone" in ua
        or "iPod" in ua
        or "Opera Mini" in ua
        or "Windows Phone" in ua
        or "IEMobile" in ua
        or "BlackBerry" in ua
        or "BB10" in ua
        or "KAIOS" in ua
        or "Symbian" in ua
        or "SymbOS" in ua
        or "MIDP" in ua
    )


def _is_tablet(ua: str) -> bool:
    return (
        "iPad" in ua
        or "Kindle" in ua
        or "Silk/" in ua
        or "PlayBook" in ua
        or ("Tablet" in ua and _TABLET.search(ua) is not None)
        or ("KF" in ua and _KINDLE_FIRE.search(ua) is not None)
    )


def _agent_for(family: str, android: bool, os_family: str | None) -> str | None:
    if os_family == "KaiOS":
        return "kaios"
    agents = _AGENTS.get(family)
    if agents is None:
        return None
    return agents[1] if android else agents[0]


def _ios_version(ua: str, os_version: str | None) -> str | None:
    # Since iOS 26, Safari freezes the OS token at 18_x (18_6, 18_7 ...) while its Version/ token
    # keeps counting; Safari's version is the iOS Safari version. A Version/ token smaller than the
    # OS is some app's own version, not Safari's.
    m = _SAFARI_VERSION.search(ua)
    if m is None:
        return os_version
    safari = version(*m.groups())
    if os_version is None or (safari is not None and int(m.group(1)) >= _major(os_version)):
        return safari
    return os_version


def _major(text: str) -> int:
    return int(text.split(".", 1)[0])
