"""antechamber: browser compatibility and cookie consent in front of any ASGI app.

from antechamber import Antechamber, Settings
app = Antechamber(app, settings=Settings(secret_key="..."))
"""

from antechamber.browsers.browserslist import BASELINE_VERSION, BrowserslistError, browserslist
from antechamber.browsers.caniuse import CANIUSE_VERSION
from antechamber.browsers.middleware import BrowserPolicyMiddleware
from antechamber.browsers.policy import BrowserInfo, BrowserPolicy
from antechamber.consent import (
    ConsentRecord,
    ConsentState,
    ConsentStore,
    ConsentStoreError,
    CookieConsentMiddleware,
    DayStats,
    LoggingConsentStore,
    PostgresConsentStore,
    SQLiteConsentStore,
    banner_html,
    consent_head_html,
)
from antechamber.middleware import Antechamber
from antechamber.settings import (
    BrowserSettings,
    Category,
    ConsentSettings,
    Cookie,
    Partner,
    Settings,
)

__version__ = "0.1.0"

__all__ = [
    "BASELINE_VERSION",
    "CANIUSE_VERSION",
    "Antechamber",
    "BrowserInfo",
    "BrowserPolicy",
    "BrowserPolicyMiddleware",
    "BrowserSettings",
    "BrowserslistError",
    "Category",
    "ConsentRecord",
    "ConsentSettings",
    "ConsentState",
    "ConsentStore",
    "ConsentStoreError",
    "Cookie",
    "CookieConsentMiddleware",
    "DayStats",
    "LoggingConsentStore",
    "Partner",
    "PostgresConsentStore",
    "SQLiteConsentStore",
    "Settings",
    "__version__",
    "banner_html",
    "browserslist",
    "consent_head_html",
]
