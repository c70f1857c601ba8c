"""The demo news site, through its real app (antechamber included), without a browser.

What needs a browser (scripts switched on by consent, keyboard, CSP reports, axe) is in
tests/browser/.
"""

from __future__ import annotations

import re
import runpy
import tomllib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from pydantic import BaseModel

import antechamber.demo
from antechamber.demo import (
    CSP,
    PARTNERS,
    SOCIAL_HOST,
    VIDEO_HOST,
    content,
    create_app,
    demo_settings,
    site,
)
from antechamber.settings import BrowserSettings, ConsentSettings, Settings

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_TOML = ROOT / "examples" / "antechamber.toml"
PAGES = [
    "/",
    "/cookies",
    "/about",
    *(f"/section/{key}" for key in content.SECTIONS),
    *(f"/article/{article.slug}" for article in content.ARTICLES),
]
PARTNER_SCRIPT = re.compile(r"<script\b[^>]*\bdata-consent=\"([^\"]+)\"[^>]*>", re.IGNORECASE)
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/140.0.0.0 Safari/537.36"
)


@pytest.fixture
def settings(tmp_path: Path, secret: str) -> Settings:
    return demo_settings(tmp_path, secret)


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(settings))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", headers={"user-agent": CHROME}
    ) as client:
        yield client


@pytest.fixture
async def bare_site(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The news site without antechamber: what the demo itself writes."""
    transport = httpx.ASGITransport(app=site(settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def accept_all(client: httpx.AsyncClient, prefix: str) -> None:
    response = await client.post(
        f"{prefix}/consent",
        json={"action": "accept_all"},
        headers={"origin": "http://testserver", "sec-fetch-site": "same-origin"},
    )
    assert response.status_code == 200, response.text


def test_the_demo_runs_the_documented_settings(tmp_path: Path, secret: str) -> None:
    settings = demo_settings(tmp_path, secret)
    assert settings.secret_keys == [secret]
    assert settings.preview is True
    assert (settings.browsers.mode, settings.browsers.supported) == ("block", "defaults")
    assert settings.consent.log == f"sqlite:///{tmp_path / 'consent.db'}"
    assert settings.consent.policy_url == "/cookies"
    assert [p.key for p in settings.consent.partners] == [p.key for p in PARTNERS]
    categories = {p.category for p in PARTNERS}
    assert categories == {"analytics", "advertising", "social"}  # a partner in each


@pytest.mark.anyio
@pytest.mark.parametrize("path", PAGES)
async def test_every_page_is_served_with_the_strict_policy_and_the_banner(
    client: httpx.AsyncClient, settings: Settings, path: str
) -> None:
    response = await client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-security-policy"] == CSP
    assert f'action="{settings.route_prefix}/consent"' in response.text


@pytest.mark.anyio
@pytest.mark.parametrize("path", ["/article/no-such-story", "/section/sport", "/nowhere"])
async def test_unknown_pages_are_404_pages_of_the_site(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await client.get(path)
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert response.headers["content-security-policy"] == CSP


@pytest.mark.anyio
async def test_an_article_has_recommended_and_similar_articles_but_not_itself(
    bare_site: httpx.AsyncClient,
) -> None:
    article = content.by_slug("cookie-banners-report")
    assert article is not None
    html = (await bare_site.get(f"/article/{article.slug}")).text
    assert article.title in html
    recommended = html.index(">Recommended<")
    similar = html.index(">Similar articles<")
    linked = re.findall(r'href="/article/([\w-]+)"', html[recommended:])
    assert linked and article.slug not in linked
    assert [a.slug for a in content.similar(article)] == re.findall(
        r'href="/article/([\w-]+)"', html[similar:]
    )


def test_similar_articles_share_a_topic_or_a_section() -> None:
    for article in content.ARTICLES:
        for other in content.similar(article):
            assert set(other.tags) & set(article.tags) or other.section == article.section


@pytest.mark.anyio
@pytest.mark.parametrize("path", PAGES)
async def test_the_demo_writes_no_inline_script_or_style_and_loads_nothing_from_elsewhere(
    bare_site: httpx.AsyncClient, path: str
) -> None:
    html = (await bare_site.get(path)).text
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)  # no inline event handlers
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag, f"inline script: {tag}"
    # Only links may point elsewhere; whatever the page loads comes from this site, or from the
    # embed stand-ins that this same server answers under *.localhost.
    stand_ins = re.compile(rf"^//(?:{VIDEO_HOST}|{SOCIAL_HOST}):\d+/")
    for url in re.findall(r"<(?:script|img|link|iframe)\b[^>]*\b(?:src|href)=\"([^\"]+)\"", html):
        assert (url.startswith("/") and not url.startswith("//")) or stand_ins.match(url), url


@pytest.mark.anyio
@pytest.mark.parametrize("path", ["/", "/article/night-trains-return"])
async def test_partner_scripts_are_inert_and_name_a_declared_partner(
    bare_site: httpx.AsyncClient, settings: Settings, path: str
) -> None:
    html = (await bare_site.get(path)).text
    tags = re.findall(r"<script\b[^>]*\bdata-consent=[^>]*>", html)
    assert tags
    keys = {p.key for p in settings.consent.partners} | {c.key for c in settings.consent.categories}
    for tag in tags:
        assert 'type="text/plain"' in tag
        assert PARTNER_SCRIPT.match(tag)
        key = PARTNER_SCRIPT.match(tag)[1]  # type: ignore[index]
        assert key in keys
        source = re.search(r'src="([^"]+)"', tag)
        assert source is not None
        script = await bare_site.get(source[1])
        assert script.status_code == 200
        assert "javascript" in script.headers["content-type"]
        assert "document.cookie" in script.text


@pytest.mark.anyio
async def test_the_sync_pixels_cookie_is_removed_until_the_visitor_consents(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    before = await client.get("/partners/northwind/sync.gif")
    assert before.status_code == 200
    assert before.headers["content-type"] == "image/gif"
    assert "nw_uid" not in before.headers.get("set-cookie", "")

    await accept_all(client, settings.route_prefix)
    after = await client.get("/partners/northwind/sync.gif")
    assert "nw_uid=" in after.headers.get("set-cookie", "")
    assert "httponly" in after.headers["set-cookie"].lower()


@pytest.mark.anyio
async def test_the_site_itself_always_sets_the_pixels_cookie(
    bare_site: httpx.AsyncClient,
) -> None:
    # So that what the visitor sees with antechamber is antechamber's doing.
    response = await bare_site.get("/partners/northwind/sync.gif")
    assert "nw_uid=" in response.headers["set-cookie"]


@pytest.mark.anyio
async def test_the_footer_shows_what_the_server_received_and_the_consent_state(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    undecided = (await client.get("/about")).text
    assert "not decided yet" in undecided
    await accept_all(client, settings.route_prefix)
    decided = (await client.get("/about")).text
    assert f"<code>{settings.consent.cookie_name}</code>" in decided
    assert "Consent: decided" in decided


@pytest.mark.anyio
async def test_the_cookie_policy_lists_every_partner_and_its_cookies(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    html = (await client.get("/cookies")).text
    assert f'href="{settings.route_prefix}/preferences"' in html
    for partner in settings.consent.partners:
        assert partner.name in html
        for cookie in partner.cookie_names:
            assert f"<code>{cookie}</code>" in html


@pytest.mark.anyio
async def test_the_about_page_links_the_preview_of_the_upgrade_page(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    html = (await client.get("/about")).text
    links = re.findall(rf'href="({settings.route_prefix}/preview\?[^"]+)"', html)
    assert len(links) == 2  # English and Ukrainian
    for link in links:
        preview = await client.get(link.replace("&amp;", "&"))
        assert preview.status_code == settings.browsers.status_code


def test_serve_announces_the_generated_secret_and_where_records_go(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    runs: list[dict[str, Any]] = []

    def fake_run(app: Any, **options: Any) -> None:
        database = Path(app.settings.consent.log.removeprefix("sqlite:///"))
        runs.append({"folder": database.parent, "existed": database.parent.is_dir(), **options})

    monkeypatch.setattr("uvicorn.run", fake_run)
    antechamber.demo.serve(host="127.0.0.1", port=8123)
    out = capsys.readouterr().out
    assert "development secret key generated for this run" in out
    assert str(runs[0]["folder"] / "consent.db") in out
    assert "removed when the demo stops" in out
    assert "no request leaves this machine" in out
    assert "http://127.0.0.1:8123/" in out
    assert "http://127.0.0.1:8123/_antechamber/preview?ua=" in out
    assert len(runs) == 1
    assert (runs[0]["host"], runs[0]["port"]) == ("127.0.0.1", 8123)
    # The records folder lived while the server ran, and a clean shutdown took it away.
    assert runs[0]["existed"]
    assert not runs[0]["folder"].exists()


def test_serve_generates_a_new_secret_each_run(monkeypatch: pytest.MonkeyPatch) -> None:
    secrets_seen: list[list[str]] = []

    def fake_run(app: Any, **options: Any) -> None:
        secrets_seen.append(app.settings.secret_keys)

    monkeypatch.setattr("uvicorn.run", fake_run)
    antechamber.demo.serve()
    antechamber.demo.serve()
    first, second = secrets_seen
    assert first != second and len(first[0]) >= 32


PHONE = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/140.0.0.0 Mobile Safari/537.36"
)


@pytest.mark.anyio
async def test_phones_see_the_mobile_notice_and_computers_do_not(
    client: httpx.AsyncClient,
) -> None:
    phone = await client.get("/", headers={"user-agent": PHONE})
    computer = await client.get("/")
    assert phone.status_code == computer.status_code == 200
    assert "designed for computers" in phone.text
    assert "designed for computers" not in computer.text


# -- examples/ ----------------------------------------------------------------------------------


def _documented(section: str) -> set[str]:
    """Setting names written in a section of the example file, commented out or not."""
    text = EXAMPLE_TOML.read_text("utf-8")
    parts = re.split(r"^\[+([\w.]+)\]+\s*$", text, flags=re.MULTILINE)
    bodies = {"": parts[0]}
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        bodies[name] = bodies.get(name, "") + body
    names = set(re.findall(r"^#?\s?(\w+) = ", bodies.get(section, ""), flags=re.MULTILINE))
    # Nested tables ([[consent.categories]], [browsers.supported]) count for their parent.
    names |= {name.split(".")[-1] for name in bodies if name.startswith(f"{section}.")}
    return names


@pytest.mark.parametrize(
    ("section", "model"),
    [("", Settings), ("browsers", BrowserSettings), ("consent", ConsentSettings)],
    ids=["top-level", "browsers", "consent"],
)
def test_the_example_config_documents_every_setting(section: str, model: type[BaseModel]) -> None:
    expected = set(model.model_fields) - {"browsers", "consent"}
    assert expected - _documented(section) == set()


def test_the_example_config_loads_with_the_demos_partners(
    monkeypatch: pytest.MonkeyPatch, secret: str
) -> None:
    monkeypatch.delenv("ANTECHAMBER_CONFIG", raising=False)
    settings = Settings.from_toml(EXAMPLE_TOML, secret_key=secret)
    assert [p.key for p in settings.consent.partners] == [p.key for p in PARTNERS]
    assert [p.cookies for p in settings.consent.partners] == [p.cookies for p in PARTNERS]
    defaults = Settings(secret_key=secret)
    # Every value the file writes out is the default (the partners aside).
    assert settings.browsers == defaults.browsers
    assert settings.consent.model_copy(update={"partners": [], "policy_url": None}) == (
        defaults.consent
    )
    assert tomllib.loads(EXAMPLE_TOML.read_text("utf-8"))["locales"] == defaults.locales


def test_the_example_app_mounts_antechamber_from_the_toml(
    monkeypatch: pytest.MonkeyPatch, secret: str
) -> None:
    monkeypatch.delenv("ANTECHAMBER_CONFIG", raising=False)
    monkeypatch.setenv("ANTECHAMBER_SECRET_KEY", secret)
    namespace = runpy.run_path(str(ROOT / "examples" / "app.py"))
    assert namespace["settings"].secret_keys == [secret]
    assert type(namespace["app"]).__name__ == "Antechamber"


@pytest.mark.anyio
async def test_an_article_embeds_a_video_and_a_social_post_from_local_stand_ins(
    bare_site: httpx.AsyncClient, settings: Settings
) -> None:
    html = (await bare_site.get("/article/night-trains-return")).text
    frame = re.search(r'<iframe [^>]*src="(//video\.localhost:\d+/stand-ins/video/[^"]+)"', html)
    script = re.search(r'<script async src="(//social\.localhost:\d+/[^"]+)"', html)
    assert frame is not None and script is not None
    # Both are written as a provider's embed code is, and the settings name their partners.
    partners = {p.key: p for p in settings.consent.partners}
    assert partners["streamly"].embeds == [f"//{VIDEO_HOST}"]
    assert partners["chirp"].scripts == [f"//{SOCIAL_HOST}"]
    # The stand-ins answer on this server (the host name does not matter to its routes).
    player = await bare_site.get(urlsplit("http:" + frame.group(1)).path)
    assert player.status_code == 200 and "Streamly" in player.text
    widget = await bare_site.get(urlsplit("http:" + script.group(1)).path)
    assert widget.status_code == 200 and "chirp-post" in widget.text


@pytest.mark.anyio
async def test_the_articles_video_and_social_post_wait_for_consent(
    client: httpx.AsyncClient, bare_site: httpx.AsyncClient, settings: Settings
) -> None:
    path = "/article/night-trains-return"
    written = (await bare_site.get(path)).text
    frame = re.search(r"<iframe [^>]*>.*?</iframe>", written, re.S)
    script = re.search(r'<script async src="//social\.localhost:\d+/[^"]+"', written)
    assert frame is not None and script is not None
    before = (await client.get(path)).text
    # Undecided: the frame waits in a placeholder (its bytes in a <template>, never loaded) and
    # the widget script is inert until the visitor grants Streamly or Chirp.
    live_frames = re.sub(r"<template data-ac-embed-original>.*?</template>", "", before, flags=re.S)
    assert "<iframe" not in live_frames
    assert f"<template data-ac-embed-original>{frame[0]}</template>" in before
    assert "Content from Streamly" in before
    assert script[0] not in before
    gated = script[0].replace("<script", '<script type="text/plain" data-consent="chirp"', 1)
    assert gated in before

    await accept_all(client, settings.route_prefix)
    after = (await client.get(path)).text
    assert "Content from Streamly" not in after  # no placeholder
    assert frame[0].replace("<iframe", '<iframe id="antechamber-embed-1"', 1) in after
    assert script[0] in after
