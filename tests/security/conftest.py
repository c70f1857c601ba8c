"""Fixtures for the security tests; the app and the helpers live in security_support.py."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from security_support import close_runner
from security_support import make_app as _make_app

from antechamber import Antechamber


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def make_app() -> Callable[..., Antechamber]:
    """`make_app(**settings)`: Antechamber on the small site (see security_support.make_app)."""

    def factory(**settings: Any) -> Antechamber:
        return _make_app(**settings)

    return factory


@pytest.fixture(scope="session", autouse=True)
def _one_event_loop_for_hypothesis() -> Iterator[None]:
    yield
    close_runner()
