"""A streaming HTML scanner: where the page's markup is, as a browser's tokenizer sees it.

    scanner = Scanner(fragment, hook=None, encoding="utf-8", hold_limit=HOLD_LIMIT)
    scanner.feed(chunk: bytes, more_body: bool) -> bytes   # the bytes to send now

Rules (for bytes in any ASCII-compatible charset; leave UTF-16/32 pages alone):
- `fragment` goes before the first `</body` end tag that is *markup*: never one inside raw text
  (script, style, textarea, title, xmp, iframe, noembed, noframes, noscript, plaintext), a
  comment (`<!-- -->`, also `<!-->`, `--!>`), a bogus comment (`<!...>`, `<?...>`, `</ ...>`), a
  quoted attribute value (`<a title="</body>">`) or a `<template>`. Inside `<script>`, the
  `<!--` / `<script>` escapes that keep `</script>` from ending it are followed.
- The tokenizer's state carries from chunk to chunk. Only bytes that could begin `</body` (a
  trailing `<`, `</b`, `</bod` ...) are held back, never more. When the body ends without such
  an end tag, the fragment goes at the very end (browsers render it there all the same).
- Without a hook the output is the input with the fragment inserted exactly once: its length
  grows by `len(fragment)`, known before the first byte, so `Content-Length` can be fixed at
  `http.response.start`. `scanner.delta` counts the bytes added so far either way, and
  `scanner.inserted_at` is the offset in the input where the fragment went (once it has).
- `hook(element) -> bytes | None` (for embeds) sees each `<iframe ...>...</iframe>` element and
  each `<script ...>` start tag found in markup as an `Element` (`name`, `attributes`: names
  lower-cased, first of a repeated name, values with character references decoded, bytes
  decoded with `encoding`; `raw`: the bytes); bytes it returns replace `raw`. An element split
  across chunks is held back until it is whole, up to `hold_limit` bytes; a longer one passes
  through unchanged and unseen. With a hook, the length change is known only at the end.
- Never raises on any input; feeding after the end passes bytes through unchanged. A single
  unfinished tag of more than 1 MB (a huge inline `data:` URL split over chunks) ends the
  scanning: the rest passes unchanged and unseen, and the fragment goes at the end.

The patterns it steps with, `Element` and `parse_attributes` live in `antechamber.web.markup`
(and are importable from here as before).

Not modelled: foreign content (`<svg>`/`<math>` treat `<style>` as markup there) and the
tree builder in general; a document that ends inside raw text gets the fragment inside it.
"""

from __future__ import annotations

import codecs

# The patterns are this module's globals under their old names: the scanner reads them here, and
# a test swaps `_PLAIN` for a text-only one to check the exact rules alone.
from antechamber.web.markup import COMMENT_END as _COMMENT_END
from antechamber.web.markup import NAME as _NAME
from antechamber.web.markup import PLAIN as _PLAIN
from antechamber.web.markup import RAW_END as _RAW_END
from antechamber.web.markup import SCRIPT as _SCRIPT
from antechamber.web.markup import TAG as _TAG
from antechamber.web.markup import Element, ElementHook, parse_attributes

__all__ = ["HOLD_LIMIT", "Element", "ElementHook", "Scanner", "parse_attributes"]

HOLD_LIMIT = 64 * 1024  # the most a hooked element may hold back before it passes unseen
_CONTEXT_LIMIT = 1 << 20  # an unfinished tag this long: stop scanning, append at the end

_DATA, _COMMENT, _BOGUS, _RAW, _SCRIPT_DATA, _CAPTURE = range(6)


class Scanner:
    """Inserts `fragment` before the page's `</body>` as chunks stream through; see the module."""

    def __init__(
        self,
        fragment: bytes = b"",
        *,
        hook: ElementHook | None = None,
        encoding: str = "utf-8",
        hold_limit: int = HOLD_LIMIT,
    ) -> None:
        self.fragment = fragment
        self.hook = hook
        try:
            self.encoding = codecs.lookup(encoding).name
        except LookupError:  # a charset Python does not know: names and URLs are ASCII anyway
            self.encoding = "latin-1"
        self.hold_limit = hold_limit
        self.pending = bool(fragment)  # the fragment is still to be inserted
        self.delta = 0  # bytes added so far (the fragment, and replacements' differences)
        self.inserted_at: int | None = None  # the body offset the fragment went in at
        # Offsets count from the start of the body: `_buf` starts at `_base`; input before
        # `_sent` is out (or replaced); scanning resumes at `_pos`.
        self._buf = b""
        self._base = self._sent = self._pos = 0
        self._state = _DATA
        self._mark = 0  # a comment's content, or a held element's start
        self._raw_end = _RAW_END[b"style"]
        self._raw_len = 0
        self._script = 0  # 0 script data, 1 escaped (after <!--), 2 double escaped
        self._templates = 0
        self._unseen = -1  # a hooked tag that started here grew too long: passes unseen
        self._through = not (fragment or hook)  # nothing left to look for: pass bytes on
        self._ended = False
        self._out: list[bytes] = []

    def feed(self, chunk: bytes, more_body: bool) -> bytes:
        """The bytes to send for `chunk` (the next piece of the body); `more_body` as in ASGI."""
        chunk = bytes(chunk)
        if self._ended:
            return chunk
        self._ended = not more_body
        if self._through:
            return chunk + self._end() if self._ended else chunk
        self._buf = self._buf + chunk if self._buf else chunk
        out = self._out = []
        keep, hold = self._scan()
        end = self._base + len(self._buf)
        if self._ended:
            if self._state == _CAPTURE:
                self._replace(self._mark, end, "iframe")
            keep = hold = end
        elif end - keep > _CONTEXT_LIMIT:
            self._through = True  # an endless tag: not worth holding on to
            keep = hold = end
        self._emit(hold)
        if self._ended:
            out.append(self._end())
        self._buf = self._buf[min(keep, self._sent) - self._base :]
        self._base = min(keep, self._sent)
        return b"".join(out)

    def _end(self) -> bytes:
        if not self.pending:
            return b""
        self.pending = False
        self.inserted_at = self._sent
        self.delta += len(self.fragment)
        return self.fragment

    def _emit(self, upto: int) -> None:
        if upto > self._sent:
            self._out.append(self._buf[self._sent - self._base : upto - self._base])
            self._sent = upto

    def _insert(self, at: int) -> None:
        self._emit(at)
        self._out.append(self._end())
        if self.hook is None:  # nothing more to look for
            self._through = True
            self._emit(self._base + len(self._buf))

    def _replace(self, start: int, stop: int, name: str) -> None:
        """Show the hook `buf[start:stop]`; put what it returns in its place."""
        assert self.hook is not None
        self._emit(start)
        raw = self._buf[start - self._base : stop - self._base]
        tag = _TAG.match(raw)
        attributes = parse_attributes(raw[: tag.end()] if tag else raw, self.encoding)
        replacement = self.hook(Element(name, attributes, raw, start))
        if replacement is not None:
            self._out.append(replacement)
            self._sent = stop
            self.delta += len(replacement) - len(raw)

    def _holds(self, at: int) -> bool:
        """Whether the unfinished token at `at` must wait: it may become `</body` (while the
        fragment is pending) or a hooked tag (within the hold limit)."""
        rest = self._buf[at - self._base : at - self._base + 12].lower()
        if self.pending and b"</body".startswith(rest):
            return True
        if self.hook is None or at == self._unseen:
            return False
        if self._base + len(self._buf) - at > self.hold_limit:
            self._unseen = at
            return False
        name = rest[1:]
        for delimiter in b"\t\n\f\r />":
            name = name.split(bytes((delimiter,)))[0]
        if len(name) < len(rest) - 1:  # the name is complete
            return name in (b"script", b"iframe")
        return b"script".startswith(name) or b"iframe".startswith(name)

    def _scan(self) -> tuple[int, int]:
        """Scan as far as the buffer goes; return where to keep context from and hold from."""
        buf, base = self._buf, self._base
        end = base + len(buf)
        pos = self._pos
        while not self._through:
            state = self._state
            if state == _DATA:
                plain = _PLAIN.match(buf, pos - base)
                pos = base + (plain.end() if plain else len(buf))  # (it always matches)
                if pos >= end:
                    self._pos = end
                    return end, end
                i = pos - base
                second = buf[i + 1 : i + 2]
                name = _NAME.match(buf, i)
                tag = _TAG.match(buf, i) if name else None
                if second == b"!" and buf.startswith(b"<!--", i):
                    self._state, self._mark, pos = _COMMENT, pos + 4, pos + 2
                elif second in (b"!", b"?") or (
                    second == b"/" and not buf[i + 2 : i + 3].isalpha()
                ):
                    if (end - pos < 4 and b"<!--".startswith(buf[i:])) or end - pos < 3:
                        break  # may still become a comment, or a tag
                    self._state, pos = _BOGUS, pos + 2
                elif second not in (b"", b"/") and not second.isalpha():
                    pos += 1  # a "<" that starts nothing is text
                elif name is None:
                    break  # an unfinished tag name
                elif second == b"/":
                    lowered = name.group(1).lower()
                    if lowered == b"body" and self.pending and not self._templates:
                        self._insert(pos)
                        continue
                    if tag is None:
                        break
                    if lowered == b"template":
                        self._templates = max(0, self._templates - 1)
                    pos = tag.end() + base
                else:
                    if tag is None:
                        break
                    lowered = name.group(1).lower()
                    stop = tag.end() + base
                    if lowered == b"template":
                        self._templates += 1
                    elif lowered == b"plaintext":
                        self._through = True  # all the rest is text
                    elif lowered not in _RAW_END:
                        pass  # a tag of a shape `_PLAIN` leaves to these rules
                    elif lowered == b"script":
                        if self.hook is not None and pos != self._unseen:
                            self._replace(pos, stop, "script")
                        self._state, self._script = _SCRIPT_DATA, 0
                    else:
                        self._raw_end = _RAW_END[lowered]
                        self._raw_len = len(lowered) + 2
                        self._state = _RAW
                        if lowered == b"iframe" and self.hook is not None and pos != self._unseen:
                            self._state, self._mark = _CAPTURE, pos
                    pos = stop
            elif state == _COMMENT:
                found = _COMMENT_END.search(buf, max(pos, self._mark - 2) - base)
                # `<!-->` and `<!--->` close at once; `<!--!>` does not.
                while found and found.start() + base < self._mark and found.group() == b"--!>":
                    found = _COMMENT_END.search(buf, found.start() + 1)
                if found is None:
                    self._pos = max(pos, self._mark - 2, end - 3)
                    return self._pos, end
                self._state, pos = _DATA, found.end() + base
            elif state == _BOGUS:
                at = buf.find(b">", pos - base)
                if at < 0:
                    self._pos = end
                    return end, end
                self._state, pos = _DATA, at + 1 + base
            elif state == _SCRIPT_DATA:
                found = _SCRIPT[self._script].search(buf, pos - base)
                if found is None:
                    self._pos = max(pos, end - 8)
                    return self._pos, end
                token = found.group()
                if token == b"<!--":
                    self._script, pos = 1, found.start() + 2 + base  # `<!-->` closes at once
                elif token == b"-->":
                    self._script, pos = 0, found.end() + base
                elif token[1:2] != b"/":
                    self._script, pos = 2, found.end() + base
                elif self._script == 2:
                    self._script, pos = 1, found.end() + base
                else:
                    self._state, pos = _DATA, found.start() + base
            else:  # _RAW, _CAPTURE
                found = self._raw_end.search(buf, pos - base)
                if found is None:
                    self._pos = max(pos, end - self._raw_len)
                    if state == _CAPTURE:
                        if end - self._mark <= self.hold_limit:
                            return self._mark, self._mark
                        self._state = _RAW  # too long to hold: passes unseen
                    return self._pos, end
                pos = found.start() + base
                if state == _CAPTURE:
                    tag = _TAG.match(buf, found.start())
                    if tag is None:
                        self._pos = pos
                        return self._mark, self._mark
                    self._replace(self._mark, tag.end() + base, "iframe")
                    pos = tag.end() + base
                self._state = _DATA
        else:
            return end, end  # passing everything through
        self._pos = pos
        return pos, pos if self._holds(pos) else end
