"""Issue 17, cases 2, 3 and 11: only a whole HTML document answering a page navigation is
rewritten; ranges, downloads, partials and frames arrive as the app made them."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Mount
from starlette.types import Receive, Scope, Send
from web_site import BANNER, DATA, INDEX, choose, client, protect, site, write_site

pytestmark = pytest.mark.anyio


async def test_a_byte_range_of_a_page_is_the_files_own_bytes(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site")
    async with client(protect(site(root))) as http:
        response = await http.get("/file", headers={"Range": "bytes=0-99"})
    whole = (root / "page.html").read_bytes()
    assert response.status_code == 206
    assert response.content == whole[:100]
    assert response.headers["content-range"] == f"bytes 0-99/{len(whole)}"


async def test_a_download_is_saved_as_the_app_made_it(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site")
    async with client(protect(site(root))) as http:
        response = await http.get("/export")
    assert response.headers["content-disposition"].startswith("attachment")
    assert response.content == (root / "page.html").read_bytes()


async def test_the_page_itself_gets_the_banner(tmp_path: Path) -> None:
    async with client(protect(site(write_site(tmp_path / "site")))) as http:
        response = await http.get("/file", headers={"Sec-Fetch-Dest": "document"})
    assert response.text.count(BANNER) == 1
    assert response.headers["content-length"] == str(len(response.content))


@pytest.mark.parametrize(
    "headers",
    [
        {"HX-Request": "true"},
        {"X-Requested-With": "XMLHttpRequest"},
        {"Sec-Fetch-Dest": "empty", "Sec-Fetch-Mode": "cors"},
        {"Sec-Fetch-Dest": "iframe", "Sec-Fetch-Mode": "navigate"},
    ],
    ids=["htmx", "xhr", "fetch", "iframe"],
)
async def test_a_script_request_or_a_frame_gets_the_page_as_the_app_made_it(
    tmp_path: Path, headers: dict[str, str]
) -> None:
    async with client(protect(site(write_site(tmp_path / "site")))) as http:
        response = await http.get("/", headers=headers)
    assert response.text == INDEX


async def test_an_html_fragment_is_not_a_document(tmp_path: Path) -> None:
    async with client(protect(site(write_site(tmp_path / "site")))) as http:
        response = await http.get("/partial", headers={"Sec-Fetch-Dest": "document"})
    assert response.text == '<tr id="row-1"><td>Row</td></tr>'


async def test_a_mounted_app_answers_consent_under_its_root_path(tmp_path: Path) -> None:
    inner = protect(site(write_site(tmp_path / "site")))
    outer = Starlette(routes=[Mount("/shop", app=inner)])
    async with client(outer) as http:
        page = await http.get("/shop/")
        assert 'action="/shop/_antechamber/consent"' in page.text
        assert '"prefix":"/shop/_antechamber"' in page.text
        await choose(http, "reject_all", prefix="/shop")
        after = await http.get("/shop/")
    assert DATA in after.text and BANNER not in after.text
    assert '"analytics":false' in after.text


async def test_a_mounted_app_serves_antechambers_assets_under_its_root_path(
    tmp_path: Path,
) -> None:
    inner = protect(site(write_site(tmp_path / "site")))
    outer = Starlette(routes=[Mount("/shop", app=inner)])
    async with client(outer) as http:
        page = await http.get("/shop/")
        script = page.text.split('<script src="')[1].split('"')[0]
        assert script.startswith("/shop/_antechamber/static/consent.js")
        asset = await http.get(script)
    assert asset.status_code == 200
    assert "antechamber-consent-data" in asset.text


async def test_a_post_answered_with_a_page_is_a_navigation_too(tmp_path: Path) -> None:
    app = protect(site(write_site(tmp_path / "site"), **{"/form": lambda r: HTMLResponse(INDEX)}))
    async with client(app) as http:
        response = await http.post("/form", headers={"Sec-Fetch-Dest": "document"})
    assert response.text.count(BANNER) == 1


async def test_an_element_hook_rewrites_elements_in_markup_only() -> None:
    """The plug for server-side embed blocking: a half registers a hook on the visit."""
    from antechamber.web import Half, Pipeline, Visit
    from antechamber.web.scan import Element

    def placeholder(element: Element) -> bytes | None:
        if element.name == "iframe" and "youtube" in element.attributes.get("src", ""):
            return b'<div class="placeholder">YouTube</div>'
        return None

    class Embeds(Half):
        def admit(self, visit: Visit) -> None:
            visit.element_hooks.append(lambda visit: placeholder)

    page = (
        "<!DOCTYPE html><body><script>var s = '<iframe src=\"https://youtube.com/x\">';</script>"
        '<iframe src="https://www.youtube.com/embed/x"></iframe><p>x</p></body>'
    )

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await HTMLResponse(page)(scope, receive, send)

    async with client(Pipeline(app, [Embeds()])) as http:  # type: ignore[list-item]
        response = await http.get("/")
    assert response.text == page.replace(
        '<iframe src="https://www.youtube.com/embed/x"></iframe>',
        '<div class="placeholder">YouTube</div>',
    )
    assert "content-length" not in response.headers or response.headers["content-length"] == str(
        len(response.content)
    )


async def test_pages_alike_at_both_ends_each_get_the_markup_where_their_own_markup_ends() -> None:
    # Same length, same first and last 300 bytes: only the middle tells them apart. In one the
    # first `</body>` is markup; in the other it is inside a textarea. Each is sent twice, in
    # turn, so that the second of each is answered after the other was seen.
    ends = "<!-- " + "x" * 300 + " -->"
    head = f"<!doctype html><html><body>{ends}\n"
    tail = f"\n<p>after</p></body></html>{ends}"
    markup_first = head + "<p>one two three!</p></body>" + tail
    textarea_first = head + "<textarea></body></textarea>" + tail
    assert len(markup_first) == len(textarea_first)

    async def endpoint(scope: Scope, receive: Receive, send: Send) -> None:
        page = markup_first if scope["path"] == "/a" else textarea_first
        await HTMLResponse(page)(scope, receive, send)

    async with client(protect(endpoint)) as http:
        for _ in range(2):
            for path, page in (("/a", markup_first), ("/b", textarea_first)):
                response = await http.get(path)
                text = response.text
                at = page.index("</body>", len(head) + 20)  # the first one in markup
                assert text.startswith(page[:at]) and text.endswith(page[at:])
                assert BANNER in text[at : len(text) - len(page) + at]
                assert response.headers["content-length"] == str(len(response.content))
