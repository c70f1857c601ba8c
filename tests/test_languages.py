"""The 25 shipped languages reach their visitors, and a site adds its own with `locale_dirs`.

Everything goes through a real Starlette app behind `Antechamber`: the banner, the preferences
page and the upgrade page, negotiated from Accept-Language as a visitor's browser sends it.
"""

from __future__ import annotations

import datetime
import html
import io
import re
from pathlib import Path
from typing import Any

import pytest
from babel.dates import format_date
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from antechamber import Antechamber, Settings
from antechamber.catalogs import SHIPPED_LOCALES
from antechamber.settings import Category
from test_gate import IE_9

SECRET = "languages-test-key-0123456789"
PAGE = "<!doctype html><html><head><title>Site</title></head><body><h1>News</h1></body></html>"
CHROME_131 = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)

# What a browser set to each new language sends, and the banner's two main buttons, written as a
# native speaker reads them.
NEW_LANGUAGES = [
    ("sv-SE,sv;q=0.9,en;q=0.5", "sv", "Godkänn alla", "Neka alla"),
    ("da-DK,da;q=0.9", "da", "Accepter alle", "Afvis alle"),
    ("fi-FI,fi;q=0.9,en;q=0.8", "fi", "Hyväksy kaikki", "Hylkää kaikki"),
    ("el", "el", "Αποδοχή όλων", "Απόρριψη όλων"),
    ("bg-BG,bg;q=0.9", "bg", "Приемане на всички", "Отхвърляне на всички"),
    ("ro-RO", "ro", "Acceptă toate", "Respinge toate"),
    ("hu-HU,hu;q=0.9,en-US;q=0.8", "hu", "Összes elfogadása", "Összes elutasítása"),
    ("et-EE", "et", "Nõustu kõigiga", "Keeldu kõigist"),
    ("lv-LV,lv;q=0.9", "lv", "Pieņemt visas", "Noraidīt visas"),
    ("lt", "lt", "Priimti visus", "Atmesti visus"),
    ("hr-HR,hr;q=0.9", "hr", "Prihvati sve", "Odbij sve"),
    ("sl-SI,sl;q=0.9", "sl", "Sprejmi vse", "Zavrni vse"),
    ("sk", "sk", "Prijať všetky", "Odmietnuť všetky"),
    ("ga-IE,ga;q=0.9,en-IE;q=0.8", "ga", "Glac le gach ceann", "Diúltaigh do gach ceann"),
    ("mt-MT,mt;q=0.9,en;q=0.8", "mt", "Aċċetta kollox", "Irrifjuta kollox"),
]


async def home(request: Request) -> Response:
    return HTMLResponse(PAGE)


def make_client(**settings: Any) -> TestClient:
    settings.setdefault("secret_key", SECRET)
    app = Antechamber(Starlette(routes=[Route("/", home)]), settings=Settings(**settings))
    return TestClient(app, base_url="http://testserver")


def text(response: Response | Any) -> str:
    return html.unescape(response.text)


@pytest.fixture(scope="module")
def client() -> TestClient:
    return make_client()


# -- the shipped languages -----------------------------------------------------------------------


def test_every_shipped_language_is_offered_by_default() -> None:
    assert Settings(secret_key=SECRET).locales == list(SHIPPED_LOCALES)
    assert len(SHIPPED_LOCALES) == 25


@pytest.mark.parametrize(("header", "lang", "accept", "reject"), NEW_LANGUAGES)
def test_the_banner_speaks_the_visitors_language(
    client: TestClient, header: str, lang: str, accept: str, reject: str
) -> None:
    response = client.get("/", headers={"accept-language": header, "user-agent": CHROME_131})
    assert response.status_code == 200
    body = text(response)
    assert f'class="antechamber-consent" lang="{lang}"' in body
    assert f">{accept}<" in body
    assert f">{reject}<" in body
    assert "Accept all" not in body


@pytest.mark.parametrize(("header", "lang"), [(h, lang) for h, lang, _, _ in NEW_LANGUAGES])
def test_the_upgrade_page_speaks_the_visitors_language(
    client: TestClient, header: str, lang: str
) -> None:
    response = client.get("/", headers={"accept-language": header, "user-agent": IE_9})
    assert response.status_code == 406
    body = text(response)
    assert f'<html lang="{lang}"' in body
    for english in ("Your browser", "this site", "Continue anyway", "Usage share"):
        assert english not in body


@pytest.mark.parametrize("lang", ["fi", "hu", "el", "ga", "mt"])
def test_the_preferences_page_dates_the_choice_as_babel_writes_dates(lang: str) -> None:
    client = make_client()
    headers = {"origin": "http://testserver", "accept-language": lang}
    client.post("/_antechamber/consent", data={"action": "reject_all"}, headers=headers)
    page = text(client.get("/_antechamber/preferences", headers=headers))
    today = datetime.datetime.now(datetime.UTC).date()
    assert format_date(today, format="long", locale=lang) in page
    assert str(today.year) in page


def test_shares_on_the_upgrade_page_are_numbers_of_the_visitors_language(
    client: TestClient,
) -> None:
    finnish = text(client.get("/", headers={"accept-language": "fi", "user-agent": IE_9}))
    english = text(client.get("/", headers={"accept-language": "en", "user-agent": IE_9}))
    assert re.search(r"\d,\d\xa0%", finnish)  # 65,3 %: decimal comma, no-break space
    assert not re.search(r"\d\.\d%", finnish)
    assert re.search(r"\d\.\d%", english)


# -- a site's own catalogs -----------------------------------------------------------------------


def write_po(folder: Path, lang: str, messages: dict[str, str], plural: str = "") -> Path:
    """A catalog as a site's translator writes it, by hand or with pybabel."""
    path = folder / lang / "LC_MESSAGES" / "antechamber.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        'msgid ""',
        'msgstr ""',
        '"Content-Type: text/plain; charset=UTF-8\\n"',
        f'"Language: {lang}\\n"',
        f'"Plural-Forms: {plural or "nplurals=2; plural=(n != 1);"}\\n"',
        "",
    ]
    for msgid, msgstr in messages.items():
        lines += [f'msgid "{msgid}"', f'msgstr "{msgstr}"', ""]
    path.write_text("\n".join(lines), "utf-8")
    return path


@pytest.fixture
def site_locale(tmp_path: Path) -> Path:
    """A site's folder: Norwegian and Icelandic added, one Swedish string overridden."""
    folder = tmp_path / "locale"
    write_po(
        folder,
        "nb",
        {
            "Accept all": "Godta alle",
            "Reject all": "Avvis alle",
            "Customize": "",  # not translated yet: English, never an empty button
            "Newsletter": "Nyhetsbrev",  # the site's own category
        },
    )
    write_po(folder, "sv", {"Accept all": "Acceptera alla"})
    icelandic = Catalog(locale="is")
    icelandic.add("Accept all", "Samþykkja allt")
    mo = folder / "is" / "LC_MESSAGES" / "antechamber.mo"
    mo.parent.mkdir(parents=True)
    buffer = io.BytesIO()
    write_mo(buffer, icelandic)
    mo.write_bytes(buffer.getvalue())
    return folder


def test_a_sites_folder_adds_its_languages_to_the_default_locales(site_locale: Path) -> None:
    settings = Settings(secret_key=SECRET, locale_dirs=[str(site_locale)])
    assert settings.locales == [*SHIPPED_LOCALES, "is", "nb"]


def test_a_site_adds_a_language_from_its_own_folder(site_locale: Path) -> None:
    client = make_client(locale_dirs=[str(site_locale)])
    headers = {"accept-language": "nb-NO,nb;q=0.9,en;q=0.5", "user-agent": CHROME_131}
    body = text(client.get("/", headers=headers))
    assert 'lang="nb"' in body
    assert ">Godta alle<" in body
    assert ">Avvis alle<" in body
    assert ">Customize<" in body  # left untranslated by the site: English
    icelandic = text(client.get("/", headers={"accept-language": "is", "user-agent": CHROME_131}))
    assert 'lang="is"' in icelandic
    assert ">Samþykkja allt<" in icelandic  # from a compiled .mo


def test_a_site_overrides_one_shipped_string_and_keeps_the_others(site_locale: Path) -> None:
    client = make_client(locale_dirs=[str(site_locale)])
    body = text(client.get("/", headers={"accept-language": "sv", "user-agent": CHROME_131}))
    assert ">Acceptera alla<" in body  # the site's
    assert ">Godkänn alla<" not in body
    assert ">Neka alla<" in body  # shipped


def test_a_site_translates_its_own_category_titles(site_locale: Path) -> None:
    categories = [
        Category("necessary", "Strictly necessary", required=True),
        Category("newsletter", "Newsletter"),
    ]
    client = make_client(locale_dirs=[str(site_locale)], consent={"categories": categories})
    page = text(client.get("/_antechamber/preferences", headers={"accept-language": "nb"}))
    assert "Nyhetsbrev" in page
    assert "Strictly necessary" in page  # neither the site nor antechamber translates it to nb
    swedish = text(client.get("/_antechamber/preferences", headers={"accept-language": "sv"}))
    assert "Absolut nödvändiga" in swedish and "Newsletter" in swedish


def test_the_first_folder_that_has_a_language_wins(site_locale: Path, tmp_path: Path) -> None:
    later = tmp_path / "later"
    write_po(later, "sv", {"Accept all": "Ja till alla", "Reject all": "Nej till alla"})
    client = make_client(locale_dirs=[str(site_locale), str(later)])
    body = text(client.get("/", headers={"accept-language": "sv", "user-agent": CHROME_131}))
    assert ">Acceptera alla<" in body
    assert ">Neka alla<" in body  # the later folder's sv is not read at all


def test_a_regional_catalog_falls_back_to_the_shipped_language(tmp_path: Path) -> None:
    write_po(tmp_path, "pt_BR", {"Accept all": "Aceitar tudo"})
    client = make_client(locale_dirs=[str(tmp_path)])
    body = text(client.get("/", headers={"accept-language": "pt-BR", "user-agent": CHROME_131}))
    assert 'lang="pt-BR"' in body
    assert ">Aceitar tudo<" in body
    assert ">Rejeitar todos<" in body  # shipped Portuguese


def test_locale_dirs_is_read_from_the_environment(
    site_locale: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTECHAMBER_LOCALE_DIRS", f'["{site_locale}"]')
    monkeypatch.setenv("ANTECHAMBER_SECRET_KEY", SECRET)
    assert "nb" in Settings().locales


# -- errors at construction ----------------------------------------------------------------------


def test_a_language_without_a_catalog_is_an_error_naming_it() -> None:
    with pytest.raises(ValueError, match=r"locales: 'nb' has no catalog.*locale_dirs"):
        Settings(secret_key=SECRET, locales=["en", "nb"])


def test_a_language_the_sites_folder_lacks_is_still_an_error(site_locale: Path) -> None:
    with pytest.raises(ValueError, match=r"'nn' has no catalog"):
        Settings(secret_key=SECRET, locale_dirs=[str(site_locale)], locales=["en", "nb", "nn"])


def test_a_folder_that_does_not_exist_is_an_error(tmp_path: Path) -> None:
    missing = str(tmp_path / "nowhere")
    with pytest.raises(ValueError, match=rf"locale_dirs: '{re.escape(missing)}' is not a dir"):
        Settings(secret_key=SECRET, locale_dirs=[missing])


def test_a_catalog_that_does_not_parse_is_an_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "nb" / "LC_MESSAGES" / "antechamber.po"
    path.parent.mkdir(parents=True)
    path.write_text('msgid "Accept all"\nmsgstr "Godta alle\nmsgid', "utf-8")
    with pytest.raises(ValueError, match=rf"locale_dirs: '{re.escape(str(path))}' is not a valid"):
        Settings(secret_key=SECRET, locale_dirs=[str(tmp_path)])


def test_a_compiled_catalog_that_is_not_one_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "nb" / "LC_MESSAGES" / "antechamber.mo"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not a .mo file")
    with pytest.raises(ValueError, match=r"antechamber\.mo' is not a valid gettext catalog"):
        Settings(secret_key=SECRET, locale_dirs=[str(tmp_path)])


def test_a_folder_not_named_after_a_language_is_an_error(tmp_path: Path) -> None:
    write_po(tmp_path, "norsk bokmål", {"Accept all": "Godta alle"})
    with pytest.raises(ValueError, match="not in a folder named after a language code"):
        Settings(secret_key=SECRET, locale_dirs=[str(tmp_path)])
