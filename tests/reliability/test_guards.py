"""The mutation check: switch the robot's look-first guard off, and it bills twice.

The mock sites accept whatever a real site would accept twice (a second Headway session
at the same time, a second form, a second $0 charge): only the robot prevents
duplicates. Here a request is billed once, then run again on a fresh ledger (so the
ledger cannot help) with the guard switched off for one step: that step is done twice.
With the guard on, the same rerun changes nothing (tests/flows/test_headway_billing.py).
So every exactly-once test in the suite passes because of the guard, not the mocks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import robot.engine
from fixtures.server import MockSites
from robot.engine import CommitStep
from tests.flows.conftest import robot_settings, run_one


def _sessions(state: dict[str, Any]) -> int:
    return len(state["headway_sessions"])


def _forms(state: dict[str, Any]) -> int:
    return sum(len(c["session_processed_forms"]) for c in state["conversations"])


def _zero_charges(state: dict[str, Any]) -> int:
    return sum(c["amount"] == "0.00" for i in state["invoices"] for c in i["charges"])


@pytest.mark.scenario("generated:1")
@pytest.mark.parametrize(
    ("step", "count"),
    [
        ("headway.confirm", _sessions),
        ("intercom.session-form", _forms),
        ("ruh.charge-zero", _zero_charges),
    ],
)
def test_without_the_look_first_guard_a_step_is_done_twice(
    sites: MockSites,
    robot_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    step: str,
    count: Any,
) -> None:
    [conversation] = sites.world.state.conversations
    today = sites.world.state.practice.today
    run_one(robot_settings(sites, robot_dir / "first"), conversation.id, today=today)
    assert count(sites.world.snapshot()) == 1

    guard = robot.engine.site_shows_done

    def guard_off_for_one_step(commit: CommitStep[Any, Any], screen: object, ctx: object) -> bool:
        return False if commit.name == step else guard(commit, screen, ctx)

    monkeypatch.setattr(robot.engine, "site_shows_done", guard_off_for_one_step)
    run_one(robot_settings(sites, robot_dir / "fresh-ledger"), conversation.id, today=today)
    assert count(sites.world.snapshot()) == 2, f"{step} was not done twice without its guard"
