"""App factories for uvicorn (`uvicorn --factory benchmarks.serve:NAME`), used by server.py."""

from __future__ import annotations

import os
from typing import Any

from . import apps


def bare_app() -> Any:
    return apps.bare()


def antechamber_app() -> Any:
    return apps.antechamber()


def minimal_app() -> Any:
    return apps.minimal()


def consent_log_app() -> Any:
    """Both halves, consent records written to the SQLite file named by BENCH_CONSENT_DB."""
    return apps.antechamber(consent={"log": f"sqlite:///{os.environ['BENCH_CONSENT_DB']}"})
