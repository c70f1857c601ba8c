"""Under `Content-Security-Policy: default-src 'self'` nothing antechamber adds is blocked.
(The demo's policy also lets in frames and scripts of its embed stand-ins, on this machine.)

The demo sends that policy with every page of its own, so the injected banner, its stylesheet, its
script and the scripts it switches on run under it. antechamber's preferences page is checked
under its own policy, or under the site's one, added on the way, when it has none. Violations are
collected two ways: the `securitypolicyviolation` event (listened to from an init script, which
the policy does not govern) and Chromium's console report.
"""

from __future__ import annotations

from typing import Any

import pytest
from browser_support import CSP_LISTENER, DemoServer, NewContext, settle, wait_for_stand_ins
from playwright.sync_api import ConsoleMessage, Page, Route

from antechamber.demo import CSP

pytestmark = pytest.mark.browser

ARTICLE = "/article/cookie-banners-report"


class Violations:
    """Everything the browser reported as a CSP violation, on any page of one context."""

    def __init__(self) -> None:
        self.console: list[str] = []
        self.events: list[dict[str, Any]] = []

    def on_console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(message.text)

    def collect(self, page: Page) -> None:
        self.events.extend(page.evaluate("window.__cspViolations || []"))

    def __bool__(self) -> bool:
        return bool(self.console or self.events)

    def __repr__(self) -> str:
        return f"console: {self.console!r}, events: {self.events!r}"


@pytest.fixture
def csp_page(new_context: NewContext) -> tuple[Page, Violations]:
    context = new_context()
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    violations = Violations()
    page.on("console", violations.on_console)
    return page, violations


def test_the_demo_pages_carry_the_strict_policy(page: Page) -> None:
    for path in ("/", ARTICLE, "/cookies", "/about", "/no-such-page"):
        response = page.goto(path)
        assert response is not None
        assert response.headers["content-security-policy"] == CSP
    # Strict: nothing inline; beyond 'self', only the embed stand-ins' hosts (this machine).
    assert CSP.startswith("default-src 'self';") and "unsafe" not in CSP


def test_banner_choice_and_activated_partners_run_under_the_policy(
    csp_page: tuple[Page, Violations], demo_server: DemoServer
) -> None:
    page, violations = csp_page
    page.goto(ARTICLE)
    settle(page)
    # The banner is styled by its stylesheet, which an inline <style> would not be here.
    banner = page.locator(f"form[action='{demo_server.prefix}/consent']").first
    assert banner.evaluate("(el) => getComputedStyle(el).display") != "inline"
    violations.collect(page)

    page.get_by_role("button", name="Accept all").first.click()
    wait_for_stand_ins(page, "google-analytics", "meta-pixel", "northwind-ads", "sharebar")
    violations.collect(page)

    for path in ("/", "/cookies", "/about"):
        page.goto(path)
        settle(page)
        violations.collect(page)
    assert not violations, violations


def test_the_preferences_page_runs_under_the_policy(
    csp_page: tuple[Page, Violations], demo_server: DemoServer
) -> None:
    page, violations = csp_page

    def add_policy(route: Route) -> None:
        # The page may bring a policy of its own; only when it does not is the site's added.
        response = route.fetch()
        headers = {"content-security-policy": CSP, **response.headers}
        route.fulfill(response=response, headers=headers)

    page.route(f"**{demo_server.prefix}/preferences*", add_policy)
    response = page.goto(f"{demo_server.prefix}/preferences?next=/")
    assert response is not None
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy
    settle(page)
    violations.collect(page)
    page.get_by_role("checkbox", name="Analytics", exact=True).check()
    page.get_by_role("button", name="Save my choices").click()
    page.wait_for_url(f"{demo_server.base_url}/")
    settle(page)
    violations.collect(page)
    assert not violations, violations
