"""Settings from keywords, the environment and TOML, and the errors a bad value raises."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from antechamber.settings import Category, Partner, Settings

SECRET = "a-test-secret-of-some-length"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if name.startswith("ANTECHAMBER_"):
            monkeypatch.delenv(name)


def test_defaults_follow_the_contract() -> None:
    settings = Settings(secret_key=SECRET)
    assert settings.route_prefix == "/_antechamber"
    assert settings.default_locale == "en"
    assert settings.browsers.supported == "defaults"
    assert settings.browsers.mode == "block"
    assert settings.browsers.status_code == 406
    assert settings.browsers.allow_continue is True
    assert settings.browsers.continue_max_age == 7 * 24 * 3600
    assert settings.browsers.unknown == "allow"
    assert settings.browsers.share_region == "alt-ww"
    assert settings.consent.cookie_name == "antechamber_consent"
    assert settings.consent.max_age == 182 * 24 * 3600
    assert settings.consent.same_site == "lax"
    assert settings.consent.https_only is None
    assert settings.consent.revision == 1
    assert [c.key for c in settings.consent.categories] == [
        "necessary",
        "preferences",
        "analytics",
        "advertising",
        "social",
    ]
    assert [c.key for c in settings.consent.categories if c.required] == ["necessary"]
    assert settings.consent.honor_gpc is True
    assert settings.consent.enforce_cookies is True
    assert settings.consent.banner == "inject"
    assert settings.consent.log is None
    assert settings.consent.google_consent_mode is False
    for prefix in ("/static", "/favicon.ico", "/robots.txt", "/.well-known", "/_antechamber"):
        assert prefix in settings.gated_exempt_paths


def test_the_secret_key_stays_out_of_the_repr() -> None:
    settings = Settings(secret_key=SECRET)
    assert SECRET not in repr(settings)
    assert SECRET not in str(settings)
    assert settings.secret_keys == [SECRET]


def test_a_list_of_keys_rotates_with_the_first_signing() -> None:
    settings = Settings(secret_key=["new-key-0123456789", "old-key-0123456789"])
    assert settings.secret_keys == ["new-key-0123456789", "old-key-0123456789"]


def test_consent_without_a_secret_key_is_refused() -> None:
    with pytest.raises(ValueError, match="secret_key is required"):
        Settings()


def test_the_browser_half_alone_needs_no_secret_key() -> None:
    settings = Settings(consent={"enabled": False})
    assert settings.secret_keys == []


def test_environment_variables_nest_with_double_underscores(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ANTECHAMBER_SECRET_KEY", SECRET)
    monkeypatch.setenv("ANTECHAMBER_BROWSERS__SUPPORTED", "> 0.5%, last 2 versions, not dead")
    monkeypatch.setenv("ANTECHAMBER_BROWSERS__MODE", "warn")
    monkeypatch.setenv("ANTECHAMBER_CONSENT__REVISION", "4")
    monkeypatch.setenv("ANTECHAMBER_LOCALES", '["en", "uk"]')
    settings = Settings()
    assert settings.secret_keys == [SECRET]
    assert settings.browsers.supported == "> 0.5%, last 2 versions, not dead"
    assert settings.browsers.mode == "warn"
    assert settings.consent.revision == 4
    assert settings.locales == ["en", "uk"]


def test_a_json_list_in_the_environment_gives_rotating_keys(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ANTECHAMBER_SECRET_KEY", '["new-key-0123456789", "old-key-0123456789"]')
    assert Settings().secret_keys == ["new-key-0123456789", "old-key-0123456789"]


TOML = """
secret_key = "toml-secret-0123456789"
locales = ["en", "de"]

[browsers]
supported = { chrome = "120", safari = "17.2", ie = false }
mode = "warn"

[consent]
revision = 3
policy_url = "/cookies"

[[consent.partners]]
key = "ga"
name = "Google Analytics"
category = "analytics"
cookies = ["_ga", "_ga_*", "_gid"]
privacy_url = "https://policies.google.com/privacy"
"""


def test_a_toml_file_configures_everything(tmp_path: Path) -> None:
    path = tmp_path / "antechamber.toml"
    path.write_text(TOML)
    settings = Settings.from_toml(path)
    assert settings.secret_keys == ["toml-secret-0123456789"]
    assert settings.locales == ["en", "de"]
    assert settings.browsers.supported == {"chrome": "120", "safari": "17.2", "ie": False}
    assert settings.browsers.mode == "warn"
    assert settings.consent.revision == 3
    assert settings.consent.partners == [
        Partner(
            "ga",
            "Google Analytics",
            "analytics",
            cookies=["_ga", "_ga_*", "_gid"],
            privacy_url="https://policies.google.com/privacy",
        )
    ]


def test_keywords_and_environment_win_over_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "antechamber.toml"
    path.write_text(TOML)
    monkeypatch.setenv("ANTECHAMBER_BROWSERS__MODE", "report")
    settings = Settings.from_toml(path, route_prefix="/_ac")
    assert settings.browsers.mode == "report"
    assert settings.route_prefix == "/_ac"
    assert settings.consent.revision == 3


def test_antechamber_config_names_the_file_for_plain_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "site.toml"
    path.write_text(TOML)
    monkeypatch.setenv("ANTECHAMBER_CONFIG", str(path))
    assert Settings().consent.revision == 3


def test_a_missing_config_file_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTECHAMBER_CONFIG", "/nonexistent/antechamber.toml")
    with pytest.raises(ValueError, match=re.escape("/nonexistent/antechamber.toml")):
        Settings(secret_key=SECRET)


def test_broken_toml_is_reported_with_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("secret_key = \n[browsers")
    with pytest.raises(ValueError, match=re.escape("broken.toml")):
        Settings.from_toml(path)


@pytest.mark.parametrize(
    ("values", "setting", "value"),
    [
        ({"browsers": {"mode": "nag"}}, "browsers.mode", "nag"),
        ({"browsers": {"unknown": "deny"}}, "browsers.unknown", "deny"),
        ({"browsers": {"status_code": 99}}, "browsers.status_code", "99"),
        ({"browsers": {"share_region": "world"}}, "share_region", "world"),
        ({"browsers": {"exempt_paths": ["static"]}}, "exempt_paths", "static"),
        ({"browsers": {"supported": "chrome >= banana"}}, "browsers", "chrome >= banana"),
        ({"browsers": {"supported": {"netscape": "4"}}}, "browsers", "netscape"),
        ({"consent": {"log": "mysql://db"}}, "consent.log", "mysql://db"),
        ({"consent": {"same_site": "loose"}}, "consent.same_site", "loose"),
        ({"consent": {"revision": 0}}, "consent.revision", "0"),
        ({"consent": {"cookie_name": "bad name;"}}, "cookie_name", "bad name;"),
        ({"consent": {"path": "cookies"}}, "consent.path", "cookies"),
        ({"route_prefix": "no-slash"}, "route_prefix", "no-slash"),
        ({"locales": ["en", "english!"]}, "locales", "english!"),
        ({"default_locale": "fr", "locales": ["en"]}, "default_locale", "fr"),
        ({"templates_dir": "/nonexistent/templates"}, "templates_dir", "/nonexistent/templates"),
        ({"browsers": {"colour": "blue"}}, "browsers.colour", "blue"),
    ],
)
def test_an_invalid_setting_names_the_setting_and_the_value(
    values: dict[str, object], setting: str, value: str
) -> None:
    with pytest.raises(ValueError) as caught:
        Settings(secret_key=SECRET, **values)
    message = str(caught.value)
    assert setting in message
    assert value in message


def test_partners_must_name_a_known_category() -> None:
    with pytest.raises(ValueError, match="'ads'"):
        Settings(secret_key=SECRET, consent={"partners": [Partner("fb", "Meta Pixel", "ads")]})


def test_category_and_partner_keys_are_unique() -> None:
    with pytest.raises(ValueError, match="unique"):
        Settings(
            secret_key=SECRET,
            consent={"categories": [Category("stats", "Stats"), Category("stats", "Again")]},
        )


def test_a_short_secret_key_is_refused_without_echoing_it() -> None:
    with pytest.raises(ValueError, match="at least 16 characters") as caught:
        Settings(secret_key="short-secret")
    assert "short-secret" not in str(caught.value)


def test_settings_are_immutable() -> None:
    settings = Settings(secret_key=SECRET)
    with pytest.raises(ValueError):
        settings.route_prefix = "/elsewhere"  # type: ignore[misc]
