"""`antechamber records`: consent records for the people who answer regulators.

    antechamber records show CONSENT_ID [--json]
    antechamber records export [--since D] [--until D] [--format csv|jsonl] [-o FILE]
    antechamber records purge --older-than DAYS [--dry-run]
    antechamber records stats [--since D] [--html FILE]

Each takes `--store URL` (`sqlite:///...`, `postgresql://...`), else the settings' `consent.log`
(environment variables or `ANTECHAMBER_CONFIG`). Bad input (an unknown id, a bad date, a store
that cannot be reached or named) is one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import logging
import os
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NoReturn, TextIO

from antechamber.consent.records import (
    COLUMNS,
    ConsentStore,
    ConsentStoreError,
    open_store,
    row_values,
)

__all__ = ["add_records_command"]

EXIT_OK = 0
EXIT_USAGE = 2


class _Failure(Exception):
    """Bad input: one line on stderr, exit status 2."""


def add_records_command(commands: Any) -> None:
    """Add `records` to the `antechamber` command's subparsers."""
    records = commands.add_parser(
        "records",
        help="consent records: show, export, purge, stats",
        description="Read and manage consent records in a SQLite or PostgreSQL store.",
    )
    actions = records.add_subparsers(
        dest="action", required=True, metavar="ACTION", parser_class=_OneLineParser
    )

    def action(name: str, help_: str, run: Callable[..., Awaitable[int]]) -> Any:
        parser = actions.add_parser(name, help=help_, description=help_[0].upper() + help_[1:])
        parser.add_argument(
            "--store",
            metavar="URL",
            help="sqlite:///path/to/file.db or postgresql://user:password@host/db "
            "(default: the settings' consent.log)",
        )
        parser.set_defaults(run=_runner(run))
        return parser

    show = action("show", "one visitor's choices, newest first", _show)
    show.add_argument("consent_id", metavar="CONSENT_ID", help="the visitor's consent id")
    show.add_argument("--json", action="store_true", help="print the records as JSON")

    export = action("export", "write records, oldest first, streamed", _export)
    export.add_argument("--since", type=_date, metavar="D", help="from this day (UTC) on")
    export.add_argument(
        "--until", type=_until_date, metavar="D", help="up to and including this day"
    )
    export.add_argument("--format", choices=["csv", "jsonl"], default="csv")
    export.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")

    purge = action("purge", "delete records older than a number of days", _purge)
    purge.add_argument("--older-than", type=_days, metavar="DAYS", required=True)
    purge.add_argument("--dry-run", action="store_true", help="only say how many")

    stats = action("stats", "choices per day and the share granting each key", _stats)
    stats.add_argument("--since", type=_date, metavar="D", help="from this day (UTC) on")
    stats.add_argument("--html", metavar="FILE", help="also write a printable HTML report")


class _OneLineParser(argparse.ArgumentParser):
    """Bad arguments are one line on stderr (no usage block), exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _runner(run: Callable[..., Awaitable[int]]) -> Callable[[argparse.Namespace, TextIO], int]:
    def command(args: argparse.Namespace, out: TextIO) -> int:
        # The pool logs each failed connection attempt; the one line below says it all.
        logging.getLogger("psycopg.pool").setLevel(logging.CRITICAL)
        try:
            store = _store(args.store)
            return asyncio.run(_with_store(run, store, args, out))
        except (_Failure, ConsentStoreError, ValueError, ImportError, OSError) as error:
            if isinstance(error, BrokenPipeError):
                # `... | head`: the reader has seen enough; nothing more may reach the pipe.
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                return EXIT_OK
            print(f"antechamber records {args.action}: error: {error}", file=sys.stderr)
            return EXIT_USAGE

    return command


async def _with_store(
    run: Callable[..., Awaitable[int]], store: ConsentStore, args: argparse.Namespace, out: TextIO
) -> int:
    try:
        return await run(store, args, out)
    finally:
        await store.close()


def _store(url: str | None) -> ConsentStore:
    if url is None:
        from pydantic import ValidationError

        from antechamber.settings import Settings

        try:
            url = Settings().consent.log
        except ValidationError as error:
            first = error.errors()[0]
            where = "".join(f"{part}: " for part in first["loc"])
            raise _Failure(
                f"no --store given and the settings do not load: {where}{first['msg']}"
            ) from None
        if url is None or url == "logging":
            raise _Failure(
                f"no --store given and the settings' consent.log is {url!r}: "
                "pass --store sqlite:///... or postgresql://..."
            )
    if url == "logging":
        raise _Failure(
            "--store 'logging' keeps no records to read: use sqlite:/// or postgresql://"
        )
    store = open_store(url)
    assert store is not None  # url is not None
    return store


def _date(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a date: {text!r} (use YYYY-MM-DD or an ISO 8601 time)"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _days(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a number of days of at least 1: {text!r}")
    return int(text)


def _until_date(text: str) -> datetime:
    moment = _date(text)
    if len(text) == len("YYYY-MM-DD"):
        return moment + timedelta(days=1)  # a day is included whole
    return moment


async def _show(store: ConsentStore, args: argparse.Namespace, out: TextIO) -> int:
    history = await store.history(args.consent_id)
    if not history:
        raise _Failure(f"no consent records for the consent id {args.consent_id!r}")
    if args.json:
        out.write(json.dumps([r.as_dict() for r in history], ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    out.write(f"consent id {args.consent_id}: {len(history)} choice(s), newest first\n")
    for rec in history:
        granted = [k for k, v in {**rec.categories, **rec.partners}.items() if v]
        refused = [k for k, v in {**rec.categories, **rec.partners}.items() if not v]
        out.write(f"\n{rec.recorded_at}  {rec.action}  (revision {rec.revision})\n")
        out.write(f"  granted: {', '.join(granted) or '-'}\n")
        out.write(f"  refused: {', '.join(refused) or '-'}\n")
        gpc = "yes" if rec.gpc else "no"
        out.write(f"  GPC signal: {gpc}; language: {rec.locale or '-'}\n")
        out.write(f"  browser: {rec.user_agent or '-'}\n")
        out.write(f"  banner hash: {rec.banner_hash or '-'}\n")
    return EXIT_OK


async def _export(store: ConsentStore, args: argparse.Namespace, out: TextIO) -> int:
    since, until = args.since, args.until
    progress = _Progress.on_terminal()
    if progress is not None:
        progress.total = await store.count_older_than(until or datetime.max.replace(tzinfo=UTC))
        if since is not None:
            progress.total -= await store.count_older_than(since)
    target = open(args.output, "w", encoding="utf-8", newline="") if args.output else out  # noqa: SIM115
    try:
        written = 0
        if args.format == "csv":
            writer = csv.writer(target, lineterminator="\n")
            writer.writerow(COLUMNS)
        async for rec in store.between(since, until):
            if args.format == "csv":
                values = list(row_values(rec))
                values[COLUMNS.index("gpc")] = int(rec.gpc)
                writer.writerow(values)
            else:
                target.write(json.dumps(rec.as_dict(), ensure_ascii=False) + "\n")
            written += 1
            if progress is not None:
                progress.show(written)
    finally:
        if target is not out:
            target.close()
    if progress is not None:
        progress.done(written)
    return EXIT_OK


async def _purge(store: ConsentStore, args: argparse.Namespace, out: TextIO) -> int:
    cutoff = datetime.now(UTC) - timedelta(days=args.older_than)
    when = f"older than {args.older_than} days (recorded before {cutoff:%Y-%m-%d %H:%M} UTC)"
    if args.dry_run:
        count = await store.count_older_than(cutoff)
        out.write(f"would delete {count} consent records {when}\n")
    else:
        count = await store.delete_older_than(cutoff)
        out.write(f"deleted {count} consent records {when}\n")
    return EXIT_OK


async def _stats(store: ConsentStore, args: argparse.Namespace, out: TextIO) -> int:
    from antechamber.records_report import report_html, stats_table

    days = await store.stats(args.since)
    out.write(stats_table(days))
    if args.html:
        Path(args.html).write_text(report_html(days, since=args.since), encoding="utf-8")
        print(f"report written to {args.html}", file=sys.stderr)
    return EXIT_OK


class _Progress:
    """A bar on stderr, only when stderr is a terminal (never in a pipe or a log file)."""

    def __init__(self) -> None:
        self.total = 0
        self.started = time.monotonic()
        self.shown = 0.0

    @classmethod
    def on_terminal(cls) -> _Progress | None:
        return cls() if sys.stderr.isatty() else None

    def show(self, written: int, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.shown < 0.2:
            return
        self.shown = now
        share = min(written / self.total, 1.0) if self.total else 1.0
        bar = "#" * int(share * 30)
        rate = written / max(now - self.started, 1e-6)
        sys.stderr.write(
            f"\r[{bar:<30}] {100 * share:5.1f}%  {written:,}/{self.total:,}  {rate:,.0f}/s "
        )
        sys.stderr.flush()

    def done(self, written: int) -> None:
        self.show(written, force=True)
        sys.stderr.write("\n")
