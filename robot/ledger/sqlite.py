"""The embedded ledger: one SQLite file shared by the threads and processes of one machine.

Each thread gets its own connection (sqlite3 objects must not be shared mid-statement);
every read-then-write runs under ``BEGIN IMMEDIATE``, which takes the file's write lock
first, so two claimants (threads or processes) can never both see an item free. WAL
lets readers go on meanwhile, and ``synchronous=FULL`` makes each commit durable before
it returns: an intent survives a power cut before the click it announces.

Leases are measured with this machine's clock: every robot on one SQLite file runs here.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from tenacity import Retrying, retry_if_exception, stop_after_delay, wait_exponential

from robot.ledger.base import LedgerUnavailable
from robot.ledger.engine import system_clock
from robot.ledger.models import Clock
from robot.ledger.records import SqlLedger
from robot.ledger.schema import SQLITE_MIGRATIONS, migrate
from robot.ledger.sql import Dialect, Execute, Tx

if TYPE_CHECKING:
    from robot.settings import Settings

__all__ = ["SQLITE", "SqliteLedger"]

SQLITE: Final = Dialect(
    name="sqlite",
    # BEGIN IMMEDIATE already serialises every writer: no row locks to ask for.
    tokens={"skip_locked": "", "lock": "", "json_cast": "", "steps_order": "created_at, rowid"},
    pyformat=False,
    times_as_text=True,
)
"""How the shared queries are spelled for sqlite3."""


class SqliteLedger(SqlLedger):
    """The embedded :class:`~robot.ledger.Ledger`: one SQLite file, many threads and processes.

    See :class:`~robot.ledger.engine.ClaimsLedger` for the identity and lease rules.
    """

    def __init__(
        self,
        path: Path,
        run_id: str | None = None,
        *,
        max_attempts: int = 3,
        dry_run: bool = False,
        busy_timeout_s: float = 30.0,
        lease_seconds: float = 120,
        clock: Clock | None = None,
        host: str | None = None,
        pid: int | None = None,
    ) -> None:
        """Open (creating owner-only, or migrating) the ledger at ``path`` for ``run_id``.

        Without a ``run_id`` the handle only reads, adds items and resolves (the
        ``ledger``, ``report`` and ``review`` commands). Raises
        :class:`~robot.ledger.LedgerUnavailable` when the file cannot be opened.
        """
        super().__init__(
            run_id,
            max_attempts=max_attempts,
            dry_run=dry_run,
            lease_seconds=lease_seconds,
            clock=clock,
            host=host,
            pid=pid,
        )
        self.path = path
        self._busy_timeout_s = busy_timeout_s
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists():
                # The ledger names clients' conversations (and its facts, clients): create
                # it owner-only. SQLite gives its -wal and -shm files the same mode.
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        except OSError as exc:
            raise LedgerUnavailable(f"cannot create the ledger at {path}: {exc}") from exc
        with self._transaction() as tx:
            migrate(tx, SQLITE_MIGRATIONS, self._now(tx))

    @classmethod
    def from_settings(
        cls, settings: Settings, run_id: str | None = None, *, clock: Clock | None = None
    ) -> SqliteLedger:
        """Open ``settings.ledger_path`` for ``run_id`` with the settings' policy."""
        return cls(
            settings.ledger_path,
            run_id,
            max_attempts=settings.max_item_attempts,
            dry_run=settings.dry_run,
            lease_seconds=settings.lease_seconds,
            clock=clock,
        )

    @property
    def location(self) -> str:
        """The file's path."""
        return str(self.path)

    def __repr__(self) -> str:
        """Path and run, for debugging."""
        return f"SqliteLedger({self.path}, run_id={self._run_id!r})"

    # --- connections -----------------------------------------------------------------------

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
            try:
                self._use_wal(db)
            except sqlite3.Error:
                db.close()
                raise
            db.execute("PRAGMA synchronous = FULL")
            db.execute("PRAGMA foreign_keys = ON")
            self._local.db = db
            with self._connections_lock:
                self._connections.append(db)
        return db

    def _use_wal(self, db: sqlite3.Connection) -> None:
        # SQLite does not call its busy handler while a file changes journal mode: when
        # robots open a new ledger at the same moment, all but one got "database is
        # locked" at once (29 of 300 four-way opens). The switch is retried instead,
        # within the same busy timeout every other statement has.
        for attempt in Retrying(
            retry=retry_if_exception(_is_locked),
            stop=stop_after_delay(self._busy_timeout_s),
            wait=wait_exponential(multiplier=0.005, max=0.25),
            reraise=True,
        ):
            with attempt:
                db.execute("PRAGMA journal_mode = WAL")

    def _unavailable(self, exc: sqlite3.Error) -> LedgerUnavailable:
        return LedgerUnavailable(f"the ledger at {self.path} is unavailable: {exc}")

    @contextmanager
    def _transaction(self) -> Iterator[Tx]:
        try:
            db = self._db()
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise self._unavailable(exc) from exc
        try:
            yield Tx(_executor(db), SQLITE)
        except BaseException as exc:
            _rollback(db)
            if isinstance(exc, sqlite3.Error) and not isinstance(exc, sqlite3.IntegrityError):
                raise self._unavailable(exc) from exc
            raise
        try:
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            _rollback(db)
            raise self._unavailable(exc) from exc

    @contextmanager
    def _reading(self) -> Iterator[Tx]:
        try:
            yield Tx(_executor(self._db()), SQLITE)
        except sqlite3.Error as exc:
            if isinstance(exc, sqlite3.IntegrityError):
                raise
            raise self._unavailable(exc) from exc

    def _now(self, tx: Tx) -> datetime:
        return (self._clock or system_clock)()

    def close(self) -> None:
        """Close every thread's connection (call once, when all workers are done)."""
        with self._connections_lock:
            for db in self._connections:
                db.close()
            self._connections.clear()
        self._local = threading.local()


def _executor(db: sqlite3.Connection) -> Execute:
    def execute(sql: str, params: Mapping[str, Any] | None) -> sqlite3.Cursor:
        return db.execute(sql, {} if params is None else params)

    return execute


def _rollback(db: sqlite3.Connection) -> None:
    # The original error is what matters; a failed rollback (the file is gone) adds nothing.
    try:
        if db.in_transaction:
            db.execute("ROLLBACK")
    except sqlite3.Error:
        pass


def _is_locked(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc)
