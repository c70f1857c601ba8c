"""Whole and streamed documents through the HTML scanner with the embed rewriter as its hook:
frames and scripts in markup are held back; the same bytes in raw text (scripts, comments,
textareas, titles, attribute values) are not; every other byte is left as the page wrote it."""

from __future__ import annotations

import re

import pytest
from embed_snippets import FACEBOOK_SCRIPT, SPOTIFY_IFRAME, X_SCRIPT, YOUTUBE_IFRAME
from test_consent_embeds import ACCEPTED, GUARD, UNDECIDED

from antechamber.consent.state import ConsentState
from antechamber.web import scan

TRAPS = (
    # The same markup where a browser reads it as text, not as elements.
    f"<script>var embed = '{YOUTUBE_IFRAME}'; var s = '{X_SCRIPT}</scr' + 'ipt>';</script>"
    f"<!-- {YOUTUBE_IFRAME} {FACEBOOK_SCRIPT} -->"
    f"<textarea name=code>{YOUTUBE_IFRAME}</textarea>"
    f'<p title="{YOUTUBE_IFRAME.replace(chr(34), "&quot;")}">quoted</p>'
    f"<style>/* {YOUTUBE_IFRAME} */</style>"
    f"<noscript>{YOUTUBE_IFRAME}</noscript>"
)
DOCUMENT = (
    "<!doctype html><html><head><meta charset=utf-8><title>"
    f"{YOUTUBE_IFRAME}</title>{FACEBOOK_SCRIPT}</script></head><body>"
    f"<h1>News</h1>{TRAPS}<figure>{YOUTUBE_IFRAME}</figure><p>Between.</p>"
    f"<blockquote class=twitter-tweet>A post</blockquote>{X_SCRIPT}</script>"
    f"{SPOTIFY_IFRAME}<p>The end.</p></body></html>"
).encode()
PLACEHOLDER = re.compile(
    rb'<div class="antechamber-consent ac-embed.*?'
    rb"<template data-ac-embed-original>(.*?)</template>\n</div>",
    re.S,
)


def rewrite(document: bytes, state: ConsentState, chunks: list[int] | None = None) -> bytes:
    hook = GUARD.page(state, "en", "/story")
    scanner = scan.Scanner(b"", hook=hook, encoding="utf-8")
    if chunks is None:
        return scanner.feed(document, False)
    out, at = [], 0
    for size in chunks:
        out.append(scanner.feed(document[at : at + size], True))
        at += size
    out.append(scanner.feed(document[at:], False))
    return b"".join(out)


def restored(page: bytes) -> bytes:
    """The page with each placeholder put back as the frame it holds, and gated scripts back."""
    page = PLACEHOLDER.sub(lambda m: m.group(1), page)
    return re.sub(rb'<script type="text/plain" data-consent="[a-z_]+"', b"<script", page)


def test_frames_and_scripts_in_markup_wait_and_raw_text_is_untouched() -> None:
    out = rewrite(DOCUMENT, UNDECIDED)
    assert len(PLACEHOLDER.findall(out)) == 2  # the YouTube frame in <figure>, Spotify
    assert out.count(b'<script type="text/plain" data-consent="facebook" async defer') == 1
    assert out.count(b'<script type="text/plain" data-consent="x" async') == 1
    assert TRAPS.encode() in out  # every trap byte for byte
    assert f"<title>{YOUTUBE_IFRAME}</title>".encode() in out
    assert restored(out) == DOCUMENT  # nothing else changed


@pytest.mark.parametrize("size", [1, 2, 7, 64, 333, 4096])
def test_a_streamed_page_comes_out_as_the_whole_one(size: int) -> None:
    whole = rewrite(DOCUMENT, UNDECIDED)
    chunks = [size] * (len(DOCUMENT) // size)
    assert rewrite(DOCUMENT, UNDECIDED, chunks) == whole


def test_a_visitor_who_accepted_gets_the_page_with_only_anchors_added() -> None:
    out = rewrite(DOCUMENT, ACCEPTED)
    assert PLACEHOLDER.search(out) is None
    assert (
        out.replace(b' id="antechamber-embed-1"', b"").replace(b' id="antechamber-embed-2"', b"")
        == DOCUMENT
    )


def test_a_page_without_embeds_passes_unchanged() -> None:
    page = b"<!doctype html><html><body><p>Hello</p><script src=/app.js></script></body></html>"
    assert rewrite(page, UNDECIDED) == page
    assert rewrite(page, UNDECIDED, [3] * 20) == page


def test_a_page_in_windows_1251_gets_its_placeholder_in_windows_1251() -> None:
    page = f"<html><body><p>Новини</p>{YOUTUBE_IFRAME}</body></html>".encode("cp1251")
    hook = GUARD.page(UNDECIDED, "uk", "/", encoding="cp1251")
    scanner = scan.Scanner(b"", hook=hook, encoding="cp1251")
    out = scanner.feed(page, False)
    assert "Вміст від YouTube".encode("cp1251") in out
    assert "<p>Новини</p>".encode("cp1251") in out
