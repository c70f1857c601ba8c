"""Stand-ins for `charset.sniff_charset` and `csp.csp_nonces` until those modules land."""

from __future__ import annotations

import codecs
from collections.abc import Iterable

from antechamber.web.headers import media_type


def sniff_charset(content_type: str | None, head: bytes) -> str | None:
    charset = media_type(content_type)[1].get("charset") or "utf-8"
    try:
        codec = codecs.lookup(charset)
    except LookupError:
        return None
    if codec.encode("</body>")[0] != b"</body>":
        return None
    return codec.name


def csp_nonces(
    policies: Iterable[str], report_only: Iterable[str] = ()
) -> tuple[str | None, str | None]:
    return None, None


def deletion_domains(host: str | None, extra: Iterable[str] = ()) -> list[str]:
    return list(dict.fromkeys(extra))
