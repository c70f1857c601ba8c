"""The README's first example runs as written and shows what the README says it shows."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/140.0.0.0 Safari/537.36"
)
IE_11 = "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko"


def fastapi_example() -> Any:
    blocks = re.findall(r"```python\n(# app\.py.*?)```", README, flags=re.DOTALL)
    assert len(blocks) == 1, "the README has one `# app.py` example"
    namespace: dict[str, Any] = {}
    exec(compile(blocks[0], "README.md (app.py)", "exec"), namespace)
    return namespace["app"]


def test_the_install_line_brings_what_the_example_imports() -> None:
    install = re.search(r"pip install -e (\S+) (.*)", README)
    assert install is not None
    assert install.group(1) == '".[demo]"'  # uvicorn, which the example is run with
    assert "fastapi" in install.group(2).split()


@pytest.mark.anyio
async def test_the_fastapi_example_shows_the_banner_and_turns_away_ie_11() -> None:
    transport = httpx.ASGITransport(app=fastapi_example())
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as client:
        page = await client.get("/", headers={"user-agent": CHROME, "accept": "text/html"})
        old = await client.get("/", headers={"user-agent": IE_11, "accept": "text/html"})
    assert page.status_code == 200
    assert "<h1>Hello</h1>" in page.text
    assert 'name="action" value="accept_all"' in page.text
    assert 'name="action" value="reject_all"' in page.text
    assert old.status_code == 406
    assert "<h1>Hello</h1>" not in old.text
