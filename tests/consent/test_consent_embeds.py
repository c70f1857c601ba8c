"""Frames and partner scripts that wait for consent: the settings, which partner governs what,
and the rewriter that turns a frame into a placeholder and a script into its gated form."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode

import pytest
from consent_helpers import (
    client,
    consent_cookie,
    cookie_header,
    make_app,
    make_settings,
)
from embed_snippets import (
    EMBED_PARTNERS,
    FACEBOOK_SCRIPT,
    FRAMES,
    SCRIPTS,
    SPOTIFY_IFRAME,
    VIMEO_IFRAME,
    X_SCRIPT,
    YOUTUBE_IFRAME,
)
from pydantic import ValidationError

from antechamber.consent.embeds import EmbedGuard, EmbedPage, start_tag_attributes
from antechamber.consent.state import ConsentCodec, ConsentState
from antechamber.pages import Pages
from antechamber.settings import Category, ConsentSettings, Partner, Settings

CATEGORY_KEYS = {"necessary", "preferences", "analytics", "advertising", "social"}


# -- settings -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "prefix",
    [
        "https://www.youtube.com/embed/",
        "http://example.com",
        "//www.instagram.com/embed.js",
        "HTTPS://WWW.YOUTUBE.COM/embed/",
        "https://maps.example.com:8443/embed?pb=",
    ],
)
def test_absolute_and_protocol_relative_prefixes_are_accepted(prefix: str) -> None:
    assert Partner("p", "P", "social", embeds=[prefix], scripts=[prefix]).embeds == [prefix]


@pytest.mark.parametrize(
    "prefix",
    [
        "www.youtube.com/embed/",  # no scheme, no //: a relative path
        "/embed/",
        "https://",
        "https:///embed/",
        "ftp://example.com/",
        "javascript://example.com/%0aalert(1)",
        "https://exa mple.com/",
        "https://example.com/a b",
        "",
    ],
)
@pytest.mark.parametrize("field", ["embeds", "scripts"])
def test_a_bad_prefix_is_refused_naming_the_partner_and_the_value(prefix: str, field: str) -> None:
    with pytest.raises(ValidationError) as error:
        Partner("youtube", "YouTube", "social", **{field: [prefix]})
    message = str(error.value)
    assert "'youtube'" in message
    assert repr(prefix) in message
    assert field in message


def test_two_partners_cannot_claim_the_same_prefix() -> None:
    with pytest.raises(ValidationError, match=re.escape("'a' and 'b' both list '//WWW.x.com/e'")):
        ConsentSettings(
            partners=[
                Partner("a", "A", "social", embeds=["https://www.x.com/e"]),
                Partner("b", "B", "social", embeds=["//WWW.x.com/e"]),
            ]
        )


def test_a_typo_in_a_partner_keyword_is_an_error_not_silence() -> None:
    with pytest.raises(ValidationError, match="embedz"):
        Partner("youtube", "YouTube", "social", embedz=["https://www.youtube.com/embed/"])  # type: ignore[call-arg]


def test_a_typo_in_a_category_keyword_is_an_error() -> None:
    with pytest.raises(ValidationError, match="requird"):
        Category("analytics", "Analytics", requird=True)  # type: ignore[call-arg]


def test_a_typo_in_partner_settings_from_a_mapping_is_an_error() -> None:
    # The shape TOML files and environment variables give.
    with pytest.raises(ValidationError, match="embedz"):
        Settings(
            secret_key="k" * 20,
            consent={
                "partners": [
                    {"key": "yt", "name": "YouTube", "category": "social", "embedz": ["//y/"]}
                ]
            },
        )


# -- matching -------------------------------------------------------------------------------------


def guard_for(**consent: Any) -> EmbedGuard:
    consent.setdefault("partners", EMBED_PARTNERS)
    settings = make_settings(**consent)
    return EmbedGuard(settings, Pages(settings))


GUARD = guard_for()
CODEC = ConsentCodec(GUARD.pages.settings.consent, ["k" * 20], clock=lambda: 1.7e9)


def state_of(
    action: str = "save",
    *,
    categories: tuple[str, ...] = (),
    partners: tuple[str, ...] = (),
    gpc: bool = False,
) -> ConsentState:
    """A state as the real codec builds it from a choice (`undecided` for no choice)."""
    if action == "undecided":
        return CODEC.undecided[gpc]
    choice = CODEC.choose(
        action, categories=categories, partners=partners or None, gpc=gpc, consent_id=None
    )
    return CODEC.state(choice, gpc)


UNDECIDED = state_of("undecided")
REFUSED = state_of("reject_all")
ACCEPTED = state_of("accept_all")


def page_for(state: ConsentState = UNDECIDED, locale: str = "en", **kw: Any) -> EmbedPage:
    return GUARD.page(state, locale, kw.pop("next_path", "/articles/1"), **kw)


def governing(src: str) -> str | None:
    """The partner key that governs an iframe with this src (None: none)."""
    gate = GUARD.frame_gate({"src": src})
    return None if gate is None else gate.keys[0]


@pytest.mark.parametrize(
    ("src", "partner"),
    [
        ("https://www.youtube.com/embed/abc", "youtube"),
        ("//www.youtube.com/embed/abc", "youtube"),
        ("//WWW.YouTube.COM/embed/abc", "youtube"),
        ("HTTP://www.youtube.com/embed/abc", "youtube"),
        ("  https://www.youtube.com/embed/abc\n", "youtube"),
        ("https://www.youtube.com/em\tbed/abc", "youtube"),  # browsers drop tabs in URLs
        ("https:\\\\www.youtube.com\\embed\\abc", "youtube"),  # and read \ as /
        ("https:/www.youtube.com/embed/abc", "youtube"),  # any number of slashes
        ("http:www.youtube.com/embed/abc", "youtube"),  # (from a page of the other scheme)
        ("///www.youtube.com/embed/abc", "youtube"),
        ("https://user:pw@www.youtube.com/embed/abc", "youtube"),
        ("https://www.youtube.com@evil.example/embed/abc", None),
        ("www.youtube.com:443/embed/abc", None),  # a scheme, to a browser
        ("https://www.youtube-nocookie.com/embed/abc", "youtube"),
        ("https://www.youtube.com/EMBED/abc", None),  # paths keep their case
        ("https://www.youtube.com.evil.example/embed/abc", None),
        ("https://evil.example/https://www.youtube.com/embed/", None),
        ("https://www.youtube.com/watch?v=abc", None),
        ("/embed/abc", None),
        ("www.youtube.com/embed/abc", None),  # relative to the page
        ("javascript://www.youtube.com/embed/%0a", None),
        ("about:blank", None),
        ("", None),
        ("https://www.google.com/maps/embed?pb=!1m18", "google_maps"),
        ("https://www.google.com/maps/embed/v1/place?q=x", "google_maps"),
        ("https://www.google.com/maps/embedded", None),  # a prefix ends at a boundary
        ("https://www.google.com/maps/place/x", None),
    ],
)
def test_which_partner_governs_a_frame(src: str, partner: str | None) -> None:
    assert governing(src) == partner


@pytest.mark.parametrize(
    ("src", "partner"),
    [
        ("https://connect.facebook.net/en_US/sdk.js", "facebook"),
        ("https://connect.facebook.net/en_US/fbevents.js", "meta_pixel"),  # the longer prefix
        ("//www.instagram.com/embed.js", "instagram"),
        ("https://www.instagram.com/embed.js?v=2", "instagram"),
        ("https://www.instagram.com/embed.jsx", None),
        ("https://platform.twitter.com/widgets.js", "x"),
    ],
)
def test_which_partner_governs_a_script(src: str, partner: str | None) -> None:
    found = GUARD.partner_for(GUARD.scripts, src)
    assert (found.key if found else None) == partner


@pytest.mark.parametrize(
    ("src", "matches"),
    [
        ("http://video.localhost:8000/stand-ins/video/1", True),
        ("//video.localhost/x", True),
        ("https://VIDEO.localhost", True),
        ("http://video.localhost.evil.example:8000/x", False),
        ("http://video.localhostx/x", False),
    ],
)
def test_a_bare_host_prefix_covers_every_port_and_path_of_that_host(
    src: str, matches: bool
) -> None:
    guard = guard_for(partners=[Partner("v", "V", "social", embeds=["//video.localhost"])])
    assert (guard.frame_gate({"src": src}) is not None) is matches


def test_a_prefix_with_a_path_names_its_port() -> None:
    assert governing("https://www.youtube.com:8443/embed/abc") is None


def test_a_frame_marked_with_a_category_is_governed_by_the_category() -> None:
    gate = GUARD.frame_gate({"src": "https://video.example/1", "data-consent": "social"})
    assert gate is not None and gate.keys == ("social",) and gate.partner is None
    assert gate.category is not None and gate.category.key == "social"


def test_a_frame_marked_with_a_partner_is_governed_by_the_partner() -> None:
    gate = GUARD.frame_gate({"src": "https://video.example/1", "data-consent": "vimeo"})
    assert gate is not None and gate.keys == ("vimeo",)
    assert gate.partner is not None and gate.partner.name == "Vimeo"


def test_the_marking_wins_over_the_address() -> None:
    gate = GUARD.frame_gate({"src": "https://www.youtube.com/embed/x", "data-consent": "analytics"})
    assert gate is not None and gate.keys == ("analytics",)


def test_start_tag_attributes_are_read_as_browsers_read_them() -> None:
    attributes = start_tag_attributes(
        "<IFRAME SRC='//a.example/x?a=1&amp;b=2' width=560 src=\"//b.example/\" "
        'title="a > b" allowfullscreen data-x = "y">'
    )
    assert attributes == {
        "src": "//a.example/x?a=1&b=2",  # the first of two wins
        "width": "560",
        "title": "a > b",
        "allowfullscreen": "",
        "data-x": "y",
    }


# -- the rewriter: frames -------------------------------------------------------------------------


class _Placeholder(HTMLParser):
    """What a person and a screen reader find in a placeholder."""

    def __init__(self) -> None:
        super().__init__()
        self.roots: list[dict[str, str | None]] = []
        self.links: list[tuple[str, str]] = []
        self.fields: list[tuple[str, str]] = []
        self.forms: list[dict[str, str | None]] = []
        self.buttons: list[str] = []
        self.svg: dict[str, str | None] = {}
        self.text: list[str] = []
        self._in: list[str] = []
        self._href: str | None = None
        self._in_template = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "template":
            self._in_template = True
        if self._in_template:
            return
        if tag == "div" and found.get("role") == "region":
            self.roots.append(found)
        elif tag == "a":
            self._href = found.get("href") or ""
        elif tag == "input" and found.get("type") == "hidden":
            self.fields.append((found["name"] or "", found["value"] or ""))
        elif tag == "form":
            self.forms.append(found)
        elif tag == "svg":
            self.svg = found
        self._in.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self._in_template = False
        if tag == "a":
            self._href = None

    def handle_data(self, data: str) -> None:
        if self._in_template or not data.strip():
            return
        if self._href is not None:
            self.links.append((data.strip(), self._href))
        elif self._in and self._in[-1] == "button":
            self.buttons.append(data.strip())
        else:
            self.text.append(data.strip())


def read(markup: bytes, encoding: str = "utf-8") -> _Placeholder:
    parser = _Placeholder()
    parser.feed(markup.decode(encoding))
    return parser


NOT_GRANTING = {
    "undecided": UNDECIDED,
    "refused": REFUSED,
    "other-category": state_of(categories=("analytics",)),
    "other-partner": state_of(partners=("google_analytics",)),
    "gpc-accept-all": state_of("accept_all", gpc=True),  # GPC denies advertising only
}


@pytest.mark.parametrize(
    ("snippet", "partner", "width", "height", "state"),
    [
        pytest.param(*frame, state, id=f"{frame[1]}{index}-{name}")
        for index, frame in enumerate(FRAMES)
        for name, state in NOT_GRANTING.items()
        if not state.granted(frame[1])  # accept_all under GPC grants social and maps
    ],
)
def test_a_frame_not_granted_becomes_a_placeholder_holding_it(
    snippet: str, partner: str, width: str | None, height: str | None, state: ConsentState
) -> None:
    raw = snippet.encode()
    out = page_for(state).element("iframe", raw)
    assert out is not None
    # The frame's own bytes wait, unchanged, inside a <template> (browsers never load it) ...
    template = re.search(rb"<template data-ac-embed-original>(.*)</template>", out, re.S)
    assert template is not None and template.group(1) == raw
    # ... and nowhere else does the page carry an element that loads its address.
    outside = out.replace(template.group(0), b"")
    assert b"<iframe" not in outside
    seen = read(out)
    name = GUARD.partners[partner].name
    assert seen.roots[0]["aria-labelledby"] == "antechamber-embed-1-title"
    assert seen.roots[0]["data-ac-embed"] == partner
    assert f"Content from {name}" in seen.text
    assert (f"Privacy policy of {name}", GUARD.partners[partner].privacy_url) in seen.links
    src = start_tag_attributes(snippet)["src"]
    host = re.match(r"https://([^/]+)", src)
    assert host is not None
    assert (f"Open the content on {host.group(1)}", src) in seen.links
    assert seen.buttons == ["Load content"]
    # The box has the frame's size (or 16:9 when it gives none).
    if width is None:
        assert seen.svg["viewbox"] == "0 0 16 9" and seen.svg["width"] == "100%"
    else:
        assert (seen.svg["width"], seen.svg["height"]) == (width, height)


@pytest.mark.parametrize(("snippet", "partner", "width", "height"), FRAMES)
@pytest.mark.parametrize("how", ["partner", "category", "accept_all"])
def test_a_granted_frame_stays_as_the_page_wrote_it_with_an_anchor(
    snippet: str, partner: str, width: str | None, height: str | None, how: str
) -> None:
    category = GUARD.partners[partner].category
    state = {
        "partner": state_of(partners=(partner,)),
        "category": state_of(categories=(category,)),
        "accept_all": ACCEPTED,
    }[how]
    out = page_for(state).element("iframe", snippet.encode())
    # The id lets a Load form's `next#antechamber-embed-1` land on this frame.
    assert out == snippet.encode().replace(b"<iframe", b'<iframe id="antechamber-embed-1"', 1)


def test_a_granted_frame_with_its_own_id_is_not_touched() -> None:
    raw = YOUTUBE_IFRAME.replace("<iframe", '<iframe id="intro"').encode()
    assert page_for(ACCEPTED).element("iframe", raw) is None


def test_a_frame_no_partner_serves_is_not_touched() -> None:
    raw = b'<iframe src="https://www.example.org/widget" width="300" height="200"></iframe>'
    assert page_for(UNDECIDED).element("iframe", raw) is None


def test_gpc_holds_back_an_advertising_frame_after_accept_all() -> None:
    ads = Partner("adnet", "AdNet", "advertising", embeds=["https://ads.example/frame/"])
    guard = guard_for(partners=[*EMBED_PARTNERS, ads])
    codec = ConsentCodec(guard_settings(guard), ["k" * 20], clock=lambda: 1.7e9)
    gpc_state = codec.state(codec.choose("accept_all", gpc=True, consent_id=None), True)
    raw = b'<iframe src="https://ads.example/frame/1" width="300" height="250"></iframe>'
    out = guard.page(gpc_state, "en", "/").element("iframe", raw)
    assert out is not None and b"Content from AdNet" in out
    # Social content the visitor accepted loads as written.
    youtube = guard.page(gpc_state, "en", "/").element("iframe", YOUTUBE_IFRAME.encode())
    assert youtube is not None and b"ac-embed" not in youtube


def guard_settings(guard: EmbedGuard) -> ConsentSettings:
    return guard.pages.settings.consent


def test_placeholders_are_numbered_in_page_order_and_return_to_their_place() -> None:
    page = page_for(UNDECIDED, next_path="/articles/1?page=2")
    first = read(page.element("iframe", YOUTUBE_IFRAME.encode()) or b"")
    second = read(page.element("iframe", VIMEO_IFRAME.encode()) or b"")
    assert first.roots[0]["id"] == "antechamber-embed-1"
    assert second.roots[0]["id"] == "antechamber-embed-2"
    assert ("next", "/articles/1?page=2#antechamber-embed-2") in second.fields
    own = YOUTUBE_IFRAME.replace("<iframe", '<iframe id="intro-video"').encode()
    third = read(page.element("iframe", own) or b"")
    assert ("next", "/articles/1?page=2#intro-video") in third.fields


def test_the_load_form_grants_that_partner_and_keeps_every_other_choice() -> None:
    state = state_of(categories=("analytics",), partners=("meta_pixel",))
    seen = read(page_for(state).element("iframe", YOUTUBE_IFRAME.encode()) or b"")
    assert seen.forms[0]["method"] == "post"
    assert seen.forms[0]["action"] == "/_antechamber/consent"
    fields = seen.fields
    assert ("action", "save") in fields
    categories = {v for k, v in fields if k == "categories"}
    partners = {v for k, v in fields if k == "partners"}
    assert "analytics" in categories and "social" not in categories
    assert "youtube" in partners
    assert "meta_pixel" in partners


def test_a_frame_marked_with_a_category_loads_the_category() -> None:
    raw = b'<iframe data-consent="social" src="https://video.example/1"></iframe>'
    out = page_for(UNDECIDED).element("iframe", raw)
    seen = read(out or b"")
    assert "Content from video.example" in seen.text
    assert any("category \u201cSocial media\u201d" in text for text in seen.text)
    assert ("categories", "social") in seen.fields
    assert page_for(state_of(categories=("social",))).element("iframe", raw) is not None
    granted = page_for(state_of(categories=("social",))).element("iframe", raw)
    assert granted == raw.replace(b"<iframe", b'<iframe id="antechamber-embed-1"')


def test_a_frame_marked_with_an_unknown_key_stays_held_back_without_a_load_button() -> None:
    raw = b'<iframe data-consent="socail" src="https://video.example/1"></iframe>'
    out = page_for(ACCEPTED).element("iframe", raw)
    seen = read(out or b"")
    assert seen.forms == [] and seen.buttons == []
    assert "This content is held back until you allow it in the cookie settings." in seen.text


def test_a_frame_without_an_address_is_held_back_without_a_link() -> None:
    raw = b'<iframe data-consent="youtube" srcdoc="&lt;p&gt;hi"></iframe>'
    seen = read(page_for(UNDECIDED).element("iframe", raw) or b"")
    assert [text for text, _ in seen.links] == ["Privacy policy of YouTube"]


@pytest.mark.parametrize(
    ("locale", "title", "button"),
    [
        ("uk", "Вміст від YouTube", "Завантажити вміст"),
        ("de", "Inhalt von YouTube", "Inhalt laden"),
        ("cs", "Obsah od YouTube", "Načíst obsah"),
    ],
)
def test_the_placeholder_speaks_the_visitors_language(locale: str, title: str, button: str) -> None:
    seen = read(page_for(UNDECIDED, locale).element("iframe", YOUTUBE_IFRAME.encode()) or b"")
    assert title in seen.text and seen.buttons == [button]


def test_the_placeholder_is_written_in_the_pages_charset() -> None:
    raw = YOUTUBE_IFRAME.encode("cp1251")
    out = page_for(UNDECIDED, "uk", encoding="cp1251").element("iframe", raw)
    assert out is not None
    assert "Вміст від YouTube".encode("cp1251") in out
    assert raw in out


def test_the_placeholder_has_no_inline_script_or_style() -> None:
    out = page_for(UNDECIDED).element("iframe", SPOTIFY_IFRAME.encode()) or b""
    outside = re.sub(rb"<template.*</template>", b"", out, flags=re.S)
    assert b"<script" not in outside and b"style=" not in outside and b"<style" not in outside
    assert re.search(rb"\son[a-z]+=", outside) is None


# -- the rewriter: scripts ------------------------------------------------------------------------


@pytest.mark.parametrize(("tag", "partner"), SCRIPTS)
@pytest.mark.parametrize("state", [UNDECIDED, REFUSED], ids=["undecided", "refused"])
def test_a_script_not_granted_is_gated_keeping_its_attributes(
    tag: str, partner: str, state: ConsentState
) -> None:
    out = page_for(state).element("script", tag.encode())
    assert out is not None
    assert out.startswith(f'<script type="text/plain" data-consent="{partner}"'.encode())
    rewritten = start_tag_attributes(out.decode())
    original = start_tag_attributes(tag)
    assert {k: v for k, v in rewritten.items() if k not in ("type", "data-consent")} == original


def test_a_gated_script_keeps_its_nonce() -> None:
    out = page_for(UNDECIDED).element("script", FACEBOOK_SCRIPT.encode()) or b""
    assert start_tag_attributes(out.decode())["nonce"] == "Xq3Lm2Ha"


@pytest.mark.parametrize(("tag", "partner"), SCRIPTS)
def test_a_granted_script_stays_as_written(tag: str, partner: str) -> None:
    assert page_for(ACCEPTED).element("script", tag.encode()) is None
    state = state_of(categories=(GUARD.partners[partner].category,))
    assert page_for(state).element("script", tag.encode()) is None


def test_a_module_script_keeps_its_type_for_activation() -> None:
    tag = b'<script type="module" src="https://platform.twitter.com/widgets.js">'
    out = page_for(UNDECIDED).element("script", tag) or b""
    attributes = start_tag_attributes(out.decode())
    assert attributes["type"] == "text/plain" and attributes["data-type"] == "module"


@pytest.mark.parametrize(
    "tag",
    [
        '<script type="text/plain" data-consent="x" src="https://platform.twitter.com/widgets.js">',
        '<script type="application/json" src="https://platform.twitter.com/widgets.js">',
        "<script>",
        '<script src="/static/site.js">',
        '<script src="https://cdn.example/widgets.js">',
    ],
)
def test_other_scripts_are_not_touched(tag: str) -> None:
    assert page_for(UNDECIDED).element("script", tag.encode()) is None


def test_gpc_gates_an_advertising_script_after_accept_all() -> None:
    state = state_of("accept_all", gpc=True)
    tag = b'<script async src="https://connect.facebook.net/en_US/fbevents.js">'
    out = page_for(state).element("script", tag) or b""
    assert out.startswith(b'<script type="text/plain" data-consent="meta_pixel"')
    assert page_for(state).element("script", X_SCRIPT.encode()) is None  # social was accepted


def test_without_script_prefixes_only_frames_are_asked_for() -> None:
    assert guard_for(partners=[]).hooks == frozenset({"iframe"})
    assert GUARD.hooks == frozenset({"iframe", "script"})


# -- the Load form through a real app -------------------------------------------------------------


def form_of(out: bytes) -> list[tuple[str, str]]:
    return read(out).fields


@pytest.mark.anyio
async def test_the_load_form_posts_through_a_real_app_granting_only_that_partner() -> None:
    app = make_app(partners=EMBED_PARTNERS)
    async with client(app) as c:
        # A visitor who chose analytics and nothing else.
        first = await c.post(
            "/_antechamber/consent",
            json={"action": "save", "categories": ["analytics"]},
        )
        cookie = consent_cookie(first)
        state = await c.get("/state", headers=cookie_header(cookie))
        assert state.json()["categories"]["analytics"] is True
        codec_state = CODEC.state(
            CODEC.choose("save", categories=("analytics",), gpc=False, consent_id=None), False
        )
        fields = form_of(
            page_for(codec_state, next_path="/articles/1").element(
                "iframe", YOUTUBE_IFRAME.encode()
            )
            or b""
        )
        response = await c.post(
            "/_antechamber/consent",
            content=urlencode(fields),
            headers={
                **cookie_header(cookie),
                "content-type": "application/x-www-form-urlencoded",
                "origin": "http://testserver",
            },
        )
        assert response.status_code == 303
        assert response.headers["location"] == "/articles/1#antechamber-embed-1"
        after = await c.get("/state", headers=cookie_header(consent_cookie(response)))
    data = after.json()
    assert data["categories"]["analytics"] is True  # kept
    assert data["categories"]["social"] is False  # the whole category was not granted
    assert data["partners"]["youtube"] is True
    assert data["partners"]["vimeo"] is False
    assert data["consent_id"] == state.json()["consent_id"]  # the same visitor's record
