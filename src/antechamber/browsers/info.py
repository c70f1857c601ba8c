"""`BrowserInfo`: the verdict on one request's browser, and what it was judged on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias

from antechamber.browsers.detection.base import Detection

__all__ = ["BrowserInfo", "Verdict", "info_of"]

Verdict: TypeAlias = Literal["supported", "outdated", "unknown", "bot", "exempt"]


@dataclass(frozen=True, slots=True)
class BrowserInfo:
    """The verdict on one request's browser (also `request.state.browser`).

    >>> IE_11 = "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko"
    >>> info = BrowserPolicy("defaults").inspect(IE_11)
    >>> (info.family, info.agent, info.version, info.verdict)
    ('IE', 'ie', '11', 'outdated')

    `agent`/`version` are the browser's caniuse agent and version (`agent` is None when caniuse
    has no agent for it, `version` is then its own version); `engine`/`engine_version` are the
    Chromium, Gecko or iOS Safari equivalent it was also judged by; `reason` says why, for logs.
    """

    family: str
    agent: str | None
    version: str | None
    is_bot: bool
    is_mobile: bool
    verdict: Verdict
    engine: str | None = None
    engine_version: str | None = None
    os: str | None = None
    os_version: str | None = None
    is_tablet: bool = False
    reason: str = ""


def info_of(d: Detection, verdict: Verdict, reason: str) -> BrowserInfo:
    """`BrowserInfo` with `d`'s fields, `verdict` and `reason`."""
    return BrowserInfo(
        family=d.family,
        agent=d.agent,
        version=d.version,
        is_bot=d.is_bot,
        is_mobile=d.is_mobile,
        verdict=verdict,
        engine=d.engine,
        engine_version=d.engine_version,
        os=d.os,
        os_version=d.os_version,
        is_tablet=d.is_tablet,
        reason=reason,
    )
