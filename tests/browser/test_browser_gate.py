"""An outdated browser meets the upgrade page, and "continue anyway" takes it to the article.

Chromium plays the old browser through its User-Agent; the upgrade page must not need JavaScript
(the browsers it is shown to may not run ours), so the flow is tried with JavaScript off as well.
"""

from __future__ import annotations

import pytest
from browser_support import CHROME_100, CHROME_100_HINTS, IE_11, DemoServer, NewContext
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

ARTICLE = "/article/baltic-wind-farm"
ARTICLE_TITLE = "Baltic wind farm switches on its last turbine"


@pytest.mark.parametrize(
    ("user_agent", "hints", "javascript"),
    [
        pytest.param(IE_11, {}, True, id="ie-11"),
        pytest.param(IE_11, {}, False, id="ie-11-without-javascript"),
        pytest.param(CHROME_100, CHROME_100_HINTS, True, id="chrome-100"),
    ],
)
def test_an_old_browser_gets_the_upgrade_page_and_can_continue_to_the_article(
    new_context: NewContext,
    demo_server: DemoServer,
    user_agent: str,
    hints: dict[str, str],
    javascript: bool,
) -> None:
    context = new_context(
        user_agent=user_agent, extra_http_headers=hints, java_script_enabled=javascript
    )
    page = context.new_page()
    response = page.goto(ARTICLE)
    assert response is not None
    assert response.status == demo_server.settings.browsers.status_code == 406
    assert response.headers["cache-control"] == "private, no-store"
    vary = {v.strip().lower() for v in response.headers["vary"].split(",")}
    assert {"user-agent", "sec-ch-ua", "accept-language"} <= vary
    expect(page.get_by_role("heading", level=1)).not_to_have_text(ARTICLE_TITLE)
    # A visitor on the upgrade page is not asked for consent first.
    expect(page.locator(f"form[action='{demo_server.prefix}/consent']")).to_have_count(0)

    button = page.locator(f"form[action^='{demo_server.prefix}/continue'] [type=submit]")
    expect(button).to_have_count(1)
    button.click()
    page.wait_for_url(f"{demo_server.base_url}{ARTICLE}")
    expect(page.get_by_role("heading", level=1)).to_have_text(ARTICLE_TITLE)

    # Remembered: the next page is the site's own, with the consent banner now.
    response = page.goto("/")
    assert response is not None and response.status == 200
    expect(page.locator(f"form[action='{demo_server.prefix}/consent']").first).to_be_visible()


def test_a_current_chromium_goes_straight_to_the_article(page: Page) -> None:
    response = page.goto(ARTICLE)
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text(ARTICLE_TITLE)


def test_the_upgrade_page_speaks_ukrainian_to_a_ukrainian_browser(
    new_context: NewContext,
) -> None:
    page = new_context(user_agent=IE_11, locale="uk-UA").new_page()
    page.goto(ARTICLE)
    assert (page.locator("html").get_attribute("lang") or "").startswith("uk")
