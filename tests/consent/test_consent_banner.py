"""The banner, the preferences page, the scripts they load, and Google Consent Mode."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import httpx
import pytest
from consent_helpers import PAGE, choose, client, consent_cookie, cookie_header, make_app

pytestmark = pytest.mark.anyio


class Markup(HTMLParser):
    """Every start tag with its attributes, in order."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [
            a
            for t, a in self.tags
            if t == tag and all(a.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]


def inserted(response: httpx.Response) -> str:
    """What the middleware added to the test page."""
    body = response.text
    start = body.index("<h1>News</h1>") + len("<h1>News</h1>")
    return body[start : body.rindex("</body>")]


async def get(path: str, app: object = None, **headers: str) -> httpx.Response:
    async with client(app or make_app()) as c:
        return await c.get(path, headers=headers)


async def test_an_undecided_visitor_gets_the_banner_before_body_end() -> None:
    response = await get("/")
    assert response.status_code == 200
    assert response.text.endswith("</div></body></html>")
    assert 'role="region"' in inserted(response)
    assert "We use cookies to personalize content and ads" in inserted(response)
    assert int(response.headers["content-length"]) == len(response.content)
    vary = {v.strip() for v in response.headers["vary"].split(",")}
    assert {"Cookie", "Accept-Language"} <= vary


async def test_the_banner_region_is_labelled_and_focusable() -> None:
    markup = Markup(inserted(await get("/")))
    (region,) = markup.find("section", role="region")
    assert region["aria-labelledby"] == "ac-banner-title"
    assert region["tabindex"] == "-1"
    assert markup.find("h2", id="ac-banner-title")
    assert markup.find("div", id=str(region["aria-describedby"]))


async def test_the_three_choices_have_equal_weight_and_look() -> None:
    markup = Markup(inserted(await get("/")))
    buttons = markup.find("button")
    assert len(buttons) == 3
    assert {b["class"] for b in buttons} == {"ac-button"}
    assert {b["type"] for b in buttons} == {"submit"}
    actions = [a["value"] for a in markup.find("input", name="action")]
    assert actions == ["accept_all", "reject_all"]
    forms = markup.find("form")
    assert [(f["method"], f["action"]) for f in forms] == [
        ("post", "/_antechamber/consent"),
        ("post", "/_antechamber/consent"),
        ("get", "/_antechamber/preferences"),
    ]
    labels = [t for t in markup.text if t.strip() in ("Accept all", "Reject all", "Customize")]
    assert [t.strip() for t in labels] == ["Accept all", "Reject all", "Customize"]


async def test_the_forms_come_back_to_the_current_page() -> None:
    markup = Markup(inserted(await get("/articles/tea?ref=home&x=%3C")))
    nexts = {n["value"] for n in markup.find("input", name="next")}
    assert nexts == {"/articles/tea?ref=home&x=%3C"}
    (link,) = markup.find("a", id="antechamber-consent-settings")
    assert link["href"] == "/_antechamber/preferences?next=/articles/tea%3Fref%3Dhome%26x%3D%253C"


async def test_a_page_path_cannot_break_out_of_the_banner_markup() -> None:
    response = await get('/articles/"><script>alert(1)</script>')
    assert "<script>alert(1)" not in response.text
    assert int(response.headers["content-length"]) == len(response.content)


async def test_no_inline_script_or_style_in_the_banner() -> None:
    for app in (make_app(), make_app(google_consent_mode=True, policy_url="/cookies")):
        markup = Markup(inserted(await get("/", app)))
        for tag, attrs in markup.tags:
            assert tag != "style"
            assert "style" not in attrs, tag
            assert not any(name.startswith("on") for name in attrs), (tag, attrs)
            for value in attrs.values():
                assert not (value or "").strip().lower().startswith("javascript:")
            if tag == "script":
                # Either an external file or data (JSON), which a CSP does not execute.
                assert attrs.get("src") or attrs.get("type") == "application/json", attrs
        scripts = markup.find("script")
        assert any(
            (s.get("src") or "").startswith("/_antechamber/static/consent.js") for s in scripts
        )
        assert markup.find("link", rel="stylesheet")


async def test_the_state_for_scripts_is_json_data() -> None:
    body = inserted(await get("/"))
    start = body.index('id="antechamber-consent-data">') + len('id="antechamber-consent-data">')
    data = json.loads(body[start : body.index("</script>", start)])
    assert data["decided"] is False
    assert data["prefix"] == "/_antechamber"
    assert data["categories"]["necessary"] is True


async def test_a_decided_visitor_gets_only_the_cookie_settings_link() -> None:
    app = make_app()
    async with client(app) as c:
        value = consent_cookie(await choose(c, "reject_all"))
        response = await c.get("/", headers=cookie_header(value))
    markup = Markup(inserted(response))
    assert not markup.find("section")
    (link,) = markup.find("a", id="antechamber-consent-settings")
    assert "hidden" not in link
    assert link["href"] == "/_antechamber/preferences?next=/"
    assert int(response.headers["content-length"]) == len(response.content)


async def test_the_settings_link_waits_hidden_while_the_banner_shows() -> None:
    (link,) = Markup(inserted(await get("/"))).find("a", id="antechamber-consent-settings")
    assert "hidden" in link


async def test_the_policy_link_and_the_sites_own_text() -> None:
    app = make_app(policy_url="/cookie-policy", banner_text="We bake <cookies> & share them.")
    body = inserted(await get("/", app))
    assert Markup(body).find("a", href="/cookie-policy")
    assert "We bake &lt;cookies&gt; &amp; share them." in body
    assert "We use cookies to personalize" not in body


async def test_json_and_other_responses_are_left_alone() -> None:
    response = await get("/data")
    assert response.json() == {"ok": True}
    assert "vary" not in response.headers


async def test_a_streamed_page_gets_the_banner_too() -> None:
    response = await get("/stream")
    assert "ac-banner" in response.text
    assert response.text.endswith("</body></html>")


async def test_the_banner_is_not_injected_in_manual_mode_but_the_helper_renders_it() -> None:
    app = make_app(banner="manual")
    home = await get("/", app)
    assert home.text == PAGE
    manual = await get("/manual", app)
    assert "<p>Manual</p>" in manual.text
    assert 'role="region"' in manual.text
    assert "We use cookies" in manual.text


async def test_the_banner_is_in_the_visitors_language_direction_and_lang() -> None:
    page = await get("/_antechamber/preferences", **{"accept-language": "de-DE,de;q=0.9"})
    assert '<html lang="de"' in page.text
    assert page.headers["content-language"] == "de"


# -- the preferences page ------------------------------------------------------------------------


async def test_preferences_has_nothing_ticked_for_an_undecided_visitor() -> None:
    page = await get("/_antechamber/preferences?next=/articles/1")
    assert page.status_code == 200
    markup = Markup(page.text)
    boxes = markup.find("input", type="checkbox")
    required = [b for b in boxes if "disabled" in b]
    optional = [b for b in boxes if "disabled" not in b]
    assert len(required) == 1 and "checked" in required[0]
    categories = [b["value"] for b in optional if b["name"] == "categories"]
    assert categories == ["preferences", "analytics", "advertising", "social"]
    partners = [b["value"] for b in optional if b["name"] == "partners"]
    assert partners == ["google_analytics", "meta_pixel", "youtube"]
    assert len(optional) == len(categories) + len(partners)
    assert not any("checked" in b for b in optional)
    assert markup.find("input", name="next", value="/articles/1")


async def test_preferences_shows_the_current_choice() -> None:
    app = make_app()
    async with client(app) as c:
        value = consent_cookie(await choose(c, "save", categories=["analytics"]))
        page = await c.get("/_antechamber/preferences", headers=cookie_header(value))
    ticked = [
        b["value"] for b in Markup(page.text).find("input", name="categories") if "checked" in b
    ]
    assert ticked == ["analytics"]
    assert "You made a choice on November 14, 2023" in page.text


async def test_preferences_lists_partners_per_category_with_purposes_and_privacy_links() -> None:
    page = await get("/_antechamber/preferences")
    text = page.text
    analytics = text.index('value="analytics"')
    advertising = text.index('value="advertising"')
    assert analytics < text.index("Google Analytics") < advertising
    assert advertising < text.index("Meta Pixel")
    assert "Counts visits and measures how the site is used." in text
    assert Markup(text).find("a", href="https://policies.google.com/privacy")
    for name in ("_ga", "_ga_*", "_gid"):
        assert f"<code>{name}</code>" in text


async def test_preferences_is_a_no_javascript_form_with_equal_buttons() -> None:
    page = await get("/_antechamber/preferences")
    markup = Markup(page.text)
    (form,) = markup.find("form")
    assert (form["method"], form["action"]) == ("post", "/_antechamber/consent")
    buttons = markup.find("button")
    assert [b["value"] for b in buttons] == ["save", "accept_all", "reject_all"]
    assert {b["class"] for b in buttons} == {"ac-button"}
    # One script, from the site, that only keeps the switches in step; nothing inline.
    assert [s["src"].split("?")[0] for s in markup.find("script")] == [  # type: ignore[union-attr]
        "/_antechamber/static/preferences.js"
    ]
    assert not any("style" in attrs for _, attrs in markup.tags)
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert "frame-ancestors 'self'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"


async def test_preferences_next_is_kept_on_site() -> None:
    page = await get("/_antechamber/preferences?next=//evil.example")
    assert Markup(page.text).find("input", name="next", value="/")


async def test_preferences_tells_a_gpc_visitor_the_signal_was_honoured() -> None:
    page = await get("/_antechamber/preferences", **{"sec-gpc": "1"})
    assert "Global Privacy Control" in page.text


# -- static files and Google Consent Mode ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "media_type"), [("consent.js", "text/javascript"), ("consent.css", "text/css")]
)
async def test_the_banner_assets_are_served(name: str, media_type: str) -> None:
    response = await get(f"/_antechamber/static/{name}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    assert (await get("/_antechamber/static/../middleware.py")).status_code == 404


async def test_consent_mode_defaults_follow_the_stored_choice() -> None:
    app = make_app(google_consent_mode=True)
    async with client(app) as c:
        undecided = (await c.get("/_antechamber/gcm.js")).text
        value = consent_cookie(await choose(c, "save", categories=["analytics"]))
        decided = (await c.get("/_antechamber/gcm.js", headers=cookie_header(value))).text
        gpc = (await c.get("/_antechamber/gcm.js", headers={"sec-gpc": "1"})).text

    def defaults(script: str) -> dict[str, object]:
        assert 'gtag("consent","default",' in script
        start = script.index('"default",') + len('"default",')
        return json.loads(script[start : script.index(");}", start)])  # type: ignore[no-any-return]

    seven = {
        "ad_storage",
        "ad_user_data",
        "ad_personalization",
        "analytics_storage",
        "functionality_storage",
        "personalization_storage",
        "security_storage",
    }
    assert seven <= set(defaults(undecided))
    assert {k: v for k, v in defaults(undecided).items() if v == "granted"} == {
        "security_storage": "granted"
    }
    assert defaults(undecided)["wait_for_update"] == 500
    assert defaults(decided)["analytics_storage"] == "granted"
    assert defaults(decided)["ad_storage"] == "denied"
    assert "wait_for_update" not in defaults(decided)
    assert defaults(gpc)["ad_user_data"] == "denied"


async def test_consent_mode_update_values_come_with_each_choice() -> None:
    async with client(make_app(google_consent_mode=True)) as c:
        body = (await choose(c, "accept_all", headers={"sec-gpc": "1"})).json()
    assert body["google_consent"]["analytics_storage"] == "granted"
    assert body["google_consent"]["ad_storage"] == "denied"
    async with client(make_app()) as c:
        assert "google_consent" not in (await choose(c, "accept_all")).json()


async def test_the_head_helper_points_at_the_consent_mode_script() -> None:
    from starlette.requests import Request
    from starlette.responses import HTMLResponse
    from starlette.routing import Route

    from antechamber.consent import consent_head_html

    async def page(request: Request) -> HTMLResponse:
        return HTMLResponse(f"<html><head>{consent_head_html(request)}</head><body></body></html>")

    for enabled, expected in ((True, '<script src="/_antechamber/gcm.js"></script>'), (False, "")):
        app = make_app(google_consent_mode=enabled)
        app.router.routes.append(Route("/head", page))
        text = (await get("/head", app)).text
        assert text.startswith(f"<html><head>{expected}</head>")


def test_the_default_category_texts_are_in_the_catalog_list() -> None:
    from antechamber.consent.banner import DEFAULT_CATEGORY_TEXTS
    from antechamber.settings import DEFAULT_CATEGORIES

    texts = {t for c in DEFAULT_CATEGORIES for t in (c.title, c.description)}
    assert texts == set(DEFAULT_CATEGORY_TEXTS)
