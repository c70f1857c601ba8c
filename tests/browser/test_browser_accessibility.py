"""axe-core on the banner, the preferences page and the upgrade page, in English and Ukrainian;
and screenshots of each at desktop and phone sizes under test-output/screenshots/, for people.

Only serious and critical violations fail a test: axe's "moderate" and "minor" findings are
judgement calls that the screenshots and a human review cover better.
"""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser_support import (
    DESKTOP,
    IE_11,
    PHONE,
    DemoServer,
    NewContext,
    screenshot_path,
    settle,
)
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

ARTICLE = "/article/kyiv-book-arsenal"
LOCALES = {"en": "en-GB", "uk": "uk-UA"}
FAILING_IMPACTS = {"serious", "critical"}


def open_banner(page: Page, server: DemoServer) -> None:
    page.goto(ARTICLE)
    expect(page.locator(f"form[action='{server.prefix}/consent']").first).to_be_visible()


def open_preferences(page: Page, server: DemoServer) -> None:
    page.goto(f"{server.prefix}/preferences?next={ARTICLE}")
    expect(page.locator(f"form[action='{server.prefix}/consent']")).to_be_visible()


def open_upgrade_page(page: Page, server: DemoServer) -> None:
    response = page.goto(ARTICLE)
    assert response is not None and response.status == server.settings.browsers.status_code


PAGES = {
    "banner": (open_banner, {}),
    "preferences": (open_preferences, {}),
    "upgrade": (open_upgrade_page, {"user_agent": IE_11}),
}


def serious_violations(page: Page) -> list[dict[str, Any]]:
    results = Axe().run(page)
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in results.response["violations"]
        if violation["impact"] in FAILING_IMPACTS
    ]


@pytest.mark.parametrize("language", list(LOCALES))
@pytest.mark.parametrize("kind", list(PAGES))
def test_axe_finds_no_serious_violation(
    new_context: NewContext, demo_server: DemoServer, kind: str, language: str
) -> None:
    open_page, options = PAGES[kind]
    page = new_context(locale=LOCALES[language], **options).new_page()
    open_page(page, demo_server)
    settle(page)
    assert serious_violations(page) == []


@pytest.mark.parametrize("language", list(LOCALES))
@pytest.mark.parametrize("kind", list(PAGES))
def test_each_page_speaks_the_visitors_language_and_says_so(
    new_context: NewContext, demo_server: DemoServer, kind: str, language: str
) -> None:
    # The banner on an English page declares its own language, for screen readers (WCAG 3.1.2).
    open_page, options = PAGES[kind]
    page = new_context(locale=LOCALES[language], **options).new_page()
    open_page(page, demo_server)
    if kind == "banner":
        form = page.locator(f"form[action='{demo_server.prefix}/consent']").first
        declared = form.evaluate("(el) => el.closest('[lang]').getAttribute('lang')")
        choice = form.locator("[type=submit]")
    else:
        declared = page.locator("html").get_attribute("lang")
        choice = page.locator("[type=submit]").first
    assert (declared or "").startswith(language)
    english = {"Accept all", "Save my choices", "Continue anyway"}
    assert (choice.inner_text().strip() in english) == (language == "en")


@pytest.mark.parametrize("language", list(LOCALES))
@pytest.mark.parametrize("kind", list(PAGES))
def test_screenshots_for_review(
    new_context: NewContext, demo_server: DemoServer, kind: str, language: str
) -> None:
    open_page, options = PAGES[kind]
    for size_name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = new_context(
            locale=LOCALES[language],
            viewport=viewport,
            is_mobile=size_name == "phone",
            has_touch=size_name == "phone",
            **options,
        )
        page = context.new_page()
        open_page(page, demo_server)
        settle(page)
        path = screenshot_path(f"{kind}-{language}-{size_name}")
        # The banner as a visitor first sees it: the viewport. The pages: all of them.
        page.screenshot(path=path, full_page=kind != "banner")
        assert path.stat().st_size > 0
