"""`request.state.user_agent` is what `user_agents.parse` gives, field for field, at a fraction
of the cost: ua-parser's native resolver finds each domain's rule, the legacy rule its fields."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import user_agents
from user_agents.parsers import UserAgent

from antechamber.browsers.detect import MAX_USER_AGENT_LENGTH
from antechamber.browsers.policy import BrowserPolicy

# The benchmarks' corpus reader and never-seen variants (`python -m pytest` has the repository
# on sys.path; a bare `pytest` does not).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.apps import corpus, mutate

PROPERTIES = ("is_mobile", "is_tablet", "is_pc", "is_touch_capable", "is_bot", "is_email_client")

GOOGLE_BOT_SMARTPHONE = (
    "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like "
    "Gecko) Chrome/131.0.6778.135 Mobile Safari/537.36 (compatible; Googlebot/2.1; "
    "+http://www.google.com/bot.html)"
)
# "Crawl" after the 100th character: ua-parser-rs drops the `^.{0,100}` bound of uap-core's
# catch-all spider rule, so only the legacy rule can say it is no spider.
CRAWL_AFTER_100 = (
    "Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 5.1; Trident/4.0; Mozilla/4.0 (compatible; "
    "MSIE 6.0; Windows NT 5.1; SV1) ;  Embedded Web Browser from: http://bsalsa.com/; "
    "WebCrawler)"
)
CHROME_MOBILE_ACCENTED = (
    "Mozilla/5.0 (Linux; Android 14; Téléphone Build/UP1A) AppleWebKit/537.36 (KHTML, like "
    "Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"
)


def described(agent: UserAgent) -> dict[str, Any]:
    """Everything an app reads of a `UserAgent`, attributes in the order __init__ sets them."""
    return {
        "attributes": list(vars(agent).items()),
        **{name: getattr(agent, name) for name in PROPERTIES},
        "str": str(agent),
    }


def disagreements(policy: BrowserPolicy, uas: list[str]) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for ua in uas:
        ours, theirs = described(policy.user_agent(ua)), described(user_agents.parse(ua))
        if ours != theirs:
            found.append((ua, {k: (ours[k], theirs[k]) for k in ours if ours[k] != theirs[k]}))
    return found


@pytest.fixture(scope="module")
def policy() -> BrowserPolicy:
    return BrowserPolicy("defaults", cache_size=100_000)


def test_every_corpus_user_agent_gives_what_user_agents_parse_gives(
    policy: BrowserPolicy,
) -> None:
    uas = list(corpus())
    assert len(uas) > 1500
    assert disagreements(policy, uas) == []


def test_never_seen_variants_give_what_user_agents_parse_gives(policy: BrowserPolicy) -> None:
    assert disagreements(policy, [mutate(ua) for ua in corpus()]) == []


@pytest.mark.parametrize(
    "ua",
    [
        pytest.param("", id="empty"),
        pytest.param("¯\\_(ツ)_/¯ <script>alert(1)</script> %00 \x00\x1f", id="garbage"),
        pytest.param("x", id="one character"),
        pytest.param(GOOGLE_BOT_SMARTPHONE, id="spider named after the 100th character"),
        pytest.param(CRAWL_AFTER_100, id="crawl only after the 100th character"),
        pytest.param(CHROME_MOBILE_ACCENTED, id="non-ASCII, walked by the legacy rules"),
        pytest.param(GOOGLE_BOT_SMARTPHONE.replace(" ", "\t", 3), id="tabs"),
    ],
)
def test_edge_cases_give_what_user_agents_parse_gives(policy: BrowserPolicy, ua: str) -> None:
    agent = policy.user_agent(ua)
    assert isinstance(agent, UserAgent)
    assert described(agent) == described(user_agents.parse(ua))


def test_none_reads_as_an_empty_user_agent(policy: BrowserPolicy) -> None:
    assert described(policy.user_agent(None)) == described(user_agents.parse(""))


def test_a_100_kb_user_agent_is_capped_not_an_error(policy: BrowserPolicy) -> None:
    huge = GOOGLE_BOT_SMARTPHONE + " (compatible; Crawler/1.0)" * 4000
    assert len(huge) > 100_000
    agent = policy.user_agent(huge)
    assert agent.ua_string == huge[:MAX_USER_AGENT_LENGTH]
    assert described(agent) == described(user_agents.parse(huge[:MAX_USER_AGENT_LENGTH]))


def test_one_user_agent_is_parsed_once(policy: BrowserPolicy) -> None:
    assert policy.user_agent(GOOGLE_BOT_SMARTPHONE) is policy.user_agent(GOOGLE_BOT_SMARTPHONE)


def test_the_parsers_are_built_on_first_read_not_with_the_middleware() -> None:
    # In a fresh interpreter: this one has built them already.
    script = """
import sys
from starlette.applications import Starlette
from antechamber import BrowserPolicyMiddleware, Settings
from antechamber.browsers import user_agent

middleware = BrowserPolicyMiddleware(Starlette(), settings=Settings(consent={"enabled": False}))
assert user_agent._user_agent_parser.cache_info().currsize == 0
assert "user_agents" not in sys.modules
assert middleware.policy.user_agent("Mozilla/5.0 (iPad; CPU OS 17_2 like Mac OS X)").is_tablet
assert user_agent._user_agent_parser.cache_info().currsize == 1
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
