"""The nonces a response's Content-Security-Policy lets inserted scripts and styles use.

    csp_nonces(policies: list[str]) -> tuple[str | None, str | None]   # (script, style)

`policies` are the values of every `Content-Security-Policy` and
`Content-Security-Policy-Report-Only` header of the response (each may hold several policies
joined by commas). A `<script>` element is governed by `script-src-elem`, else `script-src`,
else `default-src`; a `<style>`/`<link rel=stylesheet>` by `style-src-elem`, else `style-src`,
else `default-src` (CSP Level 3). The first `'nonce-...'` source with a valid base64 value in
the governing directive is the answer, policy by policy in the order given; within one policy
the first of a repeated directive counts, as in browsers. A nonce works together with
`'strict-dynamic'`, so it is returned either way. Nothing found, or malformed input: None;
never an exception.
"""

from __future__ import annotations

import re

__all__ = ["csp_nonces"]

_NONCE = re.compile(r"'nonce-([A-Za-z0-9+/_-]+={0,2})'", re.IGNORECASE)
_SCRIPT = ("script-src-elem", "script-src", "default-src")
_STYLE = ("style-src-elem", "style-src", "default-src")


def _directives(policy: str) -> dict[str, str]:
    """A policy's directives by lower-case name, the first of a repeated one kept."""
    found: dict[str, str] = {}
    for directive in policy.split(";"):
        name, _, sources = directive.strip().partition(" ")
        if name:
            found.setdefault(name.lower(), sources)
    return found


def _nonce(directives: dict[str, str], chain: tuple[str, ...]) -> str | None:
    for name in chain:
        if name in directives:
            for source in directives[name].split():
                match = _NONCE.fullmatch(source)
                if match:
                    return match.group(1)
            return None  # this directive governs, and names no nonce
    return None


def csp_nonces(policies: list[str]) -> tuple[str | None, str | None]:
    """(script nonce, style nonce) from the response's CSP header values; see the module."""
    script: str | None = None
    style: str | None = None
    for value in policies:
        if not isinstance(value, str):
            continue
        for policy in value.split(","):
            directives = _directives(policy)
            script = script or _nonce(directives, _SCRIPT)
            style = style or _nonce(directives, _STYLE)
    return script, style
