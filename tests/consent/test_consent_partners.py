"""Partners chosen one by one, and what the preferences page tells about their cookies."""

from __future__ import annotations

import pytest
from consent_helpers import (
    GOOGLE_ANALYTICS,
    META_PIXEL,
    YOUTUBE,
    choose,
    client,
    consent_cookie,
    cookie_header,
    make_app,
)
from test_consent_banner import Markup

from antechamber import Cookie, Partner

pytestmark = pytest.mark.anyio

DAY = 24 * 3600
DESCRIBED = Partner(
    "described",
    "Described Analytics",
    "analytics",
    cookies=[
        Cookie("_da", max_age=400 * DAY, purpose="Tells one visitor from another."),
        Cookie("_da_s", purpose="Keeps a visit together.", third_party=True),
        "_da_plain",
    ],
)


def ticked(page: str, field: str) -> list[str]:
    return [str(box["value"]) for box in Markup(page).find("input", name=field) if "checked" in box]


async def preferences(app: object, headers: dict[str, str] | None = None) -> str:
    async with client(app) as c:
        response = await c.get("/_antechamber/preferences", headers=headers or {})
        assert response.status_code == 200
        return response.text


async def test_each_partner_has_its_own_switch_under_its_category() -> None:
    page = await preferences(make_app())
    for partner in (GOOGLE_ANALYTICS, META_PIXEL, YOUTUBE):
        switch = page.index(f'name="partners" value="{partner.key}"')
        # After its own category's switch, before the next category's.
        assert page.rindex('name="categories"', 0, switch) == page.index(
            f'name="categories" value="{partner.category}"'
        )
    assert ticked(page, "partners") == []


async def test_the_page_shows_a_partner_chosen_alone_and_a_whole_category() -> None:
    app = make_app()
    async with client(app) as c:
        value = consent_cookie(
            await choose(c, "save", categories=["analytics"], partners=["youtube"])
        )
    page = await preferences(app, cookie_header(value))
    assert ticked(page, "categories") == ["analytics"]
    assert ticked(page, "partners") == ["google_analytics", "youtube"]


async def test_a_choice_posted_from_the_page_reaches_the_app_state() -> None:
    app = make_app()
    async with client(app) as c:
        response = await c.post(
            "/_antechamber/consent",
            content="action=save&categories=social&partners=meta_pixel&next=%2Fstate",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        value = consent_cookie(response)
        state = (await c.get("/state", headers=cookie_header(value))).json()
    assert state["categories"]["social"] is True
    assert state["categories"]["advertising"] is False
    assert state["partners"] == {"google_analytics": False, "meta_pixel": True, "youtube": True}


async def form_save(c: object, body: str, headers: dict[str, str]) -> str:
    response = await c.post(  # type: ignore[attr-defined]
        "/_antechamber/consent",
        content=body,
        headers={"content-type": "application/x-www-form-urlencoded", **headers},
    )
    assert response.status_code == 303, response.text
    return consent_cookie(response)


async def test_without_javascript_unticking_a_category_unchooses_its_partners() -> None:
    # The page showed analytics and social ticked, with their partners; the visitor unticked the
    # analytics category only, so its partner's switch is still posted ticked.
    app = make_app()
    async with client(app) as c:
        accepted = consent_cookie(await choose(c, "save", categories=["analytics", "social"]))
        value = await form_save(
            c,
            "action=save&categories=social&partners=google_analytics&partners=youtube",
            cookie_header(accepted),
        )
        state = (await c.get("/state", headers=cookie_header(value))).json()
    assert state["categories"]["analytics"] is False
    assert state["partners"] == {"google_analytics": False, "meta_pixel": False, "youtube": True}


async def test_a_partner_left_ticked_when_its_category_was_off_stays_chosen() -> None:
    # Nothing was shown granted: a ticked partner is the visitor's own choice.
    app = make_app()
    async with client(app) as c:
        value = await form_save(c, "action=save&partners=google_analytics", {})
        again = await form_save(c, "action=save&partners=google_analytics", cookie_header(value))
        state = (await c.get("/state", headers=cookie_header(again))).json()
    assert state["partners"]["google_analytics"] is True
    assert state["categories"]["analytics"] is False


async def test_gpc_denies_a_partner_chosen_alone_before_the_signal_not_one_chosen_with_it() -> None:
    app = make_app()
    gpc = {"sec-gpc": "1"}
    async with client(app) as c:
        without = consent_cookie(await choose(c, "save", partners=["meta_pixel"]))
        later = (await c.get("/state", headers={**cookie_header(without), **gpc})).json()
        explicit = consent_cookie(await choose(c, "save", partners=["meta_pixel"], headers=gpc))
        kept = (await c.get("/state", headers={**cookie_header(explicit), **gpc})).json()
    assert later["partners"]["meta_pixel"] is False  # the signal that came later wins
    assert kept["partners"]["meta_pixel"] is True  # ticked while the signal was sent: an opt-in


async def test_unknown_partner_keys_are_a_clear_400() -> None:
    async with client(make_app()) as c:
        response = await c.post(
            "/_antechamber/consent",
            content="action=save&partners=nobody",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
    assert response.status_code == 400
    assert "nobody" in response.text


@pytest.mark.parametrize(
    ("language", "lifetime", "session", "third_party", "first_party"),
    [
        (
            "en",
            "Kept for 13 months.",
            "Deleted when you close the browser.",
            "A third party can read it.",
            "Only this site can read it.",
        ),
        (
            "uk",
            "13 місяців",
            "Видаляється, коли ви закриваєте браузер.",
            "Його може прочитати третя сторона.",
            "Його може прочитати лише цей сайт.",
        ),
        ("de", "13 Monate", "Schließen des Browsers", "Dritter", "Nur diese Website"),
    ],
)
async def test_cookie_lifetime_purpose_and_reader_in_the_visitors_language(
    language: str, lifetime: str, session: str, third_party: str, first_party: str
) -> None:
    app = make_app(partners=[DESCRIBED])
    page = await preferences(app, {"accept-language": language})
    about = page[page.index("<code>_da</code>") : page.index("<code>_da_plain</code>")]
    first, second = about.split("<code>_da_s</code>")
    assert lifetime in first and first_party in first
    assert "Tells one visitor from another." in first
    assert session in second and third_party in second
    assert "Keeps a visit together." in second
    # A plain name says nothing it does not know.
    plain = page[page.index("<code>_da_plain</code>") :].split("</li>", 1)[0]
    assert plain.strip().endswith("<code>_da_plain</code>")


def test_cookie_settings_are_checked_at_construction() -> None:
    with pytest.raises(ValueError, match=r"Cookie\.name"):
        Cookie("two words")
    with pytest.raises(ValueError, match="max_age"):
        Cookie("_ga", max_age=0)
    with pytest.raises(ValueError, match="lifetime"):
        Cookie("_ga", lifetime=3)  # type: ignore[call-arg]  # a typo is an error
    partner = Partner("p", "P", "analytics", cookies=["_a", Cookie("_b_*", max_age=60)])
    assert partner.cookie_names == ("_a", "_b_*")
