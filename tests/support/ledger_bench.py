"""Ledger benchmark: what one claim + finish costs on each backend (a measurement, not a test).

``python -m tests.support.ledger_bench [N]`` (default N = 300) adds N items to a fresh
ledger on each backend, then times, item by item, ``claim_next`` + ``finish`` and, apart,
the whole life of an item as the gate sees it (claim, intent, done, finish). It prints
median, min and max in milliseconds. SQLite is a file with WAL and ``synchronous=FULL``;
PostgreSQL is a throwaway local server with ``fsync`` on, over TCP on loopback: both
commit durably, as the robot needs. The numbers depend on the machine and its load.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from robot.ledger import ItemStatus, StepState
from robot.ledger.records import SqlLedger
from tests.support.ledgers import LedgerSpec, add_items
from tests.support.postgres import PostgresServer


def _claim_finish(ledger: SqlLedger) -> None:
    item = ledger.claim_next("worker-0")
    assert item is not None
    ledger.finish(item.id, ItemStatus.DONE)


def _item_life(ledger: SqlLedger) -> None:
    item = ledger.claim_next("worker-0")
    assert item is not None
    ledger.record_step(item.id, "charge", StepState.INTENT)
    ledger.record_step(item.id, "charge", StepState.DONE)
    ledger.finish(item.id, ItemStatus.DONE)


def _time(count: int, ledger: SqlLedger, work: Callable[[SqlLedger], None]) -> list[float]:
    add_items(ledger, count)
    spent: list[float] = []
    for _ in range(count):
        started = time.perf_counter()
        work(ledger)
        spent.append((time.perf_counter() - started) * 1000)
    return spent


def _line(name: str, spent: list[float]) -> str:
    return (
        f"{name:40} median {statistics.median(spent):7.2f} ms   "
        f"min {min(spent):7.2f} ms   max {max(spent):8.2f} ms   (n={len(spent)})"
    )


WORKLOADS: list[tuple[str, Callable[[SqlLedger], None]]] = [
    ("claim_next + finish", _claim_finish),
    ("claim + intent + done + finish", _item_life),
]


def measure(new_spec: Callable[[], LedgerSpec], count: int) -> list[str]:
    """Time each workload on a fresh ledger from ``new_spec``; one line each."""
    lines = []
    for name, work in WORKLOADS:
        spec = new_spec()
        ledger = spec.open("bench")
        try:
            lines.append(_line(f"{spec.backend} {name}", _time(count, ledger, work)))
        finally:
            ledger.close()
    return lines


def main(argv: list[str]) -> None:
    """Run the benchmark on SQLite, then on a throwaway PostgreSQL; print the figures."""
    count = int(argv[0]) if argv else 300
    with tempfile.TemporaryDirectory() as folder:
        files = (Path(folder) / f"ledger-{n}.sqlite3" for n in range(len(WORKLOADS)))
        for line in measure(lambda: LedgerSpec("sqlite", str(next(files))), count):
            print(line, flush=True)
    server = PostgresServer.create(fsync=True)
    try:
        schemas = lambda: LedgerSpec(  # noqa: E731 - a one-line factory
            "postgres", server.url(server.new_schema()), server.robot_password
        )
        for line in measure(schemas, count):
            print(line, flush=True)
    finally:
        server.destroy()


if __name__ == "__main__":
    main(sys.argv[1:])
