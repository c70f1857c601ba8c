"""The consent banner and its enforcement, in headless Chromium on the demo site.

The demo's partner stand-ins set the cookies the real services set (`_ga`, `_fbp` ...) from
`<script type="text/plain" data-consent=...>` tags, and its ad network's sync pixel sets `nw_uid`
(HttpOnly) from the server; what the browser holds afterwards is read with `context.cookies()`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from browser_support import (
    DemoServer,
    NewContext,
    cookie_names,
    matching,
    partner_patterns,
    settle,
    stand_ins_that_ran,
    wait_for_choice,
    wait_for_stand_ins,
)
from playwright.sync_api import Locator, Page, expect

from antechamber.demo import SOCIAL_HOST, VIDEO_HOST

pytestmark = pytest.mark.browser

ARTICLE = "/article/night-trains-return"
ARTICLE_TITLE = "Night trains return to the Vienna–Paris line"
EVERY_STAND_IN = ["google-analytics", "meta-pixel", "northwind-ads", "sharebar"]


def banner(page: Page, server: DemoServer) -> Locator:
    """The banner: the region holding the forms that post a choice to {prefix}/consent (not
    an embed's placeholder, whose Load form posts there too)."""
    return (
        page.get_by_role("region")
        .and_(page.locator(":not([data-ac-embed])"))
        .filter(has=page.locator(f"form[action='{server.prefix}/consent']"))
    )


def refused(page: Page, server: DemoServer, *categories: str) -> set[str]:
    """The cookies of `categories`' partners that the browser holds."""
    return matching(cookie_names(page.context), partner_patterns(server.settings, *categories))


def test_first_visit_shows_the_banner_with_three_equal_choices(
    page: Page, demo_server: DemoServer
) -> None:
    page.goto(ARTICLE)
    region = banner(page, demo_server)
    expect(region).to_be_visible()
    for name in ("Accept all", "Reject all", "Customize"):
        expect(region.get_by_role("button", name=name)).to_be_visible()
    boxes = [
        region.get_by_role("button", name=n).bounding_box() for n in ("Accept all", "Reject all")
    ]
    assert boxes[0] and boxes[1]
    assert abs(boxes[0]["height"] - boxes[1]["height"]) < 1  # equal weight, not a tiny "reject"
    settle(page)
    assert stand_ins_that_ran(page) == []
    assert refused(page, demo_server, "analytics", "advertising", "social") == set()


def test_tab_reaches_every_banner_button(page: Page, demo_server: DemoServer) -> None:
    page.goto(ARTICLE)
    region = banner(page, demo_server)
    expect(region).to_be_visible()
    # What can take focus now: the policy link waits inside the closed "More about" details.
    controls = region.locator(
        "a[href]:visible, button, summary, input:not([type=hidden]), select, textarea"
    )
    expected = controls.count()
    assert expected >= 3
    controls.evaluate_all("(els) => els.forEach((el, i) => el.setAttribute('data-tab-probe', i))")
    reached: set[str] = set()
    page.locator("body").focus()
    for _ in range(200):  # the page's own links come first, then the banner, wherever it is
        page.keyboard.press("Tab")
        probe = page.evaluate("document.activeElement.getAttribute('data-tab-probe')")
        if probe is not None:
            reached.add(probe)
        if len(reached) == expected:
            break
    missing = [controls.nth(int(i)).inner_text() for i in range(expected) if str(i) not in reached]
    assert missing == [], f"Tab never reached these banner controls: {missing}"


def test_reject_all_leaves_no_partner_cookie_after_the_stand_ins_had_their_chance(
    page: Page, demo_server: DemoServer
) -> None:
    page.goto(ARTICLE)
    banner(page, demo_server).get_by_role("button", name="Reject all").click()
    expect(banner(page, demo_server)).to_be_hidden()
    wait_for_choice(page, demo_server.settings)
    for path in (ARTICLE, "/", "/cookies"):  # each page carries the stand-ins and the pixel
        page.goto(path)
        settle(page)
        assert stand_ins_that_ran(page) == []
    assert refused(page, demo_server, "analytics", "advertising", "social") == set()
    assert demo_server.settings.consent.cookie_name in cookie_names(page.context)
    expect(banner(page, demo_server)).to_have_count(0)


def test_accept_all_lets_the_partners_in_without_a_reload_and_nothing_leaves_the_machine(
    page: Page, demo_server: DemoServer
) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(ARTICLE)
    settle(page)
    assert refused(page, demo_server, "analytics", "advertising", "social") == set()

    banner(page, demo_server).get_by_role("button", name="Accept all").click()
    # Same document: the gated scripts are switched on in place.
    wait_for_stand_ins(page, *EVERY_STAND_IN)
    assert stand_ins_that_ran(page) == EVERY_STAND_IN
    expect(page.locator("#ad-slot .ad-creative")).to_be_visible()
    expect(page.locator("#sharebar").get_by_role("button", name="Copy link")).to_be_visible()
    held = cookie_names(page.context)
    assert {"_ga", "_gid", "_fbp", "nw_seg", "sb_uid"} <= held
    assert any(name.startswith("_ga_") for name in held)

    page.reload()  # the sync pixel's Set-Cookie now goes through
    settle(page)
    assert "nw_uid" in cookie_names(page.context)
    # The embed stand-ins answer on this same server under *.localhost names.
    port = urlsplit(demo_server.base_url).port
    outside = [
        url
        for url in requested
        if urlsplit(url).hostname not in ("127.0.0.1", VIDEO_HOST, SOCIAL_HOST)
        or urlsplit(url).port != port
    ]
    assert outside == []


def test_withdrawing_on_the_preferences_page_deletes_the_refused_cookies(
    page: Page, demo_server: DemoServer
) -> None:
    page.goto(ARTICLE)
    banner(page, demo_server).get_by_role("button", name="Accept all").click()
    wait_for_stand_ins(page, *EVERY_STAND_IN)
    page.reload()  # for the sync pixel's cookie, and to see the choice hold across pages
    wait_for_stand_ins(page, *EVERY_STAND_IN)
    settle(page)
    before = cookie_names(page.context)
    assert refused(page, demo_server, "analytics", "advertising") >= {"_ga", "_fbp", "nw_uid"}

    page.get_by_role("link", name="Cookie settings").first.click()
    page.wait_for_url(f"**{demo_server.prefix}/preferences**")
    page.get_by_role("checkbox", name="Analytics", exact=True).uncheck()
    page.get_by_role("checkbox", name="Advertising", exact=True).uncheck()
    page.get_by_role("button", name="Save my choices").click()
    page.wait_for_load_state("load")
    settle(page)

    assert refused(page, demo_server, "analytics", "advertising") == set()
    # The choice was withdrawn only for those two: social media stays as it was.
    assert "sb_uid" in before and "sb_uid" in cookie_names(page.context)


def test_without_javascript_the_forms_reject_accept_and_withdraw(
    new_context: NewContext, demo_server: DemoServer
) -> None:
    context = new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(ARTICLE)
    settle(page)
    expect(banner(page, demo_server)).to_be_visible()
    assert refused(page, demo_server, "advertising") == set()  # the pixel's cookie was stripped

    banner(page, demo_server).get_by_role("button", name="Reject all").click()
    page.wait_for_url(f"**{ARTICLE}")  # 303 back to the page the choice was made on
    settle(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(ARTICLE_TITLE)
    expect(banner(page, demo_server)).to_have_count(0)
    assert refused(page, demo_server, "analytics", "advertising", "social") == set()

    page.goto(f"{demo_server.prefix}/preferences?next={ARTICLE}")
    page.get_by_role("button", name="Accept all").click()
    page.wait_for_url(f"**{ARTICLE}")
    page.reload()
    settle(page)
    assert "nw_uid" in cookie_names(context)  # set by the server, now with consent

    page.goto(f"{demo_server.prefix}/preferences?next={ARTICLE}")
    page.get_by_role("checkbox", name="Advertising", exact=True).uncheck()
    page.get_by_role("button", name="Save my choices").click()
    page.wait_for_url(f"**{ARTICLE}")
    settle(page)
    assert refused(page, demo_server, "advertising") == set()


def test_global_privacy_control_is_honoured_and_said_so(
    new_context: NewContext, demo_server: DemoServer
) -> None:
    context = new_context(extra_http_headers={"Sec-GPC": "1"})
    page = context.new_page()
    page.goto(ARTICLE)
    region = banner(page, demo_server)
    expect(region).to_contain_text("Global Privacy Control")
    state = page.request.get(f"{demo_server.prefix}/consent").json()
    assert state["gpc"] is True
    assert state["categories"]["advertising"] is False

    region.get_by_role("button", name="Accept all").click()
    wait_for_stand_ins(page, "google-analytics")
    page.reload()
    settle(page)
    assert "meta-pixel" not in stand_ins_that_ran(page)
    assert "northwind-ads" not in stand_ins_that_ran(page)
    assert refused(page, demo_server, "advertising") == set()
    assert refused(page, demo_server, "analytics") >= {"_ga", "_gid"}
