"""Inserting before `</body>`: antechamber's scanner against lol-html, on correctness and speed.

    .venv/bin/python benchmarks/scan.py [--lolhtml-path SITE_PACKAGES]

Standalone (not part of `scripts/bench`). lol-html's Python bindings (`python-lolhtml` on PyPI)
are not a dependency: install them anywhere (`pip install python-lolhtml`) and pass that
site-packages directory, or leave them out and only the scanner is measured.

Correctness: the issue's raw-text cases, each sent whole and split in two at every byte; a case
passes when every way of sending it puts the fragment exactly once where the HTML standard's
tokenizer has the first `</body>` end tag (or at the end when there is none). Speed: a
deterministic 50 KB news page (head, inline style and JSON-LD, 40 cards with images and links,
scripts at the end), sent whole, microseconds per scan (best of 7 runs), both in the same run.
"""

from __future__ import annotations

import argparse
import sys
import timeit
from collections.abc import Callable
from functools import partial

from antechamber.web.scan import Scanner

F = b"<div id=fragment></div>"
Insert = Callable[[list[bytes]], bytes]

# (name, document, expected output)
CASES = [
    ("comment after </html> mentions </body>",
     b"<html><body><p>x</p></body></html>\n<!-- old </body> -->",
     b"<html><body><p>x</p>" + F + b"</body></html>\n<!-- old </body> -->"),
    ("script after </body> contains '</body>'",
     b"<html><body><p>x</p></body><script>var s = '</body>';</script></html>",
     b"<html><body><p>x</p>" + F + b"</body><script>var s = '</body>';</script></html>"),
    ("</body> in a script string",
     b'<html><body><script>document.write("</body>")</script><p>x</p></body></html>',
     b'<html><body><script>document.write("</body>")</script><p>x</p>' + F + b"</body></html>"),
    ("</body> in a textarea",
     b"<html><body><form><textarea></body></textarea></form></body></html>",
     b"<html><body><form><textarea></body></textarea></form>" + F + b"</body></html>"),
    ("</body> in a comment",
     b"<html><body><!-- </body> --><p>x</p></body></html>",
     b"<html><body><!-- </body> --><p>x</p>" + F + b"</body></html>"),
    ("</body> in an attribute value",
     b'<html><body><a title="</body>">x</a></body></html>',
     b'<html><body><a title="</body>">x</a>' + F + b"</body></html>"),
    ("no </body> at all",
     b"<!doctype html><title>t</title><p>x",
     b"<!doctype html><title>t</title><p>x" + F),
    ("no <body> start tag",
     b"<!doctype html><title>t</title><p>x</p></body></html>",
     b"<!doctype html><title>t</title><p>x</p>" + F + b"</body></html>"),
]  # fmt: skip


def scanner_insert(chunks: list[bytes]) -> bytes:
    scanner = Scanner(F)
    return b"".join(scanner.feed(c, i < len(chunks) - 1) for i, c in enumerate(chunks))


def lolhtml_insert_factory() -> Insert | None:
    try:
        import lolhtml  # type: ignore[import-not-found]
    except ImportError:
        return None

    class AppendToBody:
        def element(self, element: object) -> None:
            element.append(F.decode(), lolhtml.ContentType.HTML)  # type: ignore[attr-defined]

    handler = AppendToBody()

    def insert(chunks: list[bytes]) -> bytes:
        out: list[bytes] = []
        rewriter = lolhtml.HTMLRewriter(lambda data: out.append(bytes(data)))
        rewriter.on("body", handler)
        for chunk in chunks:
            rewriter.write(chunk)
        rewriter.end()
        return b"".join(out)

    return insert


def news_page(size: int = 50 * 1024) -> bytes:
    head = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>The Daily</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="stylesheet" href="/static/site.css?v=3">'
        "<style>.card{display:grid;gap:1rem}.card img{width:100%;height:auto}</style>"
        '<script type="application/ld+json">{"@context":"https://schema.org","@type":'
        '"NewsArticle","headline":"Front page"}</script></head><body class="front">'
        '<header><nav aria-label="Sections"><ul>'
        + "".join(f'<li><a href="/section/{i}" class="nav">Section {i}</a></li>' for i in range(12))
        + "</ul></nav></header><main>"
    )  # fmt: skip
    cards: list[str] = []
    i = 0
    while len(head) + sum(len(card) for card in cards) < size - 600:
        cards.append(
            f'<article class="card" data-id="{i}"><a href="/story/{i}-a-headline-that-runs-long">'
            f'<img src="/img/{i}.jpg" srcset="/img/{i}-480.jpg 480w, /img/{i}-960.jpg 960w" '
            f'alt="Photo for story {i}" loading="lazy" width="480" height="270"></a>'
            f'<h2><a href="/story/{i}">Story number {i} &amp; what it means</a></h2>'
            f"<p>Reporting from the scene, our correspondent describes what happened on day {i}, "
            f"and why it matters to readers &mdash; with <em>quotes</em> and context.</p>"
            f'<p class="meta"><time datetime="2026-12-0{i % 9 + 1}">Dec {i % 9 + 1}</time></p>'
            "</article>"
        )
        i += 1
    tail = (
        "</main><footer><p>&copy; The Daily</p></footer>"
        '<script src="/static/app.js" defer></script>'
        "<script>window.dataLayer=window.dataLayer||[];if(a<b&&c>d){}</script></body></html>"
    )
    return (head + "".join(cards) + tail).encode()


def check(insert: Insert) -> list[tuple[str, str]]:
    rows = []
    for name, document, expected in CASES:
        sends = [[document]] + [[document[:at], document[at:]] for at in range(len(document) + 1)]
        wrong = sum(insert(chunks) != expected for chunks in sends)
        rows.append((name, "pass" if not wrong else f"FAIL ({wrong} of {len(sends)} ways)"))
    return rows


def first_chunk_out(insert_stream: Callable[[bytes], bytes]) -> int:
    return len(insert_stream(b"<!doctype html><html><head><title>x</title></head>"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lolhtml-path", help="a site-packages directory holding python-lolhtml")
    parser.add_argument(
        "--calls",
        type=int,
        help="only call one contender's insertion this many times on the whole page (for "
        "callgrind: instructions of --calls 11 less those of --calls 1, divided by 10)",
    )
    parser.add_argument("--only", choices=["scanner", "lolhtml"], default="scanner")
    args = parser.parse_args()
    if args.lolhtml_path:
        sys.path.append(args.lolhtml_path)
    contenders: dict[str, Insert] = {"antechamber.web.scan": scanner_insert}
    lol = lolhtml_insert_factory()
    if lol is not None:
        contenders["lol-html (python-lolhtml)"] = lol
    page = news_page()
    if args.calls is not None:
        insert = scanner_insert if args.only == "scanner" else lol
        assert insert is not None, "python-lolhtml is not importable"
        for _ in range(args.calls):
            insert([page])
        return
    print(f"page: {len(page)} bytes, {page.count(b'<')} tags")
    for name, insert in contenders.items():
        print(f"\n{name}")
        for case, verdict in check(insert):
            print(f"  {case:45} {verdict}")
        assert insert([page]).count(F) == 1
        chunks = [page[i : i + 4096] for i in range(0, len(page), 4096)]
        for label, sends in (("whole", [page]), ("4 KB chunks", chunks)):
            best = min(timeit.repeat(partial(insert, sends), number=50, repeat=7)) / 50
            print(f"  50 KB page, {label}: {best * 1e6:,.0f} µs per scan")
    scanner = Scanner(F)
    early = b"<!doctype html><html><head><title>x</title></head>"
    print(
        f"\nearly chunk of {len(early)} bytes: the scanner sends {len(scanner.feed(early, True))}"
    )
    if lol is not None:
        import lolhtml

        out: list[bytes] = []
        rewriter = lolhtml.HTMLRewriter(lambda data: out.append(bytes(data)))
        rewriter.write(early)
        print(f"early chunk of {len(early)} bytes: lol-html sends {sum(map(len, out))}")


if __name__ == "__main__":
    main()
