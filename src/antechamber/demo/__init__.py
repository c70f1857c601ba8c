"""The demo news site: antechamber in front of a small European news portal.

    antechamber demo                      # http://127.0.0.1:8000
    python -m antechamber.demo            # the same

Every "partner" on the site is a local stand-in: its script is served by the demo itself and only
sets the cookies the real one would, so that the consent banner and the server-side enforcement
can be seen at work. No request leaves the machine.

The partners it declares, and the host names of its embedded stand-ins, are in
`antechamber.demo.partners` (importable from here as before).

For tests and for embedding: `demo_settings(data_dir, secret_key)` gives the settings the demo
runs with, and `create_app(settings)` the whole site, middleware included.
"""

from __future__ import annotations

import secrets
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from antechamber.demo import content
from antechamber.demo.partners import PARTNERS, SOCIAL_HOST, VIDEO_HOST
from antechamber.settings import Settings

__all__ = [
    "CSP",
    "PARTNERS",
    "SOCIAL_HOST",
    "VIDEO_HOST",
    "create_app",
    "demo_settings",
    "serve",
    "site",
]

HERE = Path(__file__).parent
CSP = (
    "default-src 'self'; "
    f"frame-src 'self' {VIDEO_HOST}:* {SOCIAL_HOST}:*; "
    f"script-src 'self' {SOCIAL_HOST}:*"
)
# For the preview links: a browser the demo's policy (`defaults`) turns away.
IE_11 = "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko"

# A 1x1 transparent GIF: the "sync pixel" by which the ad network sets its cookie from the server.
_PIXEL = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


def demo_settings(data_dir: str | Path, secret_key: str, **overrides: Any) -> Settings:
    """The settings the demo runs with; consent records go to `data_dir/consent.db`."""
    database = Path(data_dir) / "consent.db"
    values: dict[str, Any] = {
        "secret_key": secret_key,
        "preview": True,
        # Phones get the seed's "designed for computers, but you can use it freely" notice.
        "browsers": {"mode": "block", "supported": "defaults", "mobile_notice": True},
        "consent": {
            "partners": PARTNERS,
            "policy_url": "/cookies",
            "log": f"sqlite:///{database}",
        },
    }
    values.update(overrides)
    return Settings(**values)


class SecurityHeaders:
    """Sends the demo's strict Content-Security-Policy with every response of the site itself.

    It sits inside antechamber, so it covers the pages the banner is inserted into; antechamber's
    own pages (preferences, upgrade) carry whatever headers antechamber gives them.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", CSP)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "same-origin")
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(settings: Settings) -> ASGIApp:
    """The demo site with antechamber in front of it."""
    from antechamber import Antechamber

    return Antechamber(site(settings), settings=settings)


def site(settings: Settings) -> Starlette:
    """The news site alone, with its security headers but without antechamber."""
    templates = Jinja2Templates(directory=HERE / "templates")
    partners = list(settings.consent.partners)
    categories = {c.key: c for c in settings.consent.categories}
    common: dict[str, Any] = {
        "sections": content.SECTIONS,
        "prefix": settings.route_prefix,
        "partners": partners,
        "categories": categories,
        "preview": settings.preview,
        "consent_cookie": settings.consent.cookie_name,
        "consent_days": settings.consent.max_age // 86400,
        "preview_ie_11": f"{settings.route_prefix}/preview?{urlencode({'ua': IE_11})}",
    }

    def page(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
        state = request.scope.get("state", {})
        return templates.TemplateResponse(
            request,
            name,
            {**common, "consent": state.get("consent"), "browser": state.get("browser"), **context},
            status_code=status_code,
        )

    async def front_page(request: Request) -> Response:
        stories = sorted(content.ARTICLES, key=lambda a: a.published, reverse=True)
        return page(
            request,
            "index.html",
            lead=stories[0],
            stories=stories[1:],
            recommended=content.recommended(stories[0]),
            current="",
        )

    async def section(request: Request) -> Response:
        key = request.path_params["key"]
        if key not in content.SECTIONS:
            raise HTTPException(404)
        return page(
            request,
            "section.html",
            title=content.SECTIONS[key],
            stories=content.by_section(key),
            recommended=content.recommended(),
            current=key,
        )

    async def article(request: Request) -> Response:
        story = content.by_slug(request.path_params["slug"])
        if story is None:
            raise HTTPException(404)
        # The stand-ins answer on this server's own port, under their own host names.
        port = request.url.port or (443 if request.url.scheme == "https" else 80)
        return page(
            request,
            "article.html",
            article=story,
            recommended=content.recommended(story),
            similar=content.similar(story),
            current=story.section,
            video=content.VIDEOS.get(story.slug),
            post=content.POSTS.get(story.slug),
            video_origin=f"//{VIDEO_HOST}:{port}",
            social_origin=f"//{SOCIAL_HOST}:{port}",
        )

    async def video_player(request: Request) -> Response:
        # The stand-in of a video service's embedded player: a page of its own, in a frame.
        video = content.video(request.path_params["id"])
        if video is None:
            raise HTTPException(404)
        return templates.TemplateResponse(request, "stand_in_video.html", {"video": video})

    async def social_post(request: Request) -> Response:
        post = content.post(request.path_params["id"])
        if post is None:
            raise HTTPException(404)
        return templates.TemplateResponse(request, "stand_in_post.html", {"post": post})

    async def cookie_policy(request: Request) -> Response:
        return page(request, "cookies.html", current="cookies")

    async def about(request: Request) -> Response:
        return page(request, "about.html", current="about")

    async def sync_pixel(request: Request) -> Response:
        # What an ad network's "cookie sync" pixel does: set its identifier from the server.
        # antechamber removes this Set-Cookie unless the visitor consented to Northwind Ads.
        response = Response(_PIXEL, media_type="image/gif", headers={"Cache-Control": "no-store"})
        visitor = request.cookies.get("nw_uid") or secrets.token_hex(8)
        response.set_cookie(
            "nw_uid", visitor, max_age=390 * 24 * 3600, httponly=True, samesite="lax"
        )
        return response

    async def not_found(request: Request, exc: Exception) -> Response:
        return page(request, "404.html", status_code=404, current="")

    app = Starlette(
        routes=[
            Route("/", front_page),
            Route("/section/{key}", section),
            Route("/article/{slug}", article),
            Route("/cookies", cookie_policy),
            Route("/about", about),
            Route("/partners/northwind/sync.gif", sync_pixel),
            Route("/stand-ins/video/{id}", video_player),
            Route("/stand-ins/chirp/post/{id}", social_post),
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        ],
        exception_handlers={404: not_found},
        middleware=[Middleware(SecurityHeaders)],
    )
    return app


def serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the demo with uvicorn until interrupted; its consent records go with it."""
    import uvicorn

    with tempfile.TemporaryDirectory(prefix="antechamber-demo-") as folder:
        data_dir = Path(folder)
        settings = demo_settings(data_dir, secrets.token_urlsafe(32))
        app = create_app(settings)
        base = f"http://{host}:{port}"
        print(
            "antechamber demo: using a development secret key generated for this run "
            "(secrets.token_urlsafe). Consent cookies stop verifying when the demo restarts; "
            "never use a generated key in production.",
            flush=True,
        )
        print(
            f"antechamber demo: consent records are written to {data_dir / 'consent.db'} "
            "(removed when the demo stops)"
        )
        print(
            "antechamber demo: every partner on the site is a local stand-in; "
            "no request leaves this machine."
        )
        if settings.preview:
            print(
                "antechamber demo: preview of the upgrade page as Internet Explorer 11 sees it: "
                f"{base}{settings.route_prefix}/preview?ua={quote(IE_11)}&lang=en"
            )
        print(f"antechamber demo: the site is at {base}/ (Ctrl+C to stop)", flush=True)
        uvicorn.run(app, host=host, port=port, log_level="info", ws="none")
