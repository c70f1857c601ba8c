"""Fixtures shared by the whole suite; each feature keeps its own next to its tests."""

from __future__ import annotations

import pytest

SECRET = "a-test-secret-of-some-length"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def secret() -> str:
    return SECRET
