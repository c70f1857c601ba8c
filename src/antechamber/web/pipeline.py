"""`Pipeline`: the one `__call__` behind `BrowserPolicyMiddleware`, `CookieConsentMiddleware`
and `Antechamber`.

Each half is a `Half`: `admit(visit)` looks at a request (returning an ASGI app answers it
instead of the site: the upgrade page, an endpoint), `wrap_send(visit, send)` changes what the
site sends (consent's Set-Cookie enforcement), `open()` and `close()` run at start-up and
shutdown. A pipeline admits the
request through its halves in order, wraps `send` in each, then in the response rewriting (once,
in the outermost antechamber layer), and calls the site.
"""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from typing import Protocol

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from antechamber.web.request import SCOPE_KEY, Visit
from antechamber.web.rewrite import Rewriter
from antechamber.web.validators import prepare_conditionals

__all__ = ["Half", "Pipeline"]


class Half(Protocol):
    """What a pipeline asks of each half of antechamber. A class that names `Half` as its base
    gets the defaults: `send` unchanged, nothing to open or close."""

    def admit(self, visit: Visit) -> ASGIApp | None: ...

    def wrap_send(self, visit: Visit, send: Send) -> Send:
        return send

    def open(self) -> Awaitable[None] | None:
        """At start-up (`lifespan.startup.complete`); may return an awaitable."""
        return None

    def close(self) -> Awaitable[None] | None:
        """At shutdown (`lifespan.shutdown.complete`); may return an awaitable."""
        return None


class Pipeline:
    """Halves in front of an ASGI app; only `http` requests are looked at."""

    def __init__(self, app: ASGIApp, halves: Sequence[Half]) -> None:
        self.app = app
        self.halves = tuple(halves)
        self.admits = tuple(half.admit for half in self.halves)
        # The halves that change what the site sends, innermost first. A half with Half's
        # default `wrap_send` (or none) is not asked: asking the gate cost 1.1k instructions a
        # request (scripts/bench --instructions, static 6 KB page).
        self.wrappers = tuple(
            half.wrap_send
            for half in reversed(self.halves)
            if getattr(type(half), "wrap_send", Half.wrap_send) is not Half.wrap_send
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "lifespan":
                send = self._lifespan_send(send)
            await self.app(scope, receive, send)
            return
        outermost = SCOPE_KEY not in scope
        if outermost:  # this layer makes the request's Visit; a layer further in finds it
            visit = scope[SCOPE_KEY] = Visit(scope)
        else:
            visit = Visit.of(scope)
        try:
            for admit in self.admits:
                answer = admit(visit)
                if answer is not None:
                    await answer(scope, receive, send)
                    return
            for wrap_send in self.wrappers:
                send = wrap_send(visit, send)
            if not visit.rewriting:
                visit.rewriting = True
                if visit.is_page_request():
                    # A bound method: calling an object with `__call__` instead cost 1.3k
                    # instructions a request (scripts/bench --instructions, static 6 KB page).
                    send = Rewriter(visit, send).send
            raw = visit.raw
            if (b"if-none-match" in raw or b"if-modified-since" in raw or b"if-range" in raw) and (
                visit.fragments and visit.is_page_request()
            ):
                # A conditional request must not revalidate a copy made for another variant.
                scope["headers"], visit.variant_matched = prepare_conditionals(
                    scope["headers"], visit.headers, visit.variant_tag()
                )
            await self.app(scope, receive, send)
        finally:
            if outermost:
                # The scope holds its Visit and the Visit its scope (and a half's element hook
                # may hold the Visit): a cycle per request that only the cyclic collector would
                # free, and whose garbage made each request dearer than the one before it (the
                # negative fixed part scripts/bench --instructions warned of).
                scope.pop(SCOPE_KEY, None)
                visit.element_hooks.clear()

    def _lifespan_send(self, send: Send) -> Send:
        async def lifespan_send(message: Message) -> None:
            kind = message["type"]
            if kind in ("lifespan.startup.complete", "lifespan.shutdown.complete"):
                for half in self.halves:
                    done = half.open() if kind == "lifespan.startup.complete" else half.close()
                    if done is not None:
                        await done
            await send(message)

        return lifespan_send
