"""Throughput benchmark: N plain billing requests, billed with 1, 2, ... workers.

``python -m cli.benchmark [N] [WORKERS...]`` (``make bench``) serves a generated
practice of N requests on the mock sites, runs the live batch once per worker count
(each on a freshly seeded practice and a fresh ledger) and prints seconds and items per
minute. A measurement, not a test: its numbers depend on the machine.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from cli.mock_sites import mock_site_overrides
from fixtures.server import MockSites
from flows.run import run_batch
from robot.ledger import ItemStatus
from robot.settings import load_settings


def measure(count: int, workers: int, folder: Path) -> tuple[float, int]:
    """Bill ``count`` generated requests with ``workers``; return (seconds, items done)."""
    with MockSites.start(f"generated:{count}") as sites:
        settings = load_settings(
            env_file=None,
            **mock_site_overrides(sites),
            workers=workers,
            runs_dir=folder / "runs",
            ledger_path=folder / f"ledger-{workers}.sqlite3",
        )
        started = time.perf_counter()
        summary = run_batch(settings, today=sites.world.state.practice.today)
        elapsed = time.perf_counter() - started
    return elapsed, summary.count(ItemStatus.DONE)


def main(argv: list[str]) -> None:
    """Run the benchmark and print one line per worker count."""
    count = int(argv[0]) if argv else 8
    worker_counts = [int(arg) for arg in argv[1:]] or [1, 2]
    with tempfile.TemporaryDirectory() as folder:
        for workers in worker_counts:
            elapsed, done = measure(count, workers, Path(folder))
            rate = done / elapsed * 60
            print(
                f"{count} requests, {workers} worker(s): {elapsed:.1f} s, "
                f"{done} done, {rate:.1f} items/min",
                flush=True,
            )


if __name__ == "__main__":
    main(sys.argv[1:])
