"""One process's instructions per request under callgrind (the mechanism behind
`scripts/bench --instructions`; benchmarks/instructions.py says what is measured and why).

`count(job, run, tmp)` starts `python -m benchmarks.counted SPEC` under `valgrind --tool=callgrind
--instr-atstart=no --dump-before=getppid`, switches instrumentation on with `callgrind_control`
once the child says `ready`, tells it `go`, and reads the dumps of its N and 2N batches: the
figure is (2N batch - N batch) / N.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from ._harness import Unavailable

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Job:
    """One fresh process under callgrind: an app, a page and a visitor."""

    app: str  # bare, antechamber, session
    page: str  # a key of counted.PATHS
    visitor: str = "none"  # none, accepted, refused, session
    cold: bool = False
    partners: bool = False

    @property
    def scenario(self) -> str:
        """static, jinja, cold or 50k."""
        return "cold" if self.cold else "50k" if self.page.startswith("embeds") else self.page


@dataclass
class Count:
    per_request: float  # instructions
    requests: int  # N
    fixed: float  # the part of a batch that is not requests (cancelled by the difference)
    status: int
    size: int
    seconds: float


@dataclass
class Run:
    requests: int
    uas: list[str]
    cookies: dict[str, str]
    counts: dict[Job, Count] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


def tools() -> tuple[str, str]:
    valgrind, control = shutil.which("valgrind"), shutil.which("callgrind_control")
    if not valgrind or not control:
        raise Unavailable("valgrind is not installed (scripts/install installs Debian's valgrind)")
    return valgrind, control


def requests(job: Job, run: Run) -> int:
    """N for `job`: a pass over the chosen UAs when cold; a quarter of N for the Jinja2 page,
    whose requests cost 40 times a static page's."""
    if job.cold:
        return len(run.uas)
    return max(2, run.requests // 4) if job.page == "jinja" else run.requests


def count(job: Job, run: Run, tmp: Path) -> Count:
    """Run `job` in a fresh Python under callgrind; its instructions per request."""
    valgrind, control = tools()
    name = f"{job.app}-{job.page}-{job.visitor}{'-cold' if job.cold else ''}"
    name += "-partners" if job.partners else ""
    spec = {
        "app": job.app,
        "page": job.page,
        "requests": requests(job, run),
        "cookie": run.cookies.get(f"{job.visitor}{'+partners' if job.partners else ''}"),
        "uas": run.uas if job.cold else None,
        "partners": job.partners,
    }
    spec_path, out = tmp / f"{name}.json", tmp / f"{name}.cg"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    cmd = [
        valgrind,
        "--tool=callgrind",
        "--quiet",
        "--instr-atstart=no",
        "--dump-before=getppid",
        "--dump-line=no",
        f"--callgrind-out-file={out}",
        sys.executable,
        "-m",
        "benchmarks.counted",
        str(spec_path),
    ]
    # A fixed environment, not this process's: its size shifts where the child's heap and stack
    # lie, which moved counts by up to 0.2% (glibc's malloc takes other paths). PYTHONPATH is
    # passed on, so that the child imports the antechamber this process imported.
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    env = {"PYTHONHASHSEED": "0", "PYTHONPATH": path, "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"}
    started = time.perf_counter()
    with (
        open(tmp / f"{name}.log", "w+", encoding="utf-8") as log,
        subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        ) as child,
    ):
        assert child.stdin is not None and child.stdout is not None
        try:
            line = child.stdout.readline()
            if not line.startswith("ready "):
                child.wait(timeout=60)
                log.seek(0)
                raise RuntimeError(f"{name}: the child did not start:\n{log.read()[-3000:]}")
            check = json.loads(line.split(" ", 1)[1])
            subprocess.run([control, "-i", "on", str(child.pid)], check=True, capture_output=True)
            child.stdin.write("go\n")
            child.stdin.flush()
            if child.wait(timeout=600) != 0:
                log.seek(0)
                raise RuntimeError(f"{name}: exit {child.returncode}:\n{log.read()[-3000:]}")
        finally:
            if child.poll() is None:
                child.kill()
    once, twice = totals(Path(f"{out}.2")), totals(Path(f"{out}.3"))
    n = requests(job, run)
    return Count(
        (twice - once) / n, n, 2 * once - twice, check["status"], check["bytes"],
        time.perf_counter() - started,
    )  # fmt: skip


def totals(path: Path) -> int:
    """The instruction count of one callgrind dump."""
    if not path.exists():
        raise RuntimeError(f"callgrind wrote no {path.name}: did a marker call go missing?")
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith(("totals:", "summary:")):
            return int(line.split()[1])
    raise RuntimeError(f"{path} has no totals line")
