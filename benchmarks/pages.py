"""What antechamber's own markup costs: the upgrade page, and the banner in the app's pages.

- Upgrade page: rendered warm, once per offered locale (direct call of the gate's renderer),
  and served end to end (an IE 11 request with that locale's Accept-Language) against the bare
  app's HTML page in the same rounds.
- Banner in a 50 KB page: a visitor without a choice (banner inserted) against one with a valid
  consent cookie (page untouched), both through `Antechamber`, so the difference is rendering
  and inserting the banner; plus `antechamber.html`'s insertion alone with a fixed 3 KB fragment
  against the bare page.
- A 5 MB page streamed in 64 KB chunks, banner inserted: the peak of traced allocations during
  the request (tracemalloc), against the bare app streaming the same page.
"""

from __future__ import annotations

import gc
import tracemalloc
from functools import partial
from typing import Any

from ._harness import (
    Case,
    Figure,
    Report,
    Scope,
    Unavailable,
    compare,
    median_call_us,
    need,
    run,
    with_header,
)
from .apps import (
    PAGE_50K,
    STREAM_TOTAL,
    antechamber,
    bare,
    consent_cookie,
    page_scope,
    settings,
)

SECTION = "pages"
IE_11 = "Mozilla/5.0 (Windows NT 10.0; Trident/7.0; rv:11.0) like Gecko"
FRAGMENT = (
    '<div class="antechamber-banner" role="dialog">'
    + "<p>We use cookies to run this site and, with your consent, to measure it.</p>" * 40
    + "</div>"
)


class _Insert:
    """`antechamber.html` alone: register one fixed fragment, insert it, nothing else."""

    def __init__(self, app: Any, markup: str) -> None:
        html = need("antechamber.html", "Fragment", "add_fragment", "run_with_fragments")
        self.html = html
        self.app = app
        self.fragment = html.Fragment(lambda: markup, ("Cookie",))

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        await self.html.run_with_fragments(self._register, scope, receive, send)

    async def _register(self, scope: Scope, receive: Any, send: Any) -> None:
        self.html.add_fragment(scope, self.fragment)
        await self.app(scope, receive, send)


async def _stream_peak(app: Any, scope: Scope) -> tuple[int, int]:
    """(peak traced bytes above the start, body bytes sent) for one request."""
    sent = 0

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal sent
        if message["type"] == "http.response.body":
            sent += len(message.get("body", b""))

    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    start = tracemalloc.get_traced_memory()[0]
    await app(dict(scope), receive, send)
    peak = tracemalloc.get_traced_memory()[1] - start
    tracemalloc.stop()
    return peak, sent


def upgrade_renderer() -> Any:
    """A callable (locale) -> str rendering the upgrade page, from the gate's module."""
    mod = need("antechamber.browsers.middleware", "BrowserPolicyMiddleware")
    for name in ("render_upgrade_page", "upgrade_page"):
        fn = getattr(mod, name, None)
        if callable(fn):
            return fn
    raise Unavailable("antechamber.browsers.middleware has no upgrade-page renderer yet")


def bench_upgrade(report: Report, *, quick: bool) -> None:
    locales = list(settings().locales)
    cases = [Case("bare", bare(), page_scope("/page"))]
    app = antechamber()
    for locale in locales:
        scope = with_header(page_scope("/page", ua=IE_11), "accept-language", f"{locale};q=1.0")
        cases.append(Case(locale, app, scope))
    result = compare(cases, rounds=3 if quick else 7, batch_seconds=0.005 if quick else 0.03)
    try:
        render = upgrade_renderer()
    except Unavailable as exc:
        render = None
        report.info(f"direct render skipped: {exc}")
    for locale in locales:
        if render is not None:
            us = min(median_call_us(partial(render, locale), n=20 if quick else 200, rounds=5))
            report.add(Figure(SECTION, f"upgrade page render, warm, {locale}", us, "µs", 300.0))
        report.add(
            Figure(
                SECTION,
                f"upgrade page served (IE 11), {locale}",
                result.us(locale),
                "µs",
                None if render else 300.0,
                note=f"{result.ratio(locale, 'bare'):.1f}x bare HTML page",
            )
        )


def bench_banner(report: Report, *, quick: bool) -> None:
    cookie = consent_cookie()
    app = antechamber()
    plain = bare()
    undecided = page_scope("/page50k")
    decided = page_scope("/page50k", cookie=cookie)
    banner = run(_call_len(app, undecided)) - len(PAGE_50K)
    settled = run(_call_len(app, decided)) - len(PAGE_50K)
    if banner <= settled:
        report.info("warning: no banner was inserted for an undecided visitor")
    cases = [
        Case("bare", plain, undecided),
        Case("decided", app, decided),
        Case("banner", app, undecided),
        Case("insert only", _Insert(plain, FRAGMENT), undecided),
    ]
    result = compare(cases, rounds=3 if quick else 9, batch_seconds=0.005 if quick else 0.05)
    report.add(
        Figure(
            SECTION,
            "banner into a 50 KB page: added vs no banner",
            result.added("banner", "decided"),
            "µs",
            100.0,
            note=f"{banner:,} B banner vs {settled:,} B once decided; "
            f"{result.added('banner', 'bare'):.0f} µs added vs bare ({result.us('bare'):.0f} µs)",
        )
    )
    report.add(
        Figure(
            SECTION,
            "antechamber.html insertion alone, 3 KB fragment, 50 KB page",
            result.added("insert only", "bare"),
            "µs",
        )
    )

    stream = page_scope("/stream")
    bare_peak, bare_sent = run(_stream_peak(plain, stream))
    peak, sent = run(_stream_peak(app, stream))
    report.add(
        Figure(
            SECTION,
            f"{STREAM_TOTAL // 2**20} MB streamed page with banner: peak memory",
            peak / 1024,
            "KB",
            1024.0,
            note=f"bare app {bare_peak / 1024:,.0f} KB; {sent - bare_sent:,} B inserted",
        )
    )


async def _call_len(app: Any, scope: Scope) -> int:
    from ._harness import call

    return len((await call(app, scope)).body)


def bench(report: Report, *, quick: bool) -> None:
    skipped = []
    for part in (bench_upgrade, bench_banner):
        try:
            part(report, quick=quick)
        except (Unavailable, ImportError) as exc:
            skipped.append(str(exc))
            report.info(f"{part.__name__.removeprefix('bench_')}: not available yet: {exc}")
    if len(skipped) == 2:
        raise Unavailable(skipped[0])
