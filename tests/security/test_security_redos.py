"""Regular-expression denial of service: 100 KB User-Agents built from the parser's own rules.

Every rule of ua-parser (user agent, OS and device domains) and every crawler pattern is turned
into hostile User-Agents that repeat its literal words and the separators its quantifiers swallow,
to 100 KB. Each is judged in a few milliseconds because the policy cuts what the parsers see at
`MAX_USER_AGENT_LENGTH`; the cut is above the longest real User-Agent, so it changes no verdict.
"""

from __future__ import annotations

import gc
import json
import re
import statistics
import time
from collections.abc import Callable, Iterable, Iterator
from importlib.resources import files
from pathlib import Path

import pytest
import yaml
from security_support import UA_CORPUS, call, make_app
from ua_parser import load_lazy_builtins

import antechamber.browsers.detect as detect_module
import antechamber.browsers.policy as policy_module
from antechamber import BrowserPolicy
from antechamber.browsers.detect import MAX_USER_AGENT_LENGTH

SIZE = 100_000
# A generous bound per User-Agent: the measured figure is printed; CI machines are noisy.
BOUND_SECONDS = 0.050
FIGURES = Path(__file__).parents[2] / "test-output" / "load-figures.txt"

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_ -]{2,30}")


def rule_patterns() -> list[str]:
    matchers = load_lazy_builtins()
    patterns = [m.regex for domain in matchers for m in domain]
    crawlers = json.loads(
        files("crawleruseragents").joinpath("crawler-user-agents.json").read_text("utf-8")
    )
    patterns += [str(entry["pattern"]) for entry in crawlers]
    return patterns


def hostile(word: str) -> Iterator[str]:
    """100 KB User-Agents that keep a rule's literal word in play as long as possible."""
    yield (f"Mozilla/5.0 ({word} " * (SIZE // (len(word) + 14) + 1))[:SIZE]
    yield f"Mozilla/5.0 ({word}/" + ("9." * SIZE)[: SIZE - len(word) - 14]
    yield f"{word} " + (" ;" * SIZE)[:SIZE]
    yield f"{word}(" + ("(a" * SIZE)[:SIZE] + ")"
    yield ("a" * SIZE) + f" {word}/1.0"


CLASSICS = [
    "a" * SIZE,
    " " * SIZE,
    "(" * SIZE,
    ")" * SIZE,
    "/" * SIZE,
    "." * SIZE,
    "\t" * SIZE,
    "Mozilla/5.0 (" + "Windows NT 10.0; " * (SIZE // 17),
    "Mozilla/5.0 (" + "Linux; Android 9; " * (SIZE // 18),
    "rv:1" + "1.1" * (SIZE // 3) + " Gecko/",
    "Version/1" + ".1" * (SIZE // 2) + " Safari/",
    "Chrome/" + "1." * (SIZE // 2),
    "MSIE " + "9." * (SIZE // 2),
    "Mozilla/5.0 (compatible; " + "bot" * (SIZE // 3),
    "Mozilla/5.0 " + "AppleWebKit/537.36 (KHTML, like Gecko) " * (SIZE // 40),
    "\u00e9" * SIZE,
    "\U0001f600" * SIZE,
]


def attack_corpus() -> Iterator[str]:
    yield from CLASSICS
    seen: set[str] = set()
    for pattern in rule_patterns():
        for word in _WORD.findall(pattern)[:2]:
            word = word.strip()
            if len(word) >= 3 and word not in seen:
                seen.add(word)
                yield from hostile(word)


def timed(judge: Callable[[str], object], corpus: Iterable[str]) -> list[tuple[float, str]]:
    """Seconds per User-Agent, worst first. The slowest are measured again and keep their best
    time: a GC pause or a busy CI neighbour must not pass for a slow regex, while a slow regex
    is slow every time."""
    judge("warm-up")
    timings = []
    gc.disable()
    try:
        for user_agent in corpus:
            started = time.perf_counter()
            judge(user_agent)
            timings.append((time.perf_counter() - started, user_agent))
        timings.sort(reverse=True)
        for i, (_, user_agent) in enumerate(timings[:20]):
            best = min(_once(judge, user_agent) for _ in range(5))
            timings[i] = (best, user_agent)
    finally:
        gc.enable()
    timings.sort(reverse=True)
    return timings


def _once(judge: Callable[[str], object], user_agent: str) -> float:
    started = time.perf_counter()
    judge(user_agent)
    return time.perf_counter() - started


def write_figure(line: str) -> None:
    FIGURES.parent.mkdir(exist_ok=True)
    with FIGURES.open("a", encoding="utf-8") as out:
        out.write(line + "\n")


def test_hostile_user_agents_of_100_kb_are_judged_in_a_few_milliseconds() -> None:
    policy = BrowserPolicy("defaults", cache_size=16)

    def judge(user_agent: str) -> object:
        policy.cache_clear()
        info = policy.inspect(user_agent)
        assert info.verdict in ("supported", "outdated", "unknown", "bot")
        return info

    corpus = list(attack_corpus())
    assert all(len(ua) >= SIZE * 0.95 for ua in corpus)
    timings = timed(judge, corpus)
    worst, worst_ua = timings[0]
    median = statistics.median(t for t, _ in timings)
    line = (
        f"redos: {len(timings)} hostile UAs of >= {SIZE // 1000} KB; BrowserPolicy.inspect "
        f"median {median * 1000:.3f} ms, worst {worst * 1000:.3f} ms ({worst_ua[:40]!r})"
    )
    print(line)
    write_figure(line)
    assert worst < BOUND_SECONDS, line


def test_hostile_user_agents_are_cheap_for_request_state_user_agent_too() -> None:
    # `user_agents` keeps its own cache of parses, so every measurement gets a string it has not
    # seen (a counter in front), and the slowest are measured again on new strings.
    policy = BrowserPolicy("defaults", cache_size=16)
    counter = iter(range(10**9))

    def judge(user_agent: str) -> object:
        parsed = policy.user_agent(f"{next(counter)} {user_agent}")
        return (parsed.is_mobile, parsed.is_bot, parsed.os.family)

    timings = timed(judge, list(attack_corpus())[::10])
    worst, worst_ua = timings[0]
    line = (
        f"redos: request.state.user_agent on {len(timings)} hostile UAs: "
        f"median {statistics.median(t for t, _ in timings) * 1000:.3f} ms, "
        f"worst {worst * 1000:.3f} ms ({worst_ua[:40]!r})"
    )
    print(line)
    write_figure(line)
    assert worst < BOUND_SECONDS, line


IE_11_UA = "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko"


@pytest.mark.anyio
async def test_hostile_user_agents_of_100_kb_get_an_answer_quickly_through_the_app() -> None:
    # Through the whole middleware, on the pages that show the User-Agent back: the upgrade page
    # (every UA here is blocked, as unknown or outdated) and the warn notice.
    apps = [
        make_app(browsers={"unknown": "block"}),
        make_app(browsers={"mode": "warn", "unknown": "block", "mobile_notice": True}),
    ]
    corpus = list(attack_corpus())[::25]
    for app in apps:  # compile the templates first: that is start-up cost, not the UA's
        await call(app, "GET", "/", {"user-agent": IE_11_UA, "accept": "text/html"})
    worst = 0.0
    for user_agent in corpus:
        for app in apps:
            # The better of two tries: a pause of the shared machine or the garbage collector hits
            # one of them, backtracking in a rule would hit both.
            took = []
            for _ in range(2):
                started = time.perf_counter()
                answer = await call(
                    app, "GET", "/", {"user-agent": user_agent, "accept": "text/html"}
                )
                took.append(time.perf_counter() - started)
                assert answer.status in (200, 406), (answer.status, user_agent[:80])
            worst = max(worst, min(took))
    line = (
        f"redos: {len(corpus) * len(apps)} page views with 100 KB UAs, worst {worst * 1000:.1f} ms"
    )
    print(line)
    write_figure(line)
    assert worst < BOUND_SECONDS * 4, line


def test_the_length_cap_is_above_every_real_user_agent() -> None:
    corpus = [c["user_agent_string"] for c in yaml.safe_load(UA_CORPUS.read_text())["test_cases"]]
    longest = max(len(ua) for ua in corpus)
    print(f"longest real UA: {longest} characters; cap: {MAX_USER_AGENT_LENGTH}")
    assert longest < MAX_USER_AGENT_LENGTH


def test_the_length_cap_changes_no_verdict_for_real_user_agents(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    corpus = [c["user_agent_string"] for c in yaml.safe_load(UA_CORPUS.read_text())["test_cases"]]
    capped = BrowserPolicy("defaults", cache_size=16)
    with_cap = [capped.inspect(ua) for ua in corpus]
    monkeypatch.setattr(detect_module, "MAX_USER_AGENT_LENGTH", 10**9)
    monkeypatch.setattr(policy_module, "MAX_USER_AGENT_LENGTH", 10**9)
    uncapped = BrowserPolicy("defaults", cache_size=16)
    without_cap = [uncapped.inspect(ua) for ua in corpus]
    changed = [
        (ua, a.verdict, b.verdict)
        for ua, a, b in zip(corpus, with_cap, without_cap, strict=True)
        if (a.verdict, a.agent, a.version) != (b.verdict, b.agent, b.version)
    ]
    assert not changed, changed[:5]
