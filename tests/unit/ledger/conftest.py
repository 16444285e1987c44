"""Fixtures for the ledger contract: every test runs on SQLite and on a real PostgreSQL.

The PostgreSQL server is started once per test session (per xdist worker) by the suite
itself, and each test gets a fresh schema in it: a fresh ledger, as a SQLite test gets a
fresh file. Without PostgreSQL's programs the ``postgres`` tests fail, saying why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from robot.ledger.records import SqlLedger
from tests.support.ledgers import LedgerSpec
from tests.support.postgres import PostgresServer, start_for_tests


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = start_for_tests()
    yield server
    server.destroy()


@pytest.fixture(params=["sqlite", "postgres"])
def spec(request: pytest.FixtureRequest, tmp_path: Path) -> LedgerSpec:
    """A fresh, empty ledger store on each backend."""
    if request.param == "sqlite":
        return LedgerSpec("sqlite", str(tmp_path / "ledger.sqlite3"))
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return LedgerSpec("postgres", server.url(server.new_schema()), server.robot_password)


@pytest.fixture
def open_ledger(spec: LedgerSpec) -> Iterator[Callable[..., SqlLedger]]:
    """Open handles on the test's ledger (``open_ledger("run-b", dry_run=True)``); all
    are closed at the end."""
    opened: list[SqlLedger] = []

    def opener(run_id: str | None = "run-a", **kwargs: Any) -> SqlLedger:
        ledger = spec.open(run_id, **kwargs)
        opened.append(ledger)
        return ledger

    yield opener
    for ledger in opened:
        ledger.close()
