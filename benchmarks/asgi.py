"""In-process ASGI: antechamber's warm path against a bare Starlette app.

Each request is awaited directly (`await app(scope, receive, send)`) with a prebuilt scope: no
server, no sockets, so the figure is the middleware's own cost. The warm path is the common
request: both halves on, an HTML page, a current Chrome (UA and Client Hints, as Chrome sends
them) seen before, and a valid consent cookie, so no banner is needed. Its goal is taken against
the same HTML route without antechamber; the plain-text route is shown as the issue's baseline.
"""

from __future__ import annotations

from ._harness import (
    Case,
    Comparison,
    Figure,
    Report,
    Unavailable,
    call,
    compare,
    http_scope,
    run,
    with_header,
)
from .apps import (
    PAGE,
    SECRET_KEY,
    antechamber,
    bare,
    browsers_only,
    consent_cookie,
    consent_only,
    minimal,
    page_scope,
    set_cookie_pair,
    with_sessions,
)

SECTION = "asgi"


def _session_cookie() -> str:
    """A valid signed Starlette session cookie holding one user."""

    async def login(scope, receive, send):  # type: ignore[no-untyped-def]
        scope["session"]["user"] = "ada"
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    from starlette.middleware.sessions import SessionMiddleware

    response = run(call(SessionMiddleware(login, secret_key=SECRET_KEY), http_scope("/")))
    pair = set_cookie_pair(response, "session")
    assert pair is not None
    return pair


def bench(report: Report, *, quick: bool) -> None:
    plain = page_scope("/")
    html = page_scope("/page")
    cases = [
        Case("bare: plain text", bare(), plain),
        Case("bare: HTML page", bare(), html),
        Case(
            "SessionMiddleware: read",
            with_sessions(),
            with_header(page_scope("/session/read"), "cookie", _session_cookie()),
        ),
        Case("SessionMiddleware: write", with_sessions(), page_scope("/session/write")),
    ]
    candidates: list[str] = []
    missing: list[str] = []
    try:
        cookie = consent_cookie()
        warm = page_scope("/page", cookie=cookie)
        app = antechamber()
        check = run(call(app, warm))
        banner = run(call(app, page_scope("/page")))
        if check.status != 200 or not check.body.startswith(PAGE.split(b"</main>")[0]):
            report.info(f"warning: the warm path answered {check.status}, not the app's page")
        report.info(
            f"warm path: {check.status}, {len(check.body) - len(PAGE):,} B inserted into the "
            f"page (an undecided visitor gets {len(banner.body) - len(PAGE):,} B)"
        )
        cases.append(Case("antechamber: warm path (both halves)", app, warm))
        # The same with the site placing the banner and its "Cookie settings" link itself
        # (`banner="manual"`), so that nothing is inserted into the page.
        manual = antechamber(consent={"banner": "manual"})
        cases.append(Case("antechamber: warm path, banner placed by the site", manual, warm))
        candidates += [
            "antechamber: warm path (both halves)",
            "antechamber: warm path, banner placed by the site",
        ]
    except (Unavailable, ImportError) as exc:
        missing.append(str(exc))
        cookie, warm = None, html
    cases.append(Case("reference: minimal pure-Python middleware", minimal(), warm))
    try:
        cases.append(Case("browsers half alone", browsers_only(), html))
        candidates.append("browsers half alone")
    except (Unavailable, ImportError) as exc:
        missing.append(str(exc))
    try:
        cookie = cookie or consent_cookie()
        cases.append(Case("consent half alone", consent_only(), page_scope("/page", cookie=cookie)))
        candidates.append("consent half alone")
    except (Unavailable, ImportError) as exc:
        missing.append(str(exc))

    result = compare_cases(cases, quick=quick)
    base = "bare: plain text"
    report.add(
        Figure(SECTION, "bare Starlette, plain-text route", result.us(base), "µs", note="baseline")
    )

    def ratio(
        title: str, name: str, against: str, goal: float | None = None, note: str = ""
    ) -> None:
        """`name`'s time as a ratio to `against`'s, its µs in the note."""
        value = result.ratio(name, against)
        note = f"{result.us(name):.1f} µs{note}"
        report.add(Figure(SECTION, title, value, "x", goal, note=note))

    ratio("bare Starlette, HTML route", "bare: HTML page", base)
    ratio("SessionMiddleware read (issue: ~3.3x)", "SessionMiddleware: read", base)
    ratio("SessionMiddleware write (issue: ~5.7x)", "SessionMiddleware: write", base)
    ratio(
        "reference: minimal pure-Python middleware doing the same job",
        "reference: minimal pure-Python middleware",
        "bare: HTML page",
        note="; the floor (benchmarks/apps.py: Minimal)",
    )
    for name in candidates:
        ratio(
            f"{name} vs bare HTML",
            name,
            "bare: HTML page",
            1.5 if name == "antechamber: warm path (both halves)" else None,
            note=f"; {result.ratio(name, base):.2f}x plain text",
        )
    for text in dict.fromkeys(missing):
        report.info(f"skipped: {text}")


def compare_cases(cases: list[Case], *, quick: bool) -> Comparison:
    return compare(cases, rounds=3 if quick else 15, batch_seconds=0.01 if quick else 0.06)
