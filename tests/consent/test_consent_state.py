"""The signed consent cookie: each action, each bad cookie, key rotation, expiry, flags."""

from __future__ import annotations

import hashlib

import pytest
from consent_helpers import (
    COOKIE,
    KEY,
    OLD_KEY,
    OTHER_KEY,
    T0,
    Clock,
    choose,
    client,
    consent_cookie,
    cookie_header,
    decided_cookie,
    make_app,
    set_cookie_lines,
)
from itsdangerous import Signer

from antechamber.consent import ConsentState

pytestmark = pytest.mark.anyio

ONLY_NECESSARY = {
    "necessary": True,
    "preferences": False,
    "analytics": False,
    "advertising": False,
    "social": False,
}
NO_PARTNERS = {"google_analytics": False, "meta_pixel": False, "youtube": False}


async def state_of(app: object, headers: dict[str, str] | None = None) -> dict[str, object]:
    async with client(app) as c:
        response = await c.get("/state", headers=headers or {})
        assert response.status_code == 200
        return response.json()  # type: ignore[no-any-return]


async def test_a_first_visit_is_undecided_with_only_required_categories_granted() -> None:
    state = await state_of(make_app())
    assert state["decided"] is False
    assert state["categories"] == ONLY_NECESSARY
    assert state["partners"] == NO_PARTNERS
    assert state["consent_id"] is None
    assert state["gpc"] is False


async def test_accept_all_as_a_form_redirects_to_next_and_sets_the_signed_cookie() -> None:
    app = make_app()
    async with client(app) as c:
        response = await c.post(
            "/_antechamber/consent", data={"action": "accept_all", "next": "/articles/7?page=2"}
        )
    assert response.status_code == 303
    assert response.headers["location"] == "/articles/7?page=2"
    state = await state_of(app, cookie_header(consent_cookie(response)))
    assert state["decided"] is True
    assert all(state["categories"].values())  # type: ignore[attr-defined]
    assert all(state["partners"].values())  # type: ignore[attr-defined]


async def test_a_form_without_next_returns_to_the_home_page() -> None:
    async with client(make_app()) as c:
        response = await c.post("/_antechamber/consent", data={"action": "reject_all"})
    assert response.status_code == 303
    assert response.headers["location"] == "/"


async def test_reject_all_grants_only_required_categories() -> None:
    app = make_app()
    state = await state_of(app, cookie_header(await decided_cookie(app, "reject_all")))
    assert state["decided"] is True
    assert state["categories"] == ONLY_NECESSARY
    assert state["partners"] == NO_PARTNERS


async def test_save_grants_exactly_the_ticked_categories_and_their_partners() -> None:
    app = make_app()
    value = await decided_cookie(app, "save", categories=["analytics", "preferences"])
    state = await state_of(app, cookie_header(value))
    assert state["categories"] == {**ONLY_NECESSARY, "analytics": True, "preferences": True}
    assert state["partners"] == {**NO_PARTNERS, "google_analytics": True}


async def test_a_ticked_category_brings_all_its_partners_whatever_the_partner_list_says() -> None:
    # The contract's rule: a category is chosen as a whole, and a whole includes every partner.
    app = make_app()
    value = await decided_cookie(
        app, "save", categories=["analytics", "social"], partners=["youtube"]
    )
    state = await state_of(app, cookie_header(value))
    assert state["categories"]["analytics"] is True  # type: ignore[index]
    assert state["partners"] == {**NO_PARTNERS, "google_analytics": True, "youtube": True}


async def test_a_partner_can_be_chosen_without_its_category() -> None:
    app = make_app()
    value = await decided_cookie(app, "save", categories=[], partners=["meta_pixel"])
    state = await state_of(app, cookie_header(value))
    assert state["categories"] == ONLY_NECESSARY  # advertising as a whole stays refused
    assert state["partners"] == {**NO_PARTNERS, "meta_pixel": True}


async def test_a_form_with_partner_switches_grants_the_partner_and_round_trips() -> None:
    # The preferences page without JavaScript: one `partners` field per ticked switch.
    app = make_app()
    async with client(app) as c:
        response = await c.post(
            "/_antechamber/consent",
            content="action=save&partners=youtube&next=%2F",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        assert response.status_code == 303
        value = consent_cookie(response)
    state = await state_of(app, cookie_header(value))
    assert state["decided"] is True
    assert state["categories"] == ONLY_NECESSARY
    assert state["partners"] == {**NO_PARTNERS, "youtube": True}
    # Read again from the cookie a second time (past the codec's cache of what it signed).
    again = await state_of(make_app(), cookie_header(value))
    assert again["partners"] == state["partners"]


async def test_accept_all_then_reject_all_unchooses_the_partners_too() -> None:
    app = make_app()
    accepted = await decided_cookie(app, "accept_all")
    assert all((await state_of(app, cookie_header(accepted)))["partners"].values())  # type: ignore[attr-defined]
    async with client(app) as c:
        response = await choose(c, "reject_all", headers=cookie_header(accepted))
        rejected = consent_cookie(response)
    assert (await state_of(app, cookie_header(rejected)))["partners"] == NO_PARTNERS


@pytest.mark.parametrize(
    ("categories", "partners", "expected_categories", "expected_partners"),
    [
        # Format 1 listed the granted partners of granted categories.
        ("analytics", "google_analytics", {"analytics"}, set()),  # all of them: the whole
        ("analytics~social", "google_analytics", {"analytics"}, set()),  # youtube left out
        ("social", "", set(), set()),  # its one partner was left out: neither stays
        ("", "youtube", set(), set()),  # format 1 never granted a partner alone
    ],
)
async def test_a_format_1_cookie_never_grants_more_than_it_did(
    categories: str,
    partners: str,
    expected_categories: set[str],
    expected_partners: set[str],
) -> None:
    signer = Signer(
        KEY, salt="antechamber.consent", key_derivation="hmac", digest_method=hashlib.sha256
    )
    payload = f"1.1.some-id.{int(T0)}..{categories}.{partners}"
    value = signer.sign(payload).decode("ascii")
    state = await state_of(make_app(clock=Clock()), cookie_header(value))
    assert state["decided"] is True
    granted_categories = {k for k, v in state["categories"].items() if v} - {"necessary"}  # type: ignore[attr-defined]
    granted_partners = {k for k, v in state["partners"].items() if v}  # type: ignore[attr-defined]
    assert granted_categories == expected_categories
    whole = {
        "analytics": {"google_analytics"},
        "social": {"youtube"},
        "advertising": {"meta_pixel"},
    }
    assert granted_partners == expected_partners | {
        p for c in expected_categories for p in whole[c]
    }


async def test_a_form_save_takes_repeated_categories() -> None:
    app = make_app()
    async with client(app) as c:
        response = await c.post(
            "/_antechamber/consent",
            content="action=save&categories=analytics&categories=social&next=%2F",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
    assert response.status_code == 303
    state = await state_of(app, cookie_header(consent_cookie(response)))
    assert state["categories"] == {**ONLY_NECESSARY, "analytics": True, "social": True}


async def test_the_json_flow_answers_with_the_new_state() -> None:
    async with client(make_app()) as c:
        response = await choose(c, "save", categories=["analytics"])
    assert response.status_code == 200
    body = response.json()
    assert body["decided"] is True
    assert body["categories"]["analytics"] is True
    assert body["categories"]["advertising"] is False
    assert body["consent_id"]
    assert body["expires_at"] == "2024-05-14T22:13:20Z"  # T0 + 182 days
    assert response.headers["cache-control"] == "no-store"


async def test_get_consent_answers_the_state_with_its_expiry() -> None:
    app = make_app()
    value = await decided_cookie(app, "reject_all")
    async with client(app) as c:
        undecided = (await c.get("/_antechamber/consent")).json()
        decided = (await c.get("/_antechamber/consent", headers=cookie_header(value))).json()
    assert undecided["decided"] is False
    assert undecided["expires_at"] is None
    assert decided["decided"] is True
    assert decided["expires_at"] == "2024-05-14T22:13:20Z"
    assert decided["revision"] == 1


async def test_the_state_on_the_request_is_a_consent_state() -> None:
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    seen: list[object] = []

    async def endpoint(request: Request) -> PlainTextResponse:
        seen.append(request.state.consent)
        return PlainTextResponse("ok")

    app = make_app()
    app.router.routes.append(Route("/probe", endpoint))
    value = await decided_cookie(app, "save", categories=["analytics"])
    async with client(app) as c:
        await c.get("/probe", headers=cookie_header(value))
    (state,) = seen
    assert isinstance(state, ConsentState)
    assert state.granted("analytics") and state.granted("google_analytics")
    assert state.granted("necessary")
    assert not state.granted("advertising") and not state.granted("meta_pixel")
    assert not state.granted("no-such-key")
    with pytest.raises(TypeError):
        state.categories["advertising"] = True  # type: ignore[index]


async def test_the_cookie_flags_follow_the_settings() -> None:
    async with client(make_app()) as c:
        (line,) = set_cookie_lines(await choose(c, "accept_all"))
    assert line.startswith(f"{COOKIE}=")
    assert "; HttpOnly" in line
    assert "; SameSite=Lax" in line
    assert "; Path=/" in line
    assert f"; Max-Age={182 * 24 * 3600}" in line
    assert "Secure" not in line
    assert "Domain" not in line


async def test_the_cookie_is_secure_on_https() -> None:
    async with client(make_app(), base_url="https://testserver") as c:
        response = await c.post(
            "/_antechamber/consent",
            json={"action": "accept_all"},
            headers={"origin": "https://testserver"},
        )
    (line,) = set_cookie_lines(response)
    assert line.endswith("; Secure")


async def test_explicit_cookie_settings_are_written() -> None:
    app = make_app(https_only=True, same_site="strict", domain=".example.com", path="/shop")
    async with client(app) as c:
        (line,) = set_cookie_lines(await choose(c, "accept_all"))
    assert "; Secure" in line
    assert "; SameSite=Strict" in line
    assert "; Domain=.example.com" in line
    assert "; Path=/shop" in line


async def test_reading_a_cookie_never_re_signs_it() -> None:
    app = make_app()
    value = await decided_cookie(app)
    async with client(app) as c:
        for path in ("/", "/state", "/_antechamber/consent", "/_antechamber/preferences"):
            response = await c.get(path, headers=cookie_header(value))
            assert set_cookie_lines(response) == [], path


async def test_a_new_choice_keeps_the_visitors_consent_id() -> None:
    app = make_app()
    first = await decided_cookie(app, "accept_all")
    async with client(app) as c:
        again = await choose(c, "reject_all", headers=cookie_header(first))
        new_visitor = await choose(c, "reject_all")
    assert again.json()["consent_id"] == (await state_of(app, cookie_header(first)))["consent_id"]
    assert new_visitor.json()["consent_id"] != again.json()["consent_id"]


# -- cookies that must read as undecided --------------------------------------------------------


def tampered(value: str) -> str:
    # Grant advertising in the payload, keep the signature.
    payload, _, signature = value.rpartition(".")
    return payload.replace("analytics", "advertising~analytics") + "." + signature


BAD_COOKIES = {
    "tampered payload": lambda v: tampered(v),
    "tampered signature": lambda v: v[:-3] + ("AAA" if not v.endswith("AAA") else "BBB"),
    "signature removed": lambda v: v.rpartition(".")[0],
    "garbage": lambda v: "not-a-consent-cookie",
    "empty": lambda v: "",
    "binary noise": lambda v: "%00%ff%fe.\\x00",
    "oversize": lambda v: v.rpartition(".")[0] + "~x" * 3000 + "." + v.rpartition(".")[2],
    "a valid cookie made huge": lambda v: v + "A" * 5000,
}


@pytest.mark.parametrize("make_bad", BAD_COOKIES.values(), ids=BAD_COOKIES.keys())
async def test_a_bad_cookie_reads_as_undecided(make_bad: object) -> None:
    app = make_app()
    value = await decided_cookie(app, "save", categories=["analytics"])
    state = await state_of(app, cookie_header(make_bad(value)))  # type: ignore[operator]
    assert state["decided"] is False
    assert state["categories"] == ONLY_NECESSARY


async def test_a_cookie_signed_with_a_foreign_key_reads_as_undecided() -> None:
    value = await decided_cookie(make_app(secret_key=OTHER_KEY))
    assert (await state_of(make_app(), cookie_header(value)))["decided"] is False


async def test_two_consent_cookies_read_as_undecided() -> None:
    # Cookie tossing: a sibling subdomain adds its own consent cookie next to ours.
    app = make_app()
    accepted = await decided_cookie(app, "accept_all")
    rejected = await decided_cookie(app, "reject_all")
    header = {"cookie": f"{COOKIE}={rejected}; theme=dark; {COOKIE}={accepted}"}
    assert (await state_of(app, header))["decided"] is False
    header = {"cookie": f"{COOKIE}={accepted}; {COOKIE}={accepted}"}
    assert (await state_of(app, header))["decided"] is False


async def test_the_cookie_is_found_among_others_and_not_by_a_longer_name() -> None:
    app = make_app()
    value = await decided_cookie(app)
    header = {"cookie": f"theme=dark;{COOKIE}={value}; x{COOKIE}=junk; {COOKIE}_old=junk"}
    assert (await state_of(app, header))["decided"] is True


async def test_cookie_headers_split_over_several_lines_are_read_together() -> None:
    app = make_app()
    value = await decided_cookie(app)
    async with client(app) as c:
        response = await c.get(
            "/state", headers=[("cookie", "theme=dark"), ("cookie", f"{COOKIE}={value}")]
        )
    assert response.json()["decided"] is True


async def test_a_choice_expires_after_max_age_by_its_signed_time() -> None:
    clock = Clock()
    app = make_app(clock=clock, max_age=3600)
    value = await decided_cookie(app)
    headers = cookie_header(value)
    assert (await state_of(app, headers))["decided"] is True
    clock.now += 3600
    assert (await state_of(app, headers))["decided"] is True
    clock.now += 1  # the verified value is cached, but its expiry is checked on every read
    assert (await state_of(app, headers))["decided"] is False


async def test_a_choice_under_an_older_revision_reads_as_undecided() -> None:
    value = await decided_cookie(make_app(revision=1))
    assert (await state_of(make_app(revision=2), cookie_header(value)))["decided"] is False
    assert (await state_of(make_app(revision=1), cookie_header(value)))["decided"] is True


async def test_a_rotated_key_still_verifies_and_the_new_key_signs() -> None:
    old_cookie = await decided_cookie(make_app(secret_key=OLD_KEY))
    rotated = make_app(secret_key=[KEY, OLD_KEY])
    assert (await state_of(rotated, cookie_header(old_cookie)))["decided"] is True
    new_cookie = await decided_cookie(rotated)
    only_new = make_app(secret_key=KEY)
    assert (await state_of(only_new, cookie_header(new_cookie)))["decided"] is True


async def test_a_retired_key_no_longer_verifies() -> None:
    old_cookie = await decided_cookie(make_app(secret_key=OLD_KEY))
    retired = make_app(secret_key=[KEY])
    assert (await state_of(retired, cookie_header(old_cookie)))["decided"] is False


async def test_a_category_added_later_reads_as_refused() -> None:
    from antechamber.settings import DEFAULT_CATEGORIES, Category

    value = await decided_cookie(make_app(), "accept_all")
    extended = make_app(
        categories=[*DEFAULT_CATEGORIES, Category("personalization", "Personalization")]
    )
    state = await state_of(extended, cookie_header(value))
    assert state["decided"] is True
    assert state["categories"]["personalization"] is False  # type: ignore[index]
    assert state["categories"]["analytics"] is True  # type: ignore[index]


async def test_websocket_and_lifespan_scopes_pass_through_untouched() -> None:
    from consent_helpers import make_settings

    from antechamber.consent import CookieConsentMiddleware

    seen: list[dict[str, object]] = []

    async def app(scope: dict[str, object], receive: object, send: object) -> None:
        seen.append(dict(scope))

    middleware = CookieConsentMiddleware(app, settings=make_settings())  # type: ignore[arg-type]

    async def receive() -> dict[str, object]:
        return {}

    async def send(message: object) -> None:
        pass

    await middleware({"type": "websocket", "path": "/ws", "headers": []}, receive, send)
    assert "state" not in seen[0]


async def test_consent_can_be_switched_off() -> None:
    from antechamber.consent import CookieConsentMiddleware
    from antechamber.settings import Settings

    async def app(scope: dict[str, object], receive: object, send: object) -> None:
        raise AssertionError("not reached")

    settings = Settings(consent={"enabled": False}, browsers={"enabled": False})
    middleware = CookieConsentMiddleware(app, settings=settings)  # type: ignore[arg-type]
    assert middleware.enabled is False
