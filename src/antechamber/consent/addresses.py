"""Which partner an address belongs to: a frame's or script's URL read as browsers read it, and
the partners' `embeds`/`scripts` prefixes matched against it.

    key = address_key("https://www.youtube.com/embed/x")   # None: relative, javascript:, ...
    PrefixRule(url_prefix_key("https://www.youtube.com/embed"), partner).matches(key)

Both sides go through `antechamber.settings.url_prefix_key`, so scheme and case of the host do
not matter; a prefix matches only up to a boundary (see `PrefixRule`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from antechamber.settings import Partner, url_prefix_key

__all__ = ["PrefixRule", "address_key"]

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):", re.ASCII)
# A prefix that ends inside a path segment or host (`https://x.com/embed`) matches only up to a
# boundary: not `https://x.com/embedded` nor `https://x.com.evil.example/`.
_BOUNDARY = "/?#"


def address_key(url: str) -> str | None:
    """An address as `url_prefix_key` compares it, or None for one that is not absolute http(s)
    or protocol-relative (relative paths, `javascript:`, `about:blank`)."""
    # As browsers read it: surrounding whitespace stripped, tabs and newlines dropped, `\` read
    # as `/`, and after `http(s):` any number of slashes (`https:/x.com` can load x.com too).
    url = re.sub(r"[\t\n\r]", "", url.strip(" \t\n\f\r")).replace("\\", "/")
    scheme = _SCHEME.match(url)
    if scheme is not None:
        if scheme[1].lower() not in ("http", "https"):
            return None
        url = url[scheme.end() :]
    elif not url.startswith("//"):
        return None
    rest = url.lstrip("/")
    authority = re.match(r"[^/?#]*", rest)
    if authority and "@" in authority[0]:  # `user:pass@host`: the host is what loads
        rest = rest[authority[0].rindex("@") + 1 :]
    return url_prefix_key("//" + rest) if rest else None


@dataclass(frozen=True, slots=True)
class PrefixRule:
    """One prefix of a partner's `embeds` or `scripts`."""

    prefix: str  # a url_prefix_key
    partner: Partner

    def matches(self, key: str) -> bool:
        if not key.startswith(self.prefix):
            return False
        rest = key[len(self.prefix) :]
        if not rest or self.prefix[-1] in _BOUNDARY + "=&" or rest[0] in _BOUNDARY:
            return True
        # A bare host (`//video.example`) covers every port of it.
        return rest[0] == ":" and not any(c in self.prefix[2:] for c in _BOUNDARY + ":")
