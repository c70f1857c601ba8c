"""The package's own static files (`{route_prefix}/static/...`): CSS and JavaScript for the notices
and the consent banner.

The files are few and small, so they are read once into memory with their content hash. A URL is
answered only when its name is one of those files: there is no path to traverse. A request whose
`v` query matches the content hash (what `Pages.static_url` writes) may be cached forever.
"""

from __future__ import annotations

import functools
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

from starlette.responses import Response
from starlette.types import Receive, Scope, Send

__all__ = ["STATIC_DIR", "serve_static", "static_version"]

STATIC_DIR = Path(__file__).parent / "static"

_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".txt": "text/plain; charset=utf-8",
}
IMMUTABLE = "public, max-age=31536000, immutable"
# Without the matching hash the URL may point at another version tomorrow: revalidate each time.
REVALIDATE = "public, no-cache"


@dataclass(frozen=True, slots=True)
class _Asset:
    body: bytes
    version: str
    etag: str
    content_type: str


@functools.cache
def _load() -> dict[str, _Asset]:
    # Read once per process: the files ship with the package and do not change under it.
    assets: dict[str, _Asset] = {}
    if STATIC_DIR.is_dir():
        for path in sorted(STATIC_DIR.rglob("*")):
            if not path.is_file() or path.name.startswith("."):
                continue
            body = path.read_bytes()
            version = hashlib.sha256(body).hexdigest()[:16]
            content_type = _TYPES.get(path.suffix.lower()) or (
                mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            )
            name = path.relative_to(STATIC_DIR).as_posix()
            assets[name] = _Asset(body, version, f'"{version}"', content_type)
    return assets


def static_version(name: str) -> str | None:
    """The content hash of a static file, or None when there is no such file."""
    asset = _load().get(name)
    return asset.version if asset else None


def _etag_matches(if_none_match: str, etag: str) -> bool:
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == etag:
            return True
    return False


async def serve_static(path: str, scope: Scope, receive: Receive, send: Send) -> None:
    """Answer a request for `path` (the part after `{prefix}/static/`) from the package's files."""
    asset = _load().get(path)
    if asset is None:
        response = Response("Not Found", status_code=404, media_type="text/plain")
        await response(scope, receive, send)
        return
    method = scope.get("method", "GET")
    if method not in ("GET", "HEAD"):
        response = Response(
            "Method Not Allowed",
            status_code=405,
            media_type="text/plain",
            headers={"Allow": "GET, HEAD"},
        )
        await response(scope, receive, send)
        return
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    cache_control = IMMUTABLE if query.get("v", [""])[0] == asset.version else REVALIDATE
    headers = {
        "Cache-Control": cache_control,
        "ETag": asset.etag,
        "X-Content-Type-Options": "nosniff",
    }
    if_none_match = ""
    for name, value in scope.get("headers", ()):
        if name == b"if-none-match":
            if_none_match = value.decode("latin-1")
    if if_none_match and _etag_matches(if_none_match, asset.etag):
        await Response(status_code=304, headers=headers)(scope, receive, send)
        return
    headers["Content-Type"] = asset.content_type
    headers["Content-Length"] = str(len(asset.body))
    body = b"" if method == "HEAD" else asset.body
    await send({"type": "http.response.start", "status": 200, "headers": _raw(headers)})
    await send({"type": "http.response.body", "body": body})


def _raw(headers: dict[str, str]) -> list[tuple[bytes, bytes]]:
    return [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
