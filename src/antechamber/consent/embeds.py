"""Embedded frames and partner scripts that wait for consent, decided on the server.

    guard = EmbedGuard(settings, pages)                          # once, at start-up
    hook = guard.page(state, locale, "/articles/1", encoding="utf-8")  # per rewritten response
    Scanner(fragment, hook=hook, encoding="utf-8")   # antechamber.web.scan calls hook(element)
    hook.element("iframe", raw)      # the same for bytes alone (the attributes read from them)

The HTML scanner finds `<iframe>...</iframe>` elements and `<script ...>` start tags outside raw
text and hands each one to the page's hook (`EmbedPage(element) -> bytes | None`: the
replacement, or None to keep the element's bytes as they are). An iframe that a partner's
`embeds` prefix (or its own `data-consent="KEY"`) puts under a key the visitor has not granted
becomes a placeholder of the same size with a "Load" form; the iframe's own bytes wait inside a
`<template>`, which browsers never load, for consent.js to put back in place. A `<script src>`
under a partner's `scripts` prefix becomes `type="text/plain" data-consent="KEY"`, the form
consent.js activates. Everything else is left byte for byte as the page wrote it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from antechamber.consent.addresses import PrefixRule, address_key
from antechamber.consent.placeholder import Placeholders, frame_size
from antechamber.consent.state import ConsentState
from antechamber.consent.tags import HookedElement, TagElement, start_tag_attributes
from antechamber.pages import Pages
from antechamber.settings import Category, Partner, Settings, url_prefix_key
from antechamber.web.cache import BoundedCache

__all__ = ["EmbedGuard", "EmbedPage", "HookedElement", "start_tag_attributes"]

_KEYS = re.compile(r"[^\s,]+")
_EXECUTABLE_TYPES = frozenset(
    {
        "",
        "module",
        "text/javascript",
        "application/javascript",
        "application/ecmascript",
        "text/ecmascript",
        "text/jscript",
        "text/livescript",
        "application/x-javascript",
    }
)
_ID = re.compile(r"[A-Za-z][\w.:-]{0,99}")


@dataclass(frozen=True, slots=True)
class _Gate:
    """What holds one element back: the keys that must all be granted, shown as `partner`
    (or the `category` itself when the page named one) in `category`."""

    keys: tuple[str, ...]
    partner: Partner | None
    category: Category | None
    known: bool  # every key names a category or partner (else nothing here can grant it)


class EmbedGuard:
    """The rules from the settings, built once: which partner (or category) governs a frame or
    a script, and the placeholder's markup. `page()` gives the per-response rewriter."""

    def __init__(self, settings: Settings, pages: Pages) -> None:
        consent = settings.consent
        self.pages = pages
        self.prefix = settings.route_prefix
        self.categories = {c.key: c for c in consent.categories}
        self.partners = {p.key: p for p in consent.partners}
        self.required = frozenset(c.key for c in consent.categories if c.required)
        # Longest prefix first: the most specific partner wins.
        self.frames = self._rules(consent.partners, "embeds")
        self.scripts = self._rules(consent.partners, "scripts")
        self.placeholders = Placeholders(pages)
        # A frame's replacement by its bytes, its place among the page's governed frames and
        # what the page's rewriting depends on (state, language, path, charset); and how many
        # governed frames it counts for. Rendering five placeholders into a 50 KB page cost
        # 1.2 M instructions a request (scripts/bench --instructions).
        self.frames_seen: BoundedCache[tuple[object, ...], tuple[bytes | None, int]] = BoundedCache(
            1024
        )

    @staticmethod
    def _rules(partners: list[Partner], field: str) -> tuple[PrefixRule, ...]:
        rules = [
            PrefixRule(url_prefix_key(prefix), partner)
            for partner in partners
            for prefix in getattr(partner, field)
        ]
        return tuple(sorted(rules, key=lambda rule: -len(rule.prefix)))

    @property
    def active(self) -> bool:
        """Whether a page could need a change: some partner lists `embeds` or `scripts`, or
        a visitor can refuse some key (a page may mark any frame `data-consent="KEY"`)."""
        return bool(self.frames or self.scripts or set(self.keys) - self.required)

    @property
    def keys(self) -> tuple[str, ...]:
        """Every category and partner key, in the settings' order."""
        return (*self.categories, *self.partners)

    @property
    def hooks(self) -> frozenset[str]:
        """The elements the scanner must hand over: frames always (a page may mark one with
        `data-consent`), scripts only when some partner lists `scripts`."""
        return frozenset({"iframe", "script"} if self.scripts else {"iframe"})

    def page(
        self, state: ConsentState, locale: str, next_path: str, *, encoding: str = "utf-8"
    ) -> EmbedPage:
        """The rewriter for one response: the visitor's `state` and `locale`, the page's own
        path and query (`next_path`, where the Load form comes back to) and its `encoding`."""
        return EmbedPage(self, state, locale, next_path, encoding)

    # -- rules ------------------------------------------------------------------------------------

    def partner_for(self, rules: tuple[PrefixRule, ...], url: str | None) -> Partner | None:
        key = None if url is None else address_key(url)
        if key is None:
            return None
        return next((rule.partner for rule in rules if rule.matches(key)), None)

    def frame_gate(self, attributes: Mapping[str, str]) -> _Gate | None:
        """What governs an iframe: its own `data-consent` keys, else a partner's `embeds`."""
        partner = self.partner_for(self.frames, attributes.get("src"))
        marked = attributes.get("data-consent")
        if marked is not None:
            keys = tuple(dict.fromkeys(_KEYS.findall(marked)))
            if not keys:
                return None
            named = [self.partners[k] for k in keys if k in self.partners]
            categories = [self.categories[k] for k in keys if k in self.categories]
            known = len(named) + len(categories) == len(keys)
            # Shown as the partner the page names, else as the partner serving the address
            # when the named category is its own.
            if named:
                shown: Partner | None = named[0]
            elif partner is not None and partner.category in keys:
                shown = partner
            else:
                shown = None
            category = self.categories.get(shown.category) if shown is not None else None
            if category is None and categories:
                category = categories[0]
            return _Gate(keys, shown, category, known)
        if partner is None:
            return None
        return _Gate((partner.key,), partner, self.categories.get(partner.category), True)


class EmbedPage:
    """Rewrites the frames and scripts of one response; see `EmbedGuard.page`."""

    def __init__(
        self, guard: EmbedGuard, state: ConsentState, locale: str, next_path: str, encoding: str
    ) -> None:
        self.guard = guard
        self.state = state
        self.locale = locale
        self.next_path = next_path
        self.encoding = encoding
        self.frames = 0  # governed frames so far: the placeholders' ids follow page order

    def __call__(self, element: HookedElement) -> bytes | None:
        """The replacement of one element (`iframe`: the whole element, start tag to end tag;
        `script`: its start tag), or None when it stays as the page wrote it."""
        name = element.name.lower()
        if name == "iframe":
            key = (
                element.raw,
                self.frames,
                self.state.markup_key,
                self.locale,
                self.next_path,
                self.encoding,
            )
            seen = self.guard.frames_seen.get(key)
            if seen is None:
                before = self.frames
                replacement = self._frame(element.raw, element.attributes)
                seen = self.guard.frames_seen.put(key, (replacement, self.frames - before))
            else:
                self.frames += seen[1]
            return seen[0]
        if name == "script" and self.guard.scripts:
            return self._script(element.raw, element.attributes)
        return None

    def element(self, name: str, raw: bytes) -> bytes | None:
        """The same for an element's bytes alone: its attributes are read from them."""
        attributes = start_tag_attributes(raw.decode(self.encoding, "replace"))
        return self(TagElement(name, attributes, raw))

    def _script(self, raw: bytes, attributes: Mapping[str, str]) -> bytes | None:
        guard = self.guard
        partner = guard.partner_for(guard.scripts, attributes.get("src"))
        if partner is None or self.state.granted(partner.key):
            return None
        kind = attributes.get("type")
        if kind is not None and kind.strip().lower() not in _EXECUTABLE_TYPES:
            return None  # data or an already gated script: the browser runs nothing
        # `type` goes first: the first of two same-named attributes is the one browsers read.
        gated = f'<script type="text/plain" data-consent="{partner.key}"'
        if kind is not None and kind.strip():
            gated += f' data-type="{html.escape(kind.strip())}"'
        return gated.encode("ascii") + raw[len("<script") :]

    def _frame(self, raw: bytes, attributes: Mapping[str, str]) -> bytes | None:
        gate = self.guard.frame_gate(attributes)
        if gate is None:
            return None
        self.frames += 1
        anchor = f"antechamber-embed-{self.frames}"
        if gate.known and all(self.state.granted(key) for key in gate.keys):
            if "id" in attributes:
                return None
            # So that a Load form's `next#antechamber-embed-N` lands on the frame it loaded.
            return raw[: len("<iframe")] + f' id="{anchor}"'.encode("ascii") + raw[len("<iframe") :]
        return self._placeholder(raw, attributes, gate, anchor)

    def _placeholder(
        self, raw: bytes, attributes: Mapping[str, str], gate: _Gate, anchor: str
    ) -> bytes:
        state = self.state
        categories = [
            k for k, on in state.categories.items() if on and k not in self.guard.required
        ]
        partners = [k for k, on in state.partners.items() if on]
        for key in gate.keys:
            target = partners if key in self.guard.partners else categories
            if key not in target:
                target.append(key)
        src = attributes.get("src", "")
        url_key = address_key(src) if src else None
        frame_id = attributes.get("id", "")
        target_id = frame_id if _ID.fullmatch(frame_id) else anchor
        return self.guard.placeholders.render(
            self.locale,
            raw,
            anchor=anchor,
            next_path=f"{self.next_path}#{target_id}",
            encoding=self.encoding,
            partner=gate.partner,
            category=gate.category,
            keys=gate.keys,
            can_load=gate.known,
            host=urlsplit("https:" + url_key).hostname if url_key else None,
            url=src.strip() if url_key else None,
            caption=attributes.get("title", "").strip(),
            size=frame_size(attributes.get("width"), attributes.get("height")),
            categories=tuple(categories),
            partners=tuple(partners),
        )
