"""Stand-ins for helper web-pure's modules until they are merged: `charset.sniff_charset`
(bridged: used as soon as it is there), `csp.csp_nonces` and `enforce.deletion_domains` (their
signatures are not known yet: wire them in `rewrite.py` and `consent/half.py`, then delete this
module)."""

from __future__ import annotations

from collections.abc import Iterable

from antechamber.web.headers import media_type

__all__ = ["csp_nonces", "deletion_domains", "sniff_charset"]

try:
    from antechamber.web.charset import (  # type: ignore[import-not-found, unused-ignore]
        sniff_charset,
    )
except ImportError:  # pragma: no cover - gone once antechamber.web.charset is merged

    def sniff_charset(content_type: str | None, head: bytes) -> str | None:  # type: ignore[misc, unused-ignore]
        """The Content-Type's charset, else UTF-8 (no BOM, no `<meta>` prescan)."""
        return media_type(content_type)[1].get("charset") or "utf-8"


def csp_nonces(
    policies: Iterable[str], report_only: Iterable[str] = ()
) -> tuple[str | None, str | None]:
    """The nonce for scripts and the one for styles (stand-in: none)."""
    return None, None


def deletion_domains(host: str | None, extra: Iterable[str] = ()) -> list[str]:
    """The `Domain` values to delete refused cookies under (stand-in: `extra` only)."""
    return list(dict.fromkeys(extra))
