"""The benchmarks (`scripts/bench`) run on tiny inputs and give sane figures.

Nothing here is timed: whether a goal passes depends on the machine, and is `scripts/bench`'s
business. These tests only keep the benchmark code from rotting as antechamber changes.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

# `python -m pytest` (scripts/test) has the repository on sys.path; a bare `pytest` does not.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import __main__ as bench_main
from benchmarks import _harness, apps


def test_compare_times_every_case_in_every_round() -> None:
    cases = [
        _harness.Case("plain", apps.bare(), apps.page_scope("/")),
        _harness.Case("page", apps.bare(), apps.page_scope("/page")),
    ]
    result = _harness.compare(cases, rounds=2, batch_seconds=0.001)
    assert [len(t.per_round) for t in result.timings.values()] == [2, 2]
    assert all(us > 0 for t in result.timings.values() for us in t.per_round)
    assert math.isfinite(result.ratio("page", "plain")) and result.ratio("page", "plain") > 0
    assert math.isfinite(result.added("page", "plain"))


def test_the_bare_app_serves_the_pages_the_benchmarks_compare() -> None:
    page = _harness.run(_harness.call(apps.bare(), apps.page_scope("/page")))
    assert page.status == 200 and page.body == apps.PAGE
    big = _harness.run(_harness.call(apps.bare(), apps.page_scope("/page50k")))
    assert big.body == apps.PAGE_50K and 50_000 < len(big.body) < 52_000


def test_the_minimal_reference_does_the_warm_path_job_it_is_compared_for() -> None:
    scope = apps.page_scope("/page", cookie="antechamber_consent=x")
    page = _harness.run(_harness.call(apps.minimal(), scope))
    assert page.status == 200
    assert page.body == apps.PAGE.replace(b"</body>", apps.Minimal.INSERT + b"</body>")
    assert page.header("content-length") == [str(len(page.body))]
    assert page.header("vary") == ["Cookie, Accept-Language, Sec-GPC"]
    plain = _harness.run(_harness.call(apps.minimal(), apps.page_scope("/")))
    assert plain.body == b"Hello, world!"  # not a page: left alone


def test_a_mutated_user_agent_is_new_but_the_same_browser() -> None:
    chrome = apps.CHROME.format(v="120").replace("120.0.0.0", "120.0.6099.109")
    first, second = apps.mutate(chrome), apps.mutate(chrome)
    assert len({chrome, first, second}) == 3
    assert "Chrome/120.0." in first and first.endswith("Safari/537.36")


def test_the_corpus_is_read_with_its_distinct_user_agents() -> None:
    uas = apps.corpus()
    assert len(uas) > 1000 and len(set(uas)) == len(uas)


@pytest.mark.parametrize(
    ("value", "goal", "op", "passed"),
    [
        (1.2, 1.5, "<=", True),
        (1.6, 1.5, "<=", False),
        (0.9, 0.8, ">=", True),
        (3.0, None, "<=", None),
    ],
)
def test_a_figure_is_judged_against_its_goal(
    value: float, goal: float | None, op: str, passed: bool | None
) -> None:
    figure = _harness.Figure("s", "name", value, "x", goal, op)
    assert figure.passed is passed
    assert figure.verdict == {True: "PASS", False: "MISS", None: ""}[passed]


def test_a_quick_run_of_the_in_process_sections_prints_every_figure_and_a_table(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["--quick", "--requests", "2000"]
    for name in ("asgi", "policy", "mix", "pages", "memory"):
        args += ["--only", name]
    assert bench_main.main(args) == 0
    out = capsys.readouterr().out
    assert "not available yet" not in out and "failed:" not in out
    assert "| Figure | Measured | Goal | |" in out
    for expected in (
        "warm path",
        "cold inspect",
        "realistic mix",
        "upgrade page",
        "banner",
        "RSS growth",
    ):
        assert expected in out


@pytest.mark.load
def test_a_quick_run_under_uvicorn_and_wrk_reports_requests_per_second(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert bench_main.main(["--quick", "--only", "server"]) == 0
    out = capsys.readouterr().out
    assert "not available yet" not in out and "failed:" not in out
    assert "req/s" in out and "records written" in out
