"""Where a scenario's time goes, by py-spy: `scripts/bench --profile warm`.

py-spy samples the stacks of `python -m benchmarks.loop SCENARIO N` from outside the process, so
the profile costs the profiled code nothing. Only the samples taken while the scenario's requests
(or inspections) ran are counted. Each is charged to its *owner*: the innermost frame that belongs
to antechamber, to Starlette, to the benchmark's own app, to uvicorn, or (for the scenarios that
parse User-Agents, sampled with native frames) to ua-parser-rs; library and standard-library
frames in between count for the code that called them. What is left (the event loop, the driver)
is "other". The raw stacks are kept in test-output/ for flamegraph.pl or speedscope.

The `server` scenario is the warm path under uvicorn (uvloop, httptools) while wrk loads it, as
in the server section: py-spy attaches to the uvicorn process, and every sample counts.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ._harness import Unavailable

ROOT = Path(__file__).resolve().parents[1]
# Requests (or inspections) per scenario: a few seconds each on a 2-core machine.
REQUESTS = {
    "warm": 150_000,
    "cold": 30_000,
    "mix": 60_000,
    "upgrade": 60_000,
    "banner": 30_000,
    "inspect-cold": 30_000,
    "inspect-cached": 600_000,
}
SCENARIOS = (*REQUESTS, "server")
SERVER_SECONDS = 6  # of wrk, for the server scenario
# Scenarios whose cost is partly inside ua-parser-rs: sampled with native frames, so that the
# Rust automata are told apart from the Python around them.
NATIVE = frozenset({"cold", "mix", "inspect-cold"})
OWNERS = (
    ("ua_parser_rs", "ua-parser-rs (native)"),
    ("antechamber/", "antechamber"),
    ("starlette/", "Starlette"),
    ("benchmarks/apps.py", "the benchmark's app"),
    ("uvicorn/", "uvicorn"),
)
OTHER = "other (event loop, driver)"
_FRAME = re.compile(r"^(?P<name>.*) \((?P<where>[^()]*?)(?::\d+)?\)(?: \d+)?$")


@dataclass
class Profile:
    """Samples taken while the measured code ran, charged to owners and to antechamber's
    functions (inclusive: on the stack; own: antechamber's innermost frame)."""

    samples: int = 0
    owners: Counter[str] = field(default_factory=Counter)
    inclusive: Counter[str] = field(default_factory=Counter)
    own: Counter[str] = field(default_factory=Counter)


def _frame(text: str) -> tuple[str, str]:
    """A py-spy raw frame, "name (file:line)", as (name, file)."""
    match = _FRAME.match(text)
    return (match["name"], match["where"]) if match else (text, "")


def _measured(frames: list[tuple[str, str]]) -> list[tuple[str, str]] | None:
    """The frames below the benchmark driver, or None for a sample taken outside the measured
    loop (start-up, building the scenario)."""
    for i, (name, where) in enumerate(frames):
        if where.endswith("benchmarks/loop.py"):
            if name == "warm_up":
                return None
            if name == "_drive":
                return frames[i + 1 :]
            if name == "scenario" and i + 1 < len(frames) and frames[i + 1][0].endswith(".inspect"):
                return frames[i + 1 :]
    return None


def attribute(lines: Iterable[str], *, whole: bool = False) -> Profile:
    """A Profile from py-spy's raw (collapsed-stack) output: "frame;frame;... count" per line,
    outermost frame first. With `whole`, every sample counts (a server's)."""
    profile = Profile()
    for line in lines:
        stack, _, count = line.rstrip("\n").rpartition(" ")
        if not stack or not count.isdigit():
            continue
        stacked = [_frame(f) for f in stack.split(";")]
        frames = stacked if whole else _measured(stacked)
        if frames is None:
            continue
        n = int(count)
        profile.samples += n
        owner = next(
            (label for f in reversed(frames) for key, label in OWNERS if key in f[1]), OTHER
        )
        profile.owners[owner] += n
        ours = [f"{name} ({where})" for name, where in frames if "antechamber/" in where]
        for name in set(ours):
            profile.inclusive[name] += n
        if owner == "antechamber":
            profile.own[ours[-1]] += n
    return profile


def report(profile: Profile, top: int = 15) -> str:
    if not profile.samples:
        return "no samples were taken while the scenario ran"
    total = profile.samples
    lines = [f"{total:,} samples while the scenario ran. Whose code they were in:"]
    lines += [f"  {n / total:6.1%}  {owner}" for owner, n in profile.owners.most_common()]
    lines += ["antechamber's functions (on the stack / innermost antechamber frame):"]
    lines += [
        f"  {n / total:6.1%} {profile.own[name] / total:6.1%}  {name}"
        for name, n in profile.inclusive.most_common(top)
    ]
    return "\n".join(lines)


def py_spy() -> str:
    found = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(found).exists():
        raise Unavailable("py-spy is not installed (scripts/install installs the dev extras)")
    return found


def profile(scenario: str, requests: int | None = None, rate: int = 400) -> str:
    """Run `scenario` under py-spy; the report, with where the raw stacks were written."""
    if scenario not in SCENARIOS:
        raise SystemExit(f"unknown scenario {scenario!r}; one of {', '.join(SCENARIOS)}")
    out = ROOT / "test-output" / f"profile-{scenario}.txt"
    out.parent.mkdir(exist_ok=True)
    cmd = [py_spy(), "record", "--rate", str(rate), "--format", "raw", "--output", str(out)]
    if scenario in NATIVE:
        cmd.append("--native")
    if scenario == "server":
        seconds = requests or SERVER_SECONDS
        _record_server(cmd, seconds)
        head = f"py-spy, {rate} samples/s, the uvicorn process for {seconds} s of wrk"
    else:
        n = requests or REQUESTS[scenario]
        _record([*cmd, "--", sys.executable, "-m", "benchmarks.loop", scenario, str(n)])
        head = f"py-spy, {rate} samples/s, scenario {scenario!r}, {n:,} requests"
    with out.open(encoding="utf-8") as f:
        text = report(attribute(f, whole=scenario == "server"))
    return f"{head}\n{text}\nraw stacks: {out}"


def _record(cmd: list[str]) -> None:
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        # py-spy needs to ptrace what it samples: a container without CAP_SYS_PTRACE refuses.
        raise Unavailable(f"py-spy failed ({done.returncode}):\n{done.stderr[-2000:]}")


def _record_server(cmd: list[str], seconds: int) -> None:
    """Sample the uvicorn process serving the warm path while wrk loads it."""
    from .server import WRK, uvicorn_process, warm_headers, wrk

    if not Path(WRK).exists():
        raise Unavailable("wrk is not installed")
    headers = warm_headers()
    with uvicorn_process("antechamber_app") as (port, process):
        url = f"http://127.0.0.1:{port}/page"
        wrk(url, headers, 1)  # warm up
        load = threading.Thread(target=wrk, args=(url, headers, seconds + 2))
        load.start()
        try:
            time.sleep(1)
            _record([*cmd, "--duration", str(seconds), "--pid", str(process.pid)])
        finally:
            load.join()
