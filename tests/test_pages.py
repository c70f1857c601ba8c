"""Pages: locale negotiation, rendering, static files, and the upgrade page's old-browser diet."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from antechamber.assets import IMMUTABLE, serve_static, static_version
from antechamber.browsers.middleware import BrowserPolicyMiddleware
from antechamber.browsers.policy import BrowserPolicy
from antechamber.pages import Pages
from antechamber.security import safe_next
from antechamber.settings import DEFAULT_LOCALES, Settings
from test_gate import (
    ANDROID_4_BROWSER,
    CHROME_100_WINDOWS_7,
    CHROME_MOBILE_90_ANDROID_7,
    IE_9,
    SAFARI_13_MACOS_10_13,
    SAFARI_IOS_15,
    UNKNOWN,
)

SETTINGS = Settings(consent={"enabled": False})


@pytest.fixture(scope="module")
def pages() -> Pages:
    return Pages(SETTINGS)


@pytest.mark.parametrize(
    ("header", "locale"),
    [
        (None, "en"),
        ("", "en"),
        ("uk", "uk"),
        ("uk-UA,uk;q=0.9,en;q=0.8", "uk"),
        ("pt-BR", "pt"),
        ("de-AT", "de"),
        ("fr;q=0.5, cs;q=0.7", "cs"),
        ("ja, nl;q=0.1", "nl"),
        ("*", "en"),
        ("ja;q=1, *;q=0.5, pl;q=0.1", "en"),
        ("es;q=0, it", "it"),
        ("es;q=bogus, it;q=0.2", "it"),
        ("es;q=1.5, it;q=0.2", "it"),
        ("es;level=1, pl;q=0.9", "pl"),
        ("EN-gb", "en"),
        ("<script>", "en"),
        (";;;,,,==", "en"),
        ("zz;q=0.5," * 500 + "uk", "en"),  # past the cap: the tail is not read
    ],
)
def test_negotiation_picks_the_best_offered_locale(
    pages: Pages, header: str | None, locale: str
) -> None:
    assert pages.negotiate(header) == locale


def test_negotiation_finds_an_offered_regional_variant() -> None:
    pages = Pages(Settings(consent={"enabled": False}, locales=["en", "pt_BR"]))
    assert pages.negotiate("pt") == "pt_BR"
    assert pages.negotiate("pt-PT, en;q=0.1") == "pt_BR"
    assert pages.negotiate("pt-br") == "pt_BR"


def test_a_render_gets_the_helpers(pages: Pages, tmp_path: Path) -> None:
    (tmp_path / "probe.html").write_text(
        "{{ lang }}|{{ dir }}|{{ prefix }}|{{ _('Dismiss') }}|{{ format_percent(0.6534) }}|"
        "{{ format_number(12345.5) }}|{{ static_url('antechamber.css') }}|{{ value }}"
    )
    pages = Pages(Settings(consent={"enabled": False}, templates_dir=str(tmp_path)))
    rendered = pages.render("probe.html", "de", value="<b>")
    version = static_version("antechamber.css")
    assert rendered == (
        f"de|ltr|/_antechamber|Schließen|65,3\u00a0%|12.345,5|"
        f"/_antechamber/static/antechamber.css?v={version}|&lt;b&gt;"
    )


def test_a_sites_template_overrides_the_built_in_one(tmp_path: Path) -> None:
    (tmp_path / "notice.html").write_text("<p>{{ kind }}</p>")
    pages = Pages(Settings(consent={"enabled": False}, templates_dir=str(tmp_path)))
    assert pages.render("notice.html", "en", kind="warn") == "<p>warn</p>"


def test_an_unknown_locale_renders_in_the_default(pages: Pages) -> None:
    assert pages.gettext("xx")("Dismiss") == "Dismiss"
    assert pages.gettext("uk")("Dismiss") == "Закрити"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/", "/"),
        ("/a?b=c#d", "/a?b=c#d"),
        ("/ü", "/%C3%BC"),
        (None, "/"),
        ("//x", "/"),
        ("/\\x", "/"),
        ("/%2f%2fx", "/"),
        ("/%5c%5cx", "/"),
        ("https:/x", "/"),
        ("/\x00", "/"),
        ("/a\nb", "/"),
    ],
)
def test_safe_next_keeps_only_paths_on_the_site(value: str | None, expected: str) -> None:
    assert safe_next(value) == expected


# -- the upgrade page shown to old browsers ----------------------------------------------------

# What IE 9 and the Android 4 browser cannot read, or what a modern page might sneak in.
UNREADABLE_CSS = [
    "var(",
    "--",
    "grid",
    "flex",
    "calc(",
    "@supports",
    "@import",
    "@font-face",
    "clamp(",
    "min(",
    "max(",
    ":is(",
    ":where(",
    ":has(",
    "gap:",
    "inset:",
    "aspect-ratio",
    "position:sticky",
    "rem",
    "vw",
    "vh",
]
SCENARIOS = [
    IE_9,
    CHROME_100_WINDOWS_7,
    ANDROID_4_BROWSER,
    SAFARI_IOS_15,
    SAFARI_13_MACOS_10_13,
    CHROME_MOBILE_90_ANDROID_7,
    UNKNOWN,
]


async def upgrade_page(user_agent: str, locale: str, **browsers: object) -> httpx.Response:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        raise AssertionError("the app must not be called")

    settings = Settings(consent={"enabled": False}, browsers={"unknown": "block", **browsers})
    transport = httpx.ASGITransport(app=BrowserPolicyMiddleware(app, settings=settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        return await client.get(
            "/",
            headers={"user-agent": user_agent, "accept": "text/html", "accept-language": locale},
        )


@pytest.mark.anyio
@pytest.mark.parametrize("locale", DEFAULT_LOCALES)
async def test_the_upgrade_page_is_plain_enough_for_ie_9(locale: str) -> None:
    for user_agent in SCENARIOS:
        response = await upgrade_page(user_agent, locale)
        assert response.status_code == 406
        html = response.text
        assert len(response.content) < 30 * 1024
        assert "<script" not in html.lower()
        assert not re.search(r"<[^>]+\son\w+=", html)  # no event handlers
        assert "style=" not in html  # inline style attributes: only the one stylesheet
        styles = re.findall(r"<style>(.*?)</style>", html, re.S)
        assert len(styles) == 1
        css = styles[0]
        for construct in UNREADABLE_CSS:
            assert construct not in css, construct
        assert len(css) < 3000
        assert "<link" not in html  # no web fonts or stylesheets to fetch
        assert "<img" not in html
        assert f'<html lang="{locale}"' in html


@pytest.mark.anyio
async def test_the_upgrade_page_is_small_even_for_a_country_with_every_browser() -> None:
    response = await upgrade_page(CHROME_100_WINDOWS_7.replace("6.1", "10.0"), "uk")
    assert len(response.content) < 30 * 1024


def test_a_page_renders_quickly(pages: Pages) -> None:
    # The budget is 300 µs warm; this only catches an order-of-magnitude regression.
    import time

    from antechamber.browsers.upgrade import advise

    policy = BrowserPolicy()
    info = policy.inspect(IE_9)
    advice = advise(
        os_family=info.os,
        user_agent=IE_9,
        agent=info.agent,
        shares={"chrome": 66.0, "edge": 5.0, "firefox": 2.5},
        admits=lambda agent, version: True,
    )
    context = {
        "browser": info,
        "browser_label": "IE 9",
        "advice": advice,
        "region": None,
        "allow_continue": True,
        "continue_url": "/_antechamber/continue",
        "next": "/",
        "gated": True,
    }
    for locale in DEFAULT_LOCALES:
        pages.render("upgrade.html", locale, **context)
    start = time.perf_counter()
    for _ in range(100):
        pages.render("upgrade.html", "uk", **context)
    assert (time.perf_counter() - start) / 100 < 0.003


# -- static files ------------------------------------------------------------------------------


async def get_static(path: str, **kwargs: object) -> httpx.Response:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await serve_static(scope["path"].removeprefix("/s/"), scope, receive, send)

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        return await client.request(kwargs.pop("method", "GET"), "/s/" + path, **kwargs)  # type: ignore[arg-type]


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("antechamber.css", "text/css; charset=utf-8"),
        ("antechamber.js", "text/javascript; charset=utf-8"),
    ],
)
async def test_static_files_have_their_types_and_hashes(name: str, content_type: str) -> None:
    version = static_version(name)
    assert version is not None
    response = await get_static(f"{name}?v={version}")
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    assert response.headers["cache-control"] == IMMUTABLE
    assert response.headers["x-content-type-options"] == "nosniff"
    unversioned = await get_static(name)
    assert unversioned.headers["cache-control"] == "public, no-cache"
    again = await get_static(name, headers={"if-none-match": response.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    head = await get_static(name, method="HEAD")
    assert head.content == b""
    assert head.headers["content-length"] == response.headers["content-length"]


@pytest.mark.anyio
@pytest.mark.parametrize(
    "path",
    [
        "../pages.py",
        "..%2fpages.py",
        "%2e%2e/pages.py",
        "/etc/passwd",
        "nothing.css",
        "",
        "antechamber.css/",
        "ANTECHAMBER.CSS",
    ],
)
async def test_anything_but_a_shipped_file_is_not_found(path: str) -> None:
    response = await get_static(path)
    assert response.status_code == 404


@pytest.mark.anyio
async def test_static_files_refuse_other_methods() -> None:
    response = await get_static("antechamber.css", method="POST")
    assert response.status_code == 405
