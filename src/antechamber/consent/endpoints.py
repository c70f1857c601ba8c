"""The consent manager's endpoints: `/consent` (GET the state, POST a choice), `/preferences`
and `/gcm.js`."""

from __future__ import annotations

import hmac
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import Receive, Scope, Send

from antechamber.consent.records import ConsentRecord
from antechamber.consent.state import ConsentState
from antechamber.security import is_same_origin, safe_next
from antechamber.web.forms import (
    FORM,
    JSON,
    N_,
    BadRequest,
    method_not_allowed,
    parse_form,
    parse_json,
    read_body,
    redirect,
)
from antechamber.web.request import Visit

if TYPE_CHECKING:
    from antechamber.consent.half import ConsentHalf

__all__ = ["ACTIONS", "ConsentEndpoints"]

logger = logging.getLogger("antechamber.consent")

ACTIONS = ("accept_all", "reject_all", "save")
# Our own pages may be strict: no inline anything, no framing (a framed banner invites
# clickjacked consent), forms only to ourselves.
_PAGE_CSP = (
    "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'; "
    "object-src 'none'"
)


class ConsentEndpoints:
    """What the consent half answers instead of the site."""

    def __init__(self, half: ConsentHalf) -> None:
        self.half = half
        self.codec = half.codec
        self.views = half.views
        self.pages = half.pages
        self.options = half.consent
        self.ip_key = hmac.new(
            half.settings.secret_keys[0].encode("utf-8"), b"antechamber.consent.ip", "sha256"
        ).digest()

    def private_headers(self) -> dict[str, str]:
        return {"Cache-Control": "no-store", "Vary": ", ".join(self.half.vary)}

    async def consent(self, scope: Scope, receive: Receive, send: Send) -> None:
        visit = Visit.of(scope)
        if visit.method in ("GET", "HEAD"):
            state, _ = self.half.read(visit)
            response: Response = JSONResponse(
                self.views.state_json(state), headers=self.private_headers()
            )
        elif visit.method == "POST":
            response = await self.choose(visit, receive)
        else:
            response = method_not_allowed("GET, HEAD, POST")
        await response(scope, receive, send)

    async def preferences(self, scope: Scope, receive: Receive, send: Send) -> None:
        visit = Visit.of(scope)
        if visit.method not in ("GET", "HEAD"):
            await method_not_allowed("GET, HEAD")(scope, receive, send)
            return
        state, _ = self.half.read(visit)
        locale = self.pages.negotiate(visit.headers.get("accept-language"))
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")[:4096]))
        page = self.views.preferences(
            state, locale, safe_next(query.get("next")), root=visit.root_path
        )
        response = Response(
            page,
            media_type="text/html",
            headers={
                **self.private_headers(),
                "Content-Security-Policy": _PAGE_CSP,
                "Content-Language": locale.replace("_", "-"),
            },
        )
        await response(scope, receive, send)

    async def gcm(self, scope: Scope, receive: Receive, send: Send) -> None:
        state, _ = self.half.read(Visit.of(scope))
        response = Response(
            self.views.gcm_script(state),
            media_type="text/javascript",
            headers={**self.private_headers(), "X-Content-Type-Options": "nosniff"},
        )
        await response(scope, receive, send)

    # -- a choice ---------------------------------------------------------------------------------

    async def choose(self, visit: Visit, receive: Receive) -> Response:
        headers = visit.headers
        media_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
        as_json = media_type == JSON
        locale = self.pages.negotiate(headers.get("accept-language"))
        try:
            if not is_same_origin(headers, visit.scope.get("scheme", "http")):
                raise BadRequest(403, N_("Cross-site consent requests are refused."))
            if not media_type:
                raise BadRequest(
                    415, N_("Send the choice as %(form)s or %(json)s."), form=FORM, json=JSON
                )
            if media_type not in (FORM, JSON):
                raise BadRequest(
                    415,
                    N_("Send the choice as %(form)s or %(json)s, not %(type)s."),
                    form=FORM,
                    json=JSON,
                    type=media_type,
                )
            limit = self.options.max_body_size
            body = await read_body(receive, limit, headers.get("content-length"))
            fields = parse_json(body) if as_json else parse_form(body, ("categories", "partners"))
            action, categories, partners, next_path = self._parse(fields)
        except BadRequest as error:
            return self.error(error.status, error.message, as_json, locale, **error.params)

        shown, previous = self.half.read(visit)
        gpc = self.half.gpc(visit)
        choice = self.codec.choose(
            action,
            categories=categories,
            partners=partners,
            gpc=gpc,
            consent_id=previous.consent_id if previous else None,
            shown=shown.categories,
        )
        state = self.codec.state(choice, gpc)
        store = self.half.store
        if store is not None:
            record = self._record(visit, action, state, locale)
            try:
                await store.record(record)
            except Exception:
                # Not recorded means not confirmed: no cookie, and the visitor is told so.
                logger.exception(
                    "consent record %s could not be stored; the choice was refused with 503",
                    record.consent_id,
                )
                message = N_(
                    "Your choice could not be recorded just now, so it was not saved. "
                    "Please try again in a moment."
                )
                return self.error(503, message, as_json, locale)

        if as_json:
            response: Response = JSONResponse(
                self.views.state_json(state), headers=self.private_headers()
            )
        else:
            response = redirect(next_path)
        secure = self.half.secure(visit)
        self.half.set_consent_cookie(response, self.codec.dumps(choice), secure)
        response.raw_headers.extend(self.half.deletions(visit, state))
        return response

    def _record(self, visit: Visit, action: str, state: ConsentState, locale: str) -> ConsentRecord:
        client = visit.scope.get("client")
        ip_hash = None
        if client:
            ip_hash = hmac.new(self.ip_key, str(client[0]).encode("utf-8"), "sha256").hexdigest()
        assert state.consent_id is not None  # a decided state always has one
        return ConsentRecord(
            consent_id=state.consent_id,
            recorded_at=datetime.fromtimestamp(self.half.clock(), UTC).isoformat(),
            action=action,
            revision=state.revision,
            categories=dict(state.categories),
            partners=dict(state.partners),
            gpc=state.gpc,
            ip_hash=ip_hash,
            banner_hash=self.views.banner_hash(locale),
            locale=locale,
            user_agent=visit.headers.get("user-agent", "")[:512] or None,
        )

    def _parse(self, fields: Mapping[str, Any]) -> tuple[str, list[str], list[str] | None, str]:
        action = fields.get("action")
        if action not in ACTIONS:
            raise BadRequest(
                400,
                N_("action must be one of %(actions)s; got %(value)s."),
                actions=", ".join(ACTIONS),
                value=_short(action),
            )
        categories = _keys(fields.get("categories", []), "categories", self.codec.category_keys)
        partners_field = fields.get("partners")
        partners = (
            None
            if partners_field is None
            else _keys(partners_field, "partners", frozenset(self.codec.partner_category))
        )
        next_field = fields.get("next")
        if next_field is not None and not isinstance(next_field, str):
            raise BadRequest(400, N_("next must be a path such as /articles/1."))
        return str(action), categories, partners, safe_next(next_field)

    def error(
        self, status: int, message: str, as_json: bool, locale: str, **params: object
    ) -> Response:
        """An error in the visitor's language (field names and values stay as sent)."""
        message = self.pages.gettext(locale)(message)
        if params:
            message = message % params
        # nosniff: the message may repeat what was posted, and old IE would sniff it as HTML.
        headers = {
            "Cache-Control": "no-store",
            "Content-Language": locale.replace("_", "-"),
            "X-Content-Type-Options": "nosniff",
        }
        if as_json:
            return JSONResponse({"error": message}, status_code=status, headers=headers)
        return PlainTextResponse(message, status_code=status, headers=headers)


def _keys(value: Any, field: str, known: frozenset[str]) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadRequest(400, N_("%(field)s must be a list of keys."), field=field)
    unknown = sorted(set(value) - known)
    if unknown:
        raise BadRequest(
            400,
            N_("Unknown %(field)s: %(unknown)s; known: %(known)s."),
            field=field,
            unknown=", ".join(_short(u) for u in unknown[:5]),
            known=", ".join(sorted(known)) or "-",  # a sign, not a word: no translation
        )
    return list(value)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
