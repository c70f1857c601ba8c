"""A preview for site owners: the upgrade page and the banner as another browser would see them.

With `Settings(preview=True)` (development only), `{route_prefix}/preview?ua=...&lang=uk` runs a
sample page through the same gate and consent manager as the site, with the User-Agent and
language from the query and no cookies, so one sees exactly what a first-time visitor with that
browser gets: the upgrade page for an outdated browser, otherwise the page with the banner.
"""

from __future__ import annotations

import html
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Receive, Scope, Send

from antechamber.web.pipeline import Half, Pipeline
from antechamber.web.request import Visit

__all__ = ["Preview", "PreviewPage", "preview_scope"]

_PREVIEW = "antechamber_preview"  # not "antechamber.*": those are cleared for the preview
_MAX_QUERY = 4096
_STRIPPED = {
    b"user-agent",
    b"accept-language",
    b"cookie",
    b"sec-ch-ua",
    b"sec-ch-ua-mobile",
    b"sec-ch-ua-platform",
    b"sec-ch-ua-full-version-list",
    b"sec-fetch-dest",
    b"sec-fetch-mode",
    b"accept",
}


def preview_scope(scope: Scope) -> Scope:
    """The scope of a first visit to `/` with the query's `ua` and `lang`."""
    query = scope.get("query_string", b"")[:_MAX_QUERY].decode("latin-1")
    params = dict(parse_qsl(query, max_num_fields=10))
    user_agent = params.get("ua", "")[:1024]
    lang = params.get("lang", "")[:64]
    headers = [(k, v) for k, v in scope["headers"] if k not in _STRIPPED]
    headers += [
        (b"user-agent", user_agent.encode("latin-1", "replace")),
        (b"accept-language", lang.encode("latin-1", "replace")),
        (b"accept", b"text/html"),
        (b"sec-fetch-dest", b"document"),
        (b"sec-fetch-mode", b"navigate"),
    ]
    inner = {
        **scope,
        "headers": headers,
        "path": "/",
        "raw_path": b"/",
        "query_string": b"",
        "state": {},
        _PREVIEW: (user_agent, lang),
    }
    for key in [k for k in inner if k == "antechamber" or k.startswith("antechamber.")]:
        del inner[key]  # a fresh request: nothing registered by the layers around the preview
    return inner


class PreviewPage:
    """The sample page behind the preview: a form to pick a User-Agent and a language."""

    def __init__(self, prefix: str, locales: list[str]) -> None:
        self.action = f"{prefix}/preview"
        self.locales = locales

    def page(self, user_agent: str, lang: str, verdict: str) -> bytes:
        options = "".join(
            f'<option value="{html.escape(code)}"{" selected" if code == lang else ""}>'
            f"{html.escape(code)}</option>"
            for code in self.locales
        )
        return (
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<title>antechamber preview</title></head><body>"
            "<h1>antechamber preview</h1>"
            f"<p>This is how a first visit looks with this browser and language "
            f"(verdict: <strong>{html.escape(verdict)}</strong>). "
            "An outdated browser would see the upgrade page instead of this one.</p>"
            f'<form method="get" action="{html.escape(self.action)}">'
            '<p><label for="ua">User-Agent</label><br>'
            f'<input id="ua" name="ua" size="100" value="{html.escape(user_agent)}"></p>'
            f'<p><label for="lang">Language</label> <select id="lang" name="lang">{options}'
            '</select> <button type="submit">Preview</button></p></form>'
            "</body></html>"
        ).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        user_agent, lang = scope.get(_PREVIEW, ("", ""))
        browser = scope.get("state", {}).get("browser")
        verdict = getattr(browser, "verdict", "not judged (the browser half is off)")
        body = self.page(user_agent, lang, str(verdict))
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"text/html; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                    (b"cache-control", b"no-store"),
                    (b"x-robots-tag", b"noindex"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class Preview(Half):
    """The half that answers `{prefix}/preview`: the sample page, behind `halves` (the site's
    own gate and consent manager), as a first visit with the query's browser and language."""

    def __init__(self, prefix: str, locales: list[str], halves: list[Half]) -> None:
        self.path = f"{prefix}/preview"
        self.pipeline = Pipeline(PreviewPage(prefix, locales), halves)

    def admit(self, visit: Visit) -> ASGIApp | None:
        return self.answer if visit.path == self.path else None

    async def answer(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.pipeline(preview_scope(scope), receive, send)
