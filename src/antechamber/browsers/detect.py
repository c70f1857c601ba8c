"""Detect the browser behind a User-Agent and Client Hints; how, see `browsers.detection`.

detect(user_agent, hints)   # a Detection: family, caniuse agent and version, engine ...
is_bot(user_agent)          # a crawler, link previewer, monitor or HTTP tool
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

# (The `x as x` names are private helpers, importable from here for their tests.)
from antechamber.browsers.detection.base import MAX_USER_AGENT_LENGTH, UNKNOWN, Detection
from antechamber.browsers.detection.bots import _BROKEN_CRAWLER_PATTERNS as _BROKEN_CRAWLER_PATTERNS
from antechamber.browsers.detection.bots import _EXTRA_BOT_PATTERNS as _EXTRA_BOT_PATTERNS
from antechamber.browsers.detection.bots import _crawler_patterns as _crawler_patterns
from antechamber.browsers.detection.bots import _without_groups as _without_groups
from antechamber.browsers.detection.fast import detect_common
from antechamber.browsers.detection.hints import HINT_HEADERS, with_hints
from antechamber.browsers.detection.parsed import Parsers
from antechamber.browsers.detection.parsed import _is_phone as _is_phone
from antechamber.browsers.detection.parsed import _is_tablet as _is_tablet

__all__ = [
    "HINT_HEADERS",
    "MAX_USER_AGENT_LENGTH",
    "Detection",
    "detect",
    "detect_user_agent",
    "is_bot",
    "warm_up",
    "with_hints",
]


@cache
def parsers() -> Parsers:
    """The compiled parsers, one per process."""
    return Parsers()


def detect(user_agent: str | None, hints: Mapping[str, str] | None = None) -> Detection:
    """Detect the browser behind a User-Agent (and Client Hints, names lower-cased).

    Never raises: empty, oversized or garbage input is an unrecognised ``Detection``.
    """
    if not user_agent:
        return UNKNOWN
    return with_hints(detect_user_agent(user_agent[:MAX_USER_AGENT_LENGTH]), hints)


def detect_user_agent(user_agent: str) -> Detection:
    """`detect` without Client Hints, for a User-Agent already cut to `MAX_USER_AGENT_LENGTH`
    (the policy's cold path)."""
    found = detect_common(user_agent)
    if found is not None:
        return found
    if not user_agent or user_agent.isspace():
        return UNKNOWN
    try:
        return parsers().detect(user_agent)
    except (ValueError, TypeError, UnicodeError, IndexError):  # pragma: no cover - defensive
        return UNKNOWN


def is_bot(user_agent: str) -> bool:
    """Whether a User-Agent is a crawler, link previewer, monitor or HTTP tool."""
    return parsers().is_bot(user_agent[:MAX_USER_AGENT_LENGTH])


def warm_up() -> None:
    """Compile the parsers now rather than on the first request."""
    parsers()
