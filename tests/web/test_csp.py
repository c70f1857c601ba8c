"""Nonces for inserted scripts and styles, from the response's Content-Security-Policy."""
# ruff: noqa: E501  (a table of cases reads best one case a line)

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from antechamber.web.csp import csp_nonces

CASES = [
    ("issue case 7", ["script-src 'nonce-R4nd0m'"], ("R4nd0m", None)),
    ("with strict-dynamic", ["script-src 'nonce-R4nd0m' 'strict-dynamic'"], ("R4nd0m", None)),
    ("Google's strict CSP", ["object-src 'none'; script-src 'nonce-rAnd0m123' 'unsafe-inline' 'strict-dynamic' https: http:; base-uri 'none'; report-uri https://example.com/csp"], ("rAnd0m123", None)),
    ("default-src covers both", ["default-src 'self' 'nonce-abc+/=='"], ("abc+/==", "abc+/==")),
    ("script-src-elem wins over script-src", ["script-src 'nonce-a'; script-src-elem 'nonce-b'"], ("b", None)),
    ("script-src wins over default-src", ["default-src 'nonce-d'; script-src 'self'"], (None, "d")),
    ("style-src-elem, style-src", ["style-src 'nonce-s1'; style-src-elem 'nonce-s2'"], (None, "s2")),
    ("first of a repeated directive", ["script-src 'nonce-first'; script-src 'nonce-second'"], ("first", None)),
    ("several headers", ["frame-ancestors 'none'", "script-src 'nonce-x'"], ("x", None)),
    ("comma-joined policies", ["upgrade-insecure-requests, style-src 'nonce-y'"], (None, "y")),
    ("report-only too", ["script-src 'nonce-ro'; report-to csp"], ("ro", None)),
    ("upper-case directive and keyword", ["SCRIPT-SRC 'NONCE-Up'"], ("Up", None)),
    ("no nonce", ["script-src 'self' https://cdn.example.com"], (None, None)),
    ("a nonce that is not base64", ["script-src 'nonce-a b' 'nonce-$$'"], (None, None)),
    ("unquoted nonce is not a nonce", ["script-src nonce-abc"], (None, None)),
    ("empty", [], (None, None)),
    ("garbage", [";;;, ,, ;'nonce-x'"], (None, None)),
]  # fmt: skip


@pytest.mark.parametrize(("policies", "nonces"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_the_nonce_for_scripts_and_styles(
    policies: list[str], nonces: tuple[str | None, str | None]
) -> None:
    assert csp_nonces(policies) == nonces


@given(st.lists(st.text(max_size=80), max_size=4))
def test_any_input_gives_an_answer_without_raising(policies: list[str]) -> None:
    for nonce in csp_nonces(policies):
        assert nonce is None or nonce.strip("+/=-_").isalnum()
