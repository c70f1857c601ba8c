"""The SQL of the PostgreSQL consent store: its tables, and the statements it runs.

    SCHEMA        # run in order, in one transaction, when the store first connects
    SELECT, INSERT, insert_values(record)
    STATS         # per day: choices by action, then granted categories, then granted partners

The table `consent_records` has the columns of `antechamber.consent.records.COLUMNS` (the same as
the SQLite store's), with `recorded_at` a `timestamptz`; `consent_records_schema` says which
`SCHEMA_VERSION` created it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from antechamber.consent.records import COLUMNS, ConsentRecord, row_values

__all__ = ["EARLIEST", "INSERT", "LATEST", "SCHEMA", "SELECT", "STATS", "insert_values"]

SCHEMA = (
    # Two instances starting together must not both create the table (a unique violation).
    "SELECT pg_advisory_xact_lock(hashtext('antechamber.consent_records'))",
    """CREATE TABLE IF NOT EXISTS consent_records (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        consent_id text NOT NULL,
        recorded_at timestamptz NOT NULL,
        action text NOT NULL,
        revision integer NOT NULL,
        categories text NOT NULL,
        partners text NOT NULL,
        gpc boolean NOT NULL,
        ip_hash text,
        banner_hash text,
        locale text,
        user_agent text
    )""",
    "CREATE INDEX IF NOT EXISTS consent_records_consent_id ON consent_records (consent_id, id)",
    "CREATE INDEX IF NOT EXISTS consent_records_recorded_at ON consent_records (recorded_at, id)",
    """CREATE TABLE IF NOT EXISTS consent_records_schema (
        version integer PRIMARY KEY,
        applied_at timestamptz NOT NULL DEFAULT now()
    )""",
    "INSERT INTO consent_records_schema (version) VALUES (%s) ON CONFLICT DO NOTHING",
)
SELECT = f"SELECT id, {', '.join(COLUMNS)} FROM consent_records"  # noqa: S608 (constants)
INSERT = (
    f"INSERT INTO consent_records ({', '.join(COLUMNS)}) "  # noqa: S608 (constants)
    f"VALUES ({', '.join(['%s'] * len(COLUMNS))})"
)

# Counted by PostgreSQL (jsonb_each), not by streaming every record through Python.
_DAY = "(recorded_at AT TIME ZONE 'UTC')::date"
STATS = (
    f"SELECT {_DAY}, action, count(*) FROM consent_records "  # noqa: S608
    "WHERE recorded_at >= %s GROUP BY 1, 2",
    *(
        f"SELECT {_DAY}, j.key, count(*) FROM consent_records, "  # noqa: S608
        f"jsonb_each({column}::jsonb) AS j "
        "WHERE recorded_at >= %s AND j.value = 'true'::jsonb GROUP BY 1, 2"
        for column in ("categories", "partners")
    ),
)
# The bounds of a search without `since` or `until`.
EARLIEST = datetime(1, 1, 2, tzinfo=UTC)
LATEST = datetime(9999, 12, 30, tzinfo=UTC)


def insert_values(rec: ConsentRecord) -> tuple[Any, ...]:
    """A record as `INSERT`'s parameters, `recorded_at` a datetime for the timestamptz column."""
    consent_id, recorded_at, *rest = row_values(rec)
    return (consent_id, datetime.fromisoformat(recorded_at), *rest)
