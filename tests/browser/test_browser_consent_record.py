"""The consent ID a visitor would quote, shown on the preferences page, in headless Chromium."""

from __future__ import annotations

import pytest
from browser_support import DemoServer, NewContext, screenshot_path, wait_for_choice
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_a_decided_visitor_sees_their_consent_id_and_last_choice(
    page: Page, demo_server: DemoServer
) -> None:
    page.goto("/")
    page.get_by_role("button", name="Reject all").first.click()
    wait_for_choice(page, demo_server.settings)
    state = page.request.get(f"{demo_server.prefix}/consent").json()

    page.goto(f"{demo_server.prefix}/preferences")
    record = page.locator(".ac-record")
    expect(record).to_be_visible()
    expect(record.locator("dt").first).to_have_text("Your consent ID")
    expect(record.locator("code")).to_have_text(state["consent_id"])
    day = state["decided_at"][:10]
    expect(record.locator(f"time[datetime='{day}']")).to_be_visible()
    expect(record).to_contain_text("Quote this ID if you ask us about your consent or your data")


def test_the_consent_id_fits_a_phone_screen_in_ukrainian(
    new_context: NewContext, demo_server: DemoServer
) -> None:
    context = new_context(viewport={"width": 360, "height": 740}, locale="uk-UA")
    page = context.new_page()
    page.goto("/")
    accept = page.locator(f"form[action='{demo_server.prefix}/consent']").filter(
        has=page.locator("input[name=action][value=accept_all]")
    )
    accept.locator("button").first.click()
    wait_for_choice(page, demo_server.settings)
    page.goto(f"{demo_server.prefix}/preferences")
    record = page.locator(".ac-record")
    expect(record).to_contain_text("Ваш ідентифікатор згоди")
    box = record.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    record.screenshot(path=screenshot_path("preferences-consent-id-phone-uk"))
