"""The mutation check: switch the robot's look-first guard off, and it bills twice.

The mock sites accept whatever a real site would accept twice (a second Headway session
at the same time, a second form, a second $0 charge): only the robot prevents
duplicates. Here a request is billed once, then run again on a fresh ledger (so the
ledger cannot help) with the guard switched off for three steps: each is done twice.
With the guard on, the same rerun changes nothing (a billed request of the demo practice,
in tests/flows/test_headway_billing_demo.py).
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


GUARDED = {
    "headway.confirm": _sessions,
    "intercom.session-form": _forms,
    "ruh.charge-zero": _zero_charges,
}
"""Steps whose second doing the mock sites accept, and how to count them on the site."""


@pytest.mark.scenario("generated:1")
def test_without_the_look_first_guard_each_step_is_done_twice(
    sites: MockSites, robot_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    [conversation] = sites.world.state.conversations
    today = sites.world.state.practice.today
    run_one(robot_settings(sites, robot_dir / "first"), conversation.id, today=today)
    once = sites.world.snapshot()
    assert {step: count(once) for step, count in GUARDED.items()} == dict.fromkeys(GUARDED, 1)

    # One rerun with the guard off for these steps (and on for the others, so the item
    # gets as far as each of them): each is then done a second time.
    guard = robot.engine.site_shows_done

    def guard_off(commit: CommitStep[Any, Any], screen: object, ctx: object) -> bool:
        return False if commit.name in GUARDED else guard(commit, screen, ctx)

    monkeypatch.setattr(robot.engine, "site_shows_done", guard_off)
    run_one(robot_settings(sites, robot_dir / "fresh-ledger"), conversation.id, today=today)
    twice = sites.world.snapshot()
    assert {step: count(twice) for step, count in GUARDED.items()} == dict.fromkeys(GUARDED, 2)
