"""`request.state.user_agent`: the `user_agents.UserAgent` object, found by native rules.

`user_agents.parse` walks ua-parser's legacy rules in Python, one `re` search per rule and domain
(about 600 µs for a User-Agent, up to 10 ms for a crafted one). Here ua-parser-rs's automata,
built over the very same regexes, say which rule of each domain matches first, and only that
rule runs in Python. The object is built as `UserAgent.__init__` builds it.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, Final

import ua_parser_rs

if TYPE_CHECKING:
    from user_agents.parsers import UserAgent

__all__ = ["parse_user_agent"]

# A counted repetition's upper bound, `{0,100}` (and, harmlessly, an escaped literal brace).
_BOUND: Final = re.compile(r"\{\d*,(\d+)\}")


class _Rules:
    """One domain of ua-parser's legacy rules (those `user_agents.parse` walks, one `re` search
    each, 570 µs a User-Agent) and, over the same regexes, a native extractor whose answer is
    the index of the first rule that matches: the walk then starts there.

    ua-parser-rs makes digit and word classes ASCII and repetitions bounded at 100 or more
    unbounded, so on printable ASCII a native regex matches wherever its legacy one does (and
    sometimes where it does not): no rule before the native hit can match. The fields are still
    the legacy rule's own (its replacements, its empty values) and a rule that does not in fact
    match, or matches with an empty family, is passed over as `user_agents.parse` would.

    `constant` holds, by rule index, the fields of rules that take nothing from the match and
    the longest User-Agent their native regex is exact for: no longer than any of its bounds,
    no repetition can tell the bound from its removal.
    """

    __slots__ = ("constant", "first", "nothing", "rules")

    def __init__(
        self,
        rules: Sequence[Any],
        first: Callable[[str], Any],
        width: int,
        constant: Mapping[int, tuple[tuple[str | None, ...], int]] | None = None,
    ) -> None:
        self.rules = rules
        self.first = first
        self.nothing: tuple[None, ...] = (None,) * width
        self.constant = constant or {}

    def parse(self, ua: str, plain: bool) -> tuple[Any, ...]:
        """What the legacy walk over these rules ends on: the first rule's fields that name a
        family, else the last rule's."""
        start = 0
        if plain:
            hit = self.first(ua)
            if hit is None:
                return self.nothing
            start = int(hit.family)
            constant = self.constant.get(start)
            if constant is not None and len(ua) <= constant[1]:
                return constant[0]
        rules = self.rules
        fields = self.nothing
        for index in range(start, len(rules)):
            fields = rules[index].Parse(ua)
            if fields[0]:
                break
        return fields


def _constant_device(
    rule: Any, replace: Callable[[str, None], str | None]
) -> tuple[tuple[str | None, ...], int] | None:
    """A device rule's fields when they are its replacements alone (uap-core's catch-all
    spider rule, which half the corpus reaches, and whose legacy regex costs 50 µs), and the
    longest User-Agent its native regex is exact for."""
    texts = (rule.device_replacement, rule.brand_replacement, rule.model_replacement)
    if any(text and "$" in text for text in texts):
        return None
    if not rule.device_replacement or (not rule.model_replacement and rule.user_agent_re.groups):
        return None
    # Their values as DeviceParser.Parse gives them: MultiReplace reads the match only for `$n`.
    device, brand, model = (replace(text, None) if text else None for text in texts)
    if not device:
        return None
    bounds = [int(bound) for bound in _BOUND.findall(rule.user_agent_re.pattern)]
    return (device, brand, model), min(bounds, default=sys.maxsize)


def _first_rule(extractor: Callable[[Any], Any], rules: Sequence[Any]) -> Callable[[str], Any]:
    """A browser or OS extractor over `rules`' regexes that answers the index of the first one
    that matches, as its family (a constant family is all ua-parser-rs needs of a rule)."""
    return extractor(  # type: ignore[no-any-return]
        (rule.user_agent_re.pattern, str(i), None, None, None, None) for i, rule in enumerate(rules)
    ).extract


class _UserAgentParser:
    """`user_agents.parse`, with each domain's rule found by ua-parser's native resolver."""

    def __init__(self) -> None:
        # user_agents compiles ua-parser's legacy rules on import (0.3 s); its UserAgent needs
        # them imported all the same.
        from ua_parser import user_agent_parser as legacy
        from user_agents import parsers

        self._parsers = parsers
        self._browser = _Rules(
            legacy.USER_AGENT_PARSERS,
            _first_rule(ua_parser_rs.UserAgentExtractor, legacy.USER_AGENT_PARSERS),
            4,
        )
        self._os = _Rules(
            legacy.OS_PARSERS, _first_rule(ua_parser_rs.OSExtractor, legacy.OS_PARSERS), 5
        )
        constant = {
            i: fields
            for i, rule in enumerate(legacy.DEVICE_PARSERS)
            if (fields := _constant_device(rule, legacy.MultiReplace)) is not None
        }
        self._device = _Rules(
            legacy.DEVICE_PARSERS,
            ua_parser_rs.DeviceExtractor(
                (
                    rule.user_agent_re.pattern,
                    "i" if rule.user_agent_re.flags & re.IGNORECASE else None,
                    str(i),
                    None,
                    None,
                )
                for i, rule in enumerate(legacy.DEVICE_PARSERS)
            ).extract,
            3,
            constant,
        )

    def __call__(self, ua: str) -> UserAgent:
        # Elsewhere (non-ASCII, tabs, control characters) Python's \d, \w, \s and case
        # folding part from the native ones: the legacy rules are walked from the first.
        plain = ua.isascii() and ua.isprintable()
        family, major, minor, patch = self._browser.parse(ua, plain)
        os = self._os.parse(ua, plain)
        device = self._device.parse(ua, plain)
        # As UserAgent.__init__ builds it from ua_parser.user_agent_parser.Parse(ua), in the
        # same order, with Parse's defaults for what no rule named.
        parsers = self._parsers
        agent: UserAgent = parsers.UserAgent.__new__(parsers.UserAgent)
        agent.ua_string = ua
        agent.os = parsers.parse_operating_system(os[0] or "Other", *os[1:])
        agent.browser = parsers.parse_browser(
            family or "Other", major or None, minor or None, patch or None
        )
        agent.device = parsers.parse_device(
            "Other" if device[0] is None else device[0], device[1], device[2]
        )
        return agent


# Built when `request.state.user_agent` is first read (0.5 s, the device rules the most): most
# sites never read it.
@cache
def _user_agent_parser() -> _UserAgentParser:
    return _UserAgentParser()


def parse_user_agent(user_agent: str) -> UserAgent:
    """`user_agents.parse(user_agent)`, the same object with the same values, about ten times
    faster (tests/test_user_agent_object.py compares them on the whole uap-core corpus)."""
    return _user_agent_parser()(user_agent)
