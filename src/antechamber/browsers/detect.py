"""User-Agent and Client Hints to a caniuse agent, an engine equivalent, and bot detection.

Parsing is ua-parser 1.x with its native (Rust) resolver and the precompiled uap-core rules; only
the user-agent and OS domains are asked for, because the device domain costs as much as both
together and is needed for nothing but the rare "Spider" confirmation below.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files
from operator import attrgetter
from typing import Any, Final, Literal, NamedTuple, TypeAlias, cast

import ua_parser_rs
from ua_parser import load_lazy_builtins
from ua_parser.lazy import DeviceMatcher

__all__ = ["HINT_HEADERS", "MAX_USER_AGENT_LENGTH", "Detection", "detect", "is_bot", "warm_up"]

# Real User-Agents are 100-300 characters; the longest in uap-core's corpus is under 512. Cutting
# there bounds the regex work (and the cache keys) whatever a client sends.
MAX_USER_AGENT_LENGTH: Final = 512
_MAX_HINT_LENGTH: Final = 512

# The Client Hints that can name a browser more precisely than its User-Agent, lower-cased.
HINT_HEADERS: Final = (
    "sec-ch-ua",
    "sec-ch-ua-full-version-list",
    "sec-ch-ua-mobile",
    "sec-ch-ua-platform",
)


@dataclass(frozen=True, slots=True)
class Detection:
    """What a User-Agent says about the browser behind it.

    >>> d = detect("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
    ...            "SamsungBrowser/27.0 Chrome/125.0.0.0 Mobile Safari/537.36")
    >>> (d.family, d.agent, d.version, d.engine, d.engine_version)
    ('Samsung Internet', 'samsung', '27', 'and_chr', '125')

    ``agent``/``version`` are the browser's own caniuse agent and version (None when caniuse has no
    agent for it; ``version`` is then the browser's own version, for display). ``engine`` and
    ``engine_version`` are the equivalent it can be judged by: Chromium as ``chrome``/``and_chr``,
    Gecko as ``firefox``/``and_ff``, anything on iOS as ``ios_saf``.
    """

    family: str
    agent: str | None = None
    version: str | None = None
    engine: str | None = None
    engine_version: str | None = None
    os: str | None = None
    os_version: str | None = None
    is_mobile: bool = False
    is_tablet: bool = False
    is_bot: bool = False

    @property
    def is_recognised(self) -> bool:
        """Whether there is anything to judge: an agent or an engine, with a version."""
        return _recognised(self.agent, self.version, self.engine, self.engine_version)


class Facts(NamedTuple):
    """A `Detection`'s fields, in its field order, as a named tuple.

    The cold path builds these (a frozen dataclass costs two microseconds more), and a policy
    keys its verdicts on them.
    """

    family: str
    agent: str | None
    version: str | None
    engine: str | None
    engine_version: str | None
    os: str | None
    os_version: str | None
    is_mobile: bool
    is_tablet: bool
    is_bot: bool

    @property
    def is_recognised(self) -> bool:
        """Whether there is anything to judge: an agent or an engine, with a version."""
        return _recognised(self.agent, self.version, self.engine, self.engine_version)


def _recognised(
    agent: str | None, version: str | None, engine: str | None, engine_version: str | None
) -> bool:
    return (agent is not None and (version is not None or agent == "op_mini")) or (
        engine is not None and engine_version is not None
    )


_FIELDS: Final = attrgetter(*Facts._fields)


# `_new(Facts, (family, ...))` is `Facts(family, ...)` without the Python frame of a named
# tuple's __new__, for the cold path.
_new: Final = cast("Callable[[type[Facts], tuple[Any, ...]], Facts]", tuple.__new__)


def _facts_of(detection: Detection) -> Facts:
    return Facts._make(_FIELDS(detection))


UNKNOWN: Final = Detection(family="Other")
_UNKNOWN_FACTS: Final = _facts_of(UNKNOWN)
_BOT_FACTS: Final = _facts_of(Detection("", is_bot=True))[1:]
# The screen's own family: ua-parser's browser rules name no family with a NUL in it.
_BOT: Final = "\x00bot"


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

# caniuse lists these by major version only; a minor part would only make the version look odd.
# Not Samsung Internet: caniuse lists 7.2-7.4, 9.2, 10.1 ..., so SamsungBrowser/7.2 is "7.2"
# (and SamsungBrowser/27.0 still "27": a zero minor is dropped).
_MAJOR_ONLY: Final = frozenset({"chrome", "and_chr", "edge", "opera", "op_mob"})

# Client Hints brands -> (family, agent elsewhere, agent on Android).
_BRANDS: Final[Mapping[str, tuple[str, str | None, str | None]]] = {
    "google chrome": ("Chrome", "chrome", "and_chr"),
    "microsoft edge": ("Edge", "edge", "edge"),
    "opera": ("Opera", "opera", "op_mob"),
    "opera gx": ("Opera GX", "opera", "op_mob"),
    "samsung internet": ("Samsung Internet", "samsung", "samsung"),
    "yandex": ("Yandex Browser", None, None),
    "yabrowser": ("Yandex Browser", None, None),
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
# GREASE brands ("Not?A_Brand", "Not A(Brand", "Not)A;Brand" ...) exist to be ignored.
_GREASE = re.compile(r"not.a.brand", re.IGNORECASE)
_HINT_ITEM = re.compile(r'\s*"([^"\\]{1,64})"\s*;\s*v\s*=\s*"(\d{1,4})((?:\.\d{1,10}){0,3})"\s*')

# The User-Agents most traffic sends: current Chrome and Edge (reduced), Firefox and Safari, each
# on its usual platforms. A strict full match leaves no room for another token, so no bot, no
# other browser and no other OS can be hiding in one; its Detection is then built here, without
# the parsers, to the field what they would make of it (tests/test_detect_fast.py checks that
# on uap-core's corpus, its never-seen variants and every platform and version below).
_BUILD = r"\.\d{1,6}"
_FAST_CHROMIUM = re.compile(
    r"Mozilla/5\.0 \((Windows NT 10\.0; Win64; x64|Macintosh; Intel Mac OS X 10_15_7|"
    r"X11; Linux x86_64|Linux; Android 10; K)\) AppleWebKit/537\.36 \(KHTML, like Gecko\) "
    rf"Chrome/([1-9]\d{{1,3}}){_BUILD * 3} (Mobile )?Safari/537\.36"
    rf"(?: (Edg|EdgA)/([1-9]\d{{1,3}}){_BUILD * 3})?"
)
_FAST_FIREFOX = re.compile(
    r"Mozilla/5\.0 \((Windows NT 10\.0; Win64; x64|Macintosh; Intel Mac OS X 10\.15|"
    r"X11; Linux x86_64|X11; Ubuntu; Linux x86_64|Android 1[0-6]; Mobile); "
    r"rv:[1-9]\d{1,3}\.\d{1,6}\) Gecko/(?:20100101|[1-9]\d{1,3}\.\d{1,6}) "
    r"Firefox/([1-9]\d{1,3})\.(\d{1,6})"
)
_FAST_SAFARI = re.compile(
    r"Mozilla/5\.0 \((Macintosh; Intel Mac OS X 10_15_7|iPhone; CPU iPhone OS|iPad; CPU OS)"
    rf"(?: ([1-9]\d)_(\d{{1,2}})(?:_\d{{1,2}})? like Mac OS X)?\) AppleWebKit/605\.1{_BUILD} "
    r"\(KHTML, like Gecko\) Version/([1-9]\d)\.(\d{1,2})(?:\.\d{1,2})? "
    rf"(?:Mobile/15E148 Safari/604\.1|Safari/605\.1{_BUILD})"
)
# Platform -> (OS, OS version) as ua-parser names them.
_FAST_PLATFORMS: Final[Mapping[str, tuple[str, str | None]]] = {
    "Windows NT 10.0; Win64; x64": ("Windows", "10"),
    "Macintosh; Intel Mac OS X 10_15_7": ("Mac OS X", "10.15"),
    "Macintosh; Intel Mac OS X 10.15": ("Mac OS X", "10.15"),
    "X11; Linux x86_64": ("Linux", None),
    "X11; Ubuntu; Linux x86_64": ("Ubuntu", None),
    "Linux; Android 10; K": ("Android", "10"),
}

# Generic tools and link previewers that crawler-user-agents does not list, or lists with a
# pattern too loose to keep (see _BROKEN_CRAWLER_PATTERNS).
_EXTRA_BOT_PATTERNS: Final = (
    r"^Java/",
    r"^RED/\d",
    r"^008/\d",
    r"HeadlessChrome",
    r"Lighthouse",
    r"BingPreview",
    r"PhantomJS",
    r" PTST/\d",
    r"^HTTPie/",
    r"^PostmanRuntime/",
    r"^undici",
    r"^libwww",
    r"^curl/",
    r"^[Ww]get",
    r"okhttp",
    r"Google-PageRenderer",
    r"Discordbot",
    r"TelegramBot",
    r"WhatsApp/",
    r"Slack-ImgProxy",
    r"Slackbot",
)
# Patterns of crawler-user-agents that also match real browsers: an Android build id shared by
# millions of OPPO phones (HeyTap Browser), "008/" inside Opera Mini's build number, "RED/" inside
# the WIRED app. The bots they were meant for are matched by the anchored extras above.
_BROKEN_CRAWLER_PATTERNS: Final = frozenset({r"AP3A\.240617\.008", r"008\/", r"RED\/"})


class _Detector:
    """The compiled parsers, built once per process (about 0.2 s, most of it ua-parser's rules)."""

    def __init__(self) -> None:
        matchers = load_lazy_builtins()
        # As ua_parser.regex.Resolver builds them (its device extractor would go unused).
        self._ua = ua_parser_rs.UserAgentExtractor(
            map(
                attrgetter("regex", "family", "major", "minor", "patch", "patch_minor"), matchers[0]
            )
        )
        self._os = ua_parser_rs.OSExtractor(
            map(
                attrgetter("regex", "family", "major", "minor", "patch", "patch_minor"), matchers[1]
            )
        )
        patterns = [p for p in _crawler_patterns() if p not in _BROKEN_CRAWLER_PATTERNS]
        patterns.extend(_EXTRA_BOT_PATTERNS)
        # uap-core's own crawler rules live in its device domain, where their order matters (its
        # generic rule matches "bot" in "CUBOT" and "silk" in Amazon Silk after earlier rules have
        # claimed those phones). They are screened for after the crawler list in one automaton
        # (the Rust regex engine matches 1,500 alternatives in about 3 µs; Python's re, tried
        # first, took 150-350 µs), so a crawler hit comes first. A spider rule ahead of every
        # device rule needs no more; a later one (the generic rule) is confirmed by checking
        # that none of the device rules before it matches, which only such User-Agents pay for.
        # Their family is a constant, so they need no capture groups: without them the generic
        # rule (`^.*(bot|crawl|...)` once ua-parser-rs has rewritten its `.{0,100}`) costs a
        # third as much.
        screen = [(p, _BOT, None, None, None, None) for p in patterns]
        earlier: list[tuple[str, Literal["i"] | None, str, None, None]] = []
        self._confirm: dict[str, ua_parser_rs.DeviceExtractor] = {}
        for matcher in matchers[2]:
            regex, flag = matcher.regex, getattr(matcher, "regex_flag", None)
            if not (isinstance(matcher, DeviceMatcher) and matcher.family == "Spider"):
                earlier.append((regex, flag, "device", None, None))
                continue
            family = _BOT
            if earlier:
                family = f"{_BOT}{len(self._confirm)}"
                self._confirm[family] = ua_parser_rs.DeviceExtractor(earlier)
            regex = _without_groups(regex)
            screen.append(
                (f"(?i){regex}" if flag == "i" else regex, family, None, None, None, None)
            )
        # The screen, then ua-parser's browser rules, in one automaton: a browser's User-Agent
        # (no screen rule matches it) is then named by one native call, which scans it once
        # instead of twice (the prefilter's scan is most of a call's cost).
        self._screen_and_browsers = ua_parser_rs.UserAgentExtractor(
            [
                *screen,
                *map(
                    attrgetter("regex", "family", "major", "minor", "patch", "patch_minor"),
                    matchers[0],
                ),
            ]
        )

    def is_bot(self, ua: str) -> bool:
        hit = self._screen_and_browsers.extract(ua)
        return hit is not None and self._is_bot_hit(hit.family, ua)

    def _is_bot_hit(self, family: str, ua: str) -> bool:
        if family == _BOT:
            return True
        confirm = self._confirm.get(family)  # None: a browser rule's family
        return confirm is not None and confirm.extract(ua) is None

    def facts(self, ua: str, hints: Mapping[str, str] | None) -> Facts:
        """A Detection's fields, in order: what a verdict is a function of."""
        ua = ua[:MAX_USER_AGENT_LENGTH]
        if not ua or ua.isspace():
            return _UNKNOWN_FACTS
        facts = _fast_facts(ua)
        if facts is None:
            facts = self._parsed_facts(ua)
        return with_hints(facts, hints)

    def _parsed_facts(self, ua: str) -> Facts:
        # The extractors are called directly: ua_parser's Resolver.__call__ builds Domain flags
        # and a PartialResult per request, a third of the cost of a parse.
        browser = self._screen_and_browsers.extract(ua)
        family: str = browser.family if browser is not None else "Other"
        if family.startswith(_BOT):
            bot = self._is_bot_hit(family, ua)
            browser = self._ua.extract(ua)  # the screen's hit named no browser
            family = browser.family if browser is not None else "Other"
            if bot:
                return _new(Facts, (family if family != "Other" else "Bot", *_BOT_FACTS))
        os = self._os.extract(ua)
        os_family: str | None = None
        os_version: str | None = None
        if os is not None:
            os_family, os_version = os.family, _version(os.major, os.minor)
        phone = _is_phone(ua)
        # Android tablets are the Android devices that do not say "Mobile".
        is_tablet = _is_tablet(ua) or (os_family == "Android" and not phone)
        is_mobile = phone and not is_tablet

        # Every browser and web view on iOS is WebKit; a native app's own HTTP client (no
        # Mozilla/ or WebKit token: "Snapchat/10.29 (iPhone10,1; iOS 11.2)") is not a browser.
        if os_family == "iOS" and ("AppleWebKit" in ua or ua.startswith("Mozilla/")):
            ios = _ios_version(ua, os_version)
            return _new(
                Facts,
                (
                    family,
                    "ios_saf",
                    ios,
                    "ios_saf",
                    ios,
                    os_family,
                    os_version,
                    is_mobile,
                    is_tablet,
                    False,
                ),
            )

        android = os_family == "Android"
        agent = _agent_for(family, android, os_family)
        version: str | None = None
        if browser is not None and browser.major is not None:
            version = _version(browser.major, None if agent in _MAJOR_ONLY else browser.minor)
        if agent == "safari" and version is None and (token := _SAFARI_COMPATIBLE.search(ua)):
            version = _version(*token.groups())  # uap-core wants "Version/N.M"; "N" is enough
        if agent == "kaios":
            version = os_version
        elif agent == "android" and family == "Chrome Mobile WebView":
            version = browser.major if browser is not None else None
        elif (
            agent is None
            and "MSIE " in ua
            and (ie := _TRIDENT.search(ua)) is not None
            and "Opera" not in ua
        ):
            # Mail clients, toolbars and shells around Internet Explorer (Outlook, AOL, Windows
            # Live Mail ...) render with it; its version is theirs.
            agent, version = "ie", _version(*ie.groups())
        elif agent is None and android and "AppleWebKit/" in ua and "Chrome/" not in ua:
            # Before Android 4.4 every app's web view was the stock browser's WebKit, which
            # caniuse tracks as `android` by Android version.
            agent, version = "android", os_version
        elif (
            agent is None
            and not android
            and "AppleWebKit/" in ua
            and "Chrome/" not in ua
            and (safari := _SAFARI_COMPATIBLE.search(ua)) is not None
        ):
            # Other WebKit browsers (WebKit nightlies, webOS, Dolphin, WebKitGTK shells) claim a
            # Safari version with "Version/N Safari/"; that claim is all there is to judge.
            agent, version = "safari", _version(*safari.groups())

        engine: str | None = None
        engine_version: str | None = None
        # EdgeHTML ("Edge/18") carries a Chrome token for compatibility; it is not Chromium.
        # (Each regex is tried only where its literal is: `in` finds one faster than `re`.)
        if "Chrom" in ua and (m := _CHROMIUM.search(ua)) is not None and " Edge/" not in ua:
            engine, engine_version = ("and_chr" if android else "chrome"), m.group(1)
        elif "Gecko/" in ua and (g := _GECKO.search(ua)) is not None:
            f = _FIREFOX.search(ua)
            # Firefox froze "rv:" at 109 for a while; its Firefox/ token is the real version.
            engine_version = _version(*f.groups()) if f is not None else _version(*g.groups())
            engine = "and_ff" if android else "firefox"

        return _new(
            Facts,
            (
                family,
                agent,
                version,
                engine,
                engine_version,
                os_family,
                os_version,
                is_mobile,
                is_tablet,
                False,
            ),
        )


def _fast_facts(ua: str) -> Facts | None:
    """The Detection of a User-Agent of one of the common shapes, or None for any other.

    The fields are a function of the groups the template captures (build numbers are not
    captured), so each browser version on each platform is worked out once: a never-seen build
    of it costs the match and one lookup.
    """
    if "Chrome/" in ua:
        m = _FAST_CHROMIUM.fullmatch(ua)
        if m is None:
            return None
        groups = m.groups()
        facts = _CHROMIUM_SEEN.get(groups)
        if facts is None:
            facts = _remember(_CHROMIUM_SEEN, groups, _chromium_facts(*groups))
        return None if facts is _NOT_TAKEN else facts
    if "Firefox/" in ua:
        m = _FAST_FIREFOX.fullmatch(ua)
        if m is None:
            return None
        # Not remembered: a Firefox build changes the version itself ("Firefox/128.5").
        return _firefox_facts(*m.groups())
    m = _FAST_SAFARI.fullmatch(ua)
    if m is None:
        return None
    groups = m.groups()
    ios = groups[0][0] == "i"
    if ios != (groups[1] is not None) or ios != ua.endswith("604.1"):
        return None
    facts = _SAFARI_SEEN.get(groups)
    if facts is None:
        facts = _remember(_SAFARI_SEEN, groups, _safari_facts(*groups))
    return None if facts is _NOT_TAKEN else facts


# The fast path's answers by the groups each template captured (_NOT_TAKEN: the shape is left to
# the parsers after all). Bounded, as a User-Agent may claim any version.
_Seen: TypeAlias = dict[tuple[str | None, ...], Facts]
_CHROMIUM_SEEN: Final[_Seen] = {}
_SAFARI_SEEN: Final[_Seen] = {}
_SEEN_LIMIT: Final = 2048
_NOT_TAKEN: Final = Facts("", None, None, None, None, None, None, False, False, False)


def _remember(seen: _Seen, groups: tuple[str | None, ...], facts: Facts | None) -> Facts:
    if len(seen) >= _SEEN_LIMIT:
        seen.clear()  # only a flood of made-up versions gets here
    seen[groups] = _NOT_TAKEN if facts is None else facts
    return seen[groups]


def _chromium_facts(
    platform: str,
    chrome: str,
    mobile: str | None,
    edge: str | None,
    edge_version: str | None,
) -> Facts | None:
    os, os_version = _FAST_PLATFORMS[platform]
    android = os == "Android"
    if (mobile and not android) or edge == ("EdgA" if not android else "Edg"):
        return None
    phone = android and mobile is not None
    engine = "and_chr" if android else "chrome"
    if edge is not None:
        family, agent, version = "Edge Mobile" if android else "Edge", "edge", edge_version
    else:
        family, agent, version = "Chrome Mobile" if phone else "Chrome", engine, chrome
    tablet = android and not phone
    return Facts(family, agent, version, engine, chrome, os, os_version, phone, tablet, False)


def _firefox_facts(platform: str, major: str, minor: str) -> Facts:
    # _version(major, minor), which the template's digits reduce to this (a Firefox build's
    # minor is new every time: the lru cache in _version would only miss).
    second = int(minor)
    version = f"{int(major)}.{second}" if second else str(int(major))
    if platform[0] == "A":  # Android
        return _new(
            Facts,
            (
                "Firefox Mobile",
                "and_ff",
                version,
                "and_ff",
                version,
                "Android",
                platform[8:10],
                True,
                False,
                False,
            ),
        )
    os, os_version = _FAST_PLATFORMS[platform]
    return _new(
        Facts,
        ("Firefox", "firefox", version, "firefox", version, os, os_version, False, False, False),
    )


def _safari_facts(
    platform: str, os_major: str | None, os_minor: str | None, major: str, minor: str
) -> Facts:
    version: str | None = _version(major, minor)
    if os_major is None:
        return Facts(
            "Safari", "safari", version, None, None, "Mac OS X", "10.15", False, False, False
        )
    os_version = _version(os_major, os_minor)
    if int(major) < int(os_major):
        version = os_version  # some app's own Version/ token, not Safari's: see _ios_version
    phone = platform.startswith("iPhone")
    return Facts(
        "Mobile Safari",
        "ios_saf",
        version,
        "ios_saf",
        version,
        "iOS",
        os_version,
        phone,
        not phone,
        False,
    )


def _without_groups(regex: str) -> str:
    """`regex` with every capture group made non-capturing: the same language, cheaper to match.

    Escapes and character classes (nested ones too, as the Rust engine allows) are skipped.
    """
    out: list[str] = []
    escape, depth = False, 0
    for i, char in enumerate(regex):
        if escape:
            escape = False
        elif char == "\\":
            escape = True
        elif char == "[":
            depth += 1
        elif char == "]" and depth:
            depth -= 1
        elif char == "(" and not depth and regex[i + 1 : i + 2] != "?":
            out.append("(?:")
            continue
        out.append(char)
    return "".join(out)


def _crawler_patterns() -> list[str]:
    # The package's data file, read directly: importing the module would parse it all the same,
    # and it ships no type information.
    data: list[dict[str, Any]] = json.loads(
        files("crawleruseragents").joinpath("crawler-user-agents.json").read_text("utf-8")
    )
    return [str(entry["pattern"]) for entry in data]


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


# Every cold detection makes one or two; there are few distinct ones (bounded all the same, as a
# User-Agent may claim any).
@lru_cache(maxsize=1024)
def _version(major: str | None, minor: str | None = None) -> str | None:
    # Five digits and more is no browser's version, only garbage or an attack on int().
    if major is None or not major.isdigit() or len(major) > 4:
        return None
    if minor is None or not minor.isdigit() or int(minor) == 0:
        return str(int(major))
    return f"{int(major)}.{int(minor)}"


def _ios_version(ua: str, os_version: str | None) -> str | None:
    # Since iOS 26, Safari freezes the OS token at 18_x (18_6, 18_7 ...) while its Version/ token
    # keeps counting; Safari's version is the iOS Safari version. A Version/ token smaller than the
    # OS is some app's own version, not Safari's.
    m = _SAFARI_VERSION.search(ua)
    if m is None:
        return os_version
    safari = _version(*m.groups())
    if os_version is None or (safari is not None and int(m.group(1)) >= _major(os_version)):
        return safari
    return os_version


def _major(version: str) -> int:
    return int(version.split(".", 1)[0])


# A browser sends the same hints with every request, and every new build of it brings new
# User-Agents with them: the parse is kept, per header value (bounded, as a client may send any).
@lru_cache(maxsize=256)
def _parse_brands(value: str | None) -> tuple[tuple[str, str], ...] | None:
    """A Sec-CH-UA style structured-field list as (brand, version), GREASE left out.

    Anything malformed gives None: the hint is then ignored, never trusted in part.
    """
    if not value or len(value) > _MAX_HINT_LENGTH:
        return None
    brands: list[tuple[str, str]] = []
    for item in _split_items(value):
        m = _HINT_ITEM.fullmatch(item)
        if m is None:
            return None
        brand = m.group(1).strip()
        if not _GREASE.search(brand):
            brands.append((brand, m.group(2) + m.group(3)))
    return tuple(brands) or None


def _split_items(value: str) -> Iterator[str]:
    # Brand names never contain commas outside quotes; a quote-aware split is all that is needed.
    start, quoted = 0, False
    for i, char in enumerate(value):
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            yield value[start:i]
            start = i + 1
    yield value[start:]


def _apply_hints(detection: Facts, hints: Mapping[str, str]) -> Facts:
    brands = _parse_brands(hints.get("sec-ch-ua-full-version-list")) or _parse_brands(
        hints.get("sec-ch-ua")
    )
    mobile_hint = hints.get("sec-ch-ua-mobile", "").strip()
    is_mobile = {"?1": True, "?0": False}.get(mobile_hint, detection.is_mobile)
    platform = hints.get("sec-ch-ua-platform", "").strip().strip('"')
    android = (
        platform.lower() == "android"
        if platform and len(platform) < 32
        else detection.engine == "and_chr"
    )
    if brands is None:
        return detection._replace(is_mobile=is_mobile)

    versions = {name.lower(): version for name, version in brands}
    chromium = versions.get("chromium") or versions.get("google chrome")
    engine_version = chromium.split(".", 1)[0] if chromium else None
    # The most specific brand wins: a named product over "Google Chrome" over plain "Chromium".
    specific = [name for name, _ in brands if name.lower() not in ("chromium", "google chrome")]
    family, agent, version = detection.family, detection.agent, detection.version
    if specific:
        name = specific[0]
        known = _BRANDS.get(name.lower())
        raw = versions[name.lower()]
        if known is not None:
            family, agent = known[0], known[2] if android else known[1]
            version = _version(*raw.split(".")[:2])
            if agent in _MAJOR_ONLY and version is not None:
                version = version.split(".")[0]
        elif name != detection.family:
            family, agent, version = name, None, _version(*raw.split(".")[:2])
    elif "google chrome" in versions:
        family = "Chrome Mobile" if android else "Chrome"
        agent, version = ("and_chr" if android else "chrome"), engine_version
    if family in ("Chrome", "Edge") and android and is_mobile:
        family = f"{family} Mobile"
    return Facts(
        family,
        agent,
        version,
        "and_chr" if android else "chrome",
        engine_version or detection.engine_version,
        detection.os,
        detection.os_version,
        is_mobile,
        detection.is_tablet and not is_mobile,
        detection.is_bot,
    )


@cache
def _detector() -> _Detector:
    return _Detector()


def detect(user_agent: str | None, hints: Mapping[str, str] | None = None) -> Detection:
    """Detect the browser behind a User-Agent (and Client Hints, names lower-cased).

    Never raises: empty, oversized or garbage input is an unrecognised ``Detection``.
    """
    return Detection(*detect_facts(user_agent, hints))


def facts_of(user_agent: str) -> Facts:
    """`detect_facts` without Client Hints, for a User-Agent already cut to
    `MAX_USER_AGENT_LENGTH` (the policy's cold path: one call, not three)."""
    facts = _fast_facts(user_agent)
    if facts is not None:
        return facts
    if not user_agent or user_agent.isspace():
        return _UNKNOWN_FACTS
    try:
        return _detector()._parsed_facts(user_agent)
    except (ValueError, TypeError, UnicodeError, IndexError):  # pragma: no cover - defensive
        return _UNKNOWN_FACTS


def detect_facts(user_agent: str | None, hints: Mapping[str, str] | None = None) -> Facts:
    """`detect`'s answer as a tuple of the `Detection`'s fields, in field order."""
    if not user_agent:
        return _UNKNOWN_FACTS
    try:
        return _detector().facts(user_agent, hints)
    except (ValueError, TypeError, UnicodeError, IndexError):  # pragma: no cover - defensive
        return _UNKNOWN_FACTS


def with_hints(facts: Facts, hints: Mapping[str, str] | None) -> Facts:
    """`facts` refined by Client Hints (names lower-cased), which only Chromium's can be.

    Never raises: malformed hints are ignored.
    """
    if not hints or facts.engine not in ("chrome", "and_chr"):
        return facts
    try:
        return _apply_hints(facts, hints)
    except (ValueError, TypeError, UnicodeError, IndexError):  # pragma: no cover - defensive
        return facts


def is_bot(user_agent: str) -> bool:
    """Whether a User-Agent is a crawler, link previewer, monitor or HTTP tool."""
    return _detector().is_bot(user_agent[:MAX_USER_AGENT_LENGTH])


def warm_up() -> None:
    """Compile the parsers now rather than on the first request."""
    _detector()
