"""Client Hints: read from a request's headers, and applied to a Chromium browser's detection."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Final, TypeAlias

from antechamber.browsers.detection.base import (
    MAJOR_ONLY,
    MAX_USER_AGENT_LENGTH,
    Detection,
    version,
)
from antechamber.web.cache import BoundedCache

__all__ = ["HINT_HEADERS", "Hints", "client_hints", "sent_hints", "with_hints"]

# The Client Hints that can name a browser more precisely than its User-Agent, lower-cased.
HINT_HEADERS: Final = (
    "sec-ch-ua",
    "sec-ch-ua-full-version-list",
    "sec-ch-ua-mobile",
    "sec-ch-ua-platform",
)
# The four, in HINT_HEADERS' order, "" for one not sent, each capped.
Hints: TypeAlias = tuple[str, str, str, str]

_MAX_HINT_LENGTH: Final = 512

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
# GREASE brands ("Not?A_Brand", "Not A(Brand", "Not)A;Brand" ...) exist to be ignored.
_GREASE = re.compile(r"not.a.brand", re.IGNORECASE)
_HINT_ITEM = re.compile(r'\s*"([^"\\]{1,64})"\s*;\s*v\s*=\s*"(\d{1,4})((?:\.\d{1,10}){0,3})"\s*')


# -- from a request ---------------------------------------------------------------------------


def client_hints(headers: Mapping[str, str]) -> Hints | None:
    """The four hint headers (capped), or None when the request sends none."""
    if type(headers) is dict:
        # The gate's own dict, lower-case names and str values: four lookups on the hot path.
        get = headers.get
        brands, full, mobile, platform = (
            get("sec-ch-ua"),
            get("sec-ch-ua-full-version-list"),
            get("sec-ch-ua-mobile"),
            get("sec-ch-ua-platform"),
        )
        if brands is not None or mobile is not None or platform is not None or full is not None:
            cap = MAX_USER_AGENT_LENGTH
            return (
                brands[:cap] if isinstance(brands, str) else "",
                full[:cap] if isinstance(full, str) else "",
                mobile[:cap] if isinstance(mobile, str) else "",
                platform[:cap] if isinstance(platform, str) else "",
            )
    values = _hints_by_scan(headers)
    if values is None or values == [None, None, None, None]:
        return None
    capped = [v[:MAX_USER_AGENT_LENGTH] if isinstance(v, str) else "" for v in values]
    return capped[0], capped[1], capped[2], capped[3]


def sent_hints(
    brands: bytes | None, full: bytes | None, mobile: bytes | None, platform: bytes | None
) -> Hints | None:
    """The four hint headers as a request sent them (bytes, in HINT_HEADERS' order; None for one
    not sent), capped; None when the request sends none."""
    if brands is None and full is None and mobile is None and platform is None:
        return None
    cap = MAX_USER_AGENT_LENGTH
    return (
        "" if brands is None else brands[:cap].decode("latin-1"),
        "" if full is None else full[:cap].decode("latin-1"),
        "" if mobile is None else mobile[:cap].decode("latin-1"),
        "" if platform is None else platform[:cap].decode("latin-1"),
    )


def _hints_by_scan(headers: Mapping[str, str]) -> list[str | None] | None:
    found: dict[str, str] = {}
    try:
        raw = getattr(headers, "raw", None)
        if isinstance(raw, list):
            # Starlette's Headers: one pass over the ASGI pairs (names already lower-case)
            # instead of a scan of the whole list per header asked for.
            for name, value in raw:
                if name[:9] == b"sec-ch-ua":
                    found[name.decode("latin-1")] = value.decode("latin-1")
        elif isinstance(headers, dict):
            # A dict whose names are not all lower-case, or that sends no hints at all: most
            # of them, ruled out by one search of all the names at once.
            if "sec-ch-ua" not in "\n".join(headers).lower():
                return None
            for name, value in headers.items():
                if name[:9].lower() == "sec-ch-ua":
                    found[name.lower()] = value
        else:
            # httpx's, multidict's, werkzeug's ... headers are case-insensitive already.
            for name in HINT_HEADERS:
                value = headers.get(name)
                if value is not None:
                    found[name] = value
    except (AttributeError, TypeError, ValueError):
        return None
    return [found.get(name) for name in HINT_HEADERS]


# -- on a detection ---------------------------------------------------------------------------


def with_hints(detection: Detection, hints: Mapping[str, str] | None) -> Detection:
    """`detection` refined by Client Hints (names lower-cased), which only Chromium's can be.

    Never raises: malformed hints are ignored.
    """
    if not hints or detection.engine not in ("chrome", "and_chr"):
        return detection
    try:
        return _apply_hints(detection, hints)
    except (ValueError, TypeError, UnicodeError, IndexError):  # pragma: no cover - defensive
        return detection


def _apply_hints(detection: Detection, hints: Mapping[str, str]) -> Detection:
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

    versions = {name.lower(): v for name, v in brands}
    chromium = versions.get("chromium") or versions.get("google chrome")
    engine_version = chromium.split(".", 1)[0] if chromium else None
    # The most specific brand wins: a named product over "Google Chrome" over plain "Chromium".
    specific = [name for name, _ in brands if name.lower() not in ("chromium", "google chrome")]
    family, agent, own = detection.family, detection.agent, detection.version
    if specific:
        name = specific[0]
        known = _BRANDS.get(name.lower())
        raw = versions[name.lower()]
        if known is not None:
            family, agent = known[0], known[2] if android else known[1]
            own = version(*raw.split(".")[:2])
            if agent in MAJOR_ONLY and own is not None:
                own = own.split(".")[0]
        elif name != detection.family:
            family, agent, own = name, None, version(*raw.split(".")[:2])
    elif "google chrome" in versions:
        family = "Chrome Mobile" if android else "Chrome"
        agent, own = ("and_chr" if android else "chrome"), engine_version
    if family in ("Chrome", "Edge") and android and is_mobile:
        family = f"{family} Mobile"
    return Detection(
        family,
        agent,
        own,
        "and_chr" if android else "chrome",
        engine_version or detection.engine_version,
        detection.os,
        detection.os_version,
        is_mobile,
        detection.is_tablet and not is_mobile,
        detection.is_bot,
    )


# A browser sends the same hints with every request, and every new build of it brings new
# User-Agents with them: the parse is kept, per header value (bounded, as a client may send any).
_BRANDS_SEEN: Final = BoundedCache[str, tuple[tuple[str, str], ...]](256)


def _parse_brands(value: str | None) -> tuple[tuple[str, str], ...] | None:
    """A Sec-CH-UA style structured-field list as (brand, version), GREASE left out.

    Anything malformed gives None: the hint is then ignored, never trusted in part.
    """
    if not value or len(value) > _MAX_HINT_LENGTH:
        return None
    seen = _BRANDS_SEEN.get(value)
    if seen is not None:
        return seen or None
    brands: list[tuple[str, str]] = []
    for item in _split_items(value):
        m = _HINT_ITEM.fullmatch(item)
        if m is None:
            brands = []
            break
        brand = m.group(1).strip()
        if not _GREASE.search(brand):
            brands.append((brand, m.group(2) + m.group(3)))
    return _BRANDS_SEEN.put(value, tuple(brands)) or None


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
