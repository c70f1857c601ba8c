"""Run one benchmark scenario in a loop, for a profiler to look at:

    scripts/bench --profile warm                          # py-spy, charged to owners (profile.py)
    .venv/bin/pyinstrument -r text -m benchmarks.loop warm [REQUESTS]

Scenarios: warm (the warm path), cold (never-seen UAs of supported browsers through the
middleware, as in the policy section), mix (the
realistic mix), upgrade (the upgrade page for IE 11), banner (an undecided visitor on the 50 KB
page), inspect-cold (BrowserPolicy.inspect on never-seen UAs), inspect-cached.
"""

from __future__ import annotations

import itertools
import random
import sys
from typing import Any

from ._harness import Scope, run, with_header
from .apps import antechamber, consent_cookie, corpus, fresh_uas, mutate, page_scope


async def _drive(app: Any, scopes: list[Scope]) -> None:
    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        return None

    for scope in scopes:
        await app(dict(scope), receive, send)


async def warm_up(app: Any, scopes: list[Scope]) -> None:
    """The first requests (templates compiled, caches filled), kept out of profiles."""
    await _drive(app, scopes)


def scenario(name: str, n: int) -> None:
    if name.startswith("inspect"):
        from .policy import make_policy

        policy = make_policy()
        uas = list(itertools.islice(fresh_uas(corpus()), n)) if name == "inspect-cold" else None
        if uas is None:
            for ua in corpus():
                policy.inspect(ua, None)
            uas = list(itertools.islice(itertools.cycle(corpus()), n))
        for ua in uas:
            policy.inspect(ua, None)
        return
    app = antechamber()
    cookie = consent_cookie()
    base = page_scope("/page", cookie=cookie, ua="")  # UA set per request, no Client Hints
    if name == "warm":
        scopes = [page_scope("/page", cookie=cookie)] * n
    elif name == "cold":
        from .policy import supported_templates

        templates = supported_templates(corpus())
        scopes = [
            with_header(base, "user-agent", ua) for ua in itertools.islice(fresh_uas(templates), n)
        ]
    elif name == "mix":
        from .mix import FRESH_SHARE, weights

        uas, shares, _ = weights()
        rng = random.Random(1)
        scopes = [
            with_header(base, "user-agent", mutate(ua) if rng.random() < FRESH_SHARE else ua)
            for ua in rng.choices(uas, weights=shares, k=n)
        ]
    elif name == "upgrade":
        from .pages import IE_11

        scopes = [page_scope("/page", cookie=cookie, ua=IE_11)] * n
    elif name == "banner":
        scopes = [page_scope("/page50k")] * n
    else:
        raise SystemExit(f"unknown scenario {name!r}; see python -m benchmarks.loop --help")
    run(warm_up(app, scopes[:100]))
    run(_drive(app, scopes))


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        raise SystemExit(0)
    scenario(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 20_000)
