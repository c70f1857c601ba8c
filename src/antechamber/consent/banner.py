"""The consent banner, the preferences page and the Google Consent Mode signals.

The banner is rendered once per language and kind of state and kept; per request only the page's
own path is put into it (the `next` of its forms), escaped.

Google Consent Mode v2 mapping (the same for `default` and `update`):

    ad_storage, ad_user_data, ad_personalization   <- category "advertising"
    analytics_storage                              <- category "analytics"
    functionality_storage, personalization_storage <- category "preferences"
    security_storage                               <- always "granted" (strictly necessary)

A category the settings do not declare maps to "denied"; GPC denies the advertising types.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from babel.dates import format_date, format_timedelta
from markupsafe import Markup

from antechamber.consent.state import ConsentState
from antechamber.pages import Pages
from antechamber.settings import Cookie, Partner, Settings
from antechamber.web.cache import BoundedCache
from antechamber.web.request import SCOPE_KEY, Visit

if TYPE_CHECKING:
    from starlette.requests import HTTPConnection

__all__ = ["ConsentPages", "banner_html", "consent_head_html", "google_consent"]


def N_(message: str) -> str:
    """Marks a message for the catalogs (babel extracts `N_`); translated where it is shown."""
    return message


# The default categories' texts, so that the catalogs carry them: settings/parties.py holds them as
# strings, and the preferences page translates whatever title and description a category has
# (a site's own texts pass through unchanged unless its catalogs have them).
DEFAULT_CATEGORY_TEXTS = (
    N_("Strictly necessary"),
    N_("Needed for the site to work and to remember your choices. They cannot be switched off."),
    N_("Preferences"),
    N_("Remember settings such as your language or region."),
    N_("Analytics"),
    N_("Help us understand how visitors use the site, by collecting information anonymously."),
    N_("Advertising"),
    N_("Used to show you ads that are relevant to you and to measure them."),
    N_("Social media"),
    N_("Let you share content on social networks and show you content from them."),
)

_NEXT = "\x00antechamber-next\x00"
_NEXT_QUERY = "\x00antechamber-next-query\x00"
_PLAIN = re.compile(r"^[A-Za-z0-9/._~-]*$")

GOOGLE_CONSENT_TYPES: dict[str, str | None] = {
    "ad_storage": "advertising",
    "ad_user_data": "advertising",
    "ad_personalization": "advertising",
    "analytics_storage": "analytics",
    "functionality_storage": "preferences",
    "personalization_storage": "preferences",
    "security_storage": None,
}


def google_consent(state: ConsentState) -> dict[str, str]:
    """Google Consent Mode v2 values for a state (see the module docstring for the mapping)."""
    return {
        name: "granted" if category is None or state.categories.get(category) else "denied"
        for name, category in GOOGLE_CONSENT_TYPES.items()
    }


def _json_for_script(data: Any) -> str:
    # Inside <script type="application/json"> only "</" could end the element early.
    text = json.dumps(data, separators=(",", ":"), sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class ConsentPages:
    """Renders what the consent manager shows; built once by the middleware."""

    def __init__(self, settings: Settings, pages: Pages, undecided: ConsentState) -> None:
        self.settings = settings
        self.undecided = undecided
        self.consent = settings.consent
        self.pages = pages
        self.prefix = settings.route_prefix
        self.partners_by_category: dict[str, list[Partner]] = {}
        for partner in self.consent.partners:
            self.partners_by_category.setdefault(partner.category, []).append(partner)
        # The banner by (locale, root_path, state), split at the page's path (ConsentHalf keeps
        # the joined markup of the pages seen).
        self._fragments: BoundedCache[tuple[str, str, str], list[str]] = BoundedCache(512)
        self._banner_hashes: dict[str, str] = {}
        self._facts: dict[str, dict[str, list[CookieFacts]]] = {}

    # -- data for scripts -------------------------------------------------------------------------

    def state_json(self, state: ConsentState) -> dict[str, Any]:
        """The state as `GET {prefix}/consent` answers it (plus Consent Mode values when on)."""
        data = state.to_json()
        if self.consent.google_consent_mode:
            data["google_consent"] = google_consent(state)
        return data

    # -- the banner -------------------------------------------------------------------------------

    def fragment(self, state: ConsentState, locale: str, next_path: str, root: str = "") -> str:
        """The markup inserted into a page: the banner for an undecided visitor, and always the
        "Cookie settings" link (hidden while the banner shows). `root`: the app's `root_path`,
        which the banner's URLs start with."""
        key = (locale, root, state.markup_key)
        pieces = self._fragments.get(key)
        if pieces is None:
            prefix = root + self.prefix
            data = {
                "prefix": prefix,
                "decided": state.decided,
                "categories": dict(state.categories),
                "partners": dict(state.partners),
                "gpc": state.gpc,
                "google_consent_mode": self.consent.google_consent_mode,
            }
            if self.consent.google_consent_mode:
                data["google_consent"] = google_consent(state)
            template = self.pages.render(
                "consent/banner.html",
                locale,
                show_banner=not state.decided,
                gpc=state.gpc,
                banner_text=self.consent.banner_text,
                policy_url=self.consent.policy_url,
                data_json=Markup(_json_for_script(data)),  # noqa: S704 - escaped for <script>
                next=_NEXT,
                next_query=_NEXT_QUERY,
                root=root,
            )
            # Split once at the placeholders: per request the page's path is only joined in.
            pieces = re.split(f"({_NEXT}|{_NEXT_QUERY})", template)
            self._fragments.put(key, pieces)
        if _PLAIN.match(next_path):
            as_value = as_query = next_path  # nothing to escape or encode
        else:
            as_value = html.escape(next_path)
            as_query = html.escape(quote(next_path, safe="/"))
        return "".join(
            as_value if piece == _NEXT else as_query if piece == _NEXT_QUERY else piece
            for piece in pieces
        )

    def banner_hash(self, locale: str) -> str:
        """A hash of what the banner said (text, policy link, revision) in a locale, for records:
        it shows which wording a recorded choice answered."""
        digest = self._banner_hashes.get(locale)
        if digest is None:
            # The banner as an undecided visitor gets it: its own text, the site's override or
            # template, the policy link; plus the revision the choice is recorded under.
            shown = self.fragment(self.undecided, locale, "/")
            material = f"{self.consent.revision}\n{locale}\n{shown}"
            digest = hashlib.sha256(material.encode("utf-8")).hexdigest()
            self._banner_hashes[locale] = digest
        return digest

    # -- the preferences page ---------------------------------------------------------------------

    def preferences(
        self,
        state: ConsentState,
        locale: str,
        next_path: str,
        *,
        saved: bool = False,
        root: str = "",
    ) -> str:
        decided_on = ""
        if state.decided_at is not None:
            decided_on = format_date(state.decided_at.date(), format="long", locale=locale)
        return self.pages.render(
            "consent/preferences.html",
            locale,
            root=root,
            state=state,
            saved=saved,
            decided_on=decided_on,
            categories=self.consent.categories,
            partners_by_category=self.partners_by_category,
            cookies_of=self._cookie_facts(locale),
            policy_url=self.consent.policy_url,
            next=next_path,
        )

    def _cookie_facts(self, locale: str) -> dict[str, list[CookieFacts]]:
        """Each partner's cookies as the preferences page lists them, per locale (kept)."""
        facts = self._facts.get(locale)
        if facts is None:
            facts = self._facts[locale] = {
                partner.key: [cookie_facts(cookie, locale) for cookie in partner.cookies]
                for partner in self.consent.partners
            }
        return facts

    # -- Google Consent Mode ----------------------------------------------------------------------

    def gcm_script(self, state: ConsentState) -> str:
        """`{prefix}/gcm.js`: Consent Mode's `default` for this visitor, to load before any tag."""
        values: dict[str, Any] = dict(google_consent(state))
        if not state.decided:
            values["wait_for_update"] = 500  # the banner's answer may come in a moment
        return (
            "window.dataLayer=window.dataLayer||[];"
            "(function(){function gtag(){window.dataLayer.push(arguments);}"
            f'gtag("consent","default",{_json_for_script(values)});}})();\n'
        )


@dataclass(frozen=True, slots=True)
class CookieFacts:
    """One cookie as a visitor reads it: a plain name leaves the rest unknown (None)."""

    name: str
    lifetime: str | None  # "13 months", in the visitor's language; "" for a session cookie
    purpose: str
    third_party: bool | None


def cookie_facts(cookie: str | Cookie, locale: str) -> CookieFacts:
    if isinstance(cookie, str):
        return CookieFacts(cookie, None, "", None)
    lifetime = ""
    if cookie.max_age is not None:
        # threshold 1.1: 400 days reads "13 months", not a rounded-down "1 year".
        lifetime = format_timedelta(timedelta(seconds=cookie.max_age), threshold=1.1, locale=locale)
    return CookieFacts(cookie.name, lifetime, cookie.purpose, cookie.third_party)


def _scope_of(request_or_scope: HTTPConnection | Mapping[str, Any]) -> Mapping[str, Any]:
    scope = getattr(request_or_scope, "scope", request_or_scope)
    if not isinstance(scope, Mapping):
        raise TypeError(f"expected a Starlette request or an ASGI scope; got {request_or_scope!r}")
    return scope


def banner_html(request_or_scope: HTTPConnection | Mapping[str, Any]) -> Markup:
    """The banner (or, once decided, the "Cookie settings" link) for `banner="manual"` sites.

        templates.env.globals["consent_banner"] = banner_html
        {{ consent_banner(request) }}       {# in the page, e.g. just before </body> #}

    Empty markup when `CookieConsentMiddleware` did not handle this request.
    """
    visit = _scope_of(request_or_scope).get(SCOPE_KEY)
    if not isinstance(visit, Visit) or visit.banner is None:
        return Markup("")
    return Markup(visit.banner(visit))  # noqa: S704 - rendered with autoescape


def consent_head_html(request_or_scope: HTTPConnection | Mapping[str, Any]) -> Markup:
    """With `google_consent_mode`, the `<script src>` that sets Consent Mode's defaults.

    Put it in `<head>` before any Google tag: a default must precede the tags it governs.
    """
    visit = _scope_of(request_or_scope).get(SCOPE_KEY)
    if not isinstance(visit, Visit) or visit.consent_head is None:
        return Markup("")
    return Markup(visit.consent_head(visit))  # noqa: S704 - a fixed URL, escaped
