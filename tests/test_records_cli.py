"""`antechamber records`: show, export, purge and stats, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import pty
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from antechamber.cli import main
from antechamber.consent import ConsentRecord
from antechamber.consent.records import open_store

T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
ANTECHAMBER = [sys.executable, "-m", "antechamber.cli"]


def choice(consent_id: str, at: datetime, action: str, *, ads: bool = False) -> ConsentRecord:
    granted = action != "reject_all"
    return ConsentRecord(
        consent_id=consent_id,
        recorded_at=at.isoformat(),
        action=action,
        revision=1,
        categories={"necessary": True, "analytics": granted, "advertising": ads},
        partners={"google_analytics": granted},
        gpc=False,
        locale="de",
        user_agent="Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
    )


def fill(url: str, records: list[ConsentRecord]) -> None:
    async def write() -> None:
        store = open_store(url)
        assert store is not None
        try:
            await asyncio.gather(*(store.record(r) for r in records))
        finally:
            await store.close()

    asyncio.run(write())


@pytest.fixture
def site(store_url: str) -> str:
    """A store with 3 days of choices: day 1 two, day 2 one, day 3 one; "alice" chose twice."""
    fill(
        store_url,
        [
            choice("alice", T0, "accept_all", ads=True),
            choice("bob", T0 + timedelta(hours=5), "reject_all"),
            choice("carol", T0 + timedelta(days=1), "save"),
            choice("alice", T0 + timedelta(days=2), "reject_all"),
        ],
    )
    return store_url


def run(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(["records", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_show_lists_one_visitors_choices_newest_first(
    site: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run("show", "alice", "--store", site, capsys=capsys)
    assert (status, err) == (0, "")
    assert out.index("2024-03-03T08:00:00+00:00  reject_all") < out.index(
        "2024-03-01T08:00:00+00:00  accept_all"
    )
    assert "granted: advertising, analytics, necessary, google_analytics" in out

    status, out, _ = run("show", "alice", "--json", "--store", site, capsys=capsys)
    records = json.loads(out)
    assert [r["action"] for r in records] == ["reject_all", "accept_all"]
    assert records[1]["categories"] == {"necessary": True, "analytics": True, "advertising": True}


def test_export_streams_a_date_range_as_csv_or_jsonl(
    site: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run("export", "--store", site, capsys=capsys)
    assert (status, err) == (0, "")  # no progress bar outside a terminal
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["consent_id"] for r in rows] == ["alice", "bob", "carol", "alice"]
    assert json.loads(rows[1]["categories"])["analytics"] is False
    assert rows[0]["gpc"] == "0" and rows[0]["locale"] == "de"

    # --until names a day that is included whole; --since a day from its start.
    target = tmp_path / "march.jsonl"
    args = ["--since", "2024-03-01T14:00", "--until", "2024-03-02", "--format", "jsonl"]
    status, out, _ = run("export", *args, "-o", str(target), "--store", site, capsys=capsys)
    assert (status, out) == (0, "")
    lines = [json.loads(line) for line in target.read_text().splitlines()]
    assert [(r["consent_id"], r["action"]) for r in lines] == [("carol", "save")]


def test_purge_says_how_many_it_deletes(site: str, capsys: pytest.CaptureFixture[str]) -> None:
    # The records are from March 2024, the last three a day apart. Whole days since the third
    # record put the cut-off (now less those days) in the day after it, before the last record,
    # whatever the time of day (counting from a record's midday instead, the cut-off passed the
    # last record every day between 08:00 and 20:00 UTC).
    days = (datetime.now(UTC) - (T0 + timedelta(days=1))).days
    status, out, _ = run(
        "purge", "--older-than", str(days), "--dry-run", "--store", site, capsys=capsys
    )
    assert status == 0 and out.startswith(f"would delete 3 consent records older than {days} days")
    status, out, _ = run("purge", "--older-than", str(days), "--store", site, capsys=capsys)
    assert out.startswith(f"deleted 3 consent records older than {days} days")
    status, out, _ = run("export", "--format", "jsonl", "--store", site, capsys=capsys)
    assert [json.loads(line)["consent_id"] for line in out.splitlines()] == ["alice"]


def test_stats_table_and_a_self_contained_html_report(
    site: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "report.html"
    status, out, _ = run("stats", "--html", str(report), "--store", site, capsys=capsys)
    assert status == 0
    lines = out.splitlines()
    assert lines[0].split() == ["day", "choices", "accept_all", "reject_all", "save"]
    by_day = {line.split()[0]: line.split()[1:] for line in lines[1:5]}
    assert by_day["2024-03-01"] == ["2", "1", "1", "0"]
    assert by_day["2024-03-02"] == ["1", "0", "0", "1"]
    assert by_day["total"] == ["4", "1", "2", "1"]
    shares = {line.split()[0]: line.split()[-1] for line in lines if line.endswith("%")}
    assert shares == {
        "advertising": "25.0%",
        "analytics": "50.0%",
        "necessary": "100.0%",
        "google_analytics": "50.0%",
    }

    html = report.read_text(encoding="utf-8")
    assert html.count("<svg") == 2 and "<table>" in html
    for fetched in ("<script", "src=", "href=", "url(", "@import", "<link"):
        assert fetched not in html, fetched
    assert "25.0%" in html and "2024-03-03" in html


def test_stats_since_a_day(site: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run("stats", "--since", "2024-03-02", "--store", site, capsys=capsys)
    assert status == 0
    assert [line.split()[0] for line in out.splitlines()[1:3]] == ["2024-03-02", "2024-03-03"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["show", "nobody"], "no consent records for the consent id 'nobody'"),
        (["export", "--since", "March"], "not a date: 'March'"),
        (["stats", "--since", "2024-13-01"], "not a date: '2024-13-01'"),
        (["purge", "--older-than", "-5"], "not a number of days of at least 1: '-5'"),
        (["export", "--format", "xml"], "invalid choice: 'xml'"),
    ],
)
def test_bad_input_is_one_line_and_exit_status_2(
    site: str, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:  # argparse's own errors exit from parse_args
        raise SystemExit(main(["records", *args, "--store", site]))
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and message in err, err


@pytest.mark.parametrize(
    ("store", "message"),
    [
        ("mysql://db/site", "log must be None, 'logging', 'sqlite:///path/to/file.db' or"),
        ("sqlite:////nonexistent/dir/consent.db", "unable to open database file"),
        ("postgresql://site@127.0.0.1:1/site", "Connection refused"),
        ("logging", "keeps no records to read"),
    ],
)
def test_a_store_that_cannot_be_read_is_one_line_and_exit_status_2(
    store: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run("show", "alice", "--store", store, capsys=capsys)
    assert (status, out) == (2, "")
    assert len(err.splitlines()) == 1 and message in err, err
    assert err.startswith("antechamber records show: error: ")


def test_the_store_comes_from_the_settings_without_store(
    site: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ANTECHAMBER_SECRET_KEY", "a-secret-of-the-site-0123456789")
    monkeypatch.setenv("ANTECHAMBER_CONSENT__LOG", site)
    status, out, _ = run("show", "carol", capsys=capsys)
    assert status == 0 and "save" in out
    monkeypatch.setenv("ANTECHAMBER_CONSENT__LOG", "logging")
    status, _, err = run("show", "carol", capsys=capsys)
    assert status == 2 and "pass --store" in err


def test_export_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'many.db'}"
    fill(url, [choice(f"v{n}", T0 + timedelta(seconds=n), "save") for n in range(5000)])
    shell = f"{' '.join(ANTECHAMBER)} records export --store {url} | head -2"
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", shell], capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert len(done.stdout.splitlines()) == 2


def test_export_shows_a_progress_bar_on_a_terminal_only(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bar.db'}"
    fill(url, [choice(f"v{n}", T0 + timedelta(seconds=n), "save") for n in range(1500)])
    command = [*ANTECHAMBER, "records", "export", "--store", url, "-o", str(tmp_path / "o.csv")]
    leader, follower = pty.openpty()
    with subprocess.Popen(command, stderr=follower, stdout=subprocess.DEVNULL) as process:
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            shown += chunk
    os.close(leader)
    assert process.returncode == 0
    assert b"100.0%" in shown and b"1,500/1,500" in shown

    quiet = subprocess.run(command, capture_output=True, timeout=60, check=True)
    assert quiet.stderr == b""
