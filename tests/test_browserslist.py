"""browserslist() and load_config() against what the real browserslist answers.

Expectations come from tests/fixtures/browserslist_queries.json, written by
tests/fixtures/generate_browserslist.sh with browserslist 4.29.6 and caniuse-lite at the
snapshot's version, Date.now() fixed at the fixture's "now".
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from antechamber import BASELINE_VERSION
from antechamber.browsers.browserslist import (
    BrowserslistError,
    browserslist,
    features,
    load_config,
    nodejs,
)
from antechamber.browsers.browserslist._jsdata import NOT_LITERAL, exported_literal
from antechamber.browsers.caniuse import CANIUSE_VERSION

FIXTURES = Path(__file__).parent / "fixtures"
REFERENCE = json.loads((FIXTURES / "browserslist_queries.json").read_text(encoding="utf-8"))
NOW = datetime.fromisoformat(REFERENCE["now"])
SELECTIONS = {q: r for q, r in REFERENCE["results"].items() if isinstance(r, list)}
ERRORS = {q: r["error"] for q, r in REFERENCE["results"].items() if isinstance(r, dict)}
CONFIGS = REFERENCE["configs"]
PROJECT = FIXTURES / "browserslist_project"


def test_the_fixtures_were_made_with_the_shipped_data() -> None:
    assert REFERENCE["caniuse-lite"] == CANIUSE_VERSION == features.version()
    assert REFERENCE["baseline-browser-mapping"] == BASELINE_VERSION
    assert nodejs.versions() == {
        "node-releases": REFERENCE["node-releases"],
        "electron-to-chromium": REFERENCE["electron-to-chromium"],
    }
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


CASES = REFERENCE["cases"]
HAS_NODE = shutil.which("node") is not None


def _query_case_id(case: dict[str, Any]) -> str:
    extra = {k: v for k, v in case.items() if k not in ("query", "path", "answer")}
    return f"{case['query']} @{Path(case['path']).name} {extra or ''}".strip()


def _needs_node(case: dict[str, Any]) -> bool:
    return "computed" in case["query"] or "esmodule" in case["query"]


@pytest.mark.parametrize("case", CASES, ids=_query_case_id)
def test_reads_packages_stats_and_configs_as_browserslist_does(case: dict[str, Any]) -> None:
    if _needs_node(case) and not HAS_NODE:
        pytest.skip("a computed shareable config is evaluated with node, and there is none")
    options = {k: v for k, v in case.items() if k not in ("query", "answer", "mobileToDesktop")}
    options["mobile_to_desktop"] = case.get("mobileToDesktop", False)
    answer = case["answer"]
    if isinstance(answer, list):
        assert browserslist(case["query"], now=NOW, **options) == answer
        return
    with pytest.raises(BrowserslistError) as raised:
        browserslist(case["query"], now=NOW, **options)
    if answer["error"].startswith("Cannot find module"):
        # Node's own message (with its require stack): ours names the package and where.
        package = answer["error"].split("'")[1].removesuffix("/browserslist-stats.json")
        assert f"Cannot find module '{package}" in raised.value.reason
    else:
        assert raised.value.reason == answer["error"]


def test_a_computed_config_without_node_names_the_package_and_what_to_do(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from antechamber.browsers.browserslist import extends

    extends._load.cache_clear()  # evaluated once per process: forget an earlier evaluation
    monkeypatch.setenv("PATH", "")
    with pytest.raises(BrowserslistError) as raised:
        browserslist("extends browserslist-config-computed", path=PROJECT / "x")
    assert "`browserslist-config-computed`" in raised.value.reason
    assert "install Node.js" in raised.value.reason


def test_a_plain_data_config_is_read_without_node(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    ssr = browserslist("extends browserslist-config-envs", path=PROJECT, env="ssr")
    assert ssr == SELECTIONS["node 22"]


def test_current_node_is_the_node_on_path() -> None:
    if HAS_NODE:
        version = subprocess.run(
            ["node", "--version"], capture_output=True, text=True, check=True
        ).stdout.strip()
        assert browserslist("current node") == [f"node {version.removeprefix('v')}"]


def test_without_node_current_node_is_the_oldest_maintained_version() -> None:
    # browserslist's build for environments without Node.js answers the same.
    from antechamber.browsers.browserslist import nodejs

    nodejs._node_on_path.cache_clear()
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("PATH", "")
            nodejs._node_on_path.cache_clear()
            oldest = SELECTIONS["maintained node versions"][-1]
            assert browserslist("current node", now=NOW) == [oldest]
    finally:
        nodejs._node_on_path.cache_clear()


def test_baseline_widely_available_moves_with_the_date() -> None:
    later = datetime(2027, 11, 1)
    widely_then = browserslist("baseline widely available", now=later)
    assert widely_then != SELECTIONS["baseline widely available"]
    assert widely_then == browserslist("baseline widely available on 2027-11-01")


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


# Shareable configs that are data are read without Node.js; anything computed is left to node.


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ('module.exports = ["ie 11"]', ["ie 11"]),
        (
            "'use strict'\n// comment\nmodule.exports = ['> 1%', 'not dead',];\n",
            ["> 1%", "not dead"],
        ),
        (
            "module.exports = {\n  production: ['defaults'], /* dev */\n"
            '  development: ["last 1 chrome version"]\n}',
            {"production": ["defaults"], "development": ["last 1 chrome version"]},
        ),
        ("export default ['chrome >= 120']", ["chrome >= 120"]),
        ("module.exports = null", None),
        ("module.exports = 'some string'", "some string"),
    ],
)
def test_a_literal_export_is_read_as_data(source: str, value: object) -> None:
    assert exported_literal(source) == value


@pytest.mark.parametrize(
    "source",
    [
        "module.exports = ['chrome >= 120'].concat(['firefox >= 121'])",
        "const base = ['defaults']\nmodule.exports = base",
        "module.exports = [...require('./base'), 'not dead']",
        'exports.default = ["ie 11"]',
        "module.exports = ['ie 11']\nmodule.exports.push('ie 10')",
    ],
)
def test_a_computed_export_is_left_to_node(source: str) -> None:
    assert exported_literal(source) is NOT_LITERAL
