"""The benchmarks (`scripts/bench`) run on tiny inputs and give sane figures.

Nothing here is timed: whether a goal passes depends on the machine, and is `scripts/bench`'s
business. These tests only keep the benchmark code from rotting as antechamber changes.
"""

from __future__ import annotations

import math
import re
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


def test_the_embeds_benchmark_page_has_its_frames_and_antechamber_holds_them_back() -> None:
    from benchmarks import embeds

    page = embeds.page_with_embeds(5)
    assert page.count(b"<iframe") == 5 and page.count(b"</iframe>") == 5
    assert embeds.page_with_embeds(0) == apps.PAGE_50K
    app = apps.antechamber(embeds.site(), consent=embeds.partners())
    cookie = embeds.choice_cookie(app, "reject_all")
    held = _harness.run(_harness.call(app, apps.page_scope("/embeds/5", cookie=cookie)))
    assert held.body.count(b"<template data-ac-embed-original><iframe") == 5


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
        "5 frames held back as placeholders",
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


# py-spy's raw output: one stack per line, outermost frame first, then its sample count.
LOOP = "benchmarks/loop.py"
DRIVER = f"<module> ({LOOP}:83);scenario ({LOOP}:82);_drive ({LOOP}:30)"
SITE = f"{DRIVER};Antechamber.__call__ (antechamber/middleware.py:63)"
HTML = "antechamber/html.py"


def test_a_profile_charges_each_sample_to_its_innermost_owner() -> None:
    from benchmarks import profile

    raw = [
        f"{SITE};_Inserter.__call__ ({HTML}:470);_prepare ({HTML}:300) 6",
        f"{SITE};Starlette.__call__ (starlette/applications.py:92);_page (benchmarks/apps.py:77) 2",
        # A library called by Starlette counts for Starlette.
        f"{SITE};Starlette.__call__ (starlette/applications.py:92);render (jinja2/env.py:1) 1",
        f"{DRIVER};BaseEventLoop._run_once (asyncio/base_events.py:1922) 1",
        f"scenario ({LOOP}:47);BrowserPolicy.inspect (antechamber/browsers/policy.py:221);"
        "facts_of (antechamber/browsers/detect.py:761);"
        "resolve::h89 (ua_parser_rs/ua_parser_rs.abi3.so) 4",
        # Outside the measured loop: building the scenario, and the warm-up requests.
        f"scenario ({LOOP}:54);supported_templates (benchmarks/policy.py:70) 5",
        f"scenario ({LOOP}:81);warm_up ({LOOP}:36);_drive ({LOOP}:30);"
        "Antechamber.__call__ (antechamber/middleware.py:63) 7",
        "not a stack line",
    ]
    result = profile.attribute(raw)
    assert result.samples == 14
    assert result.owners == {
        "antechamber": 6,
        "the benchmark's app": 2,
        "Starlette": 1,
        "other (event loop, driver)": 1,
        "ua-parser-rs (native)": 4,
    }
    assert result.inclusive["Antechamber.__call__ (antechamber/middleware.py)"] == 9
    assert result.inclusive["facts_of (antechamber/browsers/detect.py)"] == 4
    assert result.own == {"_prepare (antechamber/html.py)": 6}
    assert "42.9%  antechamber" in profile.report(result)  # 6 of 14


def test_a_server_profile_counts_every_sample_and_charges_uvicorn_for_its_own_send() -> None:
    from benchmarks import profile

    cycle = "run (uvicorn/server.py:60);run_asgi (uvicorn/protocols/http/httptools_impl.py:409)"
    raw = [
        f"{cycle};Antechamber.__call__ (antechamber/middleware.py:63);"
        "Starlette.__call__ (starlette/applications.py:92);"
        "RequestResponseCycle.send (uvicorn/protocols/http/httptools_impl.py:500) 3",
        f"{cycle};Antechamber.__call__ (antechamber/middleware.py:63);header_map ({HTML}:139) 2",
        "run (uvicorn/server.py:60);run_forever (asyncio/base_events.py:607) 1",
    ]
    result = profile.attribute(raw, whole=True)
    assert result.samples == 6
    assert result.owners == {"uvicorn": 4, "antechamber": 2}
    assert profile.attribute(raw).samples == 0  # no benchmark driver: nothing measured


def test_profiling_a_scenario_with_py_spy_reports_where_its_time_went() -> None:
    from benchmarks import profile

    text = profile.profile("warm", requests=3_000)
    owners = text.split("Whose code they were in:\n")[1].split("antechamber's functions")[0]
    shares = {owner: float(share) for share, owner in re.findall(r"([\d.]+)%\s+(.+)", owners)}
    assert shares["antechamber"] > 10 and shares["Starlette"] > 10
    assert 99 < sum(shares.values()) < 101
    assert "(antechamber/web/" in text  # the web layer, rewriting the page, by name


# --- instructions per request (scripts/bench --instructions) -------------------------------------
# These run valgrind, which scripts/install installs: a machine without it fails here, on purpose.


def test_counting_instructions_measures_the_warm_path_and_its_peer_beside_bare(
    tmp_path: Path,
) -> None:
    from benchmarks import instructions as ins

    run = ins.measure(requests=40, uas=2, only={"static"})
    bare = run.counts[ins.Job("bare", "static")]
    warm = run.counts[ins.Job("antechamber", "static", "accepted")]
    session = run.counts[ins.Job("session", "static", "session")]
    assert {c.status for c in (bare, warm, session)} == {200}
    # The warm path is measured, not the banner: a decided visitor gets only the small link
    # (and its script) added to the 6 KB page.
    assert 100 < warm.size - bare.size < 2_000
    # A bare Starlette request costs tens of thousands of instructions; each middleware adds
    # to that, never takes away.
    assert 20_000 < bare.per_request < warm.per_request
    assert bare.per_request < session.per_request
    # Counted again in a fresh process, the same request costs the same, within 1%: what moves
    # between processes is glibc's malloc (the heap's layout), a few thousand instructions a
    # batch, which over 40 requests was up to 0.5% (scripts/bench's 200 bring it under 0.1%).
    again = ins.count(ins.Job("bare", "static"), run, tmp_path)
    assert abs(again.per_request - bare.per_request) <= 0.01 * bare.per_request
    table = ins.table(run)
    assert "| static 6 KB page, warm (known UA, valid consent) |" in table
    assert "1.72x / 2.47x" in table  # issue 17's figures, beside ours


def test_the_instruction_table_shows_every_scenario_with_its_ratio_to_bare() -> None:
    from benchmarks import instructions as ins

    def count(value: float) -> ins.Count:
        return ins.Count(value, 10, 0.0, 200, 6000, 1.0)

    per_request = {
        ("bare", "static", "none", False, False): 80_000,
        ("antechamber", "static", "accepted", False, False): 120_000,
        ("session", "static", "session", False, False): 200_000,
        ("bare", "jinja", "none", False, False): 3_000_000,
        ("antechamber", "jinja", "accepted", False, False): 3_090_000,
        ("session", "jinja", "session", False, False): 3_150_000,
        ("bare", "static", "none", True, False): 80_000,
        ("antechamber", "static", "accepted", True, False): 300_000,
        ("bare", "embeds0", "none", False, False): 500_000,
        ("antechamber", "embeds0", "refused", False, False): 600_000,
        ("antechamber", "embeds0", "refused", False, True): 610_000,
        ("bare", "embeds5", "none", False, False): 510_000,
        ("antechamber", "embeds5", "refused", False, True): 700_000,
    }
    run = ins.Run(200, ["ua"] * 100, {})
    run.counts = {ins.Job(*key): count(value) for key, value in per_request.items()}
    assert set(run.counts) == set(ins.jobs(embeds=True))  # every job the mode runs
    rows = {row[0]: row[1:] for row in ins.rows(run)}
    assert rows["static 6 KB page, warm (known UA, valid consent)"] == (
        "80.0k",
        "120.0k (1.50x)",
        "200.0k (2.50x)",
        "1.72x / 2.47x",
        "≤ 1.5x",
    )
    assert rows["Jinja2 page of 40 stories, warm"][1:3] == ("3,090.0k (1.03x)", "3,150.0k (1.05x)")
    cold = next(v for k, v in rows.items() if k.startswith("cold corpus UA"))
    assert cold[1] == "300.0k (3.75x); +220.0k"
    scan = rows["the same with a partner's embeds configured, no frames in the page"]
    assert scan[1] == "610.0k (1.22x); +10.0k for the scan"
    assert rows["the same page with 5 of the partner's frames (placeholders)"][1] == (
        "700.0k (1.37x)"
    )


# --- bytecodes per request (scripts/bench --bytecodes) -------------------------------------------


def test_counting_bytecodes_charges_each_to_the_function_it_ran_in() -> None:
    from benchmarks import bytecodes

    counts, requests = bytecodes.count("static", requests=5)
    assert requests == 5
    ours = {name for name in counts if name.startswith("antechamber/")}
    # The same request, five times: each of antechamber's functions runs the same bytecodes each
    # time (the event loop's own housekeeping does not).
    assert all(counts[name] % 5 == 0 for name in ours)
    assert any(name.endswith(":__call__") and "web/pipeline.py" in name for name in ours)
    assert any("browsers/gate.py" in name for name in ours)
    assert any(name.startswith("starlette/") for name in counts)  # the site's own, not ours
    report = bytecodes.report("static")
    assert report.splitlines()[0].startswith("bytecodes per request, scenario 'static'")
    assert "web/pipeline.py" in report


def test_an_unknown_bytecode_scenario_is_named_in_the_error() -> None:
    from benchmarks import bytecodes

    with pytest.raises(SystemExit, match="unknown scenario 'warm'"):
        bytecodes.report("warm")
