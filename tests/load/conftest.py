"""Fixtures for the load tests (uvicorn on 127.0.0.1, wrk, SIGKILL); helpers in load_support.py."""

from __future__ import annotations

import pytest


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
