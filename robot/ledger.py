"""The ledger: which work items exist, who is on them, and which steps are done.

One row per work item, one per (item, step). The commit gate reads and writes steps; the
batch claims items. Everything goes through the small :class:`Ledger` protocol so that a
PostgreSQL backend (row leases with ``SELECT ... FOR UPDATE SKIP LOCKED``) can be added
for several robot hosts on one queue without touching the flows.

:class:`SqliteLedger` is safe for worker threads (one connection per thread) and
processes (WAL, a busy timeout, ``BEGIN IMMEDIATE`` around every read-then-write). All
workers of one run share the run id; an item left ``in_progress`` under another run id
belongs to a run that is over (crashed or killed) and may be claimed again. Hold
:meth:`SqliteLedger.exclusive_run` for the length of a run so that this stays true.
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Final, Protocol, runtime_checkable

from robot.errors import BillingRobotError

if TYPE_CHECKING:
    from robot.settings import Settings

__all__ = [
    "ItemStatus",
    "Ledger",
    "LedgerError",
    "SqliteLedger",
    "StepRecord",
    "StepState",
    "WorkItem",
]


class LedgerError(BillingRobotError):
    """The ledger was asked for something its state does not allow.

    Raised when a run finishes an item it does not hold, or when another run already
    holds the ledger (:meth:`SqliteLedger.exclusive_run`).
    """


class ItemStatus(StrEnum):
    """Where a work item stands."""

    PENDING = "pending"
    """Found, not started."""
    IN_PROGRESS = "in_progress"
    """Claimed by a worker of the run named in ``run_id``."""
    DONE = "done"
    """Every step done: never claimed again."""
    NEEDS_REVIEW = "needs_review"
    """A business rule failed: a person must look (``reason`` says why)."""
    FAILED = "failed"
    """Transient errors outlasted the retries; a later run may try again."""
    SKIPPED = "skipped"
    """The operator skipped it, or the flow found nothing to do."""
    REHEARSED = "rehearsed"
    """A dry run went through it; a live run must still do it."""
    STOPPED = "stopped"
    """The operator said stop (or the run was interrupted) mid-item: claimable again."""


class StepState(StrEnum):
    """Where one irreversible step of an item stands."""

    INTENT = "intent"
    """About to click (or clicked, outcome unknown): check the site before redoing."""
    DONE = "done"
    """Clicked and verified (or found already done on the site)."""
    WOULD_COMMIT = "would_commit"
    """A dry run stopped here: nothing was clicked."""
    SKIPPED = "skipped"
    """The operator said skip: nothing was clicked."""


# Statuses any run's claim_next may pick up (failed ones only while attempts are left).
_OPEN: Final = (ItemStatus.PENDING.value, ItemStatus.REHEARSED.value)


@dataclass(frozen=True, slots=True)
class WorkItem:
    """One work item as the ledger knows it."""

    id: str
    kind: str
    source_ref: str
    status: ItemStatus
    attempts: int
    reason: str | None
    run_id: str | None
    worker: str | None
    created_at: str
    updated_at: str


@dataclass(frozen=True, slots=True)
class StepRecord:
    """One step of a work item."""

    item_id: str
    step: str
    state: StepState
    evidence: str | None
    run_id: str | None
    updated_at: str


@runtime_checkable
class Ledger(Protocol):
    """What the robot needs from a ledger; a backend implements exactly this."""

    @property
    def run_id(self) -> str:
        """The run this ledger handle works for (all its workers share it)."""

    def add_item(self, item_id: str, kind: str, source_ref: str) -> bool:
        """Add a pending item; return False (changing nothing) if it already exists."""

    def claim_next(self, worker: str, kinds: Sequence[str] | None = None) -> WorkItem | None:
        """Atomically claim the oldest claimable item for ``worker``, or return None."""

    def claim(self, item_id: str, worker: str) -> WorkItem | None:
        """Claim one named item unless it is done or held by this run; else None."""

    def finish(self, item_id: str, status: ItemStatus, reason: str | None = None) -> None:
        """End this run's hold on an item with its final status and reason."""

    def get_item(self, item_id: str) -> WorkItem | None:
        """Return one item, or None if unknown."""

    def list_items(
        self, status: ItemStatus | None = None, run_id: str | None = None
    ) -> list[WorkItem]:
        """Return items (oldest first), optionally only one status or one run's."""

    def record_facts(self, item_id: str, facts: Mapping[str, object]) -> None:
        """Merge billing facts (for the owner-only report) into the item's."""

    def step_state(self, item_id: str, step: str) -> StepState | None:
        """Return a step's state, or None if it was never recorded."""

    def record_step(
        self,
        item_id: str,
        step: str,
        state: StepState,
        evidence: Path | None = None,
        *,
        found: bool = False,
    ) -> None:
        """Set a step's state (durably, before the caller clicks); ``found``: seen on the site."""

    def list_steps(self, item_id: str) -> list[StepRecord]:
        """Return an item's steps in the order they were first recorded."""

    def close(self) -> None:
        """Release connections."""


_SCHEMA: Final = """
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
CREATE TABLE IF NOT EXISTS item_facts (
    item_id     TEXT PRIMARY KEY REFERENCES items (id),
    facts       TEXT NOT NULL
);
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

_ITEM_COLUMNS: Final = (
    "id, kind, source_ref, status, attempts, reason, run_id, worker, created_at, updated_at"
)


def _now() -> str:
    # Microseconds and a fixed UTC offset: text order is time order.
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _item(row: sqlite3.Row) -> WorkItem:
    return WorkItem(
        id=row["id"],
        kind=row["kind"],
        source_ref=row["source_ref"],
        status=ItemStatus(row["status"]),
        attempts=row["attempts"],
        reason=row["reason"],
        run_id=row["run_id"],
        worker=row["worker"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


class SqliteLedger:
    """The embedded :class:`Ledger`: one SQLite file, many threads and processes.

    ``dry_run=True`` makes claims free (attempts are not counted) and refuses to mark an
    item done, so a rehearsal never uses up or completes real work.
    """

    def __init__(
        self,
        path: Path,
        run_id: str | None = None,
        *,
        max_attempts: int = 3,
        dry_run: bool = False,
        busy_timeout_s: float = 30.0,
    ) -> None:
        """Open (creating if needed, owner-only) the ledger at ``path`` for ``run_id``.

        Without a ``run_id`` the handle only reads and adds items (the ``ledger`` and
        ``report`` commands); claiming or recording then raises :class:`LedgerError`.
        """
        self.path = path
        self._run_id = run_id
        self.max_attempts = max_attempts
        self.dry_run = dry_run
        self._busy_timeout_s = busy_timeout_s
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            # The ledger names clients' conversations: create it owner-only. SQLite gives
            # its -wal and -shm files the same mode.
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        with self._write() as db:
            # Statement by statement: executescript() would COMMIT our BEGIN IMMEDIATE.
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)

    @classmethod
    def from_settings(cls, settings: Settings, run_id: str) -> SqliteLedger:
        """Open ``settings.ledger_path`` for ``run_id`` with the settings' attempts and mode."""
        return cls(
            settings.ledger_path,
            run_id,
            max_attempts=settings.max_item_attempts,
            dry_run=settings.dry_run,
        )

    @property
    def run_id(self) -> str:
        """The run this handle claims for (raises on a read-only handle)."""
        if self._run_id is None:
            raise LedgerError("this ledger handle has no run id: it can only read")
        return self._run_id

    # --- connections -----------------------------------------------------------------

    def _db(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            # Autocommit (isolation_level=None): transactions are explicit BEGIN IMMEDIATE
            # so a claim's read and write happen under one write lock.
            db = sqlite3.connect(
                self.path,
                timeout=self._busy_timeout_s,
                isolation_level=None,
                check_same_thread=False,
            )
            db.row_factory = sqlite3.Row
            db.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_s * 1000)}")
            db.execute("PRAGMA journal_mode = WAL")
            # FULL: an "intent" must survive a power cut before the click it announces.
            db.execute("PRAGMA synchronous = FULL")
            db.execute("PRAGMA foreign_keys = ON")
            self._local.db = db
            with self._connections_lock:
                self._connections.append(db)
        return db

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def close(self) -> None:
        """Close every thread's connection (call once, when all workers are done)."""
        with self._connections_lock:
            for db in self._connections:
                db.close()
            self._connections.clear()
        self._local = threading.local()

    @contextmanager
    def exclusive_run(self) -> Iterator[None]:
        """Hold the ledger for this run: a second concurrent run fails fast.

        The rule "in progress under another run id = abandoned" is only sound while one
        run at a time uses the ledger; this advisory lock (released by the OS if the
        process dies) makes it so. Worker processes of the same run do not take it.
        """
        lock_path = self.path.with_name(self.path.name + ".run-lock")
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise LedgerError(
                    f"another run is using the ledger {self.path}; wait for it to finish"
                ) from None
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the lock

    # --- items -----------------------------------------------------------------------

    def add_item(self, item_id: str, kind: str, source_ref: str) -> bool:
        """Add a pending item; an existing item is left exactly as it is."""
        now = _now()
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO items (id, kind, source_ref, status, created_at, updated_at)"
                " VALUES (?, ?, ?, 'pending', ?, ?) ON CONFLICT (id) DO NOTHING",
                (item_id, kind, source_ref, now, now),
            )
            return cursor.rowcount == 1

    def claim_next(self, worker: str, kinds: Sequence[str] | None = None) -> WorkItem | None:
        """Claim the oldest of: pending, rehearsed, failed with attempts left, abandoned.

        Rehearsed and failed items count only when an earlier run left them so.

        "Abandoned" is ``in_progress`` under a different run id. One whose attempts are
        used up is marked failed instead of being claimed again, so an item that crashes
        the robot cannot do so forever.
        """
        now = _now()
        kind_filter = ""
        kind_args: tuple[str, ...] = ()
        if kinds is not None:
            if not kinds:
                return None
            kind_filter = f" AND kind IN ({', '.join('?' for _ in kinds)})"
            kind_args = tuple(kinds)
        with self._write() as db:
            db.execute(
                "UPDATE items SET status = 'failed', updated_at = ?,"
                " reason = 'interrupted ' || attempts || ' times; no attempts left'"
                " WHERE status = 'in_progress' AND run_id IS NOT ? AND attempts >= ?",
                (now, self.run_id, self.max_attempts),
            )
            # What this run already finished (failed or rehearsed) waits for the next run:
            # reclaiming it here would loop a dry run forever and hammer a failing item.
            row = db.execute(
                f"SELECT id FROM items WHERE ("
                f" status IN ('pending', 'stopped')"
                f" OR (status = 'rehearsed' AND run_id IS NOT ?)"
                f" OR (status = 'failed' AND attempts < ? AND run_id IS NOT ?)"
                f" OR (status = 'in_progress' AND run_id IS NOT ?)"
                f"){kind_filter} ORDER BY created_at, id LIMIT 1",
                (self.run_id, self.max_attempts, self.run_id, self.run_id, *kind_args),
            ).fetchone()
            if row is None:
                return None
            return self._take(db, row["id"], worker, now)

    def claim(self, item_id: str, worker: str) -> WorkItem | None:
        """Claim a named item (``run ITEM``) whatever its status, except done or held.

        Returns None if the item is unknown, done, or in progress under this run.
        """
        now = _now()
        with self._write() as db:
            row = db.execute("SELECT status, run_id FROM items WHERE id = ?", (item_id,)).fetchone()
            if row is None or row["status"] == ItemStatus.DONE:
                return None
            if row["status"] == ItemStatus.IN_PROGRESS and row["run_id"] == self.run_id:
                return None
            return self._take(db, item_id, worker, now)

    def _take(self, db: sqlite3.Connection, item_id: str, worker: str, now: str) -> WorkItem:
        # A rehearsal is free: it must not use up the attempts of the live run after it.
        increment = 0 if self.dry_run else 1
        db.execute(
            "UPDATE items SET status = 'in_progress', attempts = attempts + ?, run_id = ?,"
            " worker = ?, reason = NULL, updated_at = ? WHERE id = ?",
            (increment, self.run_id, worker, now, item_id),
        )
        row = db.execute(f"SELECT {_ITEM_COLUMNS} FROM items WHERE id = ?", (item_id,)).fetchone()
        return _item(row)

    def finish(self, item_id: str, status: ItemStatus, reason: str | None = None) -> None:
        """Record the final status of an item this run holds.

        Raises :class:`LedgerError` if this run does not hold the item, or if a dry run
        tries to mark it done (a rehearsal ends ``rehearsed``).
        """
        status = ItemStatus(status)
        if status is ItemStatus.IN_PROGRESS:
            raise ValueError("finish() needs a final status, not in_progress")
        if self.dry_run and status is ItemStatus.DONE:
            raise LedgerError(f"a dry run cannot mark {item_id} done")
        with self._write() as db:
            cursor = db.execute(
                "UPDATE items SET status = ?, reason = ?, updated_at = ?"
                " WHERE id = ? AND status = 'in_progress' AND run_id = ?",
                (status.value, reason, _now(), item_id, self.run_id),
            )
            if cursor.rowcount != 1:
                raise LedgerError(f"{item_id} is not in progress under run {self.run_id}")

    def get_item(self, item_id: str) -> WorkItem | None:
        """Return one item, or None if unknown."""
        row = (
            self._db()
            .execute(f"SELECT {_ITEM_COLUMNS} FROM items WHERE id = ?", (item_id,))
            .fetchone()
        )
        return None if row is None else _item(row)

    def list_items(
        self, status: ItemStatus | None = None, run_id: str | None = None
    ) -> list[WorkItem]:
        """Return items oldest first, optionally filtered by status and/or last run."""
        clauses: list[str] = []
        args: list[str] = []
        if status is not None:
            clauses.append("status = ?")
            args.append(ItemStatus(status).value)
        if run_id is not None:
            clauses.append("run_id = ?")
            args.append(run_id)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = (
            self._db()
            .execute(f"SELECT {_ITEM_COLUMNS} FROM items{where} ORDER BY created_at, id", args)
            .fetchall()
        )
        return [_item(row) for row in rows]

    def record_facts(self, item_id: str, facts: Mapping[str, object]) -> None:
        """Merge ``facts`` (JSON-able billing facts for the report) into the item's."""
        with self._write() as db:
            row = db.execute(
                "SELECT facts FROM item_facts WHERE item_id = ?", (item_id,)
            ).fetchone()
            merged = {**(json.loads(row["facts"]) if row else {}), **facts}
            db.execute(
                "INSERT INTO item_facts (item_id, facts) VALUES (?, ?) ON CONFLICT (item_id)"
                " DO UPDATE SET facts = excluded.facts",
                (item_id, json.dumps(merged, default=str)),
            )

    def facts(self, item_id: str) -> dict[str, object]:
        """The item's recorded billing facts (empty when none)."""
        row = (
            self._db()
            .execute("SELECT facts FROM item_facts WHERE item_id = ?", (item_id,))
            .fetchone()
        )
        return dict(json.loads(row["facts"])) if row else {}

    # --- steps -----------------------------------------------------------------------

    def step_state(self, item_id: str, step: str) -> StepState | None:
        """Return the step's state, or None if never recorded."""
        row = (
            self._db()
            .execute("SELECT state FROM steps WHERE item_id = ? AND step = ?", (item_id, step))
            .fetchone()
        )
        return None if row is None else StepState(row["state"])

    def record_step(
        self,
        item_id: str,
        step: str,
        state: StepState,
        evidence: Path | None = None,
        *,
        found: bool = False,
    ) -> None:
        """Set the step's state; committed (fsync'd) before this returns.

        An ``intent`` is only ever replaced by ``done`` or a new ``intent``: a rehearsal's
        ``would_commit`` or an operator's ``skipped`` must not erase the warning that a
        click may already have happened (such a write is ignored).
        """
        state = StepState(state)
        now = _now()
        with self._write() as db:
            db.execute(
                "INSERT INTO steps (item_id, step, state, evidence, run_id, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (item_id, step) DO UPDATE SET state = excluded.state,"
                " evidence = COALESCE(excluded.evidence, steps.evidence),"
                " run_id = excluded.run_id, updated_at = excluded.updated_at"
                " WHERE steps.state != 'intent' OR excluded.state IN ('intent', 'done')",
                (
                    item_id,
                    step,
                    state.value,
                    None if evidence is None else str(evidence),
                    self.run_id,
                    now,
                    now,
                ),
            )

    def list_steps(self, item_id: str) -> list[StepRecord]:
        """Return the item's steps in the order they were first recorded."""
        rows = (
            self._db()
            .execute(
                "SELECT item_id, step, state, evidence, run_id, updated_at FROM steps"
                " WHERE item_id = ? ORDER BY created_at, rowid",
                (item_id,),
            )
            .fetchall()
        )
        return [
            StepRecord(
                item_id=row["item_id"],
                step=row["step"],
                state=StepState(row["state"]),
                evidence=row["evidence"],
                run_id=row["run_id"],
                updated_at=row["updated_at"],
            )
            for row in rows
        ]
