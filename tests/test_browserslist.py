"""browserslist() and load_config() against what the real browserslist answers.

Expectations come from tests/fixtures/browserslist_queries.json, written by
tests/fixtures/generate_browserslist.sh with browserslist 4.29.6 and caniuse-lite at the
snapshot's version, Date.now() fixed at the fixture's "now".
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from antechamber.browsers.browserslist import BrowserslistError, browserslist, load_config
from antechamber.browsers.caniuse import CANIUSE_VERSION

FIXTURES = Path(__file__).parent / "fixtures"
REFERENCE = json.loads((FIXTURES / "browserslist_queries.json").read_text(encoding="utf-8"))
NOW = datetime.fromisoformat(REFERENCE["now"])
SELECTIONS = {q: r for q, r in REFERENCE["results"].items() if isinstance(r, list)}
ERRORS = {q: r["error"] for q, r in REFERENCE["results"].items() if isinstance(r, dict)}
CONFIGS = REFERENCE["configs"]


def test_the_fixtures_were_made_with_the_shipped_data() -> None:
    assert REFERENCE["caniuse-lite"] == CANIUSE_VERSION
    assert len(SELECTIONS) >= 80


@pytest.mark.parametrize("query", list(SELECTIONS), ids=repr)
def test_selects_what_browserslist_selects(query: str) -> None:
    assert browserslist(query, now=NOW) == SELECTIONS[query]


@pytest.mark.parametrize("query", list(ERRORS), ids=repr)
def test_fails_where_browserslist_fails_with_its_reason(query: str) -> None:
    with pytest.raises(BrowserslistError) as raised:
        browserslist(query, now=NOW)
    assert raised.value.reason == ERRORS[query]
    assert repr(query) in str(raised.value)


UNSHIPPED = [
    "node 18",
    "node >= 20",
    "node 18 - 22",
    "last 2 node versions",
    "last 2 node major versions",
    "current node",
    "maintained node versions",
    "electron 30",
    "electron >= 30",
    "electron 28 - 30",
    "last 2 electron versions",
    "last 2 electron major versions",
    "supports es6-module",
    "fully supports css-grid",
    "partially supports wasm",
    "extends browserslist-config-acme",
    "browserslist config",
    "> 1% in my stats",
    "> 1% in acme stats",
    "cover 99% in my stats",
    "cover 99% in acme stats",
    "baseline widely available",
    "baseline 2024",
    "defaults, not node 18",
]


@pytest.mark.parametrize("query", UNSHIPPED)
def test_queries_needing_unshipped_data_say_so(query: str) -> None:
    with pytest.raises(BrowserslistError, match="antechamber does not ship") as raised:
        browserslist(query)
    assert repr(query) in str(raised.value)


def test_an_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="Unknown browser foo"):
        browserslist("foo 10")


def test_a_query_must_be_a_string() -> None:
    with pytest.raises(TypeError):
        browserslist(["defaults"])  # type: ignore[arg-type]


def test_last_years_counts_back_from_now() -> None:
    assert browserslist("last 1 year", now=datetime(2040, 1, 1)) == []
    assert browserslist("last 1 year", now=NOW) == SELECTIONS["last 1 year"]


def test_results_are_fresh_lists() -> None:
    first = browserslist("defaults")
    first.clear()
    assert browserslist("defaults") == SELECTIONS["defaults"]


# Config files: browserslist's own reading of each fixture config and environment.

CONFIG_ROOT = FIXTURES / "browserslist_configs"
READABLE = [case for case in CONFIGS if case.get("queries")]
# browserslist selects nothing here (an rc file with sections only, none for the environment);
# load_config refuses instead, so a policy never blocks every browser by accident.
EMPTY = [case for case in CONFIGS if case.get("queries") == []]


def _case_id(case: dict[str, Any]) -> str:
    return f"{case['config']}[{case['env']}]"


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("BROWSERSLIST_ENV", "NODE_ENV"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.mark.parametrize("case", READABLE, ids=_case_id)
def test_load_config_reads_like_browserslist(
    case: dict[str, Any], clean_env: pytest.MonkeyPatch
) -> None:
    query = load_config(str(CONFIG_ROOT / case["config"]), env=case["env"])
    assert browserslist(query) == case["browsers"]


@pytest.mark.parametrize("case", EMPTY, ids=_case_id)
def test_load_config_refuses_an_environment_without_queries(
    case: dict[str, Any], clean_env: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ValueError, match=r"no browserslist queries for environment") as raised:
        load_config(str(CONFIG_ROOT / case["config"]), env=case["env"])
    assert case["config"] in str(raised.value)


def test_load_config_joins_the_queries(clean_env: pytest.MonkeyPatch) -> None:
    rc = str(CONFIG_ROOT / "rc_sections" / ".browserslistrc")
    assert load_config(rc, env="development") == "last 1 chrome version, last 1 firefox version"
    continued = str(CONFIG_ROOT / "rc_continued" / ".browserslistrc")
    assert load_config(continued) == "> 1% and not dead, last 1 version or ie 11"


def _reference(config: str, env: str | None) -> list[str]:
    for case in CONFIGS:
        if case["config"] == config and case["env"] == env:
            browsers: list[str] = case["browsers"]
            return browsers
    raise LookupError(config)


def test_browserslist_env_picks_the_section(clean_env: pytest.MonkeyPatch) -> None:
    rc = "rc_sections/.browserslistrc"
    clean_env.setenv("NODE_ENV", "staging")
    clean_env.setenv("BROWSERSLIST_ENV", "development")
    assert browserslist(load_config(str(CONFIG_ROOT / rc))) == _reference(rc, "development")


def test_node_env_picks_the_section(clean_env: pytest.MonkeyPatch) -> None:
    package = "package_envs/package.json"
    clean_env.setenv("NODE_ENV", "development")
    assert browserslist(load_config(str(CONFIG_ROOT / package))) == _reference(
        package, "development"
    )


def test_an_explicit_env_wins_over_the_variables(clean_env: pytest.MonkeyPatch) -> None:
    package = "package_envs/package.json"
    clean_env.setenv("BROWSERSLIST_ENV", "development")
    query = load_config(str(CONFIG_ROOT / package), env="production")
    assert browserslist(query) == _reference(package, "production")


def test_a_directory_holding_one_config_is_read(clean_env: pytest.MonkeyPatch) -> None:
    assert load_config(str(CONFIG_ROOT / "package_string")) == "> 1%, not dead"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (".browserslistrc", "[production]\n> 1%\n[production]\nie 11\n", "duplicate section"),
        ("package.json", '{"name": "shop"}', "no `browserslist` key"),
        ("package.json", '{"browserlist": "> 1%"}', "`browserlist` key instead"),
        ("package.json", '{"browserslist": 5}', "should be a string or an array"),
        ("package.json", '{"browserslist": {"production": [1]}}', "should be a string"),
        ("package.json", '{"browserslist": ', "not valid JSON"),
    ],
)
def test_a_malformed_config_names_its_path(
    tmp_path: Path, clean_env: pytest.MonkeyPatch, name: str, content: str, message: str
) -> None:
    config = tmp_path / name
    config.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message) as raised:
        load_config(str(config))
    assert str(config) in str(raised.value)


def test_a_missing_config_names_its_path(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot read") as raised:
        load_config(str(tmp_path / ".browserslistrc"))
    assert str(tmp_path / ".browserslistrc") in str(raised.value)


def test_a_directory_with_two_configs_is_ambiguous(tmp_path: Path) -> None:
    (tmp_path / ".browserslistrc").write_text("defaults\n", encoding="utf-8")
    (tmp_path / "package.json").write_text('{"browserslist": "> 1%"}', encoding="utf-8")
    with pytest.raises(ValueError, match="several browserslist configs"):
        load_config(str(tmp_path))
