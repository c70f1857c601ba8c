"""Cookie consent: the signed state, the banner, server-side enforcement and records.

from antechamber.consent import CookieConsentMiddleware, banner_html
"""

from antechamber.consent.banner import banner_html, consent_head_html, google_consent
from antechamber.consent.middleware import CookieConsentMiddleware
from antechamber.consent.postgres_store import PostgresConsentStore
from antechamber.consent.records import (
    ConsentRecord,
    ConsentStore,
    ConsentStoreError,
    DayStats,
    LoggingConsentStore,
)
from antechamber.consent.sqlite_store import SQLiteConsentStore
from antechamber.consent.state import ConsentState

__all__ = [
    "ConsentRecord",
    "ConsentState",
    "ConsentStore",
    "ConsentStoreError",
    "CookieConsentMiddleware",
    "DayStats",
    "LoggingConsentStore",
    "PostgresConsentStore",
    "SQLiteConsentStore",
    "banner_html",
    "consent_head_html",
    "google_consent",
]
