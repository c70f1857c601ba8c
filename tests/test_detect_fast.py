"""The fast path for the common User-Agent shapes gives what the parsers give, field for field."""

from __future__ import annotations

import itertools
import json
import sys
from importlib.resources import files
from pathlib import Path

from antechamber.browsers.detect import detect, parsers
from antechamber.browsers.detection.fast import detect_common
from antechamber.browsers.policy import BrowserPolicy

# The benchmarks' corpus reader and never-seen variants (`python -m pytest` has the repository
# on sys.path; a bare `pytest` does not).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.apps import corpus, mutate


def _shapes() -> list[str]:
    """Every platform and tail of the fast path, across versions, and near misses of each."""
    chrome_platforms = [
        "Windows NT 10.0; Win64; x64",
        "Macintosh; Intel Mac OS X 10_15_7",
        "X11; Linux x86_64",
        "Linux; Android 10; K",
        "X11; CrOS x86_64 14541.0.0",
        "Windows NT 10.0; WOW64",
        "Linux; Android 14; Pixel 8",
    ]
    firefox_platforms = [
        "Windows NT 10.0; Win64; x64",
        "Macintosh; Intel Mac OS X 10.15",
        "X11; Linux x86_64",
        "X11; Ubuntu; Linux x86_64",
        "Android 10; Mobile",
        "Android 14; Mobile",
        "Android 16; Mobile",
        "Android 14; Tablet",
        "Windows NT 6.1; Win64; x64",
    ]
    uas: list[str] = []
    for platform, v, build in itertools.product(
        chrome_platforms, (99, 109, 131, 150), ("0.0", "6778.86")
    ):
        for mobile, extra in itertools.product(
            ("", "Mobile "), ("", " Edg/{v}.0.2903.86", " EdgA/{v}.0.0.0", " OPR/115.0.0.0")
        ):
            uas.append(
                f"Mozilla/5.0 ({platform}) AppleWebKit/537.36 (KHTML, like Gecko) "
                f"Chrome/{v}.0.{build} {mobile}Safari/537.36{extra.format(v=v)}"
            )
    for platform, v, minor in itertools.product(firefox_platforms, (78, 115, 128, 140), (0, 1, 10)):
        gecko = f"{v}.0" if "Android" in platform else "20100101"
        uas.append(f"Mozilla/5.0 ({platform}; rv:{v}.0) Gecko/{gecko} Firefox/{v}.{minor}")
        uas.append(f"Mozilla/5.0 ({platform}; rv:{v}.0) Gecko/{gecko} Firefox/{v}.{minor}b1")
    for version, os in itertools.product(
        ("15.6.1", "16.0", "17.2", "18.6", "26.0", "26.1"),
        ("15_8_3", "17_2_1", "18_0", "18_6", "26_1"),
    ):
        for device in ("iPhone; CPU iPhone OS", "iPad; CPU OS"):
            uas.append(
                f"Mozilla/5.0 ({device} {os} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
                f"Gecko) Version/{version} Mobile/15E148 Safari/604.1"
            )
        uas.append(
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like "
            f"Gecko) Version/{version} Safari/605.1.15"
        )
        uas.append(
            f"Mozilla/5.0 (iPhone; CPU iPhone OS {os} like Mac OS X) AppleWebKit/605.1.10000 "
            f"(KHTML, like Gecko) Version/{version} Mobile/15E148 Safari/604.1"
        )
        uas.append(
            f"Mozilla/5.0 (iPhone; CPU iPhone OS {os} like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
            f"like Gecko) CriOS/131.0.6778.73 Version/{version} Mobile/15E148 Safari/604.1"
        )
    return uas


def _crawler_instances() -> list[str]:
    data = json.loads(
        files("crawleruseragents").joinpath("crawler-user-agents.json").read_text("utf-8")
    )
    return [ua for entry in data for ua in entry.get("instances", [])]


def test_the_fast_path_agrees_with_the_parsers_on_every_user_agent_it_takes() -> None:
    shapes = _shapes()
    uas = [*corpus(), *map(mutate, corpus()), *shapes, *map(mutate, shapes)]
    parsed = parsers().detect
    taken = [ua for ua in uas if detect_common(ua) is not None]
    differ = [
        (ua, detect_common(ua), parsed(ua)) for ua in taken if detect_common(ua) != parsed(ua)
    ]
    assert differ == []
    assert len(taken) > 400  # the shapes it exists for are taken, not left to the parsers
    families = {found.family for ua in taken if (found := detect_common(ua)) is not None}
    assert families == {
        "Chrome", "Chrome Mobile", "Edge", "Edge Mobile", "Firefox", "Firefox Mobile", "Safari",
        "Mobile Safari",
    }  # fmt: skip


def test_no_crawler_takes_the_fast_path() -> None:
    crawlers = _crawler_instances()
    assert len(crawlers) > 1000
    assert [ua for ua in crawlers if detect_common(ua) is not None and detect(ua).is_bot] == []
    assert [ua for ua in crawlers if detect_common(ua) is not None] == []


def test_a_policy_inspects_a_user_agent_as_it_judges_its_detection() -> None:
    for supported in ("defaults", "modern"):
        policy = BrowserPolicy(supported)
        for ua in corpus():
            assert policy.inspect(ua) == policy.judge(detect(ua)), ua
