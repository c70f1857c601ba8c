"""Instructions per request, counted by callgrind: `scripts/bench --instructions`.

Wall times on a shared machine swing by a third between runs; the number of instructions a request
executes does not. Each scenario (one app, one page, one kind of visitor) runs in a fresh
`python -m benchmarks.counted` under `valgrind --tool=callgrind`, with PYTHONHASHSEED fixed and
every request built before counting starts (benchmarks/counted.py is the child,
benchmarks/callgrind.py starts and reads it).

The difference method: the child sends N requests, then 2N, and callgrind counts each batch
separately. A batch's count holds, beside its requests, a fixed part: starting the batch on the
event loop, callgrind switching on, the first calls after a pause. (2N batch - N batch) / N is
exactly N requests' worth, that fixed part cancelled; the interpreter's start, the imports, the
app's construction and the warm-up requests are never counted at all. (For never-seen UAs the
fixed part comes out negative: every new UA grows the caches, so later requests cost a little
more; the figure is then what the last 2N requests cost beyond the first N, per request.)

Scenarios, each against the same site without middleware ("bare"):
- static: a 6 KB static HTML page; antechamber's warm path (a current Chrome with its Client Hints,
  seen before; a valid consent cookie that accepted all; both halves) and Starlette's
  SessionMiddleware with a valid session cookie (the peer: a middleware reading a signed cookie).
- jinja: a Jinja2 page of 40 stories (23 KB, 414 escaped values), the same visitors; N/4
  requests, since each costs as much as 38 static ones.
- cold: the static page for User-Agents of uap-core's corpus (tests/corpora/uap-core) that
  `defaults` supports, every request's UA never seen before (its build number made new).
- 50k: a 50 KB page for a visitor who refused all: without partner embeds configured; and, once
  `Partner(embeds=...)` exists (issue 18), with a partner's embeds configured, on the page with 0
  and with 5 of its frames. Skipped, with a message, while the running code has no `embeds`.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ._harness import Figure, Report, Unavailable, need
from .callgrind import Count, Job, Run, count, tools

__all__ = ["Count", "Job", "Run", "bench", "count", "jobs", "main", "measure", "rows", "table"]
SECTION = "instructions"
GOAL = 1.5  # the static page's warm path, as a multiple of bare (issue 17)
# Issue 17's figures for today's code: (antechamber, SessionMiddleware) as multiples of bare.
ISSUE = {"static": (1.72, 2.47), "jinja": (1.05, 1.07)}
DEFAULT_REQUESTS, QUICK_REQUESTS = 200, 20
DEFAULT_UAS, QUICK_UAS = 100, 4


def supported_uas(limit: int) -> list[str]:
    """`limit` corpus UAs that `defaults` supports, spread evenly over the corpus."""
    from .apps import corpus

    policy = need("antechamber", "BrowserPolicy").BrowserPolicy("defaults")
    supported = [ua for ua in corpus() if policy.inspect(ua, None).verdict == "supported"]
    step = max(1, len(supported) // limit)
    return supported[::step][:limit]


def jobs(embeds: bool) -> list[Job]:
    out = []
    for page in ("static", "jinja"):
        out += [
            Job("bare", page),
            Job("antechamber", page, "accepted"),
            Job("session", page, "session"),
        ]
    out += [Job("bare", "static", cold=True), Job("antechamber", "static", "accepted", cold=True)]
    out += [Job("bare", "embeds0"), Job("antechamber", "embeds0", "refused")]
    if embeds:
        out += [
            Job("antechamber", "embeds0", "refused", partners=True),
            Job("bare", "embeds5"),
            Job("antechamber", "embeds5", "refused", partners=True),
        ]
    return out


def measure(requests: int, uas: int, jobs_: int = 2, only: set[str] | None = None) -> Run:
    """Count every scenario (or those named in `only`), `jobs_` processes at a time."""
    from .counted import consent_cookie, partner_settings, session_cookie

    tools()
    embeds = True
    skipped = []
    try:
        partner_settings()
    except LookupError as exc:
        embeds = False
        skipped.append(f"50 KB page with partner embeds (0 and 5 frames): skipped, {exc}")
    todo = [j for j in jobs(embeds) if only is None or j.scenario in only]
    cookies = {"accepted": consent_cookie("accept_all"), "refused": consent_cookie("reject_all")}
    cookies["session"] = session_cookie()
    if embeds:
        cookies["refused+partners"] = consent_cookie("reject_all", partners=True)
    chosen = supported_uas(uas) if any(j.cold for j in todo) else []
    run = Run(requests, chosen, cookies, skipped=skipped)
    with (
        tempfile.TemporaryDirectory(prefix="antechamber-callgrind-") as tmp,
        ThreadPoolExecutor(max_workers=max(1, jobs_)) as pool,
    ):
        for job, result in pool.map(lambda j: (j, count(j, run, Path(tmp))), todo):
            run.counts[job] = result
    return run


def k(value: float) -> str:
    return f"{value / 1000:,.1f}k"


def rows(run: Run) -> list[tuple[str, str, str, str, str, str]]:
    """(scenario, bare, antechamber, SessionMiddleware, issue 17's figures, goal) per line."""
    c = run.counts

    def get(app: str, page: str, visitor: str = "none", **kw: bool) -> Count | None:
        return c.get(Job(app, page, visitor, **kw))

    def cell(job: Count | None, base: Count | None) -> str:
        if job is None or base is None:
            return ""
        return f"{k(job.per_request)} ({job.per_request / base.per_request:.2f}x)"

    out = []
    titles = {
        "static": "static 6 KB page, warm (known UA, valid consent)",
        "jinja": "Jinja2 page of 40 stories, warm",
    }
    for page, title in titles.items():
        bare = get("bare", page)
        if bare is None:
            continue
        ante, session = get("antechamber", page, "accepted"), get("session", page, "session")
        issue = "{:.2f}x / {:.2f}x".format(*ISSUE[page])
        goal = f"≤ {GOAL}x" if page == "static" else "≤ before"
        out.append((title, k(bare.per_request), cell(ante, bare), cell(session, bare), issue, goal))
    bare, ante = (
        get("bare", "static", cold=True),
        get("antechamber", "static", "accepted", cold=True),
    )
    if bare and ante:
        added = f"; +{k(ante.per_request - bare.per_request)}"
        title = f"cold corpus UA, never seen ({len(run.uas)} UAs `defaults` supports), 6 KB page"
        out.append((title, k(bare.per_request), cell(ante, bare) + added, "", "", "≤ before"))
    bare, plain = get("bare", "embeds0"), get("antechamber", "embeds0", "refused")
    if bare and plain:
        title = "50 KB page, visitor refused all, no partner embeds configured"
        out.append((title, k(bare.per_request), cell(plain, bare), "", "", "(reference)"))
    scanned = get("antechamber", "embeds0", "refused", partners=True)
    if bare and plain and scanned:
        added = f"; +{k(scanned.per_request - plain.per_request)} for the scan"
        title = "the same with a partner's embeds configured, no frames in the page"
        out.append((title, k(bare.per_request), cell(scanned, bare) + added, "", "", "one scan"))
    bare5, five = get("bare", "embeds5"), get("antechamber", "embeds5", "refused", partners=True)
    if bare5 and five:
        title = "the same page with 5 of the partner's frames (placeholders)"
        out.append((title, k(bare5.per_request), cell(five, bare5), "", "", "(report)"))
    return out


def table(run: Run) -> str:
    lines = [
        "| instructions per request | bare | antechamber | SessionMiddleware | issue 17 | goal |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows(run)]
    return "\n".join(lines)


def bench(report: Report, *, quick: bool, requests: int | None = None, jobs: int = 2) -> Run:
    """Count every scenario; add the ratios to `report` and print the Markdown table."""
    n = requests or (QUICK_REQUESTS if quick else DEFAULT_REQUESTS)
    uas = min(n, QUICK_UAS if quick else DEFAULT_UAS)
    started = time.perf_counter()
    run = measure(n, uas, jobs)
    for job, result in run.counts.items():
        report.info(
            f"{job.app:<12} {job.page:<8} {job.visitor:<9}{' cold' if job.cold else '     '}"
            f"{' partners' if job.partners else '         '} HTTP {result.status} "
            f"{result.size:>7,} B  {result.per_request:>12,.0f} instr/request "
            f"(N={result.requests}; fixed part {result.fixed:>+10,.0f}; {result.seconds:.0f} s)"
        )
    c = run.counts
    for page, (issue_ante, issue_session) in ISSUE.items():
        bare = c[Job("bare", page)].per_request
        ante = c[Job("antechamber", page, "accepted")].per_request
        session = c[Job("session", page, "session")].per_request
        what = "static 6 KB page" if page == "static" else "Jinja2 page of 40 stories"
        report.add(
            Figure(
                SECTION,
                f"{what}: antechamber warm path vs bare",
                ante / bare,
                "x",
                GOAL if page == "static" else None,
                note=f"{k(ante)} vs {k(bare)} instr; issue: {issue_ante:.2f}x",
            )
        )
        report.add(
            Figure(
                SECTION,
                f"{what}: SessionMiddleware vs bare (the peer)",
                session / bare,
                "x",
                note=f"{k(session)} instr; issue: {issue_session:.2f}x",
            )
        )
    bare_cold = c[Job("bare", "static", cold=True)].per_request
    ante_cold = c[Job("antechamber", "static", "accepted", cold=True)].per_request
    report.add(
        Figure(
            SECTION,
            "cold corpus UA through antechamber vs bare",
            ante_cold / bare_cold,
            "x",
            note=f"{k(ante_cold)} vs {k(bare_cold)} instr, {len(run.uas)} UAs",
        )
    )
    for text in run.skipped:
        report.info(text)
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    report.info(
        f"{len(run.counts)} processes, {time.perf_counter() - started:.0f} s "
        f"({cpu.ru_utime + cpu.ru_stime:.0f} s of CPU in processes run so far)"
    )
    print("\n" + table(run), flush=True)
    return run


def main(quick: bool, requests: int | None, jobs: int, argv: list[str]) -> int:
    """`scripts/bench --instructions`: the figures, then the table for the README."""
    from .__main__ import machine

    print(f"antechamber instruction counts (callgrind): {machine()}", flush=True)
    print("\n## Instructions per request (callgrind)", flush=True)
    started = time.perf_counter()
    try:
        bench(Report(), quick=quick, requests=requests, jobs=jobs)
    except Unavailable as exc:
        print(f"cannot count instructions: {exc}", file=sys.stderr)
        return 1
    command = "scripts/bench" + "".join(f" {a}" for a in argv)
    print(f"\nCommand: `{command}` ({time.perf_counter() - started:.0f} s).", flush=True)
    return 0
