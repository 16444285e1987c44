"""A robot killed mid-item: another robot on the same ledger takes it over after the lease.

The dead robot cannot release its claim; its lease runs out, the next robot claims the
item (a takeover, counted as a second attempt), looks at the site before each step the
dead one may have clicked, and finishes it with nothing done twice.
"""

from __future__ import annotations

import pytest

from fixtures.server import MockSites
from flows.standard_billing import item_id_for
from robot.ledger import ItemStatus, StepState
from tests.fleet.conftest import (
    STEP_EFFECTS,
    Fleet,
    assert_billed_exactly_once,
    billing_conversations,
    effects,
    wait_for_commits,
    wait_for_lapsed_leases,
)

KILL_AFTER = 3
"""Commits before the kill: the client added, the practice removed, the session confirmed
on Headway; the kill then lands somewhere in the Session Processed form step."""


@pytest.mark.scenario("generated:1")
def test_a_killed_robots_item_is_taken_over_after_its_lease_and_billed_once(
    sites: MockSites, fleet: Fleet
) -> None:
    fleet.lease_seconds = 2  # both robots: the takeover need not wait two minutes
    before = sites.world.snapshot()
    [conversation] = [c["id"] for c in billing_conversations(before)]
    item_id = item_id_for(conversation)

    killed = fleet.batch("a")
    wait_for_commits(killed, KILL_AFTER)
    killed.kill()
    at_kill = sites.world.snapshot()
    assert set(STEP_EFFECTS[:KILL_AFTER]) <= effects(at_kill, conversation)
    with fleet.ledger() as ledger:
        item = ledger.get_item(item_id)
    # The dead robot's claim is still there: only its lease tells the others it is dead.
    assert item is not None
    assert item.status is ItemStatus.IN_PROGRESS
    assert item.holder is not None
    assert item.holder.pid == killed.pid

    wait_for_lapsed_leases(fleet)
    second = fleet.batch("b")
    assert second.wait() == 0, second.output()
    assert "Traceback" not in second.stderr(), second.output()

    assert_billed_exactly_once(before, sites.world.snapshot())
    first_run = killed.run_dir().name
    second_run = second.summary()["run_id"]
    with fleet.ledger() as ledger:
        item = ledger.get_item(item_id)
        steps = {step.step: step for step in ledger.list_steps(item_id)}
        touched_by_first = [i.id for i in ledger.list_items(run_id=first_run)]
    assert item is not None
    assert item.status is ItemStatus.DONE
    assert item.attempts == 2  # the takeover is the second attempt
    assert item.run_id == second_run
    assert touched_by_first == [item_id]
    assert set(steps) == set(STEP_EFFECTS)
    assert all(step.state is StepState.DONE for step in steps.values()), steps
    # What the dead robot had finished stayed done: the second did not click it again.
    for name in STEP_EFFECTS[:KILL_AFTER]:
        assert steps[name].run_id == first_run, (name, steps[name])
    assert {i["id"]: i["status"] for i in second.summary()["items"]} == {item_id: "done"}
