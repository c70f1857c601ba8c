"""The streaming scanner: the fragment lands in markup a browser renders, whole or streamed."""
# ruff: noqa: E501  (a table of cases reads best one case a line)

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from antechamber.web import scan
from antechamber.web.page import splice, whole_body
from antechamber.web.scan import Element, Scanner, parse_attributes

F = b"[FRAGMENT]"


def whole(doc: bytes, fragment: bytes = F) -> bytes:
    return Scanner(fragment).feed(doc, False)


def streamed(chunks: list[bytes], fragment: bytes = F) -> list[bytes]:
    """What is sent for each chunk (the last one ends the body)."""
    scanner = Scanner(fragment)
    return [scanner.feed(chunk, i < len(chunks) - 1) for i, chunk in enumerate(chunks)]


# (name, document, where the fragment must go: the document with [FRAGMENT] in place).
# Each expectation is the HTML standard's answer: the first </body end tag the tokenizer emits.
CASES = [
    ("plain page", b"<html><body><p>Hi</p></body></html>", b"<html><body><p>Hi</p>[FRAGMENT]</body></html>"),
    ("upper case end tag", b"<BODY>x</BODY >", b"<BODY>x[FRAGMENT]</BODY >"),
    ("end tag with a slash", b"<body>x</body/>", b"<body>x[FRAGMENT]</body/>"),
    ("no body end tag", b"<p>partial", b"<p>partial[FRAGMENT]"),
    ("empty body", b"", b"[FRAGMENT]"),
    ("</bodyx is another tag", b"<p></bodyx></body>", b"<p></bodyx>[FRAGMENT]</body>"),
    ("comment after </html> names </body>",
     b"<body>x</body></html>\n<!-- moved </body> here -->",
     b"<body>x[FRAGMENT]</body></html>\n<!-- moved </body> here -->"),
    ("script after </body> says </body>",
     b"<body>x</body>\n<script>document.write('</body>')</script>",
     b"<body>x[FRAGMENT]</body>\n<script>document.write('</body>')</script>"),
    ("script string before the real one",
     b'<body><script>var s = "</body>";</script><p>x</p></body>',
     b'<body><script>var s = "</body>";</script><p>x</p>[FRAGMENT]</body>'),
    ("textarea", b"<body><textarea></body></textarea></body>", b"<body><textarea></body></textarea>[FRAGMENT]</body>"),
    ("title", b"<title></body></title><body></body>", b"<title></body></title><body>[FRAGMENT]</body>"),
    ("style", b"<style>/* </body> */</style></body>", b"<style>/* </body> */</style>[FRAGMENT]</body>"),
    ("xmp", b"<xmp></body></xmp></body>", b"<xmp></body></xmp>[FRAGMENT]</body>"),
    ("iframe", b"<iframe></body></iframe></body>", b"<iframe></body></iframe>[FRAGMENT]</body>"),
    ("noembed", b"<noembed></body></noembed></body>", b"<noembed></body></noembed>[FRAGMENT]</body>"),
    ("noframes", b"<noframes></body></noframes></body>", b"<noframes></body></noframes>[FRAGMENT]</body>"),
    ("noscript", b"<noscript></body></noscript></body>", b"<noscript></body></noscript>[FRAGMENT]</body>"),
    ("plaintext: all the rest is text", b"<plaintext></body>", b"<plaintext></body>[FRAGMENT]"),
    ("raw text end tag in upper case", b"<STYLE></body></STYLE></body>", b"<STYLE></body></STYLE>[FRAGMENT]</body>"),
    ("</style without a delimiter does not end it",
     b"<style></stylex></body></style></body>", b"<style></stylex></body></style>[FRAGMENT]</body>"),
    ("comment", b"<!-- </body> --></body>", b"<!-- </body> -->[FRAGMENT]</body>"),
    ("comment closed by --!>", b"<!-- x --!></body>", b"<!-- x --!>[FRAGMENT]</body>"),
    ("<!--> is an empty comment", b"<!--></body>", b"<!-->[FRAGMENT]</body>"),
    ("<!---> is an empty comment", b"<!---></body>", b"<!--->[FRAGMENT]</body>"),
    ("<!--!> does not close", b"<!--!></body>--></body>", b"<!--!></body>-->[FRAGMENT]</body>"),
    ("doctype and bogus comment", b"<!DOCTYPE html><! </body> ></body>", b"<!DOCTYPE html><! </body> >[FRAGMENT]</body>"),
    ("processing instruction", b"<? </body> ?></body>", b"<? </body> ?>[FRAGMENT]</body>"),
    ("end tag bogus comment", b"</ </body></body>", b"</ </body>[FRAGMENT]</body>"),
    ("double-quoted attribute", b'<a title="</body>">x</a></body>', b'<a title="</body>">x</a>[FRAGMENT]</body>'),
    ("single-quoted attribute", b"<a title='</body>'>x</a></body>", b"<a title='</body>'>x</a>[FRAGMENT]</body>"),
    ("> inside a quoted value", b'<a title="a > <script>">x</a></body>', b'<a title="a > <script>">x</a>[FRAGMENT]</body>'),
    ("spaces around =", b'<a title = "</body>">x</a></body>', b'<a title = "</body>">x</a>[FRAGMENT]</body>'),
    ("upper-case tag with attributes", b'<DIV TITLE="</body>">x</DIV></body>', b'<DIV TITLE="</body>">x</DIV>[FRAGMENT]</body>'),
    ("quote in an unquoted value opens nothing", b"<a b=c\"d>x</body>", b"<a b=c\"d>x[FRAGMENT]</body>"),
    ("quote in a name opens nothing", b"<a b\"c>x</body>", b"<a b\"c>x[FRAGMENT]</body>"),
    ("attributes on an end tag", b'</p title="</body>"></body>', b'</p title="</body>">[FRAGMENT]</body>'),
    ("script escape: <!-- <script> hides </script>",
     b"<script><!--<script>x</script>--></body></script></body>",
     b"<script><!--<script>x</script>--></body></script>[FRAGMENT]</body>"),
    ("script escape closed at once by <!-->", b"<script><!--></script></body>", b"<script><!--></script>[FRAGMENT]</body>"),
    ("script: <!-- alone does not hide </script>",
     b"<script><!-- x </script></body>", b"<script><!-- x </script>[FRAGMENT]</body>"),
    ("template content is not the body", b"<template></body></template></body>", b"<template></body></template>[FRAGMENT]</body>"),
    ("a lone < is text", b"<p>1 < 2</p></body>", b"<p>1 < 2</p>[FRAGMENT]</body>"),
    ("only the first </body> in markup", b"<body>a</body>b</body>", b"<body>a[FRAGMENT]</body>b</body>"),
]  # fmt: skip
TRICKY = [doc for name, doc, _ in CASES if "<" in doc.decode()]


@pytest.mark.parametrize(
    ("document", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_the_fragment_goes_before_the_first_body_end_tag_in_markup(
    document: bytes, expected: bytes
) -> None:
    assert whole(document) == expected


@pytest.mark.parametrize(
    ("document", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_every_split_into_two_chunks_gives_the_same_bytes(document: bytes, expected: bytes) -> None:
    for at in range(len(document) + 1):
        assert b"".join(streamed([document[:at], document[at:]])) == expected, at


@pytest.mark.parametrize(
    ("document", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_byte_by_byte_gives_the_same_bytes(document: bytes, expected: bytes) -> None:
    chunks = [document[i : i + 1] for i in range(len(document))] + [b""]
    assert b"".join(streamed(chunks)) == expected


@pytest.mark.parametrize(
    ("document", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_the_exact_rules_agree_with_the_fast_path(
    document: bytes, expected: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With a fast path that steps over text only, every tag goes through the exact rules.
    monkeypatch.setattr(scan, "_PLAIN", re.compile(rb"[^<]*+"))
    assert whole(document) == expected


def test_an_early_chunk_whose_body_end_is_in_a_script_string_waits_for_the_real_one() -> None:
    sent = streamed([b'<body><script>x = "</body>";', b"</script><p>more</p>", b"</body></html>"])
    assert sent == [b'<body><script>x = "</body>";', b"</script><p>more</p>", F + b"</body></html>"]


def test_an_early_chunk_whose_body_end_is_in_a_textarea_or_comment_is_left_alone() -> None:
    sent = streamed([b"<body><textarea></body>", b"</textarea><!-- </body>", b" --></body>"])
    assert sent == [
        b"<body><textarea></body>",
        b"</textarea><!-- </body>",
        b" -->" + F + b"</body>",
    ]


@pytest.mark.parametrize(
    ("chunk", "held"),
    [
        (b"<html><head><title>T</title></head>", b""),
        (b"<p>text ending in a tag <a href='x'>", b""),
        (b"<p>an unfinished tag <a href='x", b""),
        (b"<p>x</p><", b"<"),
        (b"<p>x</p></", b"</"),
        (b"<p>x</p></bo", b"</bo"),
        (b"<p>x</p></BODY", b"</BODY"),
        (b"<p>x</p></bu", b""),
        (b"<script>var a = '</bo", b""),
        (b"<!-- </bo", b""),
    ],
)
def test_a_chunk_holds_back_only_what_could_begin_body_end(chunk: bytes, held: bytes) -> None:
    scanner = Scanner(F)
    assert scanner.feed(chunk, True) == chunk[: len(chunk) - len(held)]


def test_held_bytes_come_out_with_the_next_chunk() -> None:
    assert streamed([b"<p>x</p></bo", b"dy></html>"]) == [b"<p>x</p>", F + b"</body></html>"]
    assert streamed([b"<p>x</p></b", b"r></p>"]) == [b"<p>x</p>", b"</br></p>" + F]


def test_without_a_hook_the_length_grows_by_the_fragment() -> None:
    scanner = Scanner(F)
    out = scanner.feed(b"<body>x", True) + scanner.feed(b"</body>", False)
    assert len(out) == len(b"<body>x</body>") + len(F) == len(b"<body>x</body>") + scanner.delta


def test_after_the_end_bytes_pass_unchanged() -> None:
    scanner = Scanner(F)
    scanner.feed(b"<body></body>", False)
    assert scanner.feed(b"</body>", False) == b"</body>"


def test_no_fragment_and_no_hook_changes_nothing() -> None:
    assert Scanner().feed(b"<body></body>", False) == b"<body></body>"


markup = st.lists(
    st.sampled_from(
        [
            b"<body>",
            b"</body>",
            b"</BODY >",
            b"</bo",
            b"dy>",
            b"<script>",
            b"</script>",
            b"<!--",
            b"-->",
            b"--!>",
            b"<textarea>",
            b"</textarea>",
            b'<a title="',
            b'">',
            b"'",
            b"<template>",
            b"</template>",
            b"<style>",
            b"</style>",
            b"<!",
            b">",
            b"<",
            b"/",
            b"x",
            b" ",
            b"=",
            b"<p class=a>",
            b"<plaintext>",
            b"<iframe src=x>",
            b"</iframe>",
            b"<?",
            b"<!DOCTYPE html>",
        ]
    ),
    max_size=30,
).map(b"".join)


@settings(max_examples=300, deadline=None)
@given(document=markup, cuts=st.lists(st.integers(min_value=0, max_value=400), max_size=6))
def test_any_split_gives_the_whole_answer_with_the_fragment_once(
    document: bytes, cuts: list[int]
) -> None:
    expected = whole(document, b"\x01")
    assert expected.count(b"\x01") == 1
    assert expected.replace(b"\x01", b"") == document
    points = sorted({min(c, len(document)) for c in cuts})
    chunks = [document[a:b] for a, b in zip([0, *points], [*points, len(document)], strict=True)]
    assert b"".join(streamed(chunks, b"\x01")) == expected


@settings(max_examples=200, deadline=None)
@given(document=st.binary(max_size=200))
def test_any_bytes_never_raise(document: bytes) -> None:
    out = whole(document)
    assert out.count(F) >= 1 and out.replace(F, b"", 1) == document


# Element hooks (embeds)


def embeds(chunks: list[bytes], limit: int = scan.HOLD_LIMIT) -> tuple[bytes, list[Element]]:
    seen: list[Element] = []

    def hook(element: Element) -> bytes | None:
        seen.append(element)
        if element.name == "iframe" and "youtube" in element.attributes.get("src", ""):
            return b"<div>placeholder</div>"
        return None

    scanner = Scanner(F, hook=hook, hold_limit=limit)
    out = b"".join(scanner.feed(c, i < len(chunks) - 1) for i, c in enumerate(chunks))
    return out, seen


PAGE = (
    b"<body><!-- <iframe src='https://www.youtube.com/embed/a'></iframe> -->"
    b"<script>var t = '<iframe src=\"https://www.youtube.com/embed/b\">';</script>"
    b'<iframe width=560 SRC="https://www.youtube.com/embed/c?a=1&amp;b=2&copy=3" allowfullscreen>'
    b"</iframe>"
    b'<script async src="https://platform.twitter.com/widgets.js" nonce="n1"></script>'
    b"</body>"
)


def test_a_hook_sees_iframes_and_script_tags_in_markup_only() -> None:
    out, seen = embeds([PAGE])
    assert [e.name for e in seen] == ["script", "iframe", "script"]
    iframe = seen[1]
    assert iframe.attributes == {
        "width": "560",
        "src": "https://www.youtube.com/embed/c?a=1&b=2&copy=3",
        "allowfullscreen": "",
    }
    assert iframe.raw.startswith(b"<iframe width=560") and iframe.raw.endswith(b"</iframe>")
    assert seen[2].attributes["src"] == "https://platform.twitter.com/widgets.js"
    assert out == PAGE.replace(iframe.raw, b"<div>placeholder</div>").replace(
        b"</body>", F + b"</body>"
    )


def test_an_element_split_across_chunks_is_still_seen() -> None:
    expected, _ = embeds([PAGE])
    for at in range(len(PAGE) + 1):
        out, seen = embeds([PAGE[:at], PAGE[at:]])
        assert out == expected, at
        assert [e.name for e in seen] == ["script", "iframe", "script"]


def test_an_element_longer_than_the_hold_limit_passes_unchanged() -> None:
    page = (
        b'<body><iframe src="https://www.youtube.com/embed/x">' + b"x" * 500 + b"</iframe></body>"
    )
    out, seen = embeds([page[:100], page[100:300], page[300:]], limit=200)
    assert out == page.replace(b"</body>", F + b"</body>")
    assert seen == []


def test_parse_attributes_decodes_references_as_an_attribute() -> None:
    # In an attribute, a legacy name without ";" followed by a letter or "=" stays as written.
    tag = b"<a HREF=\"/x?a=1&amp;b=&#x32;&lt\" data-x='&notit; &not; &not &#x80;' href=dup &=y>"
    assert parse_attributes(tag) == {
        "href": "/x?a=1&b=2<",
        "data-x": "&notit; ¬ ¬ €",
        "&": "y",
    }


def gate(element: Element) -> bytes | None:
    if element.name == "script" and "src" in element.attributes:
        return b'<script type="text/plain" data-consent="x">'
    return b"<div>placeholder</div>" if element.name == "iframe" else None


def hooked(chunks: list[bytes]) -> bytes:
    scanner = Scanner(b"\x01", hook=gate)
    return b"".join(scanner.feed(c, i < len(chunks) - 1) for i, c in enumerate(chunks))


def test_a_script_start_tag_is_replaced_and_its_content_kept() -> None:
    page = b'<body><script src="https://connect.facebook.net/sdk.js" async>init()</script></body>'
    assert hooked([page]) == (
        b'<body><script type="text/plain" data-consent="x">init()</script>\x01</body>'
    )


def test_an_iframe_unfinished_at_the_end_is_still_seen() -> None:
    assert hooked([b"<body><iframe src=x>", b"never closed"]) == b"<body><div>placeholder</div>\x01"


@settings(max_examples=300, deadline=None)
@given(document=markup, cuts=st.lists(st.integers(min_value=0, max_value=400), max_size=6))
def test_with_a_hook_any_split_gives_the_whole_answer(document: bytes, cuts: list[int]) -> None:
    points = sorted({min(c, len(document)) for c in cuts})
    chunks = [document[a:b] for a, b in zip([0, *points], [*points, len(document)], strict=True)]
    expected = hooked([document])
    assert expected.count(b"\x01") == 1
    assert hooked(chunks) == expected


@settings(max_examples=300, deadline=None)
@given(document=markup)
def test_a_whole_body_spliced_from_its_elements_found_once_is_what_the_scanner_makes(
    document: bytes,
) -> None:
    # The rewriter scans a whole body once and splices later responses from what it found.
    at = Scanner(b"\x01").feed(document, False).index(b"\x01")
    found: list[Element] = []
    Scanner(hook=lambda element: found.append(element)).feed(document, False)
    assert splice(document, at, b"\x01", tuple(found), gate) == hooked([document])


def test_pages_of_one_length_are_each_worked_out_as_themselves() -> None:
    # Bodies are kept by Content-Type and length and then compared whole: three pages of one
    # length (two kept at a time) are each rewritten where their own </body> is.
    pages = [
        b"<!doctype html><body><p>one</p></body>",
        b"<!doctype html><body><p>two</p></body>",
        b"<!doctype html><body></body><p>six</p>",
    ]
    for _ in range(3):
        for page in pages:
            known = whole_body("text/html", bytes(page))
            assert known.body == page
            with_markup = page.replace(b"</body>", b"[m]</body>")
            assert known.with_markup("[m]") == (with_markup, str(len(with_markup)).encode())
            assert known.document and known.charset == "utf-8"
