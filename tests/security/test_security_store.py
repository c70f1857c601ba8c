"""The consent record store failing: a choice that was not recorded is not confirmed, the error is
logged so that an operator can act on it, and the site keeps serving pages.

(The disk-full case, with a real server and a file-size limit, is in tests/load.)
"""

from __future__ import annotations

import logging
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from security_support import BASE_URL, COOKIE, make_app

pytestmark = pytest.mark.anyio

PREFIX = "/_antechamber"
SAME_ORIGIN = {"origin": BASE_URL, "sec-fetch-site": "same-origin"}


def broken_stores(tmp_path: Path) -> dict[str, str]:
    directory = tmp_path / "a-directory.db"
    directory.mkdir()
    not_a_database = tmp_path / "garbage.db"
    not_a_database.write_bytes(b"this is not an SQLite database file\x00" * 100)
    return {
        "a directory": str(directory),
        "a missing directory": str(tmp_path / "missing" / "consent.db"),
        "not a database": str(not_a_database),
    }


@pytest.mark.parametrize("case", ["a directory", "a missing directory", "not a database"])
async def test_a_choice_the_store_could_not_keep_is_not_confirmed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, case: str
) -> None:
    path = broken_stores(tmp_path)[case]
    app = make_app(consent={"log": f"sqlite:///{path}"})
    caplog.set_level(logging.ERROR, logger="antechamber.consent")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL) as c:
        as_json = await c.post(
            f"{PREFIX}/consent", json={"action": "accept_all"}, headers=SAME_ORIGIN
        )
        as_form = await c.post(
            f"{PREFIX}/consent",
            content=urlencode({"action": "reject_all", "next": "/"}),
            headers={"content-type": "application/x-www-form-urlencoded", **SAME_ORIGIN},
        )
        state = await c.get(f"{PREFIX}/consent")
        page = await c.get("/", headers={"accept": "text/html"})
        data = await c.get("/api/data")

    for response in (as_json, as_form):
        assert response.status_code == 503, response.text
        assert COOKIE not in response.headers.get("set-cookie", "")
        assert "location" not in response.headers
    assert as_json.json()["error"]
    assert state.json()["decided"] is False
    assert page.status_code == 200 and 'id="antechamber-consent-banner"' in page.text
    assert data.status_code == 200
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors, "the failure was not logged"
    message = errors[0].getMessage() + str(errors[0].exc_info[1] if errors[0].exc_info else "")
    assert "could not" in message and path in message, message


async def test_the_store_recovers_once_the_database_can_be_written_again(tmp_path: Path) -> None:
    path = tmp_path / "later" / "consent.db"
    app = make_app(consent={"log": f"sqlite:///{path}"})
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL) as c:
        failed = await c.post(
            f"{PREFIX}/consent", json={"action": "accept_all"}, headers=SAME_ORIGIN
        )
        path.parent.mkdir()
        recorded = await c.post(
            f"{PREFIX}/consent", json={"action": "accept_all"}, headers=SAME_ORIGIN
        )
    assert failed.status_code == 503
    assert recorded.status_code == 200
    with closing(sqlite3.connect(path)) as db:
        rows: list[Any] = db.execute("SELECT consent_id FROM consent_records").fetchall()
    assert rows == [(recorded.json()["consent_id"],)]
