"""The signed cookie that carries the visitor's consent: `ConsentCodec` (`ConsentState` and
`StoredChoice` are in `antechamber.consent.choice`, and importable from here).

The cookie value is a short text payload signed with itsdangerous:

    2.<revision>.<consent id>.<unix time>.<g if chosen under GPC>.<categories>.<partners>

where categories are the categories chosen as a whole and partners those chosen one by one, each
joined by `~` (required categories are never stored: they are always granted). A partner is
granted when it was chosen itself or its whole category was; a category only when chosen as a
whole. Everything not listed is refused, so a category added to the settings later reads as
refused until the visitor chooses again.

Format 1 (before partners could be chosen one by one) listed the granted partners of granted
categories. Such a cookie is read so that it never grants more than it did: a category keeps its
grant only when every one of its partners was listed; otherwise its listed partners are kept one
by one and the category itself is not.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from types import MappingProxyType

from itsdangerous import BadSignature, Signer

from antechamber.consent.choice import ConsentState, StoredChoice
from antechamber.settings import ConsentSettings
from antechamber.web.cache import BoundedCache

__all__ = ["ConsentCodec", "ConsentState", "StoredChoice"]

SALT = "antechamber.consent"
FORMAT = "2"
FORMATS = frozenset({"1", FORMAT})
# Browsers keep about 4 KB per cookie; anything longer was not written by us.
MAX_COOKIE_LENGTH = 4096
GPC_CATEGORIES = frozenset({"advertising"})


class ConsentCodec:
    """Signs and reads consent cookies and turns choices into `ConsentState`s.

    Everything per request is a lookup: the signer is built once, verified cookie values are kept
    in a bounded LRU (a valid signature stays valid for the same value and keys), and the states
    built from a choice are kept with it. Expiry is still checked on every read, against the
    signed time of the choice.
    """

    def __init__(
        self,
        settings: ConsentSettings,
        secret_keys: list[str],
        *,
        clock: Callable[[], float],
        cache_size: int = 4096,
    ) -> None:
        if not secret_keys:
            raise ValueError("consent needs secret_key: at least one signing key")
        self.settings = settings
        self.clock = clock
        self.max_age = settings.max_age
        self.revision = settings.revision
        # itsdangerous signs with its *last* key; ours lists the signing key first.
        self.signer = Signer(
            list(reversed(secret_keys)),
            salt=SALT,
            key_derivation="hmac",
            digest_method=hashlib.sha256,
        )
        self.required = tuple(c.key for c in settings.categories if c.required)
        self.optional = tuple(c.key for c in settings.categories if not c.required)
        self.category_keys = frozenset(self.required + self.optional)
        self.partner_category = {p.key: p.category for p in settings.partners}
        self.gpc_categories = GPC_CATEGORIES & self.category_keys
        self._cache: BoundedCache[bytes, tuple[StoredChoice, dict[bool, ConsentState]]] = (
            BoundedCache(cache_size)
        )
        self.undecided = {gpc: self._undecided(gpc) for gpc in (False, True)}

    # -- building states ------------------------------------------------------------------------

    def _undecided(self, gpc: bool) -> ConsentState:
        categories = {key: False for key in self.optional}
        categories.update(dict.fromkeys(self.required, True))
        partners = {
            key: category in self.required for key, category in self.partner_category.items()
        }
        return ConsentState(
            decided=False,
            categories=MappingProxyType(categories),
            partners=MappingProxyType(partners),
            gpc=gpc,
            consent_id=None,
            revision=self.revision,
            decided_at=None,
            expires_at=None,
        )

    def state(self, choice: StoredChoice, gpc_now: bool) -> ConsentState:
        """The state a stored choice gives for a request that does (not) carry GPC.

        A choice made without the signal is overridden by a signal that arrives later (advertising
        is denied again); a choice made *with* the signal present is the visitor's explicit word
        and stands.
        """
        denied = self.gpc_categories if gpc_now and not choice.gpc else frozenset()
        categories = dict.fromkeys(self.required, True)
        for key in self.optional:
            categories[key] = key in choice.categories and key not in denied
        partners = {
            key: categories.get(category, False)
            or (key in choice.partners and category not in denied)
            for key, category in self.partner_category.items()
        }
        return ConsentState(
            decided=True,
            categories=MappingProxyType(categories),
            partners=MappingProxyType(partners),
            gpc=gpc_now,
            consent_id=choice.consent_id,
            revision=choice.revision,
            decided_at=datetime.fromtimestamp(choice.decided_at, UTC),
            expires_at=datetime.fromtimestamp(choice.decided_at + self.max_age, UTC),
        )

    def choose(
        self,
        action: str,
        *,
        categories: Iterable[str] = (),
        partners: Iterable[str] | None = None,
        gpc: bool,
        consent_id: str | None,
        shown: Mapping[str, bool] | None = None,
    ) -> StoredChoice:
        """A new choice. `accept_all` under GPC grants everything but what the signal denies;
        `save` takes the ticked categories and partners as they are (ticking advertising, or a
        partner in it, is the explicit opt-in that overrides the signal). A ticked category
        brings all its partners; a partner ticked alone is granted alone.

        `shown` is the categories as the page showed them (the state the request carried). On a
        page without JavaScript, unticking a category leaves its partners' switches ticked: a
        category shown granted, now unticked with every one of its partners still ticked, takes
        its partners with it, as the script on the page would have done.
        """
        granted: set[str] = set()
        partner_keys: set[str] = set()
        if action == "accept_all":
            granted = set(self.optional) - (self.gpc_categories if gpc else set())
        elif action == "save":
            granted = {key for key in categories if key in self.optional}
            ticked = {key for key in partners or () if key in self.partner_category}
            for category in self.optional:
                members = {k for k, of in self.partner_category.items() if of == category}
                if category in granted or not members:
                    continue  # the whole brings its partners: the cookie stays short
                if shown and shown.get(category) and members <= ticked:
                    continue  # unticked as a whole, without the script
                partner_keys |= members & ticked
        return StoredChoice(
            revision=self.revision,
            consent_id=consent_id or secrets.token_urlsafe(12),
            decided_at=int(self.clock()),
            gpc=gpc,
            categories=frozenset(granted),
            partners=frozenset(partner_keys),
        )

    # -- the cookie -----------------------------------------------------------------------------

    def dumps(self, choice: StoredChoice) -> str:
        payload = ".".join(
            (
                FORMAT,
                str(choice.revision),
                choice.consent_id,
                str(choice.decided_at),
                "g" if choice.gpc else "",
                "~".join(sorted(choice.categories)),
                "~".join(sorted(choice.partners)),
            )
        )
        value = self.signer.sign(payload).decode("ascii")
        self._remember(value.encode("ascii"), choice)
        return value

    def read(self, value: bytes | None, gpc_now: bool) -> tuple[ConsentState, StoredChoice | None]:
        """The state for a cookie value (None: no cookie). Never raises."""
        if value is None:
            return self.undecided[gpc_now], None
        entry = self._cache.get(value)
        if entry is None:
            choice = self._verify(value)
            if choice is None:
                return self.undecided[gpc_now], None
            entry = self._remember(value, choice)
        choice, states = entry
        if self.clock() - choice.decided_at > self.max_age:
            return self.undecided[gpc_now], None
        state = states.get(gpc_now)
        if state is None:
            state = states[gpc_now] = self.state(choice, gpc_now)
        return state, choice

    def _remember(
        self, value: bytes, choice: StoredChoice
    ) -> tuple[StoredChoice, dict[bool, ConsentState]]:
        return self._cache.put(value, (choice, {}))

    def _verify(self, value: bytes) -> StoredChoice | None:
        if len(value) > MAX_COOKIE_LENGTH:
            return None
        try:
            payload = self.signer.unsign(value).decode("ascii")
        except (BadSignature, UnicodeDecodeError):
            return None
        parts = payload.split(".")
        if len(parts) != 7 or parts[0] not in FORMATS:
            return None
        format_, revision, consent_id, decided_at, gpc, categories, partners = parts
        if not (revision.isdigit() and decided_at.isdigit() and consent_id):
            return None
        if int(revision) != self.revision:
            return None  # an older policy: the visitor must be asked again
        category_keys = frozenset(k for k in categories.split("~") if k in self.category_keys)
        partner_keys = frozenset(k for k in partners.split("~") if k in self.partner_category)
        if format_ == "1":
            category_keys, partner_keys = self._from_format_1(category_keys, partner_keys)
        return StoredChoice(
            revision=int(revision),
            consent_id=consent_id,
            decided_at=int(decided_at),
            gpc=gpc == "g",
            categories=category_keys,
            partners=partner_keys,
        )

    def _from_format_1(
        self, categories: frozenset[str], partners: frozenset[str]
    ) -> tuple[frozenset[str], frozenset[str]]:
        """A format-1 choice in today's terms, granting nothing it did not (module docstring)."""
        whole = frozenset(
            category
            for category in categories
            if all(key in partners for key, of in self.partner_category.items() if of == category)
        )
        alone = frozenset(
            key
            for key in partners
            if self.partner_category[key] in categories and self.partner_category[key] not in whole
        )
        return whole, alone
