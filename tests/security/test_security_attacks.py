"""Attacks that must fail, one named test each: forged choices, open redirects, injection, XSS,
cookie tossing, rotated and foreign keys, and one visitor's state reaching another."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

import anyio
import httpx
import pytest
from security_support import (
    BASE_URL,
    COOKIE,
    HOST,
    HTTPS_URL,
    OTHER_SITE_SECRET,
    SECRET,
    call,
    make_app,
    make_site,
    next_links,
    stays_on_site,
)

from antechamber import Settings
from antechamber.browsers.middleware import CONTINUE_COOKIE
from antechamber.consent.middleware import CookieConsentMiddleware
from antechamber.settings import Partner

pytestmark = pytest.mark.anyio

PREFIX = "/_antechamber"
FORM = {"content-type": "application/x-www-form-urlencoded"}
SAME_ORIGIN = {"origin": BASE_URL, "sec-fetch-site": "same-origin"}
IE_11 = "Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko"
IE_8 = "Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 5.1; Trident/4.0)"
CHROME_130 = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36"
)
NAVIGATE = {"accept": "text/html,application/xhtml+xml", "user-agent": CHROME_130}
XSS = "<script>alert(1)</script>"
XSS_ATTRIBUTE = '"><svg onload=alert(1)>'
XSS_MARKERS = ("<script>alert(1)", "<svg onload", "<img src=x onerror")


def client(app: Any, base_url: str = BASE_URL) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url)


@pytest.fixture
async def site() -> AsyncIterator[httpx.AsyncClient]:
    async with client(make_app()) as c:
        yield c


def consent_cookie(response: httpx.Response) -> str | None:
    return response.cookies.get(COOKIE)


def assert_no_markup_from_the_attacker(page: str) -> None:
    for marker in XSS_MARKERS:
        assert marker not in page, f"unescaped {marker!r}"


async def choose(c: httpx.AsyncClient, action: str = "accept_all", **headers: str) -> str:
    response = await c.post(
        f"{PREFIX}/consent", json={"action": action}, headers={**SAME_ORIGIN, **headers}
    )
    assert response.status_code == 200, response.text
    value = consent_cookie(response)
    assert value is not None
    c.cookies.clear()
    return value


# -- cross-site requests ------------------------------------------------------------------------

CROSS_SITE = {
    "another origin": {"origin": "https://evil.test"},
    "a look-alike origin": {"origin": f"http://{HOST}.evil.test"},
    "an origin with the host as user name": {"origin": f"http://{HOST}@evil.test"},
    "the null origin": {"origin": "null"},
    "fetch metadata cross-site": {"sec-fetch-site": "cross-site"},
    "fetch metadata same-site (a sibling subdomain)": {"sec-fetch-site": "same-site"},
    "our origin but cross-site fetch metadata": {
        "origin": BASE_URL,
        "sec-fetch-site": "cross-site",
    },
    "a chromium cross-site form": {
        "origin": "https://evil.test",
        "sec-fetch-site": "cross-site",
        "sec-fetch-mode": "navigate",
        "sec-fetch-dest": "document",
    },
}


@pytest.mark.parametrize("headers", CROSS_SITE.values(), ids=CROSS_SITE.keys())
async def test_a_cross_site_choice_is_refused_and_sets_no_cookie(
    site: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    form = await site.post(
        f"{PREFIX}/consent",
        content=urlencode({"action": "accept_all", "next": "/"}),
        headers={**FORM, **headers},
    )
    as_json = await site.post(f"{PREFIX}/consent", json={"action": "accept_all"}, headers=headers)
    for response in (form, as_json):
        assert response.status_code == 403
        assert "set-cookie" not in response.headers


@pytest.mark.parametrize("headers", CROSS_SITE.values(), ids=CROSS_SITE.keys())
async def test_a_cross_site_continue_anyway_is_refused_and_sets_no_cookie(
    site: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await site.post(
        f"{PREFIX}/continue", content=urlencode({"next": "/"}), headers={**FORM, **headers}
    )
    assert response.status_code == 403
    assert "set-cookie" not in response.headers


async def test_on_https_a_choice_without_origin_or_fetch_metadata_is_refused() -> None:
    async with client(make_app(), HTTPS_URL) as c:
        response = await c.post(
            f"{PREFIX}/consent", content=urlencode({"action": "accept_all"}), headers=FORM
        )
    assert response.status_code == 403
    assert "set-cookie" not in response.headers


async def test_on_https_continue_anyway_without_origin_or_fetch_metadata_is_refused() -> None:
    async with client(make_app(), HTTPS_URL) as c:
        response = await c.post(
            f"{PREFIX}/continue",
            content=urlencode({"next": "/"}),
            headers={**FORM, "user-agent": IE_11},
        )
    assert response.status_code == 403
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize("endpoint", ["continue", "consent"])
async def test_on_https_an_old_browser_posting_from_this_site_is_known_by_its_referer(
    endpoint: str,
) -> None:
    # IE 11 and Firefox < 70 send neither Origin nor Sec-Fetch-Site with a form, and they are
    # the browsers the upgrade page is shown to; they do send the Referer.
    body = urlencode({"next": "/", "action": "accept_all"})
    async with client(make_app(), HTTPS_URL) as c:
        own = await c.post(
            f"{PREFIX}/{endpoint}",
            content=body,
            headers={**FORM, "user-agent": IE_11, "referer": f"{HTTPS_URL}/article"},
        )
        foreign = await c.post(
            f"{PREFIX}/{endpoint}",
            content=body,
            headers={**FORM, "user-agent": IE_11, "referer": "https://evil.example/article"},
        )
    assert own.status_code == 303
    assert "set-cookie" in own.headers
    assert foreign.status_code == 403
    assert "set-cookie" not in foreign.headers


async def test_a_cross_site_form_cannot_force_consent_on_a_visitor(
    site: httpx.AsyncClient,
) -> None:
    # Login-CSRF's consent twin: evil.test auto-submits accept_all to our endpoint.
    forced = await site.post(
        f"{PREFIX}/consent",
        content=urlencode({"action": "accept_all", "next": "/"}),
        headers={**FORM, **CROSS_SITE["a chromium cross-site form"]},
    )
    assert forced.status_code == 403
    assert "set-cookie" not in forced.headers
    state = (await site.get(f"{PREFIX}/consent")).json()
    assert state["decided"] is False
    page = await site.get("/", headers=NAVIGATE)
    assert 'id="antechamber-consent-banner"' in page.text


async def test_a_same_origin_choice_is_accepted(site: httpx.AsyncClient) -> None:
    response = await site.post(
        f"{PREFIX}/consent",
        content=urlencode({"action": "accept_all", "next": "/"}),
        headers={**FORM, **SAME_ORIGIN},
    )
    assert response.status_code == 303
    assert consent_cookie(response) is not None


# -- open redirects and header injection -----------------------------------------------------

LEAVING = [
    "//evil.test",
    "///evil.test",
    "/\\evil.test",
    "\\\\evil.test",
    "/\\/evil.test",
    "https:evil.test",
    "https://evil.test",
    "http:/evil.test",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "%2F%2Fevil.test",
    "/%2F/evil.test",
    "/%2f%2fevil.test",
    "/%5Cevil.test",
    "/%5cevil.test",
    "/%252F%252Fevil.test",
    "/%25252F%25252Fevil.test",
    "/%09/evil.test",
    "/\t/evil.test",
    "/\n/evil.test",
    "/\r\n/evil.test",
    "\t//evil.test",
    " //evil.test",
    "/ /evil.test",
    "\x00//evil.test",
    "／／evil.test",
    "/\u3000/evil.test",
    "/\u2028/evil.test",
    "/\r\nSet-Cookie: injected=1",
    "/%0d%0aSet-Cookie:%20injected=1",
    "/%E5%98%8A%E5%98%8DSet-Cookie:%20injected=1",
    "/\u560a\u560dSet-Cookie: injected=1",
    "",
    "evil.test",
    ".",
    "?next=//evil.test",
]


def assert_stays(response: httpx.Response, target: str) -> None:
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert stays_on_site(location), f"{target!r} -> {location!r}"
    assert "injected" not in response.headers.get("set-cookie", "")
    assert all(name.lower() != "injected" for name in response.headers)


@pytest.mark.parametrize("target", LEAVING)
async def test_a_consent_next_that_would_leave_the_site_stays_on_it(
    site: httpx.AsyncClient, target: str
) -> None:
    response = await site.post(
        f"{PREFIX}/consent",
        content=urlencode({"action": "reject_all", "next": target}),
        headers={**FORM, **SAME_ORIGIN},
    )
    assert_stays(response, target)


@pytest.mark.parametrize("target", LEAVING)
async def test_a_continue_or_dismiss_next_that_would_leave_the_site_stays_on_it(
    site: httpx.AsyncClient, target: str
) -> None:
    for path, fields in ((f"{PREFIX}/continue", {}), (f"{PREFIX}/notice", {"kind": "warn"})):
        response = await site.post(
            path, content=urlencode({**fields, "next": target}), headers={**FORM, **SAME_ORIGIN}
        )
        assert_stays(response, target)


@pytest.mark.parametrize("target", LEAVING)
async def test_pages_never_link_back_to_somewhere_else(
    site: httpx.AsyncClient, target: str
) -> None:
    for path in (f"{PREFIX}/preferences", f"{PREFIX}/upgrade"):
        response = await site.get(f"{path}?{urlencode({'next': target})}", headers=NAVIGATE)
        assert response.status_code == 200
        found = next_links(response.text)
        assert found
        for link in found:
            assert stays_on_site(link), (path, target, link)


@pytest.mark.parametrize(
    ("target", "location"),
    [
        ("/articles/1", "/articles/1"),
        ("/search?q=a&page=2", "/search?q=a&page=2"),
        ("/ünïcode", "/%C3%BCn%C3%AFcode"),
    ],
)
async def test_an_on_site_next_is_kept(site: httpx.AsyncClient, target: str, location: str) -> None:
    response = await site.post(
        f"{PREFIX}/consent",
        content=urlencode({"action": "reject_all", "next": target}),
        headers={**FORM, **SAME_ORIGIN},
    )
    assert response.headers["location"] == location


async def test_no_request_value_reaches_a_response_header_raw() -> None:
    # CR/LF cannot arrive in a header value, but percent-encoded they can arrive in the path,
    # the query and the form; none of them may come out as a header line.
    app = make_app(browsers={"mode": "warn", "unknown": "block"})
    injected = "%0D%0ASet-Cookie:%20injected=1%0D%0AX-Injected:%201"
    for method, target, body in [
        ("GET", f"/?q={injected}", b""),
        ("GET", f"/{injected}", b""),
        ("GET", f"{PREFIX}/preferences?next=/{injected}", b""),
        ("GET", f"{PREFIX}/upgrade?next=/{injected}", b""),
        ("POST", f"{PREFIX}/consent", f"action=accept_all&next=/{injected}".encode()),
        ("POST", f"{PREFIX}/continue", f"next=/{injected}".encode()),
        ("POST", f"{PREFIX}/notice", f"kind=warn&next=/{injected}".encode()),
    ]:
        answer = await call(
            app, method, target, {**NAVIGATE, **FORM, "user-agent": IE_11, "cookie": "x=1"}, body
        )
        assert answer.status < 500
        for name, value in answer.headers:
            assert name.lower() != b"x-injected"
            assert b"injected=1" not in value, (target, name, value)


# -- cross-site scripting -------------------------------------------------------------------


@pytest.mark.parametrize(
    "user_agent",
    [
        XSS,
        f"{XSS}/1.0",
        f"{XSS_ATTRIBUTE}/1.0",
        f"Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 5.1) {XSS}",
        f"Mozilla/5.0 ({XSS_ATTRIBUTE}) AppleWebKit/537.36 (KHTML, like Gecko) {XSS}Browser/1.0",
        f"Mozilla/5.0 (Linux; Android 4.4; {XSS_ATTRIBUTE} Build/KOT49H) AppleWebKit/537.36",
    ],
)
async def test_the_user_agent_is_shown_escaped(user_agent: str) -> None:
    app = make_app(browsers={"unknown": "block", "mobile_notice": True})
    async with client(app) as c:
        for path in ("/", f"{PREFIX}/upgrade"):
            response = await c.get(path, headers={**NAVIGATE, "user-agent": user_agent})
            assert response.status_code in (200, 406)
            assert_no_markup_from_the_attacker(response.text)
    async with client(make_app(browsers={"mode": "warn", "unknown": "block"})) as c:
        response = await c.get("/", headers={**NAVIGATE, "user-agent": user_agent})
        assert 'class="antechamber-notice' in response.text
        assert_no_markup_from_the_attacker(response.text)


@pytest.mark.parametrize(
    "headers",
    [
        {"accept-language": f"{XSS}, en;q=0.5"},
        {"accept-language": f"en-{XSS_ATTRIBUTE}"},
        {"cf-ipcountry": XSS},
        {"cf-ipcountry": XSS_ATTRIBUTE},
        {"sec-ch-ua": f'"{XSS}";v="130", "Chromium";v="130"', "sec-ch-ua-platform": f'"{XSS}"'},
    ],
    ids=["accept-language", "accept-language attribute", "region", "region attribute", "hints"],
)
async def test_request_headers_are_shown_escaped(headers: dict[str, str]) -> None:
    async with client(make_app(browsers={"mode": "warn"})) as c:
        for user_agent in (IE_11, CHROME_130):
            for path in ("/", f"{PREFIX}/upgrade", f"{PREFIX}/preferences"):
                response = await c.get(
                    path, headers={**NAVIGATE, "user-agent": user_agent, **headers}
                )
                assert response.status_code == 200
                assert_no_markup_from_the_attacker(response.text)


@pytest.mark.parametrize("target", [f"/{XSS}", f"/{XSS_ATTRIBUTE}", f"/x?y={XSS_ATTRIBUTE}"])
async def test_a_next_or_page_address_is_shown_escaped(target: str) -> None:
    app = make_app(browsers={"mode": "warn"})
    async with client(app) as c:
        for path in (f"{PREFIX}/preferences", f"{PREFIX}/upgrade"):
            response = await c.get(f"{path}?{urlencode({'next': target})}", headers=NAVIGATE)
            assert_no_markup_from_the_attacker(response.text)
        # The banner and the notice put the page's own address in their forms.
        response = await c.get(
            f"/?{urlencode({'q': target})}", headers={**NAVIGATE, "user-agent": IE_11}
        )
        assert 'id="antechamber-consent-banner"' in response.text
        assert 'class="antechamber-notice' in response.text
        assert_no_markup_from_the_attacker(response.text)


async def test_names_from_the_settings_are_shown_escaped() -> None:
    app = make_app(
        consent={
            "partners": [
                Partner(
                    "evil",
                    f"Evil {XSS}",
                    "analytics",
                    cookies=["_evil"],
                    purposes=f"Tracking {XSS_ATTRIBUTE}",
                    privacy_url=f"https://evil.test/{XSS_ATTRIBUTE}",
                )
            ],
            "banner_text": f"We use cookies {XSS}",
        }
    )
    async with client(app) as c:
        preferences = await c.get(f"{PREFIX}/preferences", headers=NAVIGATE)
        banner = await c.get("/", headers=NAVIGATE)
    assert html.escape(f"Evil {XSS}", quote=False) in preferences.text
    assert 'id="antechamber-consent-banner"' in banner.text
    for page in (preferences.text, banner.text):
        assert_no_markup_from_the_attacker(page)


# -- cookie tossing, keys and revisions ------------------------------------------------------


async def test_two_consent_cookies_read_as_undecided(site: httpx.AsyncClient) -> None:
    accepted = await choose(site, "accept_all")
    rejected = await choose(site, "reject_all")
    for cookie_headers in (
        [f"{COOKIE}={accepted}; {COOKIE}={rejected}"],
        [f"{COOKIE}={rejected}; {COOKIE}={accepted}"],
        [f"{COOKIE}={accepted}; {COOKIE}={accepted}"],
        [f"{COOKIE}={accepted}; {COOKIE}=garbage"],
        # HTTP/2 may split cookies over several headers: still two cookies.
        [f"{COOKIE}={accepted}", f"a=b; {COOKIE}={rejected}"],
    ):
        headers = [("cookie", value) for value in cookie_headers]
        answer = await call(make_app(), "GET", f"{PREFIX}/consent", headers)
        assert answer.json()["decided"] is False, cookie_headers
        page = await call(make_app(), "GET", "/", [*headers, ("accept", "text/html")])
        assert 'id="antechamber-consent-banner"' in page.text


async def test_a_cookie_signed_with_a_retired_key_reads_as_undecided() -> None:
    old_key, new_key = SECRET, "the-next-secret-key-after-rotation"
    async with client(make_app(secret_key=old_key)) as c:
        signed_with_old = await choose(c)
    cookie = {"cookie": f"{COOKIE}={signed_with_old}"}
    async with client(make_app(secret_key=[new_key, old_key])) as c:
        assert (await c.get(f"{PREFIX}/consent", headers=cookie)).json()["decided"] is True
    async with client(make_app(secret_key=[new_key])) as c:
        assert (await c.get(f"{PREFIX}/consent", headers=cookie)).json()["decided"] is False
    async with client(make_app(secret_key=OTHER_SITE_SECRET)) as c:
        assert (await c.get(f"{PREFIX}/consent", headers=cookie)).json()["decided"] is False


async def test_after_rotation_the_new_key_signs_and_the_old_one_only_verifies() -> None:
    old_key, new_key = SECRET, "the-next-secret-key-after-rotation"
    async with client(make_app(secret_key=[new_key, old_key])) as c:
        fresh = await choose(c)
    async with client(make_app(secret_key=[new_key])) as c:
        response = await c.get(f"{PREFIX}/consent", headers={"cookie": f"{COOKIE}={fresh}"})
        assert response.json()["decided"] is True


async def test_a_cookie_from_an_earlier_revision_reads_as_undecided() -> None:
    async with client(make_app()) as c:
        value = await choose(c)
    async with client(make_app(consent={"revision": 2})) as c:
        state = (await c.get(f"{PREFIX}/consent", headers={"cookie": f"{COOKIE}={value}"})).json()
    assert state["decided"] is False


async def test_an_expired_cookie_reads_as_undecided() -> None:
    now = [1_800_000_000.0]
    settings = Settings(secret_key=SECRET, consent={"max_age": 3600})
    app = CookieConsentMiddleware(make_site(), settings=settings, clock=lambda: now[0])
    async with client(app) as c:
        value = await choose(c)
        now[0] += 3601
        state = (await c.get(f"{PREFIX}/consent", headers={"cookie": f"{COOKIE}={value}"})).json()
    assert state["decided"] is False


async def continue_cookie(app: Any) -> str:
    async with client(app) as c:
        response = await c.post(
            f"{PREFIX}/continue",
            content=urlencode({"next": "/"}),
            headers={**FORM, **SAME_ORIGIN, "user-agent": IE_11},
        )
    assert response.status_code == 303
    return response.cookies[CONTINUE_COOKIE]


async def gated_status(app: Any, token: str) -> int:
    async with client(app) as c:
        response = await c.get(
            "/", headers={**NAVIGATE, "user-agent": IE_11, "cookie": f"{CONTINUE_COOKIE}={token}"}
        )
    return response.status_code


async def test_continue_anyway_for_another_sites_key_is_ignored() -> None:
    foreign = await continue_cookie(make_app(secret_key=OTHER_SITE_SECRET))
    assert await gated_status(make_app(), foreign) == 406
    own = await continue_cookie(make_app())
    assert await gated_status(make_app(), own) == 200


async def test_continue_anyway_follows_key_rotation() -> None:
    old_key, new_key = SECRET, "the-next-secret-key-after-rotation"
    token = await continue_cookie(make_app(secret_key=old_key))
    assert await gated_status(make_app(secret_key=[new_key, old_key]), token) == 200
    assert await gated_status(make_app(secret_key=[new_key]), token) == 406


async def test_a_consent_cookie_is_no_continue_anyway_cookie_and_back() -> None:
    # Same key, different purposes: one signature must not pass for the other.
    app = make_app()
    async with client(app) as c:
        consent = await choose(c)
    token = await continue_cookie(app)
    assert await gated_status(app, consent) == 406
    answer = await call(app, "GET", f"{PREFIX}/consent", {"cookie": f"{COOKIE}={token}"})
    assert answer.json()["decided"] is False


# -- visitors do not see each other's state ---------------------------------------------------


async def test_concurrent_visitors_each_get_their_own_state() -> None:
    app = make_app()
    async with client(app) as c:
        cookies = {}
        for n in range(20):
            value = await choose(c, "accept_all" if n % 2 else "reject_all")
            cookies[n] = value
    seen: dict[int, dict[str, Any]] = {}

    async def visit(n: int) -> None:
        headers = {"cookie": f"{COOKIE}={cookies[n]}"} if n < 20 else {}
        for _ in range(5):
            answer = await call(app, "GET", f"{PREFIX}/consent", headers)
            state = answer.json()
            if n in seen:
                assert state == seen[n]
            seen[n] = state
            page = await call(app, "GET", "/", {**headers, "accept": "text/html"})
            assert ('id="antechamber-consent-banner"' in page.text) is (n >= 20)

    async with anyio.create_task_group() as tg:
        for n in range(40):
            tg.start_soon(visit, n)
    ids = [seen[n]["consent_id"] for n in range(20)]
    assert len(set(ids)) == 20
    assert all(seen[n]["decided"] is False and seen[n]["consent_id"] is None for n in range(20, 40))
    assert all(seen[n]["categories"]["analytics"] is bool(n % 2) for n in range(20))


# -- input that once broke the server ---------------------------------------------------------


async def test_a_deeply_nested_json_choice_is_a_400_not_a_500(site: httpx.AsyncClient) -> None:
    for body in ("[" * 5000, '{"a":' * 3000, "[" * 5000 + "]" * 5000):
        response = await site.post(
            f"{PREFIX}/consent",
            content=body,
            headers={"content-type": "application/json", **SAME_ORIGIN},
        )
        assert response.status_code == 400, body[:10]
        assert "set-cookie" not in response.headers


async def test_a_windows_version_of_thousands_of_digits_gets_the_upgrade_page() -> None:
    user_agent = f"Mozilla/4.0 (compatible; MSIE 8.0; Windows NT {'6' * 5000}.1; Trident/4.0)"
    async with client(make_app()) as c:
        response = await c.get("/", headers={**NAVIGATE, "user-agent": user_agent})
    assert response.status_code == 406


async def test_a_content_length_that_only_looks_like_digits_is_a_400() -> None:
    # "²" is a digit to str.isdigit() but not to int(); servers other than uvicorn may pass it.
    answer = await call(
        make_app(),
        "POST",
        f"{PREFIX}/consent",
        [("content-type", "application/json"), ("content-length", b"\xb2")],
        b'{"action":"accept_all"}',
    )
    assert answer.status == 400
    assert answer.set_cookie(COOKIE) is None


@pytest.mark.parametrize(
    "path",
    [
        f"{PREFIX}/static/../../settings.py",
        f"{PREFIX}/static/%2e%2e/%2e%2e/settings.py",
        f"{PREFIX}/static/..%2f..%2fsettings.py",
        f"{PREFIX}/static//etc/passwd",
        f"{PREFIX}/static/....//....//settings.py",
    ],
)
async def test_static_files_cannot_be_escaped(site: httpx.AsyncClient, path: str) -> None:
    response = await site.get(path)
    assert response.status_code == 404
    assert "secret_key" not in response.text


async def test_an_error_that_echoes_the_request_is_not_sniffed_as_a_page(
    site: httpx.AsyncClient,
) -> None:
    # Plain http without Origin is accepted (old browsers), so an old browser can be made to post
    # this from another site; the 400 repeats the action back, and old IE sniffs text/plain.
    response = await site.post(
        f"{PREFIX}/consent",
        content=urlencode({"action": "<script>alert(1)</script>"}),
        headers=FORM,
    )
    assert response.status_code == 400
    assert (
        "<script>" not in response.text
        or response.headers.get("x-content-type-options") == "nosniff"
    )


async def test_cookies_written_on_https_are_secure_http_only_and_same_site() -> None:
    async with client(make_app(), HTTPS_URL) as c:
        headers = {"origin": HTTPS_URL, "sec-fetch-site": "same-origin"}
        consent = await c.post(f"{PREFIX}/consent", json={"action": "reject_all"}, headers=headers)
        continued = await c.post(
            f"{PREFIX}/continue", content=urlencode({"next": "/"}), headers={**FORM, **headers}
        )
    for response, name in ((consent, COOKIE), (continued, CONTINUE_COOKIE)):
        line = next(v for v in response.headers.get_list("set-cookie") if v.startswith(name))
        flags = {part.strip().lower() for part in line.split(";")[1:]}
        assert {"secure", "httponly", "samesite=lax"} <= flags, line


async def test_a_host_prefixed_cookie_name_is_honoured_against_tossing_from_subdomains() -> None:
    # The one defence a sibling subdomain cannot get around: a `__Host-` cookie can only be set
    # by this host, over https, for Path=/, without Domain. It must come out that way.
    name = "__Host-antechamber_consent"
    async with client(make_app(consent={"cookie_name": name}), HTTPS_URL) as c:
        headers = {"origin": HTTPS_URL, "sec-fetch-site": "same-origin"}
        response = await c.post(f"{PREFIX}/consent", json={"action": "reject_all"}, headers=headers)
        line = response.headers["set-cookie"]
        state = await c.get(f"{PREFIX}/consent")
    flags = {part.strip().lower() for part in line.split(";")[1:]}
    assert line.startswith(f"{name}=")
    assert {"secure", "path=/"} <= flags
    assert not any(flag.startswith("domain") for flag in flags)
    assert state.json()["decided"] is True
