"""Issue 17 in Chromium: a withdrawn choice never comes back through a 304, and a page with a
nonce Content-Security-Policy runs antechamber's scripts and the scripts consent switches on.

A stock `StaticFiles(html=True)` site and a page sending a nonce policy, behind `Antechamber`,
under uvicorn on a free local port.
"""

from __future__ import annotations

import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from browser_support import CSP_LISTENER, DESKTOP
from playwright.sync_api import Browser, Page
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from antechamber import Antechamber, Partner, Settings

pytestmark = pytest.mark.browser

NONCE = "R4nd0mN0nce42"
# The analytics stand-in: sets `_ga` as gtag.js does, and says that it ran.
GA_JS = (
    'document.cookie = "_ga=GA1.1." + Date.now() + "; path=/; max-age=31536000";\n'
    "window.gaRan = (window.gaRan || 0) + 1;\n"
)
INDEX = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Home</title></head>
<body><h1>Home</h1>
<script type="text/plain" data-consent="analytics" src="/ga.js"></script>
</body></html>
"""


def nonce_page(request: Request) -> Response:
    sources = f"'nonce-{NONCE}'" + (" 'strict-dynamic'" if "strict" in request.query_params else "")
    policy = f"default-src 'self'; script-src {sources}; style-src 'self' 'nonce-{NONCE}'"
    page = INDEX.replace(
        '<script type="text/plain"',
        f'<script nonce="{NONCE}">window.own = 1;</script>\n<script type="text/plain"',
    )
    return HTMLResponse(page, headers={"Content-Security-Policy": policy})


def make_site(root: Path) -> Antechamber:
    (root / "index.html").write_text(INDEX)
    (root / "ga.js").write_text(GA_JS)
    site = Starlette(
        routes=[
            Route("/nonce", nonce_page),
            Mount("/", StaticFiles(directory=root, html=True)),
        ]
    )
    ga = Partner("google_analytics", "Google Analytics", "analytics", cookies=["_ga", "_ga_*"])
    settings = Settings(
        secret_key="web-rules-browser-key-0123456789",
        consent={"partners": [ga]},
        browsers={"enabled": False},
    )
    return Antechamber(site, settings=settings)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    app = make_site(tmp_path_factory.mktemp("site"))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off", ws="none"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(url + "/ga.js", timeout=2).close()
            break
        except (urllib.error.URLError, OSError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    yield url
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture
def site_page(browser: Browser, base_url: str) -> Iterator[Page]:
    context = browser.new_context(base_url=base_url, viewport=DESKTOP, locale="en-GB")
    context.set_default_timeout(10_000)
    context.add_init_script(CSP_LISTENER)
    yield context.new_page()
    context.close()


def cookie_names(page: Page) -> set[str]:
    return {cookie["name"] for cookie in page.context.cookies()}


def test_a_withdrawn_choice_does_not_come_back_from_the_browsers_cache(site_page: Page) -> None:
    page = site_page
    statuses: list[int] = []
    page.on("response", lambda r: statuses.append(r.status) if r.url.endswith("/") else None)
    page.goto("/")
    page.get_by_role("button", name="Accept all").click()
    page.wait_for_function("() => window.gaRan === 1")
    page.goto("/")
    page.wait_for_function("() => window.gaRan === 1")
    assert "_ga" in cookie_names(page)

    page.goto("/_antechamber/preferences?next=/")
    page.get_by_role("button", name="Reject all").click()
    page.wait_for_url("**/")
    assert "_ga" not in cookie_names(page)  # deleted by the answer to the choice
    page.goto("/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.gaRan || 0") == 0
    assert "_ga" not in cookie_names(page)
    assert (
        page.evaluate(
            "JSON.parse(document.getElementById('antechamber-consent-data').textContent)"
            ".categories.analytics"
        )
        is False
    )
    assert 304 not in statuses[-2:]


@pytest.mark.parametrize("strict", [False, True], ids=["nonce", "nonce-strict-dynamic"])
def test_under_a_nonce_policy_consent_js_runs_and_the_gated_script_runs_after_accepting(
    site_page: Page, strict: bool
) -> None:
    page = site_page
    page.goto("/nonce?strict=1" if strict else "/nonce")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.own") == 1
    assert page.evaluate("window.gaRan || 0") == 0
    page.get_by_role("button", name="Accept all").click()
    page.wait_for_function("() => window.gaRan === 1")
    assert page.url.endswith("/nonce?strict=1" if strict else "/nonce")  # no reload: the script ran
    violations = page.evaluate("window.__cspViolations")
    assert violations == []
    assert "_ga" in cookie_names(page)
