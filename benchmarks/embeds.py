"""What holding embeds back costs (issue 18), in the `pages` section.

A 50 KB page (`apps.PAGE_50K`) with 0 and with 5 YouTube frames between its paragraphs, served
by `Antechamber` with a partner whose `embeds` name YouTube, to a visitor who refused all (each
frame becomes a placeholder) and to one who accepted all (each frame gets only its anchor);
and the same 0-frame page with no partner `embeds` configured. Each against the bare app
serving the same page in the same rounds.
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from ._harness import Case, Figure, Report, call, compare, need, run
from .apps import (
    EMBED_PREFIX,
    antechamber,
    choice_cookie,
    page_scope,
    page_with_embeds,
)

SECTION = "pages"


def site() -> Starlette:
    pages = {count: page_with_embeds(count) for count in (0, 5)}

    async def embeds(request: Request) -> Response:
        return HTMLResponse(pages[int(request.path_params["count"])])

    return Starlette(routes=[Route("/embeds/{count:int}", embeds)])


def partners() -> dict[str, Any]:
    partner = need("antechamber", "Partner").Partner
    video = partner(
        "video", "Video", "social", privacy_url="https://example.com/p", embeds=[EMBED_PREFIX]
    )
    return {"partners": [video]}


def bench_embeds(report: Report, *, quick: bool) -> None:
    bare = site()
    plain = antechamber(site())
    guarded = antechamber(site(), consent=partners())
    refused = choice_cookie(guarded, "reject_all")
    accepted = choice_cookie(guarded, "accept_all")
    scopes = {
        (count, cookie): page_scope(f"/embeds/{count}", cookie=cookie)
        for count in (0, 5)
        for cookie in (refused, accepted)
    }
    body = run(call(guarded, scopes[5, refused])).body
    held = body.count(b"data-ac-embed-original")
    if held != 5:
        report.info(f"warning: {held} of 5 frames were held back for a visitor who refused")
    cases = [
        Case("bare 0", bare, scopes[0, refused]),
        Case("bare 5", bare, scopes[5, refused]),
        Case("no embeds configured, 0", plain, scopes[0, refused]),
        Case("refused, 0", guarded, scopes[0, refused]),
        Case("refused, 5", guarded, scopes[5, refused]),
        Case("accepted, 5", guarded, scopes[5, accepted]),
    ]
    result = compare(cases, rounds=3 if quick else 9, batch_seconds=0.005 if quick else 0.04)
    base = result.added("no embeds configured, 0", "bare 0")
    for name, page, title in (
        ("refused, 0", "bare 0", "50 KB page, partner embeds configured, 0 frames (refused)"),
        ("refused, 5", "bare 5", "50 KB page, 5 frames held back as placeholders (refused)"),
        ("accepted, 5", "bare 5", "50 KB page, 5 frames let through (accepted all)"),
    ):
        report.add(
            Figure(
                SECTION,
                title,
                result.added(name, page),
                "µs",
                note=f"{result.ratio(name, page):.2f}x bare; without partner embeds "
                f"configured antechamber adds {base:.0f} µs to the 0-frame page",
            )
        )
    report.add(
        Figure(
            SECTION,
            "5 placeholders: added over the same page with 0 frames (refused)",
            result.added("refused, 5", "refused, 0") - result.added("bare 5", "bare 0"),
            "µs",
            note=f"{len(body) - len(page_with_embeds(5)):,} B added to the page",
        )
    )
