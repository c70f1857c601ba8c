"""Run the benchmarks and print every figure beside its goal, then a Markdown table.

    scripts/bench                 # everything, about four minutes
    scripts/bench --quick         # fewer iterations (what the smoke test runs)
    scripts/bench --only policy   # one section (repeatable); sections: asgi, policy, mix,
                                  # pages, memory, server
    scripts/bench --profile warm  # where one scenario's time goes (py-spy); scenarios: warm,
                                  # cold, mix, upgrade, banner, inspect-cold, inspect-cached,
                                  # server (the warm path under uvicorn and wrk)
    scripts/bench --instructions  # instructions per request, counted by callgrind: the same
                                  # figures on every run (benchmarks/instructions.py), ~100 s of CPU
    scripts/bench --bytecodes     # where a warm request's bytecodes go, by function
                                  # (benchmarks/bytecodes.py); scenarios: static, jinja, embeds0/5

Every figure is a ratio to, or a difference from, a baseline measured in the same run, since the
machines this runs on are shared and noisy. A section whose antechamber piece cannot be imported
says so and is skipped.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import traceback
from collections.abc import Callable

from . import asgi, memory, mix, pages, policy, profile, server
from ._harness import Figure, Report, Unavailable

SECTIONS: dict[str, tuple[str, Callable[..., None]]] = {
    "asgi": ("1. In-process ASGI: warm path vs bare Starlette", asgi.bench),
    "policy": ("2. Policy: inspect cost vs user_agents.parse", policy.bench),
    "mix": ("3. Realistic mix: caniuse-weighted corpus, 20% never-seen UAs", mix.bench),
    "pages": ("4. Upgrade page and banner insertion", pages.bench),
    "memory": ("5. Memory: many requests, many distinct UAs", memory.bench),
    "server": ("6. Under uvicorn (uvloop, httptools) with wrk", server.bench),
    "records": ("7. Consent records, POSTs/s", __import__("benchmarks.records").records.bench),
}


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> str:
    return (
        f"{os.cpu_count()} cores ({cpu_model()}), Python {platform.python_version()} "
        f"({platform.python_implementation()}), {platform.system()} {platform.release()}"
    )


def table(report: Report, command: str, elapsed: float) -> str:
    lines = [
        f"Machine: {machine()}. Command: `{command}` ({elapsed:.0f} s).",
        "",
        "| Figure | Measured | Goal | |",
        "|---|---|---|---|",
    ]
    for fig in report.figures:
        note = f" ({fig.note})" if fig.note else ""
        lines.append(f"| {fig.name}{note} | {fig.shown()} | {fig.goal_shown()} | {fig.verdict} |")
    for name, why in report.skipped:
        lines.append(f"| {name}: {why} | | | |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="fewer iterations, for smoke tests")
    parser.add_argument(
        "--only",
        action="append",
        choices=list(SECTIONS),
        metavar="NAME",
        help=f"run only this section (repeatable): {', '.join(SECTIONS)}",
    )
    parser.add_argument(
        "--requests",
        type=int,
        default=None,
        help="requests for the memory section (default 1,000,000; quick 20,000), or for "
        "--profile (seconds for --profile server)",
    )
    parser.add_argument(
        "--profile",
        choices=profile.SCENARIOS,
        metavar="SCENARIO",
        help="instead of the figures, profile one scenario with py-spy: "
        + ", ".join(profile.SCENARIOS),
    )
    parser.add_argument(
        "--memory-seconds",
        type=float,
        default=None,
        help="time budget of the memory section (default: what is left of 5 minutes, at most "
        "150 s; quick 10 s)",
    )
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="instead of the timed figures, count instructions per request with callgrind "
        "(valgrind): --requests sets N (default 200; quick 20), --jobs the processes at a time",
    )
    parser.add_argument("--jobs", type=int, default=2, help="--instructions: processes at a time")
    parser.add_argument(
        "--bytecodes",
        nargs="?",
        const="static",
        metavar="SCENARIO",
        help="instead of the figures, count the bytecodes a warm request runs, by function "
        "(static, jinja, embeds0, embeds5; default static)",
    )
    args = parser.parse_args(argv)
    if args.bytecodes:
        from . import bytecodes  # its own mode, like --instructions

        print(bytecodes.report(args.bytecodes), flush=True)
        return 0
    if args.instructions:
        from . import instructions  # imported here: its own mode, beside the sections

        return instructions.main(args.quick, args.requests, args.jobs, argv or sys.argv[1:])
    if args.profile:
        try:
            print(profile.profile(args.profile, args.requests), flush=True)
        except Unavailable as exc:
            print(f"cannot profile: {exc}", file=sys.stderr)
            return 1
        return 0

    command = "scripts/bench" + "".join(f" {a}" for a in (argv or sys.argv[1:]))
    print(f"antechamber benchmarks: {machine()}", flush=True)
    report = Report()
    started = time.perf_counter()
    for key in [k for k in SECTIONS if not args.only or k in args.only]:
        title, fn = SECTIONS[key]
        print(f"\n## {title}", flush=True)
        t0 = time.perf_counter()
        try:
            kwargs = {}
            if key == "memory":
                seconds = args.memory_seconds
                if seconds is None and not args.quick:
                    # What is left of five minutes once the server section (~45 s) is counted.
                    seconds = min(150.0, max(20.0, 240.0 - (time.perf_counter() - started)))
                kwargs = {"requests": args.requests, "seconds": seconds}
            fn(report, quick=args.quick, **kwargs)
        except (Unavailable, ImportError) as exc:
            # ImportError: a piece imported deep inside antechamber has not landed yet
            print(f"  not available yet: {exc}", flush=True)
            report.skipped.append((title, f"not available yet: {exc}"))
        except Exception as exc:  # one broken section must not hide the others
            traceback.print_exc()
            report.skipped.append((title, f"failed: {type(exc).__name__}: {exc}"))
        print(f"  ({time.perf_counter() - t0:.1f} s)", flush=True)
    elapsed = time.perf_counter() - started
    if not args.only and not args.quick:
        print()
        report.add(Figure("run", "the whole run (all sections)", elapsed, "s", 300.0))
    misses = [f for f in report.figures if f.passed is False]
    print(f"\n## Summary ({elapsed:.0f} s; {len(misses)} goal(s) missed)\n", flush=True)
    print(table(report, command, elapsed), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
