"""`CookieConsentMiddleware`: the consent half of antechamber as one pure ASGI middleware."""

from __future__ import annotations

import functools
import hmac
import json
import logging
import math
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, quote

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from antechamber.assets import serve_static
from antechamber.consent.banner import N_, SCOPE_KEY, ConsentPages
from antechamber.consent.enforce import (
    CookieMatcher,
    CookieRules,
    deletion_headers,
    request_cookie_names,
)
from antechamber.consent.records import ConsentRecord, ConsentStore, open_store
from antechamber.consent.state import (
    ConsentCodec,
    ConsentState,
    StoredChoice,
    cookie_pattern,
)
from antechamber.html import (
    Fragment,
    add_fragment,
    add_vary,
    header_map,
    inserting_send,
)
from antechamber.pages import Pages
from antechamber.security import is_same_origin, safe_next
from antechamber.settings import Settings

__all__ = ["CookieConsentMiddleware"]

logger = logging.getLogger("antechamber.consent")

ACTIONS = ("accept_all", "reject_all", "save")
_FORM = "application/x-www-form-urlencoded"
_JSON = "application/json"
_MAX_FIELDS = 200
_COOKIE_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
# Our own pages may be strict: no inline anything, no framing (a framed banner invites
# clickjacked consent), forms only to ourselves.
_PAGE_CSP = (
    "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'; "
    "object-src 'none'"
)
_NO_STORE = "no-store"
_CACHE_SIZE = 1024
# Longer Cookie headers are read afresh every time rather than kept as cache keys.
_MAX_KEPT_COOKIE = 4096
# Where `admit` leaves the refused cookies' matcher for `wrap_send`.
_REFUSED = "antechamber.consent.refused"

Handler = Callable[[Scope, Receive, Send], Awaitable[None]]


class _BadRequest(Exception):
    """A refused choice: the status, and a message for the visitor (a catalog msgid)."""

    def __init__(self, status: int, message: str, **params: object) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.params = params


class CookieConsentMiddleware:
    """Asks for, keeps and enforces the visitor's cookie consent, in front of any ASGI app.

        app = CookieConsentMiddleware(app, settings=Settings(secret_key="...", consent={...}))
        # in the app: request.state.consent.granted("analytics")

    Per request it reads the signed consent cookie into `scope["state"]["consent"]`, inserts the
    banner (`banner="inject"`) into HTML pages, and removes `Set-Cookie` headers the visitor has
    not consented to. Its own endpoints live under `route_prefix`: `/consent` (GET the state,
    POST a choice), `/preferences`, `/gcm.js` and `/static/...`.

    `clock` (seconds since the epoch) is for tests; `store` replaces the one `consent.log` names,
    e.g. with a store of your own (see `ConsentStore`).
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        settings: Settings | None = None,
        clock: Callable[[], float] = time.time,
        store: ConsentStore | None = None,
    ) -> None:
        self.app = app
        self.settings = settings if settings is not None else Settings()
        consent = self.settings.consent
        self.enabled = consent.enabled
        self.clock = clock
        if not self.enabled:
            return
        self.codec = ConsentCodec(consent, self.settings.secret_keys, clock=clock)
        self.rules = CookieRules(consent)
        self.enforce = consent.enforce_cookies and bool(self.rules.patterns)
        self.pages = Pages(self.settings)
        self.views = ConsentPages(self.settings, self.pages, self.codec.undecided[False])
        self.store = (
            store
            if store is not None
            else open_store(consent.log, retention_days=consent.retention_days)
        )
        self.honor_gpc = consent.honor_gpc
        self.inject = consent.banner == "inject"
        self.vary = ("Cookie", "Accept-Language", *(("Sec-GPC",) if self.honor_gpc else ()))
        self.max_body = consent.max_body_size
        self.cookie_marker = (consent.cookie_name + "=").encode("latin-1")
        self.cookie_regex = cookie_pattern(consent.cookie_name)
        # Built once: the banner is registered on every request without allocating anything.
        self.fragment = Fragment(self._fragment_bytes, vary=self.vary, scoped=True)
        self._rendered: dict[tuple[object, ...], tuple[ConsentState, str, bytes]] = {}
        self._matchers: dict[int, tuple[ConsentState, CookieMatcher]] = {}
        # Keyed by the Cookie and Sec-GPC headers as sent.
        self._seen: dict[
            tuple[bytes | None, bytes | None], tuple[ConsentState, CookieMatcher | None, float]
        ] = {}
        self.prefix = self.settings.route_prefix
        self.root = self.prefix + "/"
        self.static_root = self.prefix + "/static/"
        self.routes: dict[str, Handler] = {
            self.prefix + "/consent": self._consent_endpoint,
            self.prefix + "/preferences": self._preferences_endpoint,
            self.prefix + "/gcm.js": self._gcm_endpoint,
        }
        self.cookie_flags = f"; Max-Age={consent.max_age}; Path={consent.path}; HttpOnly"
        self.cookie_flags += f"; SameSite={consent.same_site.capitalize()}"
        if consent.domain:
            self.cookie_flags += f"; Domain={consent.domain}"
        self.https_only = consent.https_only
        self.delete_paths = list(dict.fromkeys(consent.delete_paths or [consent.path]))
        self.delete_domains: list[str | None] = [None, *dict.fromkeys(consent.delete_domains)]
        self.ip_key = hmac.new(
            self.settings.secret_keys[0].encode("utf-8"), b"antechamber.consent.ip", "sha256"
        ).digest()

    # -- per request ------------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.enabled or scope["type"] != "http":
            if self.enabled and scope["type"] == "lifespan" and self.store is not None:
                send = functools.partial(self._lifespan_send, send)
            await self.app(scope, receive, send)
            return
        answer = self.admit(scope, header_map(scope))
        if answer is not None:
            await answer(scope, receive, send)
        else:
            await self.app(scope, receive, inserting_send(scope, self.wrap_send(scope, send)))

    def admit(self, scope: Scope, headers: Mapping[bytes, bytes]) -> Handler | None:
        """Look at an http request (`headers`: its `header_map`): None lets it through to the
        app (then send through `wrap_send`), else the ASGI app that answers it instead (one of
        the consent routes).

        Sets `request.state.consent` and registers the banner. This runs on every request: for
        a visitor whose cookie was seen before, it is a few dict lookups.
        """
        path: str = scope["path"]
        if path.startswith(self.root):
            handler = self.routes.get(path)
            if handler is not None:
                return handler
            if path.startswith(self.static_root):
                return functools.partial(serve_static, path[len(self.static_root) :])
        key = (headers.get(b"cookie"), headers.get(b"sec-gpc"))
        seen = self._seen.get(key)
        if seen is None or self.clock() > seen[2]:
            seen = self._see(key)
        state, refused, _ = seen
        request_state = scope.get("state")
        if request_state is None:
            request_state = scope["state"] = {}
        request_state["consent"] = state
        scope[SCOPE_KEY] = self
        if refused is not None:
            scope[_REFUSED] = refused
        if self.inject:
            add_fragment(scope, self.fragment)
        return None

    def _see(
        self, key: tuple[bytes | None, bytes | None]
    ) -> tuple[ConsentState, CookieMatcher | None, float]:
        """The state for a Cookie header and signal not seen lately, the matcher of the cookies
        it refuses (None: nothing to remove), and until when the state holds.

        Kept per Cookie header as sent, so that a returning visitor costs one lookup, not a
        search of the header and a signature check. A cookie that did not verify is not kept:
        that visitor sees the banner and soon sends a new one.
        """
        cookie, signal = key
        state, choice = self._read_cookie(cookie, self._gpc_signal(signal))
        refused = (self._refused(state) or None) if self.enforce else None
        until = math.inf if choice is None else choice.decided_at + self.codec.max_age
        seen = (state, refused, until)
        settled = choice is not None or cookie is None or self.cookie_marker not in cookie
        if settled and (cookie is None or len(cookie) <= _MAX_KEPT_COOKIE):
            if len(self._seen) >= _CACHE_SIZE:
                self._seen.clear()  # no LRU bookkeeping on the hot path
            self._seen[key] = seen
        return seen

    def wrap_send(self, scope: Scope, send: Send) -> Send:
        """`send`, removing the cookies this visitor refused when there are any to remove."""
        matcher = scope.get(_REFUSED)
        if matcher is None:
            return send
        return functools.partial(self._enforcing_send, send, matcher)

    def _read(self, scope: Scope) -> tuple[ConsentState, StoredChoice | None]:
        headers = header_map(scope)
        return self._read_cookie(headers.get(b"cookie"), self._gpc(headers))

    def _gpc(self, headers: Mapping[bytes, bytes]) -> bool:
        """Whether this request carries Global Privacy Control and the site honours it."""
        return self._gpc_signal(headers.get(b"sec-gpc"))

    def _gpc_signal(self, signal: bytes | None) -> bool:
        """Whether a `Sec-GPC` header's value asks for Global Privacy Control, honoured."""
        return self.honor_gpc and signal is not None and signal.strip() == b"1"

    def _read_cookie(
        self, cookie: bytes | None, gpc: bool
    ) -> tuple[ConsentState, StoredChoice | None]:
        value = None
        if cookie is not None and self.cookie_marker in cookie:
            found = self.cookie_regex.findall(cookie)
            # Two consent cookies (another path, or one tossed in from a sibling domain): we
            # cannot tell which is ours, so neither counts.
            if len(found) == 1:
                value = found[0].strip().strip(b'"')
        return self.codec.read(value, gpc)

    def _refused(self, state: ConsentState) -> CookieMatcher:
        """`rules.refused(state)`, kept per state object (the codec hands out the same ones)."""
        entry = self._matchers.get(id(state))
        if entry is not None and entry[0] is state:  # the state is held: its id is not reused
            return entry[1]
        matcher = self.rules.refused(state)
        if len(self._matchers) >= _CACHE_SIZE:
            self._matchers.clear()
        self._matchers[id(state)] = (state, matcher)
        return matcher

    async def _enforcing_send(self, send: Send, matcher: CookieMatcher, message: Message) -> None:
        if message["type"] == "http.response.start":
            headers, removed = self.rules.filter_set_cookie(list(message["headers"]), matcher)
            if removed:
                message = {**message, "headers": headers}
                add_vary(MutableHeaders(scope=message), "Cookie")
        await send(message)

    async def _lifespan_send(self, send: Send, message: Message) -> None:
        if self.store is not None:
            if message["type"] == "lifespan.startup.complete":
                await self.store.open()
            elif message["type"] == "lifespan.shutdown.complete":
                await self.store.close()
        await send(message)

    def render_fragment(self, scope: Scope) -> str:
        """The banner markup for this request (what `banner_html` returns)."""
        return self._markup(scope)[1]

    def _fragment_bytes(self, scope: Scope, headers: Mapping[bytes, bytes]) -> bytes:
        """The same, encoded (UTF-8): what the inserted fragment renders (`headers`: the
        request's `header_map`)."""
        return self._markup(scope, headers)[2]

    def _markup(
        self, scope: Scope, headers: Mapping[bytes, bytes] | None = None
    ) -> tuple[ConsentState, str, bytes]:
        request_state = scope.get("state")
        state = request_state.get("consent") if request_state is not None else None
        if not isinstance(state, ConsentState):
            state, _ = self._read(scope)
        if headers is None:
            headers = header_map(scope)
        accept_language = headers.get(b"accept-language")
        # The markup follows from the state, the language and the page: kept for the state
        # object (the codec hands out the same ones), the header and the path as sent.
        key = (id(state), accept_language, scope["path"], scope.get("query_string", b""))
        entry = self._rendered.get(key)
        if entry is not None and entry[0] is state:  # the state is held: its id is not reused
            return entry
        locale = self.pages.negotiate(
            None if accept_language is None else accept_language.decode("latin-1")
        )
        markup = self.views.fragment(state, locale, _current_path(scope))
        if len(self._rendered) >= _CACHE_SIZE:
            self._rendered.clear()  # no LRU bookkeeping on the hot path
        entry = self._rendered[key] = (state, markup, markup.encode("utf-8"))
        return entry

    # -- endpoints --------------------------------------------------------------------------------

    async def _consent_endpoint(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope["method"]
        if method in ("GET", "HEAD"):
            state, _ = self._read(scope)
            response: Response = JSONResponse(
                self.views.state_json(state), headers=self._private_headers()
            )
        elif method == "POST":
            response = await self._choose(scope, receive)
        else:
            response = PlainTextResponse(
                "Method Not Allowed", status_code=405, headers={"Allow": "GET, HEAD, POST"}
            )
        await response(scope, receive, send)

    async def _preferences_endpoint(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] not in ("GET", "HEAD"):
            response: Response = PlainTextResponse(
                "Method Not Allowed", status_code=405, headers={"Allow": "GET, HEAD"}
            )
        else:
            state, _ = self._read(scope)
            headers = Headers(scope=scope)
            locale = self.pages.negotiate(headers.get("accept-language"))
            query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")[:4096]))
            page = self.views.preferences(state, locale, safe_next(query.get("next")))
            response = Response(
                page,
                media_type="text/html",
                headers={
                    **self._private_headers(),
                    "Content-Security-Policy": _PAGE_CSP,
                    "Content-Language": locale.replace("_", "-"),
                },
            )
        await response(scope, receive, send)

    async def _gcm_endpoint(self, scope: Scope, receive: Receive, send: Send) -> None:
        state, _ = self._read(scope)
        response = Response(
            self.views.gcm_script(state),
            media_type="text/javascript",
            headers={**self._private_headers(), "X-Content-Type-Options": "nosniff"},
        )
        await response(scope, receive, send)

    def _private_headers(self) -> dict[str, str]:
        return {"Cache-Control": _NO_STORE, "Vary": ", ".join(self.vary)}

    # -- a choice ---------------------------------------------------------------------------------

    async def _choose(self, scope: Scope, receive: Receive) -> Response:
        headers = Headers(scope=scope)
        media_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
        as_json = media_type == _JSON
        locale = self.pages.negotiate(headers.get("accept-language"))
        try:
            if not is_same_origin(headers, scope.get("scheme", "http")):
                raise _BadRequest(403, N_("Cross-site consent requests are refused."))
            if not media_type:
                raise _BadRequest(
                    415, N_("Send the choice as %(form)s or %(json)s."), form=_FORM, json=_JSON
                )
            if media_type not in (_FORM, _JSON):
                raise _BadRequest(
                    415,
                    N_("Send the choice as %(form)s or %(json)s, not %(type)s."),
                    form=_FORM,
                    json=_JSON,
                    type=media_type,
                )
            body = await self._read_body(scope, receive, headers)
            action, categories, partners, next_path = self._parse(body, as_json)
        except _BadRequest as error:
            return self._error(error.status, error.message, as_json, locale, **error.params)

        shown, previous = self._read(scope)
        gpc = self._gpc(header_map(scope))
        choice = self.codec.choose(
            action,
            categories=categories,
            partners=partners,
            gpc=gpc,
            consent_id=previous.consent_id if previous else None,
            shown=shown.categories,
        )
        state = self.codec.state(choice, gpc)
        if self.store is not None:
            record = self._record(scope, headers, action, state, locale)
            try:
                await self.store.record(record)
            except Exception:
                # Not recorded means not confirmed: no cookie, and the visitor is told so.
                logger.exception(
                    "consent record %s could not be stored; the choice was refused with 503",
                    record.consent_id,
                )
                return self._error(
                    503,
                    N_(
                        "Your choice could not be recorded just now, so it was not saved. "
                        "Please try again in a moment."
                    ),
                    as_json,
                    locale,
                )

        secure = self.https_only if self.https_only is not None else scope["scheme"] == "https"
        cookie = (
            f"{self.settings.consent.cookie_name}={self.codec.dumps(choice)}{self.cookie_flags}"
        )
        if secure:
            cookie += "; Secure"
        set_cookies = [(b"set-cookie", cookie.encode("latin-1"))]
        set_cookies += self._deletions(headers, state, secure)

        if as_json:
            response: Response = JSONResponse(
                self.views.state_json(state), headers=self._private_headers()
            )
        else:
            response = Response(
                status_code=303, headers={"Location": next_path, "Cache-Control": _NO_STORE}
            )
        response.raw_headers.extend(set_cookies)
        return response

    def _deletions(
        self, headers: Headers, state: ConsentState, secure: bool
    ) -> list[tuple[bytes, bytes]]:
        """Set-Cookie lines deleting the refused cookies this request carries (withdrawal)."""
        if not self.settings.consent.enforce_cookies or not self.rules.patterns:
            return []
        matcher = self.rules.refused(state)
        carried = "; ".join(headers.getlist("cookie"))
        names = [
            name
            for name in request_cookie_names(carried)
            if name != self.settings.consent.cookie_name
            and _COOKIE_NAME.match(name)
            and matcher.matches(name)
        ]
        if not names:
            return []
        return deletion_headers(
            names, paths=self.delete_paths, domains=self.delete_domains, secure=secure
        )

    def _record(
        self, scope: Scope, headers: Headers, action: str, state: ConsentState, locale: str
    ) -> ConsentRecord:
        client = scope.get("client")
        ip_hash = None
        if client:
            ip_hash = hmac.new(self.ip_key, str(client[0]).encode("utf-8"), "sha256").hexdigest()
        assert state.consent_id is not None  # a decided state always has one
        return ConsentRecord(
            consent_id=state.consent_id,
            recorded_at=datetime.fromtimestamp(self.clock(), UTC).isoformat(),
            action=action,
            revision=state.revision,
            categories=dict(state.categories),
            partners=dict(state.partners),
            gpc=state.gpc,
            ip_hash=ip_hash,
            banner_hash=self.views.banner_hash(locale),
            locale=locale,
            user_agent=headers.get("user-agent", "")[:512] or None,
        )

    async def _read_body(self, scope: Scope, receive: Receive, headers: Headers) -> bytes:
        length = headers.get("content-length")
        if length is not None:
            # isascii too: "²" is a digit to isdigit() but not to int().
            if not (length.isascii() and length.isdigit()):
                raise _BadRequest(400, N_("The Content-Length header is not a number."))
            if int(length) > self.max_body:
                raise _BadRequest(
                    413, N_("The choice must be at most %(size)s bytes."), size=self.max_body
                )
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _BadRequest(400, N_("The request ended before its body."))
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                raise _BadRequest(
                    413, N_("The choice must be at most %(size)s bytes."), size=self.max_body
                )
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    def _parse(self, body: bytes, as_json: bool) -> tuple[str, list[str], list[str] | None, str]:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise _BadRequest(400, N_("The body is not valid UTF-8.")) from None
        fields: Mapping[str, Any]
        if as_json:
            try:
                data = json.loads(text) if text.strip() else None
            except RecursionError:
                # `[[[[...]]]]` nested deeper than the parser's stack: never a valid choice.
                raise _BadRequest(400, N_("The JSON body is nested too deeply.")) from None
            except ValueError as error:
                raise _BadRequest(
                    400, N_("The body is not valid JSON: %(error)s."), error=str(error)
                ) from None
            if not isinstance(data, dict):
                raise _BadRequest(
                    400, N_('The JSON body must be an object such as {"action": "save"}.')
                )
            fields = data
        else:
            try:
                pairs = parse_qsl(
                    text,
                    keep_blank_values=True,
                    strict_parsing=False,
                    max_num_fields=_MAX_FIELDS,
                    errors="strict",
                )
            except (ValueError, UnicodeDecodeError):
                raise _BadRequest(
                    400, N_("The form is malformed or has too many fields.")
                ) from None
            form: dict[str, Any] = {}
            for key, value in pairs:
                if key in ("categories", "partners"):
                    form.setdefault(key, [])
                    if value:
                        form[key].append(value)
                else:
                    form[key] = value
            fields = form

        action = fields.get("action")
        if action not in ACTIONS:
            raise _BadRequest(
                400,
                N_("action must be one of %(actions)s; got %(value)s."),
                actions=", ".join(ACTIONS),
                value=_short(action),
            )
        categories = self._keys(
            fields.get("categories", []), "categories", self.codec.category_keys
        )
        partners_field = fields.get("partners")
        partners = (
            None
            if partners_field is None
            else self._keys(partners_field, "partners", frozenset(self.codec.partner_category))
        )
        next_field = fields.get("next")
        if next_field is not None and not isinstance(next_field, str):
            raise _BadRequest(400, N_("next must be a path such as /articles/1."))
        return str(action), categories, partners, safe_next(next_field)

    @staticmethod
    def _keys(value: Any, field: str, known: frozenset[str]) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise _BadRequest(400, N_("%(field)s must be a list of keys."), field=field)
        unknown = sorted(set(value) - known)
        if unknown:
            raise _BadRequest(
                400,
                N_("Unknown %(field)s: %(unknown)s; known: %(known)s."),
                field=field,
                unknown=", ".join(_short(u) for u in unknown[:5]),
                known=", ".join(sorted(known)) or "-",  # a sign, not a word: no translation
            )
        return list(value)

    def _error(
        self, status: int, message: str, as_json: bool, locale: str, **params: object
    ) -> Response:
        """An error in the visitor's language (field names and values stay as sent)."""
        message = self.pages.gettext(locale)(message)
        if params:
            message = message % params
        # nosniff: the message may repeat what was posted, and old IE would sniff it as HTML.
        headers = {
            "Cache-Control": _NO_STORE,
            "Content-Language": locale.replace("_", "-"),
            "X-Content-Type-Options": "nosniff",
        }
        if as_json:
            return JSONResponse({"error": message}, status_code=status, headers=headers)
        return PlainTextResponse(message, status_code=status, headers=headers)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# Most pages' paths need neither encoding nor checking: `/`, `/articles/some-title-42`.
_PLAIN_PATH = re.compile(r"^/(?:[A-Za-z0-9._~-]+/)*[A-Za-z0-9._~-]*$")


def _current_path(scope: Scope) -> str:
    """This page's path and query, percent-encoded: where the banner's forms come back to."""
    path: str = scope["path"]
    query = scope.get("query_string", b"")
    if not query and _PLAIN_PATH.match(path):
        return path
    path = quote(path, safe="/:@!$&'()*+,;=-._~")
    if query:
        path += "?" + query.decode("latin-1")
    return safe_next(path)
