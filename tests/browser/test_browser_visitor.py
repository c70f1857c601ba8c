"""What a visitor sees, measured in headless Chromium: the banner on a phone, the mobile notice,
where focus goes after a choice, partners chosen one by one, cookie details, the upgrade page.

Screenshots of each at 360x740, 390x844 and 1366x900 go to test-output/screenshots/visitor-*.png,
and axe-core finds no violation of any impact in antechamber's own markup on any of them.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser_support import (
    CHROME_ANDROID_131,
    IE_11,
    DemoServer,
    NewContext,
    screenshot_path,
    settle,
    wait_for_choice,
)
from playwright.sync_api import BrowserContext, Locator, Page, expect

pytestmark = pytest.mark.browser

ARTICLE = "/article/night-trains-return"
SIZES = {"360x740": (360, 740), "390x844": (390, 844), "1366x900": (1366, 900)}
PHONES = ["360x740", "390x844"]
CHOICES = ("Accept all", "Reject all", "Customize")


def context_for(
    new_context: NewContext, size: str, *, locale: str = "en-GB", phone: bool = True, **options: Any
) -> BrowserContext:
    width, height = SIZES[size]
    if phone:
        options.setdefault("user_agent", CHROME_ANDROID_131)
    return new_context(
        viewport={"width": width, "height": height},
        is_mobile=phone,
        has_touch=phone,
        locale=locale,
        **options,
    )


def box(locator: Locator) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None, f"{locator} has no box: it is not rendered"
    return found


def uncovered(page: Page, locator: Locator) -> bool:
    """Whether the middle of the element is what a tap there would hit (nothing lies over it)."""
    result: bool = locator.evaluate(
        """(el) => {
          const r = el.getBoundingClientRect();
          const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
          return hit !== null && (hit === el || el.contains(hit));
        }"""
    )
    return result


def banner(page: Page) -> Locator:
    return page.locator("[data-ac-banner]")


def notice(page: Page) -> Locator:
    return page.locator("[data-antechamber-notice]")


# -- the first layer on a phone ---------------------------------------------------------------


LOCALES = ["en-GB", "uk-UA", "de-DE", "fr-FR", "es-ES", "it-IT", "pl-PL", "pt-PT", "nl-NL", "cs-CZ"]


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("size", PHONES)
def test_the_first_layer_and_the_mobile_notice_fit_a_phone(
    new_context: NewContext, notice_server: DemoServer, size: str, locale: str
) -> None:
    page = context_for(new_context, size, locale=locale).new_page()
    page.goto(notice_server.url(ARTICLE))
    settle(page)
    height = SIZES[size][1]
    region = banner(page)
    expect(region).to_be_visible()
    banner_box = box(region)
    assert banner_box["height"] <= 0.35 * height, f"banner {banner_box['height']}px of {height}"

    # Three choices, in view without scrolling, nothing over them, all the same size.
    buttons = region.locator(".ac-actions button")
    assert buttons.count() == 3
    boxes = [box(buttons.nth(i)) for i in range(3)]
    for i, found in enumerate(boxes):
        assert found["y"] >= 0 and found["y"] + found["height"] <= height
        assert uncovered(page, buttons.nth(i))
        assert found["width"] >= 44 and found["height"] >= 44  # a finger's target
    assert max(b["width"] for b in boxes) - min(b["width"] for b in boxes) < 1
    assert max(b["height"] for b in boxes) - min(b["height"] for b in boxes) < 1
    assert len({buttons.nth(i).get_attribute("class") for i in range(3)}) == 1  # one look
    # No pre-ticked (or any) box on the first layer.
    assert region.locator("input[type=checkbox]").count() == 0

    # The notice sits at the top of the page, in its flow: the site's own content starts below.
    found_notice = box(notice(page))
    assert found_notice["y"] == 0
    position = notice(page).evaluate("(el) => getComputedStyle(el).position")
    assert position not in ("fixed", "sticky")
    site_start = page.locator(".demo-banner, header").first
    assert box(site_start)["y"] >= found_notice["height"] - 0.5
    assert found_notice["height"] + banner_box["height"] <= 0.5 * height
    # The figures, for `pytest -rP -k fit_a_phone` (the README quotes them).
    print(
        f"{size} {locale}: banner {banner_box['height']:.0f}px = "
        f"{100 * banner_box['height'] / height:.1f}%, with the notice "
        f"{100 * (banner_box['height'] + found_notice['height']) / height:.1f}%"
    )


def test_the_full_text_is_one_tap_away(new_context: NewContext, demo_server: DemoServer) -> None:
    page = context_for(new_context, "360x740").new_page()
    page.goto(ARTICLE)
    full = banner(page).get_by_text("who may combine it with other information")
    expect(full).to_be_hidden()
    banner(page).get_by_text("More about how we use cookies").tap()
    expect(full).to_be_visible()
    expect(banner(page).get_by_role("link", name="Read our cookie policy")).to_be_visible()
    for name in CHOICES:
        expect(banner(page).get_by_role("button", name=name)).to_be_visible()


def test_the_notice_scrolls_away_with_the_page(
    new_context: NewContext, notice_server: DemoServer
) -> None:
    page = context_for(new_context, "390x844").new_page()
    page.goto(notice_server.url(ARTICLE))
    page.mouse.wheel(0, 600)
    page.wait_for_function("window.scrollY > 300")
    assert box(notice(page))["y"] < -100  # gone up with the page, not pinned over it


# -- focus after a choice ---------------------------------------------------------------------


@pytest.mark.parametrize("choice", ["Accept all", "Reject all"])
@pytest.mark.parametrize("how", ["mouse", "enter", "space"])
def test_focus_moves_to_cookie_settings_after_a_choice(
    page: Page, demo_server: DemoServer, how: str, choice: str
) -> None:
    page.goto(ARTICLE)
    button = banner(page).get_by_role("button", name=choice)
    expect(button).to_be_visible()
    scrolled = page.evaluate("window.scrollY")
    if how == "mouse":
        button.click()
    else:
        button.focus()
        page.keyboard.press("Enter" if how == "enter" else "Space")
    expect(banner(page)).to_be_hidden()
    # antechamber's own link (the demo's footer has another of the same name).
    settings = page.locator("[data-ac-settings]")
    expect(settings).to_have_accessible_name("Cookie settings")
    expect(settings).to_be_focused()
    expect(settings).to_be_visible()
    assert page.evaluate("window.scrollY") == scrolled  # focus moved; the page did not jump
    wait_for_choice(page, demo_server.settings)


# -- partners one by one ----------------------------------------------------------------------


def switch(page: Page, name: str) -> Locator:
    return page.get_by_role("checkbox", name=name, exact=True)


def recorded_partners(server: DemoServer, consent_id: str) -> dict[str, bool]:
    path = (server.settings.consent.log or "").removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        row = db.execute(
            "SELECT partners FROM consent_records WHERE consent_id = ? ORDER BY recorded_at DESC",
            (consent_id,),
        ).fetchone()
    assert row is not None, f"no record for {consent_id}"
    partners: dict[str, bool] = json.loads(row[0])
    return partners


def state_of(page: Page, server: DemoServer) -> dict[str, Any]:
    response = page.request.get(server.url(f"{server.prefix}/consent"))
    state: dict[str, Any] = response.json()
    return state


def test_a_partner_chosen_by_keyboard_reaches_the_state_and_the_record(
    page: Page, demo_server: DemoServer
) -> None:
    page.goto(f"{demo_server.prefix}/preferences?next={ARTICLE}")
    for box_ in page.get_by_role("checkbox").all():
        if box_.is_enabled():
            assert not box_.is_checked()  # an undecided visitor has nothing ticked

    # Keyboard only: Tab to the Meta Pixel switch, Space ticks it.
    meta = switch(page, "Meta Pixel (stand-in)")
    page.locator("body").focus()
    for _ in range(60):
        page.keyboard.press("Tab")
        if meta.evaluate("(el) => el === document.activeElement"):
            break
    expect(meta).to_be_focused()
    page.keyboard.press("Space")
    expect(meta).to_be_checked()
    advertising = switch(page, "Advertising")
    expect(advertising).not_to_be_checked()  # a partner alone does not choose its category
    assert advertising.evaluate("(el) => el.indeterminate")

    # A category ticks its partners and unticking it unticks them.
    analytics = switch(page, "Analytics")
    ga = switch(page, "Google Analytics (stand-in)")
    analytics.press("Space")
    expect(ga).to_be_checked()
    analytics.press("Space")
    expect(ga).not_to_be_checked()
    # Every partner ticked is the whole category; unticking one leaves the others.
    northwind = switch(page, "Northwind Ads (invented ad network)")
    northwind.press("Space")
    expect(advertising).to_be_checked()
    northwind.press("Space")
    expect(advertising).not_to_be_checked()
    expect(meta).to_be_checked()
    # Social media is whole only with every one of its partners ticked.
    social = ["ShareBar (invented share widget)", "Streamly (invented video service)"]
    social.append("Chirp (invented social network)")
    for name in social:
        expect(switch(page, "Social media")).not_to_be_checked()
        switch(page, name).press("Space")
    expect(switch(page, "Social media")).to_be_checked()

    page.get_by_role("button", name="Save my choices").press("Enter")
    page.wait_for_url(demo_server.url(ARTICLE))
    # The app's own page shows request.state.consent.partners.
    expect(page.locator("[data-demo-partners]")).to_have_text(
        "Partners allowed: meta-pixel, sharebar, streamly, chirp."
    )
    state = state_of(page, demo_server)
    expected = {
        "google-analytics": False,
        "meta-pixel": True,
        "northwind-ads": False,
        "sharebar": True,
        "streamly": True,
        "chirp": True,
    }
    assert state["partners"] == expected
    assert state["categories"]["advertising"] is False
    assert state["categories"]["social"] is True
    assert recorded_partners(demo_server, state["consent_id"]) == expected

    # Back on the page, the choice reads as it was made.
    page.goto(f"{demo_server.prefix}/preferences")
    expect(switch(page, "ShareBar (invented share widget)")).to_be_checked()
    expect(switch(page, "Meta Pixel (stand-in)")).to_be_checked()
    expect(switch(page, "Northwind Ads (invented ad network)")).not_to_be_checked()


def test_a_partner_is_chosen_without_javascript(
    new_context: NewContext, demo_server: DemoServer
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto(f"{demo_server.prefix}/preferences?next={ARTICLE}")
    switch(page, "Google Analytics (stand-in)").check()
    page.get_by_role("button", name="Save my choices").click()
    page.wait_for_url(demo_server.url(ARTICLE))
    expect(page.locator("[data-demo-partners]")).to_have_text("Partners allowed: google-analytics.")


def test_the_preferences_page_tells_each_cookies_lifetime_purpose_and_reader(
    new_context: NewContext, demo_server: DemoServer
) -> None:
    page = context_for(new_context, "360x740", phone=False).new_page()
    page.goto(f"{demo_server.prefix}/preferences")
    northwind = page.locator(".ac-partner").filter(has_text="Northwind Ads")
    uid = northwind.locator(".ac-cookie").filter(has_text="nw_uid")
    expect(uid).to_contain_text("Kept for 13 months.")
    expect(uid).to_contain_text("A third party can read it.")
    expect(uid).to_contain_text("Recognises your browser across the sites that show its ads.")
    expect(northwind.locator(".ac-cookie").filter(has_text="nw_seg")).to_contain_text(
        "Only this site can read it."
    )
    sharebar = page.locator(".ac-cookie").filter(has_text="sb_uid")
    expect(sharebar).to_contain_text("Deleted when you close the browser.")
    ga = page.locator(".ac-cookie").filter(has_text="_gid")
    expect(ga).to_contain_text("Kept for 24 hours.")
    page.goto(f"{demo_server.prefix}/preferences")
    uk = context_for(new_context, "360x740", locale="uk-UA", phone=False).new_page()
    uk.goto(f"{demo_server.prefix}/preferences")
    expect(uk.locator(".ac-cookie").filter(has_text="nw_uid")).to_contain_text(
        "Зберігається 13 місяців."
    )


# -- the upgrade page -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "sentence"),
    [
        ("en-GB", r"^\d+(\.\d)?% of people use this browser$"),
        ("uk-UA", r"^Цим браузером користу(ється|ються) \d+(,\d)?\s?% людей$"),
        ("de-DE", r"^\d+(,\d)?\s% der Menschen nutz(t|en) diesen Browser$"),
    ],
)
def test_the_upgrade_page_says_how_many_people_use_each_browser(
    new_context: NewContext, demo_server: DemoServer, locale: str, sentence: str
) -> None:
    import re

    page = new_context(user_agent=IE_11, locale=locale).new_page()
    page.goto(ARTICLE)
    shares = page.locator(".browsers .meta").all_inner_texts()
    assert shares
    for text in shares:
        assert re.match(sentence, text.splitlines()[0].strip()), text


# -- screenshots and axe ----------------------------------------------------------------------


def open_banner(page: Page, server: DemoServer) -> Locator:
    page.goto(server.url(ARTICLE))
    return banner(page)


def open_preferences(page: Page, server: DemoServer) -> Locator:
    page.goto(server.url(f"{server.prefix}/preferences?next={ARTICLE}"))
    return page.locator("main")


def open_notice(page: Page, server: DemoServer) -> Locator:
    page.goto(server.url(ARTICLE))
    return notice(page)


def open_upgrade(page: Page, server: DemoServer) -> Locator:
    page.goto(server.url(ARTICLE))
    return page.locator("body")


VIEWS = {
    "banner": (open_banner, {}),
    "preferences": (open_preferences, {}),
    "notice": (open_notice, {}),
    "upgrade": (open_upgrade, {"user_agent": IE_11}),
}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("view", list(VIEWS))
def test_screenshots_and_axe_find_no_violation(
    new_context: NewContext, notice_server: DemoServer, view: str, size: str
) -> None:
    open_view, options = VIEWS[view]
    # The notice is for phones: it is shown to a phone's User-Agent at every size.
    phone = size in PHONES or view == "notice"
    page = context_for(new_context, size, phone=phone, **options).new_page()
    shown = open_view(page, notice_server)
    expect(shown).to_be_visible()
    settle(page)
    path = screenshot_path(f"visitor-{view}-{size}")
    page.screenshot(path=path, full_page=view in ("preferences", "upgrade"))
    assert path.stat().st_size > 0
    # antechamber's own markup: the whole of its pages, the inserted parts of the site's.
    selector = {"banner": "[data-antechamber-consent]", "notice": "[data-antechamber-notice]"}
    context = selector.get(view)
    results = Axe().run(page, context=context) if context else Axe().run(page)
    violations = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
    ]
    assert violations == []
