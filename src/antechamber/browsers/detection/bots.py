"""The bot screen: crawlers, link previewers, monitors and HTTP tools, in one native automaton.

Its rules are crawler-user-agents' patterns, a few extras, and uap-core's own spider rules; a
screen hit's family starts with `BOT` (ua-parser's browser rules name no family with a NUL in it).
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any, Final, Literal

import ua_parser_rs
from ua_parser.lazy import DeviceMatcher

__all__ = ["BOT", "BotScreen"]

BOT: Final = "\x00bot"

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

# A rule as ua_parser_rs's extractors take it: regex, family and version replacements.
Rule = tuple[str, str | None, str | None, str | None, str | None, str | None]


class BotScreen:
    """The screen's rules (`rules`, for an extractor of their own or ahead of others), and
    `is_hit(family, ua)`: whether a hit of the screen on `ua` means a bot."""

    def __init__(self, device_matchers: Any) -> None:
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
        self.rules: list[Rule] = [(p, BOT, None, None, None, None) for p in patterns]
        earlier: list[tuple[str, Literal["i"] | None, str, None, None]] = []
        self._confirm: dict[str, ua_parser_rs.DeviceExtractor] = {}
        for matcher in device_matchers:
            regex, flag = matcher.regex, getattr(matcher, "regex_flag", None)
            if not (isinstance(matcher, DeviceMatcher) and matcher.family == "Spider"):
                earlier.append((regex, flag, "device", None, None))
                continue
            family = BOT
            if earlier:
                family = f"{BOT}{len(self._confirm)}"
                self._confirm[family] = ua_parser_rs.DeviceExtractor(earlier)
            regex = _without_groups(regex)
            self.rules.append(
                (f"(?i){regex}" if flag == "i" else regex, family, None, None, None, None)
            )

    def is_hit(self, family: str, ua: str) -> bool:
        """Whether `family`, what the screen (or a browser rule after it) matched, is a bot."""
        if family == BOT:
            return True
        confirm = self._confirm.get(family)  # None: a browser rule's family
        return confirm is not None and confirm.extract(ua) is None


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
