"""The policy engine: what `BrowserPolicy.inspect` costs, against `user_agents.parse`.

- First sight: every User-Agent of uap-core's test_ua.yaml is inspected once, the first time the
  process sees any of them: ua-parser's Rust automata are still being built lazily then.
- Cold (the goal): then every corpus UA again with its build number replaced by a serial (same
  browser, a string never seen), so the cache misses but the automata are as warm as in a
  server that has been up a while. The same UAs are given to `user_agents.parse` with its
  200-entry cache emptied, alternating in chunks of 50, so both medians come from the same
  minutes of a noisy machine.
- Cached: the same UAs again, now in the policy's cache, against an `lru_cache`d
  `user_agents.parse` (the cheapest thing an app could do with that library).
- Through the middleware: requests with never-seen UAs (corpus browsers that `defaults`
  supports, their build number replaced by a serial) against the same browsers already cached,
  both with a valid consent cookie on an HTML page, so the only difference is the cold inspection.
- The same for current browsers: the User-Agents today's Chrome, Edge, Firefox and Safari send
  (reduced or frozen forms, at the newest versions the shipped caniuse data calls released), the
  shapes most real traffic has and the corpus barely holds; their build numbers replaced by a
  serial in the same way. Through the middleware, Chrome and Edge also send the Client Hints
  they send by default, as every Chromium navigation does.
- Memory: traced allocations (tracemalloc) while 10,000 never-seen UAs fill a 10,000-entry cache,
  UA strings included since the cache keeps them; then 5,000 more, to show the bound holds.
"""

from __future__ import annotations

import gc
import itertools
import re
import statistics
import time
import tracemalloc
from functools import lru_cache
from typing import Any

from ._harness import Case, Figure, Report, call, compare, need, run, with_header
from .apps import (
    antechamber,
    chrome_version,
    consent_cookie,
    corpus,
    fresh_uas,
    mutate,
    page_scope,
)

SECTION = "policy"
CHROMIUM_VERSION = re.compile(r"Chrome/(\d+)")
# User-Agent platform token -> Sec-CH-UA-Platform, as Chromium sends them.
PLATFORM_HINTS = (
    ("Windows", "Windows"),
    ("Macintosh", "macOS"),
    ("Android", "Android"),
    ("Linux", "Linux"),
)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def make_policy(cache_size: int = 10_000) -> Any:
    mod = need("antechamber.browsers.policy", "BrowserPolicy")
    return mod.BrowserPolicy("defaults", cache_size=cache_size)


def supported_templates(uas: tuple[str, ...], limit: int = 400) -> tuple[str, ...]:
    """Corpus UAs that `defaults` supports (a throwaway policy decides)."""
    policy = make_policy(cache_size=len(uas) + 1)
    picked = [ua for ua in uas if policy.inspect(ua, None).verdict == "supported"]
    return tuple(picked[:limit])


def current_browsers() -> tuple[str, ...]:
    """The User-Agents current Chrome, Edge, Firefox and Safari send, on their usual platforms."""
    released = need("antechamber.browsers.caniuse", "agents").agents()
    chrome = chrome_version()
    firefox = str(released["firefox"].released[-1]).split(".")[0]
    safari = str(released["safari"].released[-1])
    safari += "" if "." in safari else ".0"  # Safari always sends a minor version ("26.0")
    webkit = "AppleWebKit/537.36 (KHTML, like Gecko)"
    windows, mac, linux = (
        "Windows NT 10.0; Win64; x64",
        "Macintosh; Intel Mac OS X",
        "X11; Linux x86_64",
    )
    return (
        *(
            f"Mozilla/5.0 ({p}) {webkit} Chrome/{chrome}.0.0.0 Safari/537.36"
            for p in (windows, f"{mac} 10_15_7", linux)
        ),
        f"Mozilla/5.0 (Linux; Android 10; K) {webkit} Chrome/{chrome}.0.0.0 Mobile Safari/537.36",
        f"Mozilla/5.0 ({windows}) {webkit} Chrome/{chrome}.0.0.0 Safari/537.36 Edg/{chrome}.0.0.0",
        *(
            f"Mozilla/5.0 ({p}; rv:{firefox}.0) Gecko/20100101 Firefox/{firefox}.0"
            for p in (windows, f"{mac} 10.15", linux)
        ),
        f"Mozilla/5.0 (Android 15; Mobile; rv:{firefox}.0) Gecko/{firefox}.0 Firefox/{firefox}.0",
        f"Mozilla/5.0 ({mac} 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/{safari} "
        "Safari/605.1.15",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
        f"Gecko) Version/{safari} Mobile/15E148 Safari/604.1",
    )


def client_hints(user_agent: str) -> dict[str, str]:
    """The Client Hints a Chromium browser sends with `user_agent` by default (none otherwise)."""
    chrome = CHROMIUM_VERSION.search(user_agent)
    if chrome is None:
        return {}
    v = chrome.group(1)
    brand = "Microsoft Edge" if " Edg" in user_agent else "Google Chrome"
    platform = next(name for token, name in PLATFORM_HINTS if token in user_agent)
    return {
        "sec-ch-ua": f'"Chromium";v="{v}", "{brand}";v="{v}", "Not_A Brand";v="99"',
        "sec-ch-ua-mobile": "?1" if " Mobile " in user_agent else "?0",
        "sec-ch-ua-platform": f'"{platform}"',
    }


def cold_through_middleware(
    templates: tuple[str, ...], *, quick: bool, hints: bool = False
) -> tuple[float, str]:
    """µs a never-seen UA adds per request against the same browsers cached, and a note.

    With `hints`, each request carries the Client Hints its browser would send.
    """
    cookie = consent_cookie()
    app = antechamber()
    base = page_scope("/page", cookie=cookie, ua="")  # UA set per request, no Client Hints

    def scope_for(user_agent: str, template: str) -> dict[str, Any]:
        scope = with_header(base, "user-agent", user_agent)
        for name, value in (client_hints(template) if hints else {}).items():
            scope = with_header(scope, name, value)
        return scope

    known = [scope_for(ua, ua) for ua in templates]
    for scope in known:  # into the middleware's cache
        run(call(app, scope))
    fresh = itertools.cycle(templates)

    def cold_scopes(rnd: int, n: int) -> list[dict[str, Any]]:
        return [scope_for(mutate(ua), ua) for ua in itertools.islice(fresh, n)]

    def warm_scopes(rnd: int, n: int) -> list[dict[str, Any]]:
        return list(itertools.islice(itertools.cycle(known), n))

    n = 200 if quick else 600
    result = compare(
        [Case("warm", app, scopes=warm_scopes, n=n), Case("cold", app, scopes=cold_scopes, n=n)],
        rounds=3 if quick else 7,
        batch_seconds=0,
    )
    note = f"{result.us('cold'):.1f} vs {result.us('warm'):.1f} µs cached"
    return result.added("cold", "warm"), note


def first_sight(policy: Any, uas: tuple[str, ...]) -> list[float]:
    """µs for each UA's inspection, the first time this process sees it."""
    clock = time.perf_counter_ns
    out = []
    for ua in uas:
        t0 = clock()
        policy.inspect(ua, None)
        out.append((clock() - t0) / 1000)
    return out


def cold_inspect(
    policy: Any, uas: tuple[str, ...], chunk: int = 50
) -> tuple[list[float], list[float]]:
    """µs for each (never-seen) UA's inspection, and for `user_agents.parse` on it uncached.

    The two alternate in chunks of `chunk` UAs (which goes first alternates too): close enough
    in time to share the machine's mood, far enough apart that a millisecond of pure-Python
    regex work does not evict the policy's data from the CPU caches before every single call.
    """
    import user_agents
    from ua_parser import user_agent_parser

    for ua in uas[:20]:
        user_agents.parse(ua)
    legacy_cache = getattr(user_agent_parser, "_PARSE_CACHE", {})
    clock = time.perf_counter_ns

    def ours_on(part: tuple[str, ...]) -> list[float]:
        out = []
        for ua in part:
            t0 = clock()
            policy.inspect(ua, None)
            out.append((clock() - t0) / 1000)
        return out

    def theirs_on(part: tuple[str, ...]) -> list[float]:
        out = []
        for ua in part:
            legacy_cache.clear()
            t0 = clock()
            user_agents.parse(ua)
            out.append((clock() - t0) / 1000)
        return out

    ours: list[float] = []
    theirs: list[float] = []
    gc.collect()
    for i in range(0, len(uas), chunk):
        part = uas[i : i + chunk]
        if (i // chunk) % 2:
            ours += ours_on(part)
            theirs += theirs_on(part)
        else:
            theirs += theirs_on(part)
            ours += ours_on(part)
    return ours, theirs


def cached_inspect(uas: tuple[str, ...], *, rounds: int) -> tuple[float, float]:
    """µs per cached inspection, and per cached `user_agents.parse` (lru_cache), same rounds."""
    import user_agents

    policy = make_policy()
    parse = lru_cache(maxsize=10_000)(user_agents.parse)
    for ua in uas:
        policy.inspect(ua, None)
        parse(ua)
    inspect = policy.inspect
    batch = uas * 5
    clock = time.perf_counter_ns
    ours, theirs = [], []
    for _ in range(rounds):
        gc.collect()
        t0 = clock()
        for ua in batch:
            inspect(ua, None)
        t1 = clock()
        for ua in batch:
            parse(ua)
        t2 = clock()
        ours.append((t1 - t0) / len(batch) / 1000)
        theirs.append((t2 - t1) / len(batch) / 1000)
    return statistics.median(ours), statistics.median(theirs)


def cache_memory(templates: tuple[str, ...], size: int = 10_000) -> tuple[int, Any, Any]:
    """Bytes traced while `size` never-seen UAs fill a `size`-entry cache; cache_info after
    that and after half as many again."""
    policy = make_policy(cache_size=size)
    policy.inspect(templates[0], None)
    fresh = fresh_uas(templates)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for _ in range(size):
        policy.inspect(next(fresh), None)
    gc.collect()
    used = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    info_full = policy.cache_info() if hasattr(policy, "cache_info") else None
    for _ in range(size // 2):
        policy.inspect(next(fresh), None)
    info_after = policy.cache_info() if hasattr(policy, "cache_info") else None
    return used, info_full, info_after


def bench(report: Report, *, quick: bool) -> None:
    make_policy()  # raises Unavailable when the policy has not landed
    uas = corpus()[:200] if quick else corpus()

    policy = make_policy()
    first = first_sight(policy, uas)
    ours, theirs = cold_inspect(policy, tuple(mutate(ua) for ua in uas))
    cold, ua_cold = statistics.median(ours), statistics.median(theirs)
    report.add(
        Figure(
            SECTION,
            "user_agents.parse, uncached (baseline)",
            ua_cold,
            "µs",
            note=f"median of {len(theirs)} corpus UAs",
        )
    )
    report.add(
        Figure(
            SECTION,
            "cold inspect, median over the corpus",
            cold,
            "µs",
            25.0,
            note=f"{cold / ua_cold:.3f}x user_agents.parse (goal ≈0.05x); "
            f"p90 {_percentile(ours, 0.9):.1f} µs, max {max(ours):.0f} µs",
        )
    )
    report.add(
        Figure(
            SECTION,
            "inspect, first sight in a fresh process",
            statistics.median(first),
            "µs",
            note=f"p90 {_percentile(first, 0.9):.1f} µs; the parser's automata "
            "are still being built",
        )
    )

    cached, ua_cached = cached_inspect(uas, rounds=3 if quick else 9)
    report.add(
        Figure(
            SECTION,
            "cached inspect",
            cached,
            "µs",
            2.0,
            note=f"{cached / ua_cold:.4f}x uncached user_agents.parse; "
            f"lru_cache(user_agents.parse) {ua_cached:.2f} µs",
        )
    )

    templates = supported_templates(corpus())
    report.info(
        f"{len(templates)} corpus UAs that `defaults` supports serve as templates "
        "for never-seen UAs"
    )
    added, note = cold_through_middleware(templates, quick=quick)
    report.add(
        Figure(
            SECTION,
            "cold UA through the middleware: added per request",
            added,
            "µs",
            25.0,
            note=note,
        )
    )

    current = current_browsers()
    ours, _ = cold_inspect(policy, tuple(mutate(ua) for ua in current * 20))
    report.add(
        Figure(
            SECTION,
            "cold inspect, current browsers",
            statistics.median(ours),
            "µs",
            note=f"{len(current)} UAs of current Chrome, Edge, Firefox, Safari; "
            f"p90 {_percentile(ours, 0.9):.1f} µs",
        )
    )
    added, note = cold_through_middleware(current, quick=quick, hints=True)
    report.add(
        Figure(
            SECTION,
            "cold UA through the middleware, current browsers: added per request",
            added,
            "µs",
            25.0,
            note=note,
        )
    )

    size = 1000 if quick else 10_000
    used, _, info_after = cache_memory(templates, size)
    note = f"{used / size:,.0f} B per entry, UA strings included"
    if info_after is not None:
        note += f"; cache_info after {size + size // 2:,} UAs: {info_after}"
    report.add(
        Figure(
            SECTION, f"cache memory at {size:,} entries (tracemalloc)", used / 1e6, "MB", note=note
        )
    )
