"""What antechamber's own markup costs: the upgrade page, and the banner in the app's pages.

- Upgrade page: rendered warm, once per offered locale (direct call of the gate's renderer),
  and served end to end (an IE 11 request with that locale's Accept-Language) against the bare
  app's HTML page in the same rounds.
- Banner in a 50 KB page: what `Antechamber` adds to the page for a visitor without a choice
  (banner inserted), less what it adds for the same visitor to a plain-text response it leaves
  alone, each against the bare app in the same rounds: that leaves rendering and inserting the
  banner. Also shown: a decided visitor (who still gets the small "Cookie settings" fragment),
  and `antechamber.html`'s insertion alone with a fixed 3 KB fragment against the bare page.
- Embeds held back (issue 18): a 50 KB page with 0 and with 5 partner frames (`embeds.py`).
- A 5 MB page streamed in 64 KB chunks, banner inserted: the peak of traced allocations during
  the request (tracemalloc), against the bare app streaming the same page.
"""

from __future__ import annotations

import gc
import tracemalloc
from typing import Any

from ._harness import (
    Case,
    Figure,
    Report,
    Scope,
    Unavailable,
    call,
    compare,
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
    """`antechamber.web`'s rewriting alone: one half that registers one fixed fragment."""

    def __init__(self, app: Any, markup: str) -> None:
        web = need("antechamber.web", "Fragment", "Pipeline")
        self.fragment = web.Fragment(lambda visit: markup, ("Cookie",))
        self.pipeline = web.Pipeline(app, [self])

    def admit(self, visit: Any) -> None:
        visit.add_fragment(self.fragment)

    def wrap_send(self, visit: Any, send: Any) -> Any:
        return send

    def open(self) -> None:
        pass

    def close(self) -> None:
        pass

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        await self.pipeline(scope, receive, send)


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


def upgrade_renderer(app: Any) -> Any:
    """An ASGI callable that only renders and sends the upgrade page for IE 11.

    The gate's module has no public renderer (yet), so this reaches for
    `BrowserPolicyMiddleware._upgrade_page` (locale negotiation, advice, template, encoding,
    sending) with the gate's own front skipped: when its shape changes, this says so and the
    served figure carries the goal instead.
    """
    gate = getattr(app, "gate", None)
    page = getattr(getattr(gate, "endpoints", None), "upgrade_page", None)
    if gate is None or page is None:
        raise Unavailable("no upgrade-page renderer found on the Antechamber's gate")
    info = gate.policy.inspect(IE_11, None)

    async def render(scope: Scope, receive: Any, send: Any) -> None:
        await page(scope, receive, send, info=info, gated=True)

    try:
        run(call(render, page_scope("/page", ua=IE_11)))
    except TypeError as exc:
        raise Unavailable(f"BrowserPolicyMiddleware._upgrade_page changed shape: {exc}") from exc
    return render


def bench_upgrade(report: Report, *, quick: bool) -> None:
    locales = list(settings().locales)
    app = antechamber()
    try:
        render = upgrade_renderer(app)
    except Unavailable as exc:
        render = None
        report.info(f"render alone skipped: {exc}")
    cases = [Case("bare", bare(), page_scope("/page"))]
    for locale in locales:
        scope = with_header(page_scope("/page", ua=IE_11), "accept-language", f"{locale};q=1.0")
        response = run(call(app, scope))
        language = ",".join(response.header("content-language"))
        if response.status != 406 or not language.startswith(locale):
            report.info(f"warning: IE 11 with {locale} got {response.status} in {language!r}")
        cases.append(Case(f"served {locale}", app, scope))
        if render is not None:
            cases.append(Case(f"render {locale}", render, scope))
    result = compare(cases, rounds=3 if quick else 7, batch_seconds=0.005 if quick else 0.02)
    for locale in locales:
        served = f"served {locale}"
        if render is not None:
            rendered = f"render {locale}"
            report.add(
                Figure(
                    SECTION,
                    f"upgrade page rendered, warm, {locale}",
                    result.us(rendered),
                    "µs",
                    300.0,
                    note=f"{result.ratio(rendered, 'bare'):.1f}x a bare HTML request; served "
                    f"through antechamber {result.us(served):.0f} µs",
                )
            )
        else:
            report.add(
                Figure(
                    SECTION,
                    f"upgrade page served (IE 11), {locale}",
                    result.us(served),
                    "µs",
                    300.0,
                    note=f"{result.ratio(served, 'bare'):.1f}x a bare HTML request",
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
        Case("banner", app, undecided),
        Case("bare text", plain, page_scope("/")),
        Case("antechamber text", app, page_scope("/")),
        Case("decided", app, decided),
        Case("insert only", _Insert(plain, FRAGMENT), undecided),
    ]
    result = compare(cases, rounds=3 if quick else 9, batch_seconds=0.005 if quick else 0.04)
    # What antechamber adds to the page, less what it adds to a response it leaves alone (the
    # same visitor asking for plain text): the banner's rendering and insertion.
    added = result.added("banner", "bare") - result.added("antechamber text", "bare text")
    report.add(
        Figure(
            SECTION,
            "banner into a 50 KB page: added by rendering and inserting it",
            added,
            "µs",
            100.0,
            note=f"{banner:,} B; antechamber adds {result.added('banner', 'bare'):.0f} µs to the "
            f"page, {result.added('antechamber text', 'bare text'):.0f} µs to plain text; "
            f"{result.added('decided', 'bare'):.0f} µs once decided ({settled:,} B inserted)",
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
    return len((await call(app, scope)).body)


def bench(report: Report, *, quick: bool) -> None:
    from .embeds import bench_embeds

    skipped = []
    parts = (bench_upgrade, bench_banner, bench_embeds)
    for part in parts:
        try:
            part(report, quick=quick)
        except (Unavailable, ImportError) as exc:
            skipped.append(str(exc))
            report.info(f"{part.__name__.removeprefix('bench_')}: not available yet: {exc}")
    if len(skipped) == len(parts):
        raise Unavailable(skipped[0])
