"""The page's charset, as a browser reads it: BOM, Content-Type, <meta> prescan, UTF-8."""
# ruff: noqa: E501  (a table of cases reads best one case a line)

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from antechamber.web.charset import ascii_compatible, charset_label, sniff_charset

# (name, Content-Type header, start of the body, Python codec a browser's choice maps to)
CASES = [
    ("no charset anywhere: UTF-8", "text/html", b"<!doctype html><p>hi", "utf-8"),
    ("header charset", "text/html; charset=UTF-8", b"", "utf-8"),
    ("header charset, quoted, upper case", 'text/html; Charset="ISO-8859-1"', b"", "cp1252"),
    ("header wins over meta", "text/html; charset=utf-8", b'<meta charset="windows-1251">', "utf-8"),
    ("meta charset (issue case 5)", "text/html", b'<!doctype html><html lang="uk"><head><meta charset="windows-1251">', "cp1251"),
    ("meta charset unquoted", None, b"<meta charset=koi8-r>", "koi8-r"),
    ("meta http-equiv content-type", "text/html", b'<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">', "cp932"),
    ("meta http-equiv, attributes the other way round", None, b"<META CONTENT='text/html; charset=euc-kr' HTTP-EQUIV='content-type'>", "cp949"),
    ("meta inside a comment is skipped", None, b"<!-- <meta charset=koi8-r> --><meta charset=gb2312>", "gbk"),
    ("unknown header label is ignored", "text/html; charset=x-unknown", b"<meta charset=iso-8859-2>", "iso8859-2"),
    ("unknown meta label is ignored", None, b"<meta charset=x-unknown><meta charset=windows-1250>", "cp1250"),
    ("meta utf-16 means utf-8", None, b"<meta charset=utf-16le>", "utf-8"),
    ("meta x-user-defined means windows-1252", None, b"<meta charset=x-user-defined>", "cp1252"),
    ("meta past the first 1,024 bytes is not read", None, b"<p>" + b"x" * 1100 + b"<meta charset=koi8-r>", "utf-8"),
    ("UTF-8 BOM wins over the header", "text/html; charset=windows-1252", b"\xef\xbb\xbf<p>", "utf-8"),
    ("UTF-16LE BOM", "text/html", b"\xff\xfe<\x00p\x00", "utf-16-le"),
    ("UTF-16BE BOM", None, b"\xfe\xff\x00<", "utf-16-be"),
    ("iso-8859-9 is windows-1254", "text/html; charset=iso-8859-9", b"", "cp1254"),
    ("ascii is windows-1252", "text/html; charset=us-ascii", b"", "cp1252"),
    ("tis-620 is windows-874", "text/html; charset=tis-620", b"", "cp874"),
    ("sjis label", "text/html; charset=sjis", b"", "cp932"),
    ("utf8 label", "text/html; charset=utf8", b"", "utf-8"),
    ("iso-2022-kr is the replacement encoding: leave alone", "text/html; charset=iso-2022-kr", b"", None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("content_type", "head", "codec"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_the_charset_is_read_as_browsers_read_it(
    content_type: str | None, head: bytes, codec: str | None
) -> None:
    assert sniff_charset(content_type, head) == codec


def test_a_ukrainian_fragment_encodes_in_the_sniffed_charset() -> None:
    codec = sniff_charset("text/html", b'<meta charset="windows-1251">')
    assert codec is not None
    assert "Налаштування".encode(codec) == "Налаштування".encode("cp1251")


@pytest.mark.parametrize(
    ("codec", "compatible"),
    [("utf-8", True), ("cp1251", True), ("cp932", True), ("gbk", True), ("utf-16-le", False),
     ("utf-16-be", False), ("utf-32", False), ("iso2022_jp", False), ("no-such-codec", False)],
)  # fmt: skip
def test_ascii_compatible_names_the_pages_to_leave_alone(codec: str, compatible: bool) -> None:
    assert ascii_compatible(codec) is compatible


def test_every_label_names_a_codec_python_has() -> None:
    from antechamber.web.charset import _BY_LABEL

    for label, name in _BY_LABEL.items():
        if name not in ("replacement", "x-user-defined"):
            assert charset_label(label) is not None, label


@given(content_type=st.none() | st.text(max_size=60), head=st.binary(max_size=300))
def test_any_input_gives_an_answer_without_raising(content_type: str | None, head: bytes) -> None:
    sniff_charset(content_type, head)
