"""Fixtures shared by the whole suite; each feature keeps its own next to its tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from postgres_cluster import Cluster, PostgresUnavailable, remove_cluster, start_cluster

SECRET = "a-test-secret-of-some-length"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def secret() -> str:
    return SECRET


# -- a real PostgreSQL server (postgres_cluster.py), started once per session when a test asks ---


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    """A throwaway PostgreSQL cluster. A server that cannot be started fails the tests that need
    it; only a developer may opt out with ANTECHAMBER_SKIP_POSTGRES=1 (never set in CI)."""
    if os.environ.get("ANTECHAMBER_SKIP_POSTGRES") == "1" and not os.environ.get("CI"):
        pytest.skip("ANTECHAMBER_SKIP_POSTGRES=1: PostgreSQL tests skipped on this machine")
    try:
        cluster = start_cluster()
    except PostgresUnavailable as error:
        pytest.fail(f"could not start PostgreSQL for the tests: {error}", pytrace=False)
    yield cluster
    remove_cluster(cluster)


@pytest.fixture
def postgres_database(postgres_cluster: Cluster) -> Iterator[str]:
    """The URL of a new, empty database on the session's server, dropped after the test."""
    url = postgres_cluster.create_database()
    yield url
    postgres_cluster.drop_database(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty consent store, once of each kind: tests run on both databases."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'consent.db'}"
    url: str = request.getfixturevalue("postgres_database")
    return url
