"""Issue 17, case 1: a rewritten page's validators name its variant; withdrawn consent never
comes back through a 304 (stock StaticFiles, FileResponse)."""

from __future__ import annotations

from pathlib import Path

import pytest
from web_site import DATA, choose, client, protect, site, write_site

pytestmark = pytest.mark.anyio


async def test_a_copy_made_before_withdrawal_is_never_revalidated(tmp_path: Path) -> None:
    app = protect(site(write_site(tmp_path / "site")))
    async with client(app) as http:
        await choose(http, "accept_all")
        accepted = await http.get("/")
        assert '"analytics":true' in accepted.text
        etag = accepted.headers["etag"]
        await choose(http, "reject_all")
        again = await http.get("/", headers={"If-None-Match": etag})
        assert again.status_code == 200
        assert '"analytics":false' in again.text
        assert again.headers["etag"] != etag


async def test_the_same_variant_is_revalidated_with_a_304_that_carries_the_vary_of_its_200(
    tmp_path: Path,
) -> None:
    app = protect(site(write_site(tmp_path / "site")))
    async with client(app) as http:
        await choose(http, "reject_all")
        page = await http.get("/")
        again = await http.get("/", headers={"If-None-Match": page.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == page.headers["etag"]
    assert again.headers["vary"] == page.headers["vary"]
    assert "Cookie" in page.headers["vary"]


async def test_the_apps_own_etag_is_not_a_validator_of_the_rewritten_page(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site")
    app = protect(site(root))
    async with client(app) as http:
        bare = await http.get("/", headers={"Sec-Fetch-Dest": "empty"})  # not rewritten
        assert DATA not in bare.text
        page = await http.get("/", headers={"If-None-Match": bare.headers["etag"]})
    assert page.status_code == 200
    assert DATA in page.text
    assert page.headers["etag"] != bare.headers["etag"]


async def test_a_date_never_revalidates_a_rewritten_page(tmp_path: Path) -> None:
    app = protect(site(write_site(tmp_path / "site")))
    async with client(app) as http:
        await choose(http, "accept_all")
        page = await http.get("/")
        await choose(http, "reject_all")
        again = await http.get("/", headers={"If-Modified-Since": page.headers["last-modified"]})
    assert again.status_code == 200
    assert '"analytics":false' in again.text


@pytest.mark.parametrize("validator", ["etag", "last-modified"])
async def test_a_range_of_a_rewritten_copy_is_answered_with_the_whole_page(
    tmp_path: Path, validator: str
) -> None:
    app = protect(site(write_site(tmp_path / "site")))
    async with client(app) as http:
        page = await http.get("/file")
        resumed = await http.get(
            "/file", headers={"Range": "bytes=100-", "If-Range": page.headers[validator]}
        )
    assert resumed.status_code == 200
    assert resumed.content == page.content
    assert "accept-ranges" not in page.headers
