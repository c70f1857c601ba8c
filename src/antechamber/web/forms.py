"""The endpoints' chores: reading a body with a size limit, parsing a form or JSON, the
303/400/403/405/413/415 answers, and setting a cookie. One implementation of each, used by the
gate's and the consent manager's endpoints.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from starlette.responses import PlainTextResponse, Response
from starlette.types import Receive

__all__ = [
    "FORM",
    "JSON",
    "N_",
    "BadRequest",
    "method_not_allowed",
    "parse_form",
    "parse_json",
    "plain",
    "read_body",
    "redirect",
    "set_cookie",
]

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
MAX_FIELDS = 200


def N_(message: str) -> str:
    """Marks a message for the catalogs (babel extracts `N_`); translated where it is shown."""
    return message


class BadRequest(Exception):
    """A refused request: the status, and a message for the visitor (a catalog msgid)."""

    def __init__(self, status: int, message: str, **params: object) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.params = params


async def read_body(receive: Receive, limit: int, content_length: str | None = None) -> bytes:
    """The request body, at most `limit` bytes; `BadRequest` (400, 413) otherwise."""
    if content_length is not None:
        # isascii too: "²" is a digit to isdigit() but not to int().
        if not (content_length.isascii() and content_length.strip().isdigit()):
            raise BadRequest(400, N_("The Content-Length header is not a number."))
        if int(content_length) > limit:
            raise BadRequest(413, N_("The choice must be at most %(size)s bytes."), size=limit)
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise BadRequest(400, N_("The request ended before its body."))
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BadRequest(413, N_("The choice must be at most %(size)s bytes."), size=limit)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def parse_form(body: bytes, lists: tuple[str, ...] = ()) -> dict[str, Any]:
    """A urlencoded UTF-8 form: the first value of each field, or every non-empty value (a
    list) for the fields named in `lists`; `BadRequest` (400) when malformed."""
    try:
        pairs = parse_qsl(
            _text(body),
            keep_blank_values=True,
            max_num_fields=MAX_FIELDS,
            errors="strict",
        )
    except (ValueError, UnicodeDecodeError):
        raise BadRequest(400, N_("The form is malformed or has too many fields.")) from None
    form: dict[str, Any] = {name: [] for name, _ in pairs if name in lists}
    for name, value in pairs:
        if name in lists:
            if value:
                form[name].append(value)
        else:
            form.setdefault(name, value)
    return form


def parse_json(body: bytes) -> dict[str, Any]:
    """A JSON object; `BadRequest` (400) for anything else."""
    text = _text(body)
    try:
        data = json.loads(text) if text.strip() else None
    except RecursionError:
        # `[[[[...]]]]` nested deeper than the parser's stack: never a valid request.
        raise BadRequest(400, N_("The JSON body is nested too deeply.")) from None
    except ValueError as error:
        raise BadRequest(
            400, N_("The body is not valid JSON: %(error)s."), error=str(error)
        ) from None
    if not isinstance(data, dict):
        raise BadRequest(400, N_('The JSON body must be an object such as {"action": "save"}.'))
    return data


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest(400, N_("The body is not valid UTF-8.")) from None


def redirect(location: str) -> Response:
    """303 See Other to `location` (a path already checked with `safe_next`)."""
    return Response(status_code=303, headers={"Location": location, "Cache-Control": "no-store"})


def plain(status: int, text: str, headers: Mapping[str, str] | None = None) -> Response:
    """A short text answer (errors); nosniff, since it may repeat what was sent."""
    return PlainTextResponse(
        text,
        status_code=status,
        headers={"X-Content-Type-Options": "nosniff", **(headers or {})},
    )


def method_not_allowed(allow: str) -> Response:
    return plain(405, "Method Not Allowed", {"Allow": allow})


def set_cookie(
    response: Response,
    name: str,
    value: str,
    *,
    max_age: int,
    secure: bool,
    path: str = "/",
    domain: str | None = None,
    same_site: str = "lax",
) -> None:
    """An HttpOnly cookie written by antechamber (signed values only)."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=path,
        domain=domain,
        secure=secure,
        httponly=True,
        samesite=same_site.capitalize(),  # type: ignore[arg-type]
    )
