"""The fleet ledger: one PostgreSQL database shared by every robot on every host.

Claims from the queue use ``SELECT ... FOR UPDATE SKIP LOCKED``: robots never wait on
each other's candidate rows, and never both get one. Named claims and writes lock their
row with ``FOR UPDATE``. Leases are measured with the database server's clock
(``clock_timestamp()``), the one clock all hosts share, so a host whose clock is off
cannot take over a live claim.

Connections come from a psycopg_pool pool: checked before use (a server restart leaves
dead connections behind), bounded by a connect timeout, with TCP keepalives and a
statement timeout, so a database that goes away turns into one
:class:`~robot.ledger.LedgerUnavailable` within seconds, never a hang. The password is
passed apart from the URL and never appears in a message, a log or a repr.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool, PoolClosed, PoolTimeout
from pydantic import SecretStr

from robot.ledger.base import LedgerError, LedgerUnavailable
from robot.ledger.location import display_url, embedded_password
from robot.ledger.models import Clock
from robot.ledger.records import SqlLedger
from robot.ledger.schema import POSTGRES_MIGRATIONS, migrate
from robot.ledger.sql import Dialect, Tx, as_time

if TYPE_CHECKING:
    from robot.settings import Settings

__all__ = ["POSTGRES", "PostgresLedger"]

POSTGRES: Final = Dialect(
    name="postgres",
    tokens={
        "skip_locked": " FOR UPDATE SKIP LOCKED",
        "lock": " FOR UPDATE",
        "json_cast": "::jsonb",
        "steps_order": "created_at, seq",
    },
    pyformat=True,
    times_as_text=False,
)
"""How the shared queries are spelled for psycopg."""

_MIGRATION_LOCK: Final = 0x62696C6C696E67  # pg_advisory_xact_lock key: "billing"
_STATEMENT_TIMEOUT_MS: Final = 30_000
_CONNECTION_ERRORS: Final = (psycopg.OperationalError, psycopg.InterfaceError)
Pool = ConnectionPool[psycopg.Connection[Any]]
# PoolTimeout and PoolClosed are OperationalErrors too: one except clause for all.

# The pool logs each failed (re)connection as a warning; with no handler of their own,
# Python's last-resort handler prints them raw on the operator's terminal: dozens of
# lines per outage, before the one message that matters. An outage already becomes one
# LedgerUnavailable naming the ledger (and the lease keeper logs its own warning).
for _pool_logger in ("psycopg.pool", "psycopg_pool"):
    logging.getLogger(_pool_logger).addHandler(logging.NullHandler())


def _configure(conn: psycopg.Connection[Any]) -> None:
    # A statement stuck behind a lock (or a server that stopped answering) fails instead
    # of holding a worker forever. The pool wants the connection idle afterwards.
    conn.execute(f"SET statement_timeout = {_STATEMENT_TIMEOUT_MS}")
    conn.commit()


class PostgresLedger(SqlLedger):
    """The PostgreSQL :class:`~robot.ledger.Ledger`, for several robots on one queue.

    See :class:`~robot.ledger.engine.ClaimsLedger` for the identity and lease rules.
    """

    def __init__(
        self,
        url: str,
        run_id: str | None = None,
        *,
        password: SecretStr | str | None = None,
        max_attempts: int = 3,
        dry_run: bool = False,
        lease_seconds: float = 120,
        clock: Clock | None = None,
        host: str | None = None,
        pid: int | None = None,
        connect_timeout_s: float = 5.0,
        pool_size: int = 4,
    ) -> None:
        """Connect to ``url`` (no password in it), create or migrate the schema, open a pool.

        ``clock`` replaces the server's clock (tests). Raises
        :class:`~robot.ledger.LedgerUnavailable` when the server cannot be reached or
        refuses the login, and :class:`~robot.ledger.LedgerError` for a URL with a
        password in it.
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
        if embedded_password(url):
            raise LedgerError(
                "the ledger URL must not carry a password: set BILLING_ROBOT_LEDGER_PASSWORD"
            )
        self._location = display_url(url)
        # Kept as a SecretStr: the plain text exists only while a connection is made.
        self._password = SecretStr(password) if isinstance(password, str) else password
        self._timeout_s = connect_timeout_s
        self._kwargs: dict[str, Any] = {
            # libpq counts whole seconds and treats less than 2 as 2.
            "connect_timeout": max(2, math.ceil(connect_timeout_s)),
            "application_name": "billing-robot",
            "row_factory": dict_row,
            # A peer that vanished (no FIN) is noticed within seconds, not hours.
            "keepalives": 1,
            "keepalives_idle": 10,
            "keepalives_interval": 5,
            "keepalives_count": 3,
            "tcp_user_timeout": max(10_000, int(connect_timeout_s * 1000)),
        }
        # A direct first connection: its error says why (refused, login, no database),
        # where a pool would only say that it timed out.
        try:
            with psycopg.connect(url, **self._connect_kwargs()) as conn:
                _configure(conn)
                with conn.transaction():
                    cursor = conn.cursor()
                    # Two robots opening a new ledger at once: one migrates, one waits.
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
                    tx = Tx(cursor.execute, POSTGRES)
                    migrate(tx, POSTGRES_MIGRATIONS, self._now(tx))
        except _CONNECTION_ERRORS as exc:
            raise self._unavailable(exc) from None
        self._url = url
        self._pool_size = max(1, pool_size)
        self._pool_lock = threading.Lock()
        self._closed = False
        self._pool: Pool | None = self._new_pool()
        try:
            self._pool.open(wait=True, timeout=connect_timeout_s)
        except _CONNECTION_ERRORS as exc:
            self._pool.close()
            raise self._unavailable(exc) from None

    @classmethod
    def from_settings(
        cls, settings: Settings, run_id: str | None = None, *, clock: Clock | None = None
    ) -> PostgresLedger:
        """Open ``settings.ledger_url`` with the settings' password and policy."""
        if settings.ledger_url is None:
            raise LedgerError("BILLING_ROBOT_LEDGER_URL is not set")
        return cls(
            settings.ledger_url,
            run_id,
            password=settings.ledger_password,
            max_attempts=settings.max_item_attempts,
            dry_run=settings.dry_run,
            lease_seconds=settings.lease_seconds,
            clock=clock,
            pool_size=settings.workers + 2,  # the workers, the lease keeper, a reader
        )

    @property
    def location(self) -> str:
        """The URL without its password."""
        return self._location

    def __repr__(self) -> str:
        """URL (without password) and run, for debugging."""
        return f"PostgresLedger({self._location}, run_id={self._run_id!r})"

    # --- connections -----------------------------------------------------------------------

    def _unavailable(self, exc: Exception) -> LedgerUnavailable:
        if isinstance(exc, PoolTimeout):
            detail = f"no connection within {self._timeout_s:g} s (is the server up and reachable?)"
        elif isinstance(exc, PoolClosed):
            # Another thread's call (the lease keeper's, a worker's) failed first and
            # discarded the pool this one was waiting on: the server is what went away.
            detail = "the connection was lost (is the server up and reachable?)"
        else:
            lines = str(exc).strip().splitlines()
            detail = lines[0] if lines else type(exc).__name__
        if self._password is not None and self._password.get_secret_value():
            detail = detail.replace(self._password.get_secret_value(), "***")
        return LedgerUnavailable(f"the ledger at {self._location} is unavailable: {detail}")

    def _connect_kwargs(self) -> dict[str, Any]:
        if self._password is None or not self._password.get_secret_value():
            return dict(self._kwargs)
        return {**self._kwargs, "password": self._password.get_secret_value()}

    def _new_pool(self) -> Pool:
        return ConnectionPool(
            self._url,
            kwargs=self._connect_kwargs,  # called per connection: no password at rest
            min_size=1,
            max_size=self._pool_size,
            timeout=self._timeout_s,
            check=ConnectionPool.check_connection,  # a restart leaves dead connections
            configure=_configure,
            name="billing-robot-ledger",
            open=False,
        )

    def _current_pool(self) -> Pool:
        with self._pool_lock:
            if self._closed:
                raise LedgerError(f"the ledger handle on {self._location} is closed")
            if self._pool is None:
                self._pool = self._new_pool()
                self._pool.open(wait=False)
            return self._pool

    def _discard_pool(self, pool: Pool) -> None:
        # After a failure the pool's own reconnection backs off exponentially (for as
        # long as the outage lasted); a new pool tries at once on the next call, so a
        # database that is back is used again at the first try.
        with self._pool_lock:
            if self._pool is pool:
                self._pool = None
        # Its threads may be waiting out a back-off: let them end without holding us up.
        threading.Thread(target=pool.close, name="ledger-pool-close", daemon=True).start()

    @contextmanager
    def _transaction(self) -> Iterator[Tx]:
        pool = self._current_pool()
        # The pool's connection block commits on success and rolls back on any error.
        try:
            with pool.connection() as conn, conn.cursor() as cursor:
                yield Tx(cursor.execute, POSTGRES)
        except _CONNECTION_ERRORS as exc:
            self._discard_pool(pool)
            raise self._unavailable(exc) from None

    def _reading(self) -> AbstractContextManager[Tx]:
        return self._transaction()

    def _now(self, tx: Tx) -> datetime:
        if self._clock is not None:
            return self._clock()
        row = tx.one("SELECT clock_timestamp() AS now")
        assert row is not None  # a SELECT without FROM always has its one row
        return as_time(row["now"])

    def close(self) -> None:
        """Close the pool and its connections; the handle cannot be used again."""
        with self._pool_lock:
            self._closed = True
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()
