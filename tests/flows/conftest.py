"""Helpers for end-to-end flow tests: settings aimed at the mock sites, robot runs.

The robot drives its own Playwright; pytest-playwright may already hold a sync
Playwright on the main thread of this worker process, and the sync API allows one per
thread. So every robot run here happens on a fresh thread, as batch workers do.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from cli.mock_sites import mock_site_overrides
from fixtures.server import MockSites
from flows.process import Process
from flows.processes import ALL_PROCESSES
from flows.run import RunSummary
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


def processes(*kinds: str) -> tuple[Process[Any], ...]:
    """The processes of these kinds, to pass as ``run_batch(processes=...)``."""
    return tuple(process for process in ALL_PROCESSES if process.kind in kinds)


def run_item(
    settings: Settings, item_id: str, kind: str, source_ref: str, **kwargs: Any
) -> RunSummary:
    """Run one named item (as ``billing-robot run`` and the special-case commands do)."""
    from flows.run import NamedItem, run_named

    today = kwargs.pop("today")
    return on_own_thread(
        run_named, settings, NamedItem(item_id, kind, source_ref), today=today, **kwargs
    )


def run_one(settings: Settings, conversation_id: str, **kwargs: Any) -> RunSummary:
    """Bill one request by its conversation id (``billing-robot run CONVERSATION``)."""
    from flows.standard_billing import KIND, item_id_for

    return run_item(settings, item_id_for(conversation_id), KIND, conversation_id, **kwargs)


def run_late_cancellation(settings: Settings, sites: MockSites, appointment: str) -> RunSummary:
    """Work one late cancellation by its appointment id, as a batch retry of it does."""
    from flows import late_cancellation

    client = LATE_CANCELLATIONS[appointment]
    return run_item(
        settings,
        late_cancellation.item_id_for(appointment),
        late_cancellation.KIND,
        # What discovery reads off the platform: the client's id in its addresses.
        late_cancellation.source_ref_for(sites.world.public_id("client", client), appointment),
        today=sites.world.state.practice.today,
    )


def only_run_summary(folder: Path) -> dict[str, Any]:
    """The ``summary.json`` of the one run under ``folder / "runs"``."""
    (run,) = (folder / "runs").iterdir()
    summary: dict[str, Any] = json.loads((run / "summary.json").read_text("utf-8"))
    return summary


def robot_env(settings: Settings) -> dict[str, str]:
    """The environment that gives a ``billing-robot`` subprocess exactly ``settings``."""
    import os

    from robot.settings import SITE_NAMES, env_var_name

    env = {k: v for k, v in os.environ.items() if not k.startswith("BILLING_ROBOT_")}
    for site in SITE_NAMES:
        configured = getattr(settings, site)
        if configured is not None:
            env[env_var_name(site, "base_url")] = configured.base_url
            env[env_var_name(site, "username")] = configured.username
            env[env_var_name(site, "password")] = configured.password.get_secret_value()
    for name in (
        "runs_dir",
        "ledger_path",
        "retry_initial_wait_s",
        "retry_max_wait_s",
        "action_timeout_ms",
        "workers",
        "max_consecutive_failures",
    ):
        env[env_var_name(name)] = str(getattr(settings, name))
    return env


def run_cli(
    args: list[str], env: dict[str, str], cwd: Path, timeout: float = 240
) -> subprocess.CompletedProcess[str]:
    """Run ``billing-robot ARGS`` as a person would, with a bound on how long it may take."""
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


# ---- Reading a wrong charge's outcome off a snapshot (``sites.world.snapshot()``) ------

REFUND_MACRO = "Refund Issued - Headway Client"
"""The macro that tells a wrong-charge client a refund is coming (the procedure's name)."""


def payment_in(state: dict[str, Any], payment_id: str) -> dict[str, Any]:
    """The Ruh Platform payment ``payment_id``."""
    return dict(next(p for p in state["payments"] if p["id"] == payment_id))


def sessions_of(state: dict[str, Any], client: str) -> list[dict[str, Any]]:
    """Every Headway session of ``client`` (a scenario client id)."""
    return [s for s in state["headway_sessions"] if s["client_id"] == client]


def headway_write_offs(state: dict[str, Any]) -> list[dict[str, Any]]:
    """The Programs Sheet's rows for sessions written off instead of billed on Headway."""
    return [r for r in state["program_rows"] if r["name"].endswith("Headway Write-Off")]


# ---- Reading a late cancellation's outcome off a snapshot -------------------------------

LATE_CANCELLATIONS = {
    "ap-lc1": "cl-lc1",
    "ap-lc2": "cl-lc2",
    "ap-lc3": "cl-lc3",
    "ap-d15": "cl-d15",
}
"""The demo practice's late cancellations, appointment -> client. ap-d15 is also a billing
request, which the standard flow sends to review."""

FAILED_PAYMENT_MACRO = "Failed Payment - Late Cancellation Fee"
"""The macro sent when a late-cancellation fee's card is declined (the procedure's name)."""


def invoices_of(state: dict[str, Any], appointment: str) -> list[dict[str, Any]]:
    """The Ruh Platform invoices of ``appointment``."""
    return [i for i in state["invoices"] if i["appointment_id"] == appointment]


def failed_payment_replies(state: dict[str, Any], client: str) -> list[tuple[str, str]]:
    """(conversation, subject) of each Failed Payment macro sent to ``client``."""
    email = next(c["email"] for c in state["clients"] if c["id"] == client)
    return [
        (c["id"], c["subject"])
        for c in state["conversations"]
        if c["contact_email"] == email
        for m in c["messages"]
        if m["author_type"] == "admin" and m["macro"] == FAILED_PAYMENT_MACRO
    ]
