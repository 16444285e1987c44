"""Helpers for end-to-end flow tests: settings aimed at the mock sites, robot runs.

The robot drives its own Playwright; pytest-playwright may already hold a sync
Playwright on the main thread of this worker process, and the sync API allows one per
thread. So every robot run here happens on a fresh thread, as batch workers do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest

import flows.batch
from fixtures.server import MockSites
from flows.batch import RunSummary, run_batch
from flows.processes import PROCESSES
from flows.worker import Worker
from robot.audit import RunFolder
from robot.browser import BrowserRuntime
from robot.cli_runs import mock_site_overrides
from robot.gate import CommitGate, GateMode
from robot.ledger import SqliteLedger
from robot.settings import Settings, load_settings
from tests.plugins.mock_sites import arm_fault

T = TypeVar("T")


def robot_settings(sites: MockSites, folder: Path, **overrides: Any) -> Settings:
    """Settings that point the robot at ``sites``, with runs and ledger under ``folder``."""
    values: dict[str, Any] = {
        "runs_dir": folder / "runs",
        "ledger_path": folder / "ledger.sqlite3",
        "retry_initial_wait_s": 0,
        "retry_max_wait_s": 0,
        "action_timeout_ms": 5000,
        "workers": 1,
    }
    values.update(overrides)
    return load_settings(env_file=None, **mock_site_overrides(sites), **values)


def on_own_thread(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run ``fn`` on a fresh thread (its own sync Playwright) and return its result."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args, **kwargs).result()


@contextmanager
def only_processes(*kinds: str) -> Iterator[None]:
    """Let the batch discover and work only these kinds (the others cost time here)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(flows.batch, "PROCESSES", tuple(p for p in PROCESSES if p.kind in kinds))
        yield


def with_worker(settings: Settings, today: Any, work: Callable[[Worker], T]) -> T:
    """Run ``work`` with one logged-out worker (own thread, browser, ledger, gate)."""

    def body() -> T:
        folder = RunFolder(settings.runs_dir)
        ledger = SqliteLedger.from_settings(settings, folder.run_id)
        try:
            with BrowserRuntime(settings) as runtime:
                context = runtime.new_context()
                try:
                    gate = CommitGate(ledger, GateMode.from_settings(settings))
                    return work(Worker("worker-0", context, settings, gate, folder, today))
                finally:
                    context.close()
        finally:
            ledger.close()

    return on_own_thread(body)


def process_batch(
    folder: Path, kind: str, *, lost_response_path: str
) -> Iterator[tuple[MockSites, RunSummary, dict[str, Any], dict[str, Any]]]:
    """The demo practice before and after one live batch of ``kind`` only.

    The Ruh Platform loses the answer to the first POST matching ``lost_response_path``
    (after applying it), so every such batch also proves that money never moves twice.
    """
    with MockSites.start("demo") as sites, only_processes(kind):
        before = sites.world.snapshot()
        arm_fault(
            sites, "ruh_platform", kind="lose_response", path=lost_response_path, method="POST"
        )
        settings = robot_settings(sites, folder)
        summary = on_own_thread(run_batch, settings, today=sites.world.state.practice.today)
        yield sites, summary, before, sites.world.snapshot()
