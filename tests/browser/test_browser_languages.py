"""Every shipped language fits a 360 px phone: the banner, the preferences page, the upgrade page
(and the warn-mode notice). Each banner is saved as test-output/screenshots/banner-360-<lang>.png.

Long words are the risk (German compounds, Finnish and Hungarian ones, Bulgarian and Greek button
labels in three equal-width buttons): nothing may make the page scroll sideways, and no text may
run out of its own box (a button, a heading, a list item). One browser and two contexts for all 25
languages: the language is switched through the Accept-Language header, as a visitor's browser
would send it.
"""

from __future__ import annotations

import pytest
from browser_support import IE_11, DemoServer, NewContext, screenshot_path
from playwright.sync_api import Page
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from antechamber import Antechamber, Settings
from antechamber.catalogs import SHIPPED_LOCALES

pytestmark = pytest.mark.browser

PHONE_360 = {"width": 360, "height": 740}

# Every element under `root` whose content is wider than its box, and the page's own overflow.
OVERFLOW = """
(selector) => {
  const root = document.querySelector(selector);
  if (!root) return {missing: selector};
  const viewport = document.documentElement.clientWidth;
  const spilled = [];
  for (const el of [root, ...root.querySelectorAll("*")]) {
    const style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden") continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    const wider = el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1;
    const outside = box.right > viewport + 1 || box.left < -1;
    if (wider || outside) {
      spilled.push(`${el.tagName.toLowerCase()}.${el.className} ` +
        `(${el.scrollWidth} > ${el.clientWidth}, right ${Math.round(box.right)}): ` +
        el.textContent.trim().slice(0, 60));
    }
  }
  return {
    lang: root.closest("[lang]")?.getAttribute("lang"),
    scrollWidth: document.documentElement.scrollWidth,
    viewport: viewport,
    spilled: spilled,
  };
}
"""


ARTICLE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1"><title>News</title>'
    "</head><body><h1>News</h1><p>An article.</p></body></html>"
)


def warn_mode_site(prefix: str) -> TestClient:
    """A site in warn mode: outdated browsers get the article with a notice on top."""

    async def article(request: Request) -> Response:
        return HTMLResponse(ARTICLE)

    settings = Settings(route_prefix=prefix, consent={"enabled": False}, browsers={"mode": "warn"})
    return TestClient(Antechamber(Starlette(routes=[Route("/", article)]), settings=settings))


def overflow(page: Page, path: str, lang: str, selector: str, content: str = "") -> list[str]:
    if content:
        # Shown from the demo's origin, so that the notice's stylesheet comes from there.
        page.goto("/robots.txt")
        page.set_content(content)
    else:
        response = page.goto(path)
        assert response is not None
    page.locator(selector).first.wait_for(state="visible")
    found = page.evaluate(OVERFLOW, selector)
    problems = [f"{lang} {path}: {line}" for line in found.get("spilled", [])]
    if found.get("lang") != lang:
        problems.append(f"{lang} {path}: {selector} is labelled lang={found.get('lang')!r}")
    if found.get("scrollWidth", 0) > found.get("viewport", 0):
        problems.append(
            f"{lang} {path}: the page scrolls sideways "
            f"({found['scrollWidth']} px in a {found['viewport']} px viewport)"
        )
    return problems


def test_every_language_fits_a_360_px_phone(
    new_context: NewContext, demo_server: DemoServer
) -> None:
    prefix = demo_server.prefix
    warn_mode = warn_mode_site(prefix)
    problems: list[str] = []
    for lang in SHIPPED_LOCALES:
        # Chromium sends the context's locale as Accept-Language (and no header can replace it).
        visitor = new_context(viewport=PHONE_360, is_mobile=True, locale=lang).new_page()
        old_browser = new_context(viewport=PHONE_360, user_agent=IE_11, locale=lang).new_page()
        problems += overflow(visitor, "/", lang, ".antechamber-consent .ac-banner")
        visitor.screenshot(path=screenshot_path(f"banner-360-{lang}"))
        problems += overflow(visitor, f"{prefix}/preferences", lang, ".ac-preferences")
        problems += overflow(old_browser, "/", lang, ".page")
        headers = {"user-agent": IE_11, "accept-language": lang, "accept": "text/html"}
        with_notice = warn_mode.get("/", headers=headers).text
        problems += overflow(visitor, "/", lang, ".antechamber-notice", content=with_notice)
    assert problems == [], "\n".join(problems)
