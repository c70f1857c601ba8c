"""`Detection`, the answer of every detection path, and the pieces they share."""

from __future__ import annotations

from functools import lru_cache
from typing import Final, NamedTuple

__all__ = ["MAJOR_ONLY", "MAX_USER_AGENT_LENGTH", "UNKNOWN", "Detection", "version"]

# Real User-Agents are 100-300 characters; the longest in uap-core's corpus is under 512. Cutting
# there bounds the regex work (and the cache keys) whatever a client sends.
MAX_USER_AGENT_LENGTH: Final = 512

# caniuse lists these by major version only; a minor part would only make the version look odd.
# Not Samsung Internet: caniuse lists 7.2-7.4, 9.2, 10.1 ..., so SamsungBrowser/7.2 is "7.2"
# (and SamsungBrowser/27.0 still "27": a zero minor is dropped).
MAJOR_ONLY: Final = frozenset({"chrome", "and_chr", "edge", "opera", "op_mob"})


# A named tuple, not a frozen dataclass: the verdict cache hashes and compares one per never-seen
# User-Agent, which a tuple does in C; as a dataclass the cold path cost 16.5k instructions more a
# request (benchmarks.instructions, "cold corpus UA": 473.4k against 456.9k).
class Detection(NamedTuple):
    """What a User-Agent says about the browser behind it.

    >>> from antechamber.browsers.detect import detect
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
        agent = self.agent
        return (agent is not None and (self.version is not None or agent == "op_mini")) or (
            self.engine is not None and self.engine_version is not None
        )


UNKNOWN: Final = Detection(family="Other")


# Every cold detection makes one or two, and there are few distinct ones: kept, it saves 7.7k
# instructions a request (benchmarks.instructions, "cold corpus UA": 456.9k against 464.6k).
# Bounded all the same, as a User-Agent may claim any.
@lru_cache(maxsize=1024)
def version(major: str | None, minor: str | None = None) -> str | None:
    """A version as caniuse writes it: `("17", "2")` -> `"17.2"`, `("131", "0")` -> `"131"`."""
    # Five digits and more is no browser's version, only garbage or an attack on int().
    if major is None or not major.isdigit() or len(major) > 4:
        return None
    if minor is None or not minor.isdigit() or int(minor) == 0:
        return str(int(major))
    return f"{int(major)}.{int(minor)}"
