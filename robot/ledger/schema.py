"""The ledger's versioned schema: ordered migrations for SQLite and PostgreSQL.

A ``schema_version`` table holds one row per applied migration. Opening a ledger applies
the missing ones in order, inside one transaction that the backend locks against other
robots opening it at the same moment (SQLite ``BEGIN IMMEDIATE``, PostgreSQL an advisory
lock), so a half-migrated ledger is never seen.

Version 1 is the wave-1 schema exactly (``items`` and ``steps``, created ``IF NOT
EXISTS``): a wave-1 SQLite file, which has those tables and no ``schema_version``, is at
version 0 by this count, and migrates in place to the latest version with its data.
Both backends have the same versions, meaning the same tables and columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from robot.ledger.base import LedgerError
from robot.ledger.sql import Tx

__all__ = ["LATEST_VERSION", "POSTGRES_MIGRATIONS", "SQLITE_MIGRATIONS", "Migration", "migrate"]


@dataclass(frozen=True)
class Migration:
    """One step of the schema: its version, what it does, and its statements in order."""

    version: int
    description: str
    statements: tuple[str, ...]


_WAVE1: Final = "wave-1 schema: items and steps"
_WAVE2: Final = "leases, facts, found steps, runs, run items, resolutions"

SQLITE_MIGRATIONS: Final = (
    Migration(
        1,
        _WAVE1,
        (
            "CREATE TABLE IF NOT EXISTS items (id TEXT PRIMARY KEY, kind TEXT NOT NULL,"
            " source_ref TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'pending',"
            " attempts INTEGER NOT NULL DEFAULT 0, reason TEXT, run_id TEXT, worker TEXT,"
            " created_at TEXT NOT NULL, updated_at TEXT NOT NULL)",
            "CREATE INDEX IF NOT EXISTS items_status ON items (status, created_at)",
            "CREATE TABLE IF NOT EXISTS steps (item_id TEXT NOT NULL REFERENCES items (id),"
            " step TEXT NOT NULL, state TEXT NOT NULL, evidence TEXT, run_id TEXT,"
            " created_at TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (item_id, step))",
        ),
    ),
    Migration(
        2,
        _WAVE2,
        (
            "ALTER TABLE items ADD COLUMN holder_host TEXT",
            "ALTER TABLE items ADD COLUMN holder_pid INTEGER",
            "ALTER TABLE items ADD COLUMN lease_until TEXT",
            "ALTER TABLE items ADD COLUMN retiring INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE items ADD COLUMN facts TEXT NOT NULL DEFAULT '{}'",
            # A wave-1 item left in progress has no lease: give it one that has lapsed, so
            # the next claim takes it over (and counts the attempt) as wave 1 did.
            "UPDATE items SET lease_until = updated_at WHERE status = 'in_progress'",
            "CREATE INDEX items_lease ON items (status, lease_until)",
            "ALTER TABLE steps ADD COLUMN found INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE steps ADD COLUMN started_at TEXT",
            "UPDATE steps SET started_at = created_at WHERE state IN ('intent', 'would_commit')",
            "CREATE TABLE runs (run_id TEXT PRIMARY KEY, mode TEXT NOT NULL, host TEXT NOT NULL,"
            " pid INTEGER NOT NULL, run_dir TEXT NOT NULL, started_at TEXT NOT NULL,"
            " ended_at TEXT, outcome TEXT)",
            "CREATE TABLE run_items (run_id TEXT NOT NULL,"
            " item_id TEXT NOT NULL REFERENCES items (id), first_at TEXT NOT NULL,"
            " PRIMARY KEY (run_id, item_id))",
            "CREATE INDEX run_items_item ON run_items (item_id)",
            # Wave 1 only knew each item's last run: that much history is kept.
            "INSERT INTO run_items (run_id, item_id, first_at)"
            " SELECT run_id, id, updated_at FROM items WHERE run_id IS NOT NULL",
            "CREATE TABLE resolutions (id INTEGER PRIMARY KEY AUTOINCREMENT,"
            " item_id TEXT NOT NULL REFERENCES items (id), action TEXT NOT NULL,"
            " resolved_by TEXT NOT NULL, reason TEXT, resolved_at TEXT NOT NULL,"
            " previous_status TEXT NOT NULL, previous_reason TEXT)",
            "CREATE INDEX resolutions_item ON resolutions (item_id, id)",
        ),
    ),
)
"""SQLite's migrations: times are ISO-8601 text in UTC, booleans 0/1, JSON as text."""

POSTGRES_MIGRATIONS: Final = (
    Migration(
        1,
        _WAVE1,
        (
            "CREATE TABLE IF NOT EXISTS items (id TEXT PRIMARY KEY, kind TEXT NOT NULL,"
            " source_ref TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'pending',"
            " attempts INTEGER NOT NULL DEFAULT 0, reason TEXT, run_id TEXT, worker TEXT,"
            " created_at TIMESTAMPTZ NOT NULL, updated_at TIMESTAMPTZ NOT NULL)",
            "CREATE INDEX IF NOT EXISTS items_status ON items (status, created_at)",
            # seq keeps the order steps were first recorded in (SQLite has its rowid).
            "CREATE TABLE IF NOT EXISTS steps (item_id TEXT NOT NULL REFERENCES items (id),"
            " step TEXT NOT NULL, state TEXT NOT NULL, evidence TEXT, run_id TEXT,"
            " created_at TIMESTAMPTZ NOT NULL, updated_at TIMESTAMPTZ NOT NULL,"
            " seq BIGINT GENERATED ALWAYS AS IDENTITY, PRIMARY KEY (item_id, step))",
        ),
    ),
    Migration(
        2,
        _WAVE2,
        (
            "ALTER TABLE items ADD COLUMN holder_host TEXT",
            "ALTER TABLE items ADD COLUMN holder_pid INTEGER",
            "ALTER TABLE items ADD COLUMN lease_until TIMESTAMPTZ",
            "ALTER TABLE items ADD COLUMN retiring BOOLEAN NOT NULL DEFAULT FALSE",
            "ALTER TABLE items ADD COLUMN facts JSONB NOT NULL DEFAULT '{}'::jsonb",
            "UPDATE items SET lease_until = updated_at WHERE status = 'in_progress'",
            "CREATE INDEX items_lease ON items (status, lease_until)",
            "ALTER TABLE steps ADD COLUMN found BOOLEAN NOT NULL DEFAULT FALSE",
            "ALTER TABLE steps ADD COLUMN started_at TIMESTAMPTZ",
            "UPDATE steps SET started_at = created_at WHERE state IN ('intent', 'would_commit')",
            "CREATE TABLE runs (run_id TEXT PRIMARY KEY, mode TEXT NOT NULL, host TEXT NOT NULL,"
            " pid INTEGER NOT NULL, run_dir TEXT NOT NULL, started_at TIMESTAMPTZ NOT NULL,"
            " ended_at TIMESTAMPTZ, outcome TEXT)",
            "CREATE TABLE run_items (run_id TEXT NOT NULL,"
            " item_id TEXT NOT NULL REFERENCES items (id), first_at TIMESTAMPTZ NOT NULL,"
            " PRIMARY KEY (run_id, item_id))",
            "CREATE INDEX run_items_item ON run_items (item_id)",
            "INSERT INTO run_items (run_id, item_id, first_at)"
            " SELECT run_id, id, updated_at FROM items WHERE run_id IS NOT NULL",
            "CREATE TABLE resolutions (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
            " item_id TEXT NOT NULL REFERENCES items (id), action TEXT NOT NULL,"
            " resolved_by TEXT NOT NULL, reason TEXT, resolved_at TIMESTAMPTZ NOT NULL,"
            " previous_status TEXT NOT NULL, previous_reason TEXT)",
            "CREATE INDEX resolutions_item ON resolutions (item_id, id)",
        ),
    ),
)
"""PostgreSQL's migrations: the same tables with native time, boolean and JSONB types."""

LATEST_VERSION: Final = 2
"""The schema this code reads and writes."""

_VERSION_TABLE: Final = (
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY,"
    " description TEXT NOT NULL, applied_at TEXT NOT NULL)"
)


def current_version(tx: Tx) -> int:
    """The highest applied version (0 for a new ledger or a wave-1 file)."""
    row = tx.one("SELECT MAX(version) AS version FROM schema_version")
    return 0 if row is None or row["version"] is None else int(row["version"])


def migrate(
    tx: Tx, migrations: Sequence[Migration], now: datetime, target: int = LATEST_VERSION
) -> int:
    """Apply the migrations above the current version up to ``target``; return the version.

    Run it inside a transaction the caller holds exclusively. Raises :class:`LedgerError`
    when the ledger was written by a newer robot (its schema is beyond ``LATEST_VERSION``).
    """
    tx.raw(_VERSION_TABLE)
    version = current_version(tx)
    if version > LATEST_VERSION:
        raise LedgerError(
            f"the ledger's schema is version {version}, newer than this robot knows "
            f"({LATEST_VERSION}): upgrade the robot before using this ledger"
        )
    for migration in migrations:
        if version < migration.version <= target:
            for statement in migration.statements:
                tx.raw(statement)
            tx.run(
                "INSERT INTO schema_version (version, description, applied_at)"
                " VALUES (:version, :description, :applied_at)",
                version=migration.version,
                description=migration.description,
                applied_at=now.isoformat(),
            )
            version = migration.version
    return version
