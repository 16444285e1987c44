"""Helpers for end-to-end flow tests: settings aimed at the mock sites, robot runs.

The robot drives its own Playwright; pytest-playwright may already hold a sync
Playwright on the main thread of this worker process, and the sync API allows one per
thread. So every robot run here happens on a fresh thread, as batch workers do.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from fixtures.server import MockSites
from robot.cli_runs import mock_site_overrides
from robot.settings import Settings, load_settings

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
