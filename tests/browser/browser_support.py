"""Helpers for the real-browser tests (the fixtures are in conftest.py)."""

from __future__ import annotations

import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import uvicorn
from playwright.sync_api import BrowserContext, Page

from antechamber.settings import Settings


@dataclass(frozen=True)
class DemoServer:
    """The running demo: where it answers and the settings it runs with."""

    base_url: str
    settings: Settings

    def url(self, path: str) -> str:
        return self.base_url + path

    @property
    def prefix(self) -> str:
        return self.settings.route_prefix


NewContext = Callable[..., BrowserContext]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

# Real User-Agent strings of browsers that `defaults` leaves out.
IE_11 = "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko"
CHROME_100 = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/100.0.4896.127 Safari/537.36"
)
# A phone the default policy lets in: Chrome 131 on Android, as its reduced User-Agent reads.
CHROME_ANDROID_131 = (
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
# Chromium sends Client Hints of its own version whatever User-Agent it is given, and they cannot
# be removed from a request; they can be replaced. These are the ones Chrome 100 sent.
CHROME_100_HINTS = {
    "sec-ch-ua": '" Not A;Brand";v="99", "Chromium";v="100", "Google Chrome";v="100"',
    "sec-ch-ua-mobile": "?0",
    "sec-ch-ua-platform": '"Windows"',
}

# Collects Content-Security-Policy violations from the moment a document starts, before any of
# the page's own scripts. Added with add_init_script, which a CSP does not apply to.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push({
    directive: event.violatedDirective, blocked: event.blockedURI,
    source: event.sourceFile, line: event.lineNumber, sample: event.sample
  });
});
"""


def partner_patterns(settings: Settings, *categories: str) -> list[str]:
    """The cookie names (with `*` prefixes) of the partners in `categories`."""
    return [
        pattern
        for partner in settings.consent.partners
        if partner.category in categories
        for pattern in partner.cookie_names
    ]


def cookie_names(context: BrowserContext) -> set[str]:
    return {cookie["name"] for cookie in context.cookies()}


def matching(names: set[str], patterns: list[str]) -> set[str]:
    """The names that some pattern matches (`_ga_*` is a prefix, as in the settings)."""
    return {name for name in names if any(fnmatchcase(name, p) for p in patterns)}


def settle(page: Page) -> None:
    """Wait until the page and whatever its scripts load have finished."""
    page.wait_for_load_state("networkidle")


def stand_ins_that_ran(page: Page) -> list[str]:
    ran: Any = page.evaluate("window.antechamberDemo ? window.antechamberDemo.ran : []")
    return sorted(ran)


def wait_for_stand_ins(page: Page, *names: str, timeout: float = 10.0) -> list[str]:
    """Wait until the named stand-ins ran; returns all that ran.

    Polled with `evaluate` rather than `wait_for_function`, whose string predicates are eval'd
    in the page and so are themselves refused under a strict Content-Security-Policy.
    """
    deadline = time.monotonic() + timeout
    while True:
        ran = stand_ins_that_ran(page)
        if set(names) <= set(ran):
            return ran
        if time.monotonic() > deadline:
            raise AssertionError(f"stand-ins {sorted(names)} did not run; only {ran} did")
        page.wait_for_timeout(100)


def wait_for_choice(page: Page, settings: Settings, timeout: float = 10.0) -> None:
    """Wait until the consent cookie is set: a choice made through the banner's script is sent
    in the background, and a navigation that starts before it lands would still be undecided."""
    deadline = time.monotonic() + timeout
    while settings.consent.cookie_name not in cookie_names(page.context):
        if time.monotonic() > deadline:
            raise AssertionError("the choice never reached the browser as a consent cookie")
        page.wait_for_timeout(50)


def screenshot_path(name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


def _wait_until_answering(url: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # any HTTP answer means the server is up
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@contextmanager
def serving(app: Any, *, lifespan: str = "off", ready_path: str = "/robots.txt") -> Iterator[str]:
    """Run `app` under uvicorn on a free local port; yields its base URL once `ready_path`
    answers. `lifespan="on"` runs the app's start-up and shutdown (a consent store opens)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan=lifespan, ws="none")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_answering(base_url + ready_path)
        yield base_url
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
