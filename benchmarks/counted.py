"""The apps and requests whose instructions `scripts/bench --instructions` counts, and the loop
that runs one scenario inside callgrind (`python -m benchmarks.counted SPEC.json`).

Only antechamber's public surface is used (`Antechamber`, `Settings`, `Partner`), around plain
Starlette apps, so that the figures mean the same before and after a redesign of its insides.

A child process builds its app and every request's scope, sends the warm-up requests, and then
says `ready` on stdout and waits: until then callgrind runs it uninstrumented (`--instr-atstart=no`,
four times faster than counting the imports). The parent switches instrumentation on
(`callgrind_control -i on PID`) and says `go` on stdin. The child then calls `os.getppid()`, sends
N requests, calls it again, sends 2N requests, calls it again and exits: callgrind dumps its counts
at each call (`--dump-before=getppid`), so the second and third dumps hold N and 2N requests.
"""

from __future__ import annotations

import gc
import json
import os
import select
import sys
from collections.abc import MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates
from starlette.types import Receive, Send

from ._harness import Scope, call, http_scope, run
from .apps import (
    EMBED_PREFIX,
    SECRET_KEY,
    antechamber,
    choice_cookie,
    html_page,
    mutate,
    page_scope,
    page_with_embeds,
    set_cookie_pair,
)

PAGE_6K = html_page(6 * 1024)


STORIES_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title>
<link rel="stylesheet" href="/static/site.css"></head>
<body><header><nav>{% for section in sections %}<a href="/{{ section|lower }}">{{ section }}</a>
{% endfor %}</nav></header>
<main><h1>{{ title }}</h1>
{% for story in stories %}<article class="story{% if loop.first %} lead{% endif %}">
  <h2><a href="{{ story.url }}">{{ story.title }}</a></h2>
  <p class="byline">By {{ story.author }}, {{ story.date }}
    &middot; {{ story.minutes }} min read</p>
  <p>{{ story.summary }}</p>
  <ul class="tags">{% for tag in story.tags %}
    <li><a href="/tags/{{ tag }}">#{{ tag }}</a></li>{% endfor %}</ul>
</article>
{% endfor %}</main>
<footer><p>&copy; 2026 The Daily Bench &middot; <a href="/about">About</a></p></footer>
</body></html>
"""
SECTIONS = ("World", "Politics", "Business", "Science", "Culture", "Sport")


@dataclass(frozen=True)
class Story:
    """A story as an app's model gives it to its template (attributes, not dict keys: Jinja2
    reads `story.title` as an attribute first, and a dict would raise and catch every time)."""

    url: str
    title: str
    author: str
    date: str
    minutes: int
    summary: str
    tags: tuple[str, ...]


STORIES = [
    Story(
        url=f"/{2026 - i % 3}/{1 + i % 12:02d}/story-{i}",
        title=f"Story number {i}: what changed & why it matters <for readers>",
        author=("Ada Lovelace", "Grace Hopper", "Alan Turing")[i % 3],
        date=f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}",
        minutes=3 + i % 9,
        summary="A summary of the story, long enough to be a real one, and "
        'with an ampersand & a quote " to escape. ' * 2,
        tags=(SECTIONS[i % 6].lower(), f"topic{i % 7}"),
    )
    for i in range(40)
]


def _templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.DictLoader({"stories.html": STORIES_TEMPLATE}), autoescape=True
    )
    return Jinja2Templates(env=env)


def site() -> Starlette:
    """The site every scenario runs: a static page, a Jinja2 page and the 50 KB pages."""
    templates = _templates()

    async def static(request: Request) -> Response:
        return HTMLResponse(PAGE_6K)

    async def stories(request: Request) -> Response:
        context = {"title": "Front page", "sections": SECTIONS, "stories": STORIES}
        response: Response = templates.TemplateResponse(request, "stories.html", context)
        return response

    async def embeds(request: Request) -> Response:
        return HTMLResponse(page_with_embeds(int(request.path_params["count"])))

    return Starlette(
        routes=[
            Route("/page", static),
            Route("/stories", stories),
            Route("/embeds/{count:int}", embeds),
        ]
    )


PATHS = {"static": "/page", "jinja": "/stories", "embeds0": "/embeds/0", "embeds5": "/embeds/5"}


def partner_settings() -> dict[str, Any]:
    """The consent settings naming a video partner with embeds (issue 18's `Partner.embeds`)."""
    import antechamber

    # Built from a dict: before issue 18, `Partner` has no `embeds` (and drops what it does not
    # know), which the check below reports.
    options: dict[str, Any] = {"embeds": [EMBED_PREFIX], "privacy_url": "https://example.com/p"}
    partner = antechamber.Partner("video", "Video", "social", **options)
    if not hasattr(partner, "embeds"):
        raise LookupError("antechamber.Partner has no `embeds` in this code (issue 18)")
    return {"partners": [partner]}


def build(app: str, partners: bool = False) -> Any:
    if app == "bare":
        return site()
    if app == "session":
        return SessionMiddleware(site(), secret_key=SECRET_KEY)
    if app == "antechamber":
        return antechamber(site(), consent=partner_settings()) if partners else antechamber(site())
    raise ValueError(f"unknown app {app!r}")


# --- cookies (made in the parent, once per run, and given to every child) ------------------------


def consent_cookie(action: str, partners: bool = False) -> str:
    """A valid consent cookie pair made by `Antechamber` itself answering the consent form."""
    return choice_cookie(build("antechamber", partners), action)


def session_cookie() -> str:
    """A valid Starlette session cookie holding one user."""

    async def login(scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        scope["session"]["user"] = "ada"
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    pair = set_cookie_pair(
        run(call(SessionMiddleware(login, secret_key=SECRET_KEY), http_scope("/"))), "session"
    )
    assert pair is not None
    return pair


# --- the child -----------------------------------------------------------------------------------


def batches(spec: dict[str, Any]) -> tuple[list[Scope], list[Scope], list[Scope]]:
    """(warm-up, N requests, 2N requests), every scope built before counting starts."""
    path, cookie, n = PATHS[spec["page"]], spec.get("cookie"), spec["requests"]
    uas = spec.get("uas")
    if not uas:
        scope = page_scope(path, cookie=cookie)
        return [scope] * 50, [scope] * n, [scope] * (2 * n)

    def fresh(passes: int) -> list[Scope]:  # each UA made new (`mutate`) for every request
        return [page_scope(path, cookie=cookie, ua=mutate(ua)) for _ in range(passes) for ua in uas]

    # The warm-up sends each UA as it is once: ua-parser builds its automata lazily.
    warm = [page_scope(path, cookie=cookie, ua=ua) for ua in uas] + fresh(1)
    return warm, fresh(1), fresh(2)


async def drive(app: Any, scopes: list[Scope]) -> None:
    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        return None

    for scope in scopes:
        await app(dict(scope), receive, send)


def child(spec_path: str) -> None:
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    app = build(spec["app"], spec.get("partners", False))
    warm, once, twice = batches(spec)
    check = run(call(app, warm[0]))
    run(drive(app, warm))
    gc.collect()
    gc.freeze()  # what the setup built stays out of the collector's way, as in _harness.compare
    print("ready", json.dumps({"status": check.status, "bytes": len(check.body)}), flush=True)
    # Wait for the parent to switch instrumentation on. Polling (rather than one blocking read)
    # keeps the process running code, which is when valgrind takes the parent's command where
    # ptrace is not allowed.
    while not select.select([sys.stdin], [], [], 0.005)[0]:
        pass
    sys.stdin.readline()
    gc.collect()  # the collector's counts start from zero, however long the wait was
    os.getppid()  # dump 1: everything since instrumentation came on
    run(drive(app, once))
    os.getppid()  # dump 2: N requests
    run(drive(app, twice))
    os.getppid()  # dump 3: 2N requests
    sys.stdout.flush()
    os._exit(0)  # the interpreter's teardown is not measured: skip it


if __name__ == "__main__":
    child(sys.argv[1])
