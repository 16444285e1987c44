"""The versioned schema: a wave-1 ledger is migrated in place, keeping every row.

On SQLite the wave-1 file is made exactly as wave 1's ``robot/ledger.py`` made it (its
schema text is copied below); on PostgreSQL, which wave 1 never had, a schema is taken
to version 1 (the same tables) and migrated from there by opening it.
"""

from __future__ import annotations

import sqlite3
import stat
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import psycopg
import pytest

from robot.ledger import ItemStatus, LedgerError, StepState, WorkItem
from robot.ledger.postgres import POSTGRES
from robot.ledger.records import SqlLedger
from robot.ledger.schema import LATEST_VERSION, POSTGRES_MIGRATIONS, migrate
from robot.ledger.sql import Tx
from robot.ledger.sqlite import SQLITE
from tests.support.ledgers import LedgerSpec

Open = Callable[..., SqlLedger]

# robot/ledger.py's _SCHEMA at wave 1 (commit 34a9411), verbatim.
WAVE1_SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    source_ref  TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending',
    attempts    INTEGER NOT NULL DEFAULT 0,
    reason      TEXT,
    run_id      TEXT,
    worker      TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS items_status ON items (status, created_at);
CREATE TABLE IF NOT EXISTS steps (
    item_id     TEXT NOT NULL REFERENCES items (id),
    step        TEXT NOT NULL,
    state       TEXT NOT NULL,
    evidence    TEXT,
    run_id      TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (item_id, step)
);
"""

T0 = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
ITEMS = [
    # id, status, attempts, reason, run_id, worker
    ("intercom:conv-1", "done", 1, None, "run-w1", "worker-0"),
    ("intercom:conv-2", "in_progress", 1, None, "run-w1", "worker-1"),
    ("intercom:conv-3", "needs_review", 1, "CPT 90837 but 45 minutes", "run-w1", "worker-0"),
    ("intercom:conv-4", "failed", 2, "TimeoutError: confirm", "run-w0", "worker-0"),
    ("intercom:conv-5", "pending", 0, None, None, None),
]
STEPS = [
    # item, step, state, evidence, run_id
    ("intercom:conv-1", "participants", "done", "conv-1/02-participants-after.png", "run-w1"),
    ("intercom:conv-1", "headway-confirm", "done", None, "run-w1"),
    ("intercom:conv-2", "participants", "done", None, "run-w1"),
    ("intercom:conv-2", "headway-confirm", "intent", "conv-2/03-confirm-before.png", "run-w1"),
    ("intercom:conv-4", "invoice-charge", "would_commit", None, "run-w0"),
]


def fill_wave1(tx: Tx) -> None:
    for n, (item_id, status, attempts, reason, run_id, worker) in enumerate(ITEMS):
        tx.run(
            "INSERT INTO items (id, kind, source_ref, status, attempts, reason, run_id, worker,"
            " created_at, updated_at) VALUES (:id, 'headway_billing', :ref, :status,"
            " :attempts, :reason, :run_id, :worker, :created, :updated)",
            id=item_id,
            ref=item_id.split(":")[1],
            status=status,
            attempts=attempts,
            reason=reason,
            run_id=run_id,
            worker=worker,
            created=T0 + timedelta(minutes=n),
            updated=T0 + timedelta(minutes=n, seconds=30),
        )
    for n, (item_id, step, state, evidence, run_id) in enumerate(STEPS):
        tx.run(
            "INSERT INTO steps (item_id, step, state, evidence, run_id, created_at, updated_at)"
            " VALUES (:item_id, :step, :state, :evidence, :run_id, :at, :at)",
            item_id=item_id,
            step=step,
            state=state,
            evidence=evidence,
            run_id=run_id,
            at=T0 + timedelta(minutes=10, seconds=n),
        )


@contextmanager
def raw_tx(spec: LedgerSpec) -> Iterator[Tx]:
    """A transaction straight on the store, beside any ledger code."""
    if spec.backend == "sqlite":
        db = sqlite3.connect(spec.target, isolation_level=None)
        db.row_factory = sqlite3.Row
        try:
            db.execute("BEGIN")
            yield Tx(lambda sql, params: db.execute(sql, params or {}), SQLITE)
            db.execute("COMMIT")
        finally:
            db.close()
    else:
        with psycopg.connect(spec.target, password=spec.password) as conn:
            conn.row_factory = psycopg.rows.dict_row  # type: ignore[assignment]
            with conn.transaction():
                yield Tx(conn.cursor().execute, POSTGRES)


def make_wave1_ledger(spec: LedgerSpec) -> None:
    if spec.backend == "sqlite":
        # Exactly as wave 1 created it: owner-only file, its schema, no version table.
        path = Path(spec.target)
        path.touch(mode=0o600)
        db = sqlite3.connect(path)
        db.executescript(WAVE1_SQLITE_SCHEMA)
        db.close()
    else:
        with raw_tx(spec) as tx:
            assert migrate(tx, POSTGRES_MIGRATIONS, T0, target=1) == 1
    with raw_tx(spec) as tx:
        fill_wave1(tx)


def versions(spec: LedgerSpec) -> list[int]:
    with raw_tx(spec) as tx:
        return [int(row["version"]) for row in tx.all("SELECT version FROM schema_version")]


def test_a_new_ledger_is_created_at_the_latest_version(spec: LedgerSpec, open_ledger: Open) -> None:
    open_ledger()
    open_ledger()  # opening again applies nothing twice
    assert versions(spec) == list(range(1, LATEST_VERSION + 1))


def test_wave1_ledger_is_migrated_in_place_with_its_data(
    spec: LedgerSpec, open_ledger: Open
) -> None:
    make_wave1_ledger(spec)
    ledger = open_ledger("run-w2")
    assert versions(spec)[-1] == LATEST_VERSION

    items = {item.id: item for item in ledger.list_items()}
    assert [
        (i.id, i.status.value, i.attempts, i.reason, i.run_id, i.worker) for i in items.values()
    ] == ITEMS
    assert items["intercom:conv-1"].created_at == T0
    assert items["intercom:conv-1"].facts == {}
    steps = ledger.list_steps("intercom:conv-1")
    assert [(s.step, s.state, s.evidence, s.found) for s in steps] == [
        ("participants", StepState.DONE, "conv-1/02-participants-after.png", False),
        ("headway-confirm", StepState.DONE, None, False),
    ]
    (rehearsed,) = ledger.list_steps("intercom:conv-4")
    assert rehearsed.started_at == T0 + timedelta(minutes=10, seconds=4)
    # Wave 1 knew each item's last run: its runs' reports keep their items.
    assert [i.id for i in ledger.list_items(run_id="run-w1")] == [
        "intercom:conv-1",
        "intercom:conv-2",
        "intercom:conv-3",
    ]


def test_wave1_item_left_in_progress_is_taken_over_with_its_intent(
    spec: LedgerSpec, open_ledger: Open
) -> None:
    make_wave1_ledger(spec)
    ledger = open_ledger("run-w2")
    item = ledger.claim("intercom:conv-2", "worker-0")
    assert isinstance(item, WorkItem)
    assert (item.attempts, item.status, item.run_id) == (2, ItemStatus.IN_PROGRESS, "run-w2")
    assert ledger.step_state("intercom:conv-2", "headway-confirm") is StepState.INTENT
    ledger.finish(item.id, ItemStatus.DONE)


def test_a_new_sqlite_file_is_owner_only(tmp_path: Path) -> None:
    spec = LedgerSpec("sqlite", str(tmp_path / "ledger.sqlite3"))
    spec.open().close()
    assert stat.S_IMODE(Path(spec.target).stat().st_mode) == 0o600


def test_wave1_sqlite_file_stays_owner_only(tmp_path: Path) -> None:
    spec = LedgerSpec("sqlite", str(tmp_path / "ledger.sqlite3"))
    make_wave1_ledger(spec)
    spec.open().close()
    assert stat.S_IMODE(Path(spec.target).stat().st_mode) == 0o600


def test_a_ledger_from_a_newer_robot_is_refused(spec: LedgerSpec, open_ledger: Open) -> None:
    open_ledger()
    with raw_tx(spec) as tx:
        tx.run(
            "INSERT INTO schema_version (version, description, applied_at)"
            " VALUES (99, 'from the future', 'now')"
        )
    with pytest.raises(LedgerError, match="newer than this robot knows"):
        spec.open()


def test_robots_opening_a_new_ledger_at_once_migrate_it_once(spec: LedgerSpec) -> None:
    assert _open_at_once(spec.open, robots=3) == []
    assert versions(spec) == list(range(1, LATEST_VERSION + 1))


def test_new_sqlite_ledgers_opened_four_at_once_never_report_a_lock(tmp_path: Path) -> None:
    """SQLite skips its busy handler while a new file switches to WAL: the switch retries.

    Without the retry, 29 of 300 such four-way opens failed with "database is locked";
    forty rounds make that failure all but certain to show here.
    """
    from robot.ledger.sqlite import SqliteLedger

    for round_ in range(40):
        path = tmp_path / f"ledger-{round_}.sqlite3"
        assert _open_at_once(partial(SqliteLedger, path, "run"), robots=4) == [], round_


def _open_at_once(open_ledger: Callable[[], Any], robots: int) -> list[BaseException]:
    """Open a ledger from ``robots`` threads at the same moment; the errors they got."""
    barrier = threading.Barrier(robots)
    errors: list[BaseException] = []
    opened: list[Any] = []

    def open_it() -> None:
        barrier.wait()
        try:
            opened.append(open_ledger())
        except BaseException as exc:  # returned to the test, with the thread's error
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(robots)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for ledger in opened:
        ledger.close()
    return errors
