"""What a visitor chose and what it grants: `ConsentState` (`request.state.consent`) and
`StoredChoice` (one choice as the signed cookie carries it; `antechamber.consent.state` reads and
writes that cookie)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = ["ConsentState", "StoredChoice"]


@dataclass(frozen=True, slots=True)
class ConsentState:
    """What the visitor agreed to, as `request.state.consent`.

        if request.state.consent.granted("analytics"):
            ...  # load the analytics integration
        request.state.consent.decided      # False until the visitor has chosen
        request.state.consent.to_json()    # what GET {prefix}/consent answers

    `granted(key)` takes a category or a partner key; unknown keys are refused. Required
    categories are always granted; an undecided visitor has nothing else. `gpc` is True when the
    request carried `Sec-GPC: 1` and the setting `honor_gpc` let it deny advertising. The
    mappings are read-only because one state object may be shared by many requests.
    """

    decided: bool
    categories: Mapping[str, bool]
    partners: Mapping[str, bool]
    gpc: bool
    consent_id: str | None
    revision: int
    decided_at: datetime | None
    expires_at: datetime | None
    # What the page's markup depends on, as one string (decided, GPC, then each category's and
    # partner's grant in the settings' order), for the caches of rendered markup.
    markup_key: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        grants = [self.decided, self.gpc, *self.categories.values(), *self.partners.values()]
        object.__setattr__(self, "markup_key", "".join("1" if g else "0" for g in grants))

    def granted(self, key: str) -> bool:
        """Whether the category or partner `key` may be used; False for unknown keys."""
        return self.categories.get(key, False) or self.partners.get(key, False)

    def to_json(self) -> dict[str, Any]:
        """The state as JSON-ready data (datetimes as ISO 8601 in UTC)."""
        return {
            "decided": self.decided,
            "categories": dict(self.categories),
            "partners": dict(self.partners),
            "gpc": self.gpc,
            "consent_id": self.consent_id,
            "revision": self.revision,
            "decided_at": _iso(self.decided_at),
            "expires_at": _iso(self.expires_at),
        }


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat().replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class StoredChoice:
    """One choice as the cookie carries it (granted, non-required keys only)."""

    revision: int
    consent_id: str
    decided_at: int
    gpc: bool
    categories: frozenset[str]
    partners: frozenset[str]
