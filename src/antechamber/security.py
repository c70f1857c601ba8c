"""Checks for antechamber's own POST endpoints: same-origin requests and on-site `next` targets.

Shared by the consent endpoints and the gate's `continue` and `notice` forms.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote, unquote, urlsplit

__all__ = ["is_same_origin", "safe_next"]

_MAX_NEXT = 2048
_DEFAULT_PORTS = {"http": "80", "https": "443"}
# Characters a `next` keeps as they are; `%` too, so that encoding it twice changes nothing.
_SAFE_PATH = "/?&=%#:@!$'()*+,;~-._"


def _host_key(scheme: str, netloc: str) -> str:
    netloc = netloc.strip().lower()
    default = _DEFAULT_PORTS.get(scheme)
    if default and netloc.endswith(f":{default}"):
        netloc = netloc[: -len(default) - 1]
    return netloc


def is_same_origin(headers: Mapping[str, str], scheme: str) -> bool:
    """Whether a state-changing request comes from this site.

    The rule, in order:
    1. `Sec-Fetch-Site` present (every current browser sends it): only `same-origin`, or `none`
       (the user's own action, e.g. a bookmark), passes.
    2. `Origin` present: it must be an http(s) origin whose host and port equal the `Host`
       header. The scheme is not compared, because behind a TLS-terminating proxy the app may see
       http while the browser says https; `Host` cannot be forged by another site's page.
       `Origin: null` (sandboxed frames, some redirects) is refused.
    3. Neither header (IE 11 and Firefox before 70 send neither with a same-site form, and they
       are the browsers the upgrade page is shown to): the `Referer` decides, by the same host
       comparison. Without a `Referer` either, refused on https and allowed on plain http, where
       there is no privacy to protect from a forged request anyway.
    """
    site = headers.get("sec-fetch-site")
    if site is not None and site.strip().lower() not in ("same-origin", "none"):
        return False
    origin = headers.get("origin")
    if origin is not None:
        return _same_host(origin, headers.get("host"))
    if site is not None:
        return True
    referer = headers.get("referer")
    if referer is not None:
        return _same_host(referer, headers.get("host"))
    return scheme != "https"


def _same_host(url: str, host: str | None) -> bool:
    """Whether an http(s) URL (an Origin or a Referer) names the host and port of `Host`."""
    if not host:
        return False
    try:
        parsed = urlsplit(url.strip())
    except ValueError:
        return False
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        return False
    return _host_key(parsed.scheme, parsed.netloc) == _host_key(parsed.scheme, host)


def _has_control(text: str) -> bool:
    return any(ord(c) < 0x20 or ord(c) == 0x7F for c in text)


def _leaves_site(path: str) -> bool:
    if not path.startswith("/") or path.startswith("//") or "\\" in path or _has_control(path):
        return True
    try:
        parts = urlsplit(path)
    except ValueError:
        return True
    return bool(parts.scheme or parts.netloc)


def safe_next(value: str | None) -> str:
    """`value` when it is a path on this site, else "/".

    Refused: anything not starting with one `/` (`https://x`, `//x`, `javascript:`), backslashes
    (`/\\x`, which browsers read as `//x`), control characters (CR/LF header injection, tabs that
    browsers strip), and the same tricks percent-encoded once or twice (`/%2F%2Fx`, `/%5Cx`).
    """
    if not value or len(value) > _MAX_NEXT:
        return "/"
    decoded = value
    for _ in range(3):
        if _leaves_site(decoded):
            return "/"
        again = unquote(decoded)
        if again == decoded:
            break
        decoded = again
    else:
        if _leaves_site(decoded):
            return "/"
    # Spaces and non-ASCII become %XX, so that the value is a valid Location header.
    return quote(value, safe=_SAFE_PATH)
