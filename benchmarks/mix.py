"""A realistic mix of browsers, weighted by how much each is actually used.

Method:
1. Every User-Agent of uap-core's test_ua.yaml is inspected once (a throwaway `BrowserPolicy`
   with `defaults`) to learn its caniuse agent and version.
2. That version is matched to the caniuse version entry that covers it (`"17.2.1"` to
   `"17.2"`, `"18.6"` to `"18.5-18.7"`) and the entry's global usage share, as shipped in
   antechamber's caniuse snapshot (`Agent.usage_global`), is spread evenly over the corpus UAs
   that map to it. Bots, unknown UAs and versions caniuse has no share for weigh nothing. Agents
   that caniuse lists with a single current version (`and_chr 154`, `and_ff` ...) only count for
   UAs of that version: the share is today's Chrome for Android, not the Chrome Mobile 18 of
   2012 that the long-tail corpus holds.
3. Requests are sampled with those weights; 20% of them instead carry a never-seen UA, made from
   a sampled one by replacing its build number with a serial number (same browser and major
   version, new string).
4. Every request is a GET of the 1 KB HTML page with a valid consent cookie, so outdated
   browsers get the upgrade page (`mode="block"`) and everyone else the page untouched. The
   middleware's cache is warmed with one pass over the weighted UAs first, as a running site's
   would be; the bare app gets the same requests in the same rounds.
"""

from __future__ import annotations

import collections
import random
from typing import Any

from ._harness import Case, Figure, Report, call, compare, need, run, with_header
from .apps import antechamber, bare, consent_cookie, corpus, mutate, page_scope
from .policy import make_policy

SECTION = "mix"
FRESH_SHARE = 0.2


def _caniuse_entry(agent: Any, version: str | None) -> str | None:
    """The key of `agent.usage_global` that covers `version`, if any."""
    caniuse = need("antechamber.browsers.caniuse", "version_key")
    usage = agent.usage_global
    if "all" in usage:  # Opera Mini
        return "all"
    if not version:
        return None
    try:
        key = caniuse.version_key(version)
    except ValueError:
        return None
    best = None
    for entry in usage:
        try:
            lo_text, _, hi_text = entry.partition("-")
            lo = caniuse.version_key(lo_text)
            hi = caniuse.version_key(hi_text) if hi_text else lo
        except ValueError:
            continue
        if lo <= key[: len(lo)] and key[: len(hi)] <= hi:
            best = entry  # the last (most precise) covering entry wins: "17" then "17.2"
    return best


def weights() -> tuple[list[str], list[float], collections.Counter[str]]:
    """Corpus UAs with positive weight, their weights, and the verdicts they get."""
    agents = need("antechamber.browsers.caniuse", "agents").agents()
    policy = make_policy(cache_size=len(corpus()) + 1)
    groups: dict[tuple[str, str], list[str]] = collections.defaultdict(list)
    verdicts: dict[str, str] = {}
    for ua in corpus():
        info = policy.inspect(ua, None)
        verdicts[ua] = info.verdict
        if info.agent in agents:
            entry = _caniuse_entry(agents[info.agent], info.version)
            if entry is not None:
                groups[(info.agent, entry)].append(ua)
    uas: list[str] = []
    shares: list[float] = []
    weighted_verdicts: collections.Counter[str] = collections.Counter()
    for (agent, entry), members in groups.items():
        share = float(agents[agent].usage_global.get(entry) or 0.0)
        if share <= 0:
            continue
        for ua in members:
            uas.append(ua)
            shares.append(share / len(members))
            weighted_verdicts[verdicts[ua]] += share / len(members)  # type: ignore[assignment]
    return uas, shares, weighted_verdicts


def bench(report: Report, *, quick: bool) -> None:
    uas, shares, verdicts = weights()
    total = sum(shares)
    summary = ", ".join(f"{v} {100 * s / total:.1f}%" for v, s in verdicts.most_common())
    report.info(
        f"{len(uas)} of {len(corpus())} corpus UAs carry weight "
        f"({total:.1f}% of global usage); by weight: {summary}"
    )
    cookie = consent_cookie()
    base = page_scope("/page", cookie=cookie, ua="")  # UA set per request, no Client Hints
    app = antechamber()
    rng = random.Random(2024)
    for ua in uas:  # a running site has seen its regular visitors
        run(call(app, with_header(base, "user-agent", ua)))
    plans: dict[int, list[dict[str, Any]]] = {}

    def scopes(rnd: int, n: int) -> list[dict[str, Any]]:
        # The same requests for both apps in a round; never-seen UAs are new in every round.
        if rnd not in plans:
            picked = rng.choices(uas, weights=shares, k=n)
            plans.clear()
            plans[rnd] = [
                with_header(base, "user-agent", mutate(ua) if rng.random() < FRESH_SHARE else ua)
                for ua in picked
            ]
        return plans[rnd]

    n = 300 if quick else 1000
    result = compare(
        [Case("bare", bare(), scopes=scopes, n=n), Case("mix", app, scopes=scopes, n=n)],
        rounds=3 if quick else 7,
        batch_seconds=0,
    )
    report.add(
        Figure(
            SECTION,
            "realistic mix through antechamber, per request",
            result.us("mix"),
            "µs",
            note=f"bare HTML {result.us('bare'):.1f} µs on the same requests",
        )
    )
    report.add(
        Figure(
            SECTION,
            "realistic mix vs bare HTML",
            result.ratio("mix", "bare"),
            "x",
            note=f"{result.added('mix', 'bare'):.1f} µs added per request",
        )
    )
