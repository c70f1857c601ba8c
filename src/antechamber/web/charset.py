"""A page's charset, read the way browsers read it (WHATWG HTML "encoding sniffing").

    sniff_charset(content_type: str | None, head: bytes) -> str | None
    ascii_compatible(codec: str) -> bool

`sniff_charset` looks, in order, at: a byte order mark at the start of `head` (UTF-8, UTF-16LE,
UTF-16BE); the `charset` parameter of `content_type`; the `<meta charset=...>` or
`<meta http-equiv="content-type" content="...; charset=...">` prescan of the first 1,024 bytes
of `head` (comments and other tags skipped; a UTF-16 label there means UTF-8; x-user-defined
means windows-1252); else UTF-8. Labels are WHATWG's (Encoding Standard): case-insensitive,
so `latin1`, `iso-8859-1`, `ascii` all mean windows-1252, `iso-8859-9` windows-1254,
`gb2312` GBK, `shift_jis`/`sjis` Shift_JIS (Python's cp932), `euc-kr` windows-949 (cp949) ...
A label the standard does not know is ignored, as browsers ignore it.

The answer is a Python codec name (`codecs.lookup(...).name`), or None for the encodings a
page cannot be safely rewritten in: WHATWG's "replacement" (iso-2022-kr, hz-gb-2312 ...).
`ascii_compatible` says whether `</body>` and ASCII markup are the same bytes in a codec: False
for UTF-16/32 and the stateful ISO-2022-JP; leave such pages alone.
"""

from __future__ import annotations

import codecs
import re

__all__ = ["ascii_compatible", "charset_label", "sniff_charset"]

# WHATWG encoding name -> its labels (the common ones, and every one of the single-byte sets).
_LABEL_TABLE = """
utf-8: unicode-1-1-utf-8 unicode11utf8 unicode20utf8 utf-8 utf8 x-unicode20utf8
ibm866: 866 cp866 csibm866 ibm866
iso8859-2: csisolatin2 iso-8859-2 iso-ir-101 iso8859-2 iso88592 iso_8859-2 iso_8859-2:1987 l2
    latin2
iso8859-3: csisolatin3 iso-8859-3 iso-ir-109 iso8859-3 iso88593 iso_8859-3 iso_8859-3:1988 l3
    latin3
iso8859-4: csisolatin4 iso-8859-4 iso-ir-110 iso8859-4 iso88594 iso_8859-4 iso_8859-4:1988 l4
    latin4
iso8859-5: csisolatincyrillic cyrillic iso-8859-5 iso-ir-144 iso8859-5 iso88595 iso_8859-5
    iso_8859-5:1988
iso8859-6: arabic asmo-708 csiso88596e csiso88596i csisolatinarabic ecma-114 iso-8859-6
    iso-8859-6-e iso-8859-6-i iso-ir-127 iso8859-6 iso88596 iso_8859-6 iso_8859-6:1987
iso8859-7: csisolatingreek ecma-118 elot_928 greek greek8 iso-8859-7 iso-ir-126 iso8859-7
    iso88597 iso_8859-7 iso_8859-7:1987 sun_eu_greek
iso8859-8: csiso88598e csisolatinhebrew hebrew iso-8859-8 iso-8859-8-e iso-ir-138 iso8859-8
    iso88598 iso_8859-8 iso_8859-8:1988 visual csiso88598i iso-8859-8-i logical
iso8859-10: csisolatin6 iso-8859-10 iso-ir-157 iso8859-10 iso885910 l6 latin6
iso8859-13: iso-8859-13 iso8859-13 iso885913
iso8859-14: iso-8859-14 iso8859-14 iso885914
iso8859-15: csisolatin9 iso-8859-15 iso8859-15 iso885915 iso_8859-15 l9
iso8859-16: iso-8859-16
koi8-r: cskoi8r koi koi8 koi8-r koi8_r
koi8-u: koi8-ru koi8-u
mac-roman: csmacintosh mac macintosh x-mac-roman
cp874: dos-874 iso-8859-11 iso8859-11 iso885911 tis-620 windows-874
cp1250: cp1250 windows-1250 x-cp1250
cp1251: cp1251 windows-1251 x-cp1251
cp1252: ansi_x3.4-1968 ascii cp1252 cp819 csisolatin1 ibm819 iso-8859-1 iso-ir-100 iso8859-1
    iso88591 iso_8859-1 iso_8859-1:1987 l1 latin1 us-ascii windows-1252 x-cp1252
cp1253: cp1253 windows-1253 x-cp1253
cp1254: cp1254 csisolatin5 iso-8859-9 iso-ir-148 iso8859-9 iso88599 iso_8859-9 iso_8859-9:1989
    l5 latin5 windows-1254 x-cp1254
cp1255: cp1255 windows-1255 x-cp1255
cp1256: cp1256 windows-1256 x-cp1256
cp1257: cp1257 windows-1257 x-cp1257
cp1258: cp1258 windows-1258 x-cp1258
mac-cyrillic: x-mac-cyrillic x-mac-ukrainian
gbk: chinese csgb2312 csiso58gb231280 gb2312 gb_2312 gb_2312-80 gbk iso-ir-58 x-gbk
gb18030: gb18030
big5hkscs: big5 big5-hkscs cn-big5 csbig5 x-x-big5
euc_jp: cseucpkdfmtjapanese euc-jp x-euc-jp
iso2022_jp: csiso2022jp iso-2022-jp
cp932: csshiftjis ms932 ms_kanji shift-jis shift_jis sjis windows-31j x-sjis
cp949: cseuckr csksc56011987 euc-kr iso-ir-149 korean ks_c_5601-1987 ks_c_5601-1989 ksc5601
    ksc_5601 windows-949
utf-16-be: unicodefffe utf-16be
utf-16-le: csunicode iso-10646-ucs-2 ucs-2 unicode unicodefeff utf-16 utf-16le
x-user-defined: x-user-defined
replacement: csiso2022kr hz-gb-2312 iso-2022-cn iso-2022-cn-ext iso-2022-kr replacement
"""
_BY_LABEL = {
    label: name
    for name, labels in re.findall(r"^(\S+): ((?:.|\n    )*)", _LABEL_TABLE, re.M)
    for label in labels.split()
}
_NOT_ASCII_COMPATIBLE = frozenset(
    {"utf-16-be", "utf-16-le", "utf-16", "utf-32", "utf-32-be", "utf-32-le", "iso2022_jp"}
)
_PRESCAN_BYTES = 1024
_CHARSET_PARAM = re.compile(r"charset\s*=\s*(\"[^\"]*\"?|'[^']*'?|[^\s;\"']+)", re.IGNORECASE)
_TAG_OR_COMMENT = re.compile(
    rb"<!--.*?-->|<meta[\t\n\f\r /]|</?[A-Za-z](?:\"[^\"]*\"|'[^']*'|[^>\"'])*>?|<[!/?][^>]*>",
    re.IGNORECASE | re.DOTALL,
)
_PRESCAN_ATTRIBUTE = re.compile(
    rb"[\t\n\f\r /]*([^\t\n\f\r />][^\t\n\f\r /=>]*)"
    rb"(?:[\t\n\f\r ]*=[\t\n\f\r ]*(?:\"([^\"]*)\"|'([^']*)'|([^\t\n\f\r >]*)))?"
)


def charset_label(label: str) -> str | None:
    """The Python codec for a WHATWG encoding label; None if unknown, or not one to write in."""
    name = _BY_LABEL.get(label.strip().strip("\t\n\f\r ").lower())
    if name is None or name in ("replacement", "x-user-defined"):
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def ascii_compatible(codec: str) -> bool:
    """Whether ASCII markup is the same bytes in `codec` (False: leave the page alone)."""
    try:
        name = codecs.lookup(codec).name
    except LookupError:
        return False
    return name not in _NOT_ASCII_COMPATIBLE


def sniff_charset(content_type: str | None, head: bytes) -> str | None:
    """The codec a browser decodes this page with; see the module for the order and labels."""
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8"
    if head.startswith(b"\xfe\xff"):
        return "utf-16-be"
    if head.startswith(b"\xff\xfe"):
        return "utf-16-le"
    if content_type:
        label = _content_type_label(content_type)
        if label is not None:
            return charset_label(label)
    found = _prescan(head[:_PRESCAN_BYTES])
    if found is not None:
        return found
    return "utf-8"


def _content_type_label(content_type: str) -> str | None:
    """The `charset` parameter of a Content-Type, if it is a label WHATWG knows."""
    _, _, params = content_type.partition(";")
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            label = value.strip().strip("\"'").strip().lower()
            if label in _BY_LABEL:
                return label
    return None


def _meta_label(content: str) -> str | None:
    """The charset in a `<meta http-equiv content=...>` value ("text/html; charset=koi8-r")."""
    match = _CHARSET_PARAM.search(content)
    if match is None:
        return None
    value = match.group(1)
    if value[:1] in "\"'":
        if len(value) < 2 or value[-1] != value[0]:
            return None  # an unmatched quote: no charset, says the standard
        value = value[1:-1]
    return value


def _prescan(head: bytes) -> str | None:
    """The `<meta>` prescan over the first 1,024 bytes."""
    for token in _TAG_OR_COMMENT.finditer(head):
        if token.group().lower().startswith(b"<meta"):
            label = _meta_charset(head, token.end())
            if label is not None:
                name = _BY_LABEL.get(label.strip().lower())
                if name is None:
                    continue  # an unknown label: keep looking
                if name.startswith("utf-16"):
                    return "utf-8"
                if name == "x-user-defined":
                    return "cp1252"
                return charset_label(label)
    return None


def _meta_charset(head: bytes, start: int) -> str | None:
    """The label a `<meta>` tag starting its attributes at `start` declares, if any."""
    seen: dict[bytes, bytes] = {}
    at = start
    while (match := _PRESCAN_ATTRIBUTE.match(head, at)) is not None:
        at = match.end()
        name = match.group(1).lower()
        value = next((g for g in match.groups()[1:] if g is not None), b"")
        seen.setdefault(name, value)
        if head[at : at + 1] in (b">", b""):
            break
    text = {k.decode("latin-1"): v.decode("latin-1") for k, v in seen.items()}
    if "charset" in text:
        return text["charset"]
    if text.get("http-equiv", "").strip().lower() == "content-type" and "content" in text:
        return _meta_label(text["content"])
    return None
