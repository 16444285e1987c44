"""The billing flow under the faults real sites produce: nothing is ever billed twice."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from cli.mock_sites import mock_site_overrides
from fixtures.server import MockSites
from flows.run import run_batch
from robot.ledger import SqliteLedger
from robot.settings import settings_env_lines
from tests.flows.conftest import on_own_thread, robot_settings
from tests.plugins.mock_sites import arm_fault


def _assert_billed_exactly_once(state: dict[str, Any]) -> None:
    billing = [c for c in state["conversations"] if c["id"].startswith("conv-")]
    for conversation in billing:
        client = conversation["contact_email"]
        client_id = next(c["id"] for c in state["clients"] if c["email"] == client)
        sessions = [s for s in state["headway_sessions"] if s["client_id"] == client_id]
        assert len(sessions) == 1, f"{conversation['id']}: {len(sessions)} sessions"
        assert len(conversation["session_processed_forms"]) == 1
        assert conversation["status"] == "closed"
        assert conversation["participants"] == [client]
    for invoice in state["invoices"]:
        assert invoice["status"] == "Written off"
        assert [c["amount"] for c in invoice["charges"]] == ["0.00"]


def _wait_for_lapsed_leases(ledger_path: Path, timeout_s: float = 30) -> None:
    """A killed robot's claims hold until their leases run out: poll until they have."""
    ledger = SqliteLedger(ledger_path)
    poll = threading.Event()
    deadline = time.monotonic() + timeout_s
    try:
        while any(h.live_at(datetime.now(UTC)) for h in ledger.holders().values()):
            assert time.monotonic() < deadline, "the killed robot's leases never ran out"
            poll.wait(0.1)
    finally:
        ledger.close()


def _kill_after_commits(robot: subprocess.Popen[bytes], runs_dir: Path, commits: int) -> None:
    """SIGKILL ``robot`` once its run's log shows ``commits`` clicks (or when it ends)."""
    poll = threading.Event()
    deadline = time.monotonic() + 240
    while robot.poll() is None and time.monotonic() < deadline:
        logs = list(runs_dir.glob("*/events.jsonl"))
        seen = sum(log.read_text("utf-8").count('"event": "committed"') for log in logs)
        if seen >= commits:
            robot.kill()
            break
        poll.wait(0.05)
    robot.wait(timeout=60)


@pytest.mark.scenario("generated:1")
def test_lost_commit_answers_do_not_bill_or_charge_twice(sites: MockSites, robot_dir: Path) -> None:
    """Headway's answer to the confirm and the Ruh Platform's answer to the $0 charge are
    both lost after the change is applied (a 502 each): the request still ends with one
    session and one charge. One request carries both faults: each costs a whole batch."""
    arm_fault(
        sites, "headway", kind="lose_response", path=r"^/api/providers/[^/]+/sessions$", method="POST"
    )
    arm_fault(sites, "ruh_platform", kind="lose_response", path=r"/charges$", method="POST")
    summary = on_own_thread(
        run_batch, robot_settings(sites, robot_dir), today=sites.world.state.practice.today
    )
    assert [r.status for r in summary.results] == ["done"] * len(sites.world.state.conversations)
    after = sites.world.snapshot()
    assert after["faults"] == []  # both answers really were lost
    _assert_billed_exactly_once(after)


@pytest.mark.slow
@pytest.mark.scenario("generated:1")
def test_flaky_site_is_retried_until_it_answers(sites: MockSites, robot_dir: Path) -> None:
    arm_fault(sites, "intercom", kind="fail", path=r"/forms/headway-session-processed$", count=1)
    summary = on_own_thread(
        run_batch, robot_settings(sites, robot_dir), today=sites.world.state.practice.today
    )
    assert [r.status for r in summary.results] == ["done"] * len(sites.world.state.conversations)
    _assert_billed_exactly_once(sites.world.snapshot())
    # The log says which item the retry was for, and the item's tally counts it.
    events = [json.loads(line) for line in (summary.run_dir / "events.jsonl").open(encoding="utf-8")]
    [retry] = [e for e in events if e["event"] == "retrying"]
    [finished] = [e for e in events if e["event"] == "item_finished"]
    assert retry["item_id"] == finished["item_id"] == summary.results[0].item_id
    assert finished["retries"] == 1


@pytest.mark.slow
@pytest.mark.scenario("generated:2")
def test_sessions_expiring_mid_batch_are_logged_in_again(
    sites: MockSites, robot_dir: Path
) -> None:
    def expire_everything(*_: object) -> None:
        sites.world.expire_sessions()

    summary = on_own_thread(
        run_batch,
        robot_settings(sites, robot_dir),
        today=sites.world.state.practice.today,
        on_item_done=expire_everything,
    )
    assert [r.status for r in summary.results] == ["done"] * len(sites.world.state.conversations)
    _assert_billed_exactly_once(sites.world.snapshot())


@pytest.mark.scenario("generated:1")
def test_batch_killed_at_a_random_step_finishes_on_the_next_run(
    sites: MockSites, robot_dir: Path
) -> None:
    """SIGKILL the robot process after a random number of commits, then run again."""
    seed = int(os.environ.get("KILL_SEED", random.randrange(1_000_000)))
    kill_after = random.Random(seed).randint(1, 8)
    settings = robot_settings(sites, robot_dir)
    env = dict(os.environ)
    env.update(
        line.split("=", 1)
        for line in settings_env_lines(
            mock_site_overrides(sites),
            extra=[
                ("runs_dir", str(settings.runs_dir)),
                ("ledger_path", str(settings.ledger_path)),
                ("retry_initial_wait_s", "0"),
                ("retry_max_wait_s", "0"),
                # A short lease: the rerun may take the killed robot's item over soon.
                ("lease_seconds", "1"),
            ],
        )
    )
    env.update({k: v.strip('"') for k, v in env.items() if k.startswith("BILLING_ROBOT_")})
    robot = subprocess.Popen(
        [sys.executable, "-m", "cli", "batch", "--today", "2026-11-20"],
        env=env,
        stderr=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        cwd=robot_dir,
    )
    _kill_after_commits(robot, settings.runs_dir, kill_after)
    _wait_for_lapsed_leases(settings.ledger_path)
    on_own_thread(run_batch, settings, today=sites.world.state.practice.today)
    # The rerun reports only what it handled; the ledger holds every item's final state.
    ledger = SqliteLedger(settings.ledger_path, "test-inspect")
    try:
        statuses = [item.status.value for item in ledger.list_items()]
    finally:
        ledger.close()
    assert statuses == ["done"] * len(sites.world.state.conversations), f"seed {seed}"
    _assert_billed_exactly_once(sites.world.snapshot())
