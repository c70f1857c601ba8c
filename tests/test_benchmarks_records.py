"""The consent records benchmark (`scripts/bench --only records`) runs and counts its records."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import __main__ as bench_main


def test_a_quick_run_reports_choice_posts_per_second_for_both_stores(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert bench_main.main(["--quick", "--only", "records"]) == 0
    out = capsys.readouterr().out
    for store in ("SQLite", "PostgreSQL"):
        line = next(x for x in out.splitlines() if f"records in {store} (" in x and x[0] == "|")
        figure = re.search(r"\| ([\d,]+) req/s \|", line)
        records = re.search(r"; ([\d,]+) records\)", line)
        assert figure and records, line
        # Every second of wrk made choices, and each acknowledged choice left a record.
        assert int(figure.group(1).replace(",", "")) > 0
        assert int(records.group(1).replace(",", "")) > 0
    assert "not available yet" not in out and "failed:" not in out
