"""Opening the same ledger from anywhere (threads, child processes) and moving its time.

A :class:`LedgerSpec` names one ledger store, SQLite file or PostgreSQL schema, and is
picklable, so a child process started with ``spawn`` can open the very same ledger.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from robot.ledger import SqliteLedger
from robot.ledger.records import SqlLedger


@dataclass(frozen=True)
class LedgerSpec:
    """Where one test's ledger lives: ``sqlite`` + a path, or ``postgres`` + a URL."""

    backend: str
    target: str
    password: str | None = field(default=None, repr=False)

    def open(self, run_id: str | None = "run-a", **kwargs: Any) -> SqlLedger:
        """A new handle on this ledger for ``run_id`` (keyword options go to the backend)."""
        if self.backend == "sqlite":
            kwargs.pop("pool_size", None)  # one connection per thread, no pool
            return SqliteLedger(Path(self.target), run_id, **kwargs)
        from robot.ledger.postgres import PostgresLedger

        kwargs.setdefault("pool_size", 2)
        kwargs.setdefault("connect_timeout_s", 3)
        return PostgresLedger(self.target, run_id, password=self.password, **kwargs)


class FakeClock:
    """A clock that stands still until told to move (inject it as ``clock=``)."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start if start is not None else datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def ahead_of_real_time(seconds: float) -> Any:
    """A clock that runs with real time but ``seconds`` ahead (for another process's view)."""

    def clock() -> datetime:
        return datetime.now(UTC) + timedelta(seconds=seconds)

    return clock


def add_items(ledger: SqlLedger, count: int, kind: str = "headway_billing") -> list[str]:
    """Add ``count`` items, oldest first; return their ids."""
    ids = [f"intercom:conv-{1000 + n}" for n in range(count)]
    for item_id in ids:
        ledger.add_item(item_id, kind, item_id.split(":")[1])
    return ids
