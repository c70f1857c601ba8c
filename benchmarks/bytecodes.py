"""Bytecodes per request, by function: `scripts/bench --bytecodes [SCENARIO]`.

Where `--instructions` says how much a request costs, this says where, in Python's own unit:
every bytecode the interpreter executes for a request, counted by a `sys.settrace` opcode
tracer and charged to the function it ran in (own, not inclusive). On the warm path a bytecode
costs about 95 instructions under callgrind, calls and allocations included, so a function's
share of the bytecodes is about its share of antechamber's instructions. Deterministic: the same
code gives the same counts on any machine.

Scenarios, as in `benchmarks/counted.py` (the same site and visitors): `static` (the warm path on
the 6 KB page, the default), `jinja`, `embeds0` and `embeds5` (the 50 KB pages, a visitor who
refused all, a partner's embeds configured).
"""

from __future__ import annotations

import sys
from collections import Counter
from types import FrameType
from typing import Any

from ._harness import run
from .counted import batches, build, consent_cookie, drive

SCENARIOS = ("static", "jinja", "embeds0", "embeds5")
REQUESTS = 100


def count(page: str, requests: int = REQUESTS) -> tuple[Counter[str], int]:
    """Bytecodes by function (`path:line:name`) over `requests` warm requests of `page`."""
    embeds = page.startswith("embeds")
    cookie = consent_cookie("reject_all" if embeds else "accept_all", partners=embeds)
    app = build("antechamber", partners=embeds)
    warm, once, _ = batches({"page": page, "cookie": cookie, "requests": requests})
    run(drive(app, warm))
    counts: Counter[str] = Counter()

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        frame.f_trace_opcodes = True
        code = frame.f_code
        where = code.co_filename.split("site-packages/")[-1].split("/src/")[-1]
        name = f"{where}:{code.co_firstlineno}:{code.co_name}"

        def each(frame: FrameType, event: str, arg: Any) -> Any:
            if event == "opcode":
                counts[name] += 1
            return each

        return each

    sys.settrace(tracer)
    try:
        run(drive(app, once))
    finally:
        sys.settrace(None)
    return counts, len(once)


def report(page: str = "static") -> str:
    if page not in SCENARIOS:
        raise SystemExit(f"--bytecodes: unknown scenario {page!r}; one of {', '.join(SCENARIOS)}")
    counts, requests = count(page)
    ours = {k: v for k, v in counts.items() if k.startswith("antechamber/")}
    lines = [
        f"bytecodes per request, scenario {page!r} ({requests} warm requests): "
        f"{sum(counts.values()) / requests:,.0f} in all, "
        f"{sum(ours.values()) / requests:,.0f} in antechamber",
    ]
    for name, value in Counter(ours).most_common(40):
        lines.append(f"{value / requests:8.0f}  {name}")
    return "\n".join(lines)
