"""Fixtures for the consent tests; the helpers live in consent_helpers.py."""

from __future__ import annotations

import pytest


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
