"""Real-browser fixtures: the demo site under uvicorn, and Debian's headless Chromium.

These tests are never skipped: without a `chromium` on PATH they fail and say how to get one
(`scripts/install` installs it with apt-get). Playwright's own browser download is never used; the
machine may have no network at all, so Chromium is started with everything that phones home off.
"""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from browser_support import DESKTOP, DemoServer, NewContext, serving
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from antechamber.demo import create_app, demo_settings

CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests run as root in CI containers
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    """The demo site, with the settings `antechamber demo` uses, on a free local port."""
    settings = demo_settings(tmp_path_factory.mktemp("demo"), secrets.token_urlsafe(32))
    with serving(create_app(settings)) as base_url:
        yield DemoServer(base_url, settings)


@pytest.fixture(scope="session")
def notice_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    """The demo with the mobile notice on: phones are told the site is designed for computers."""
    settings = demo_settings(
        tmp_path_factory.mktemp("notice"),
        secrets.token_urlsafe(32),
        browsers={"mode": "block", "supported": "defaults", "mobile_notice": True},
    )
    with serving(create_app(settings)) as base_url:
        yield DemoServer(base_url, settings)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.fail(
            "The browser tests need Debian's Chromium, and `chromium` is not on PATH. "
            "Run scripts/install as root (it runs `apt-get install chromium`), or install it by "
            "hand. These tests are never skipped.",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    # Module-scoped: the sync API owns an event loop while it runs, which must not outlive the
    # browser tests into the rest of the suite.
    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="module")
def browser(playwright: Playwright, chromium_path: str) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def new_context(browser: Browser, demo_server: DemoServer) -> Iterator[NewContext]:
    """Make fresh browser contexts (no cookies) for one test; all are closed after it."""
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        options.setdefault("viewport", DESKTOP)
        options.setdefault("locale", "en-GB")
        context = browser.new_context(base_url=demo_server.base_url, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context: NewContext) -> Page:
    """A page in a fresh desktop context, English, JavaScript on."""
    return new_context().new_page()
