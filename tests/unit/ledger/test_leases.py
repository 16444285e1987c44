"""The ledger contract, leases: renewal, takeover after expiry, refusal while held, retiring.

Time moves by an injected clock shared by the handles of one test (on PostgreSQL it
replaces the server's clock), so no test waits for a lease to run out — except the one
that checks real expiry, which polls with a deadline.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from robot.ledger import (
    ItemStatus,
    LeaseKeeper,
    LeaseLost,
    Refusal,
    RefusalReason,
    StepState,
    WorkItem,
)
from robot.ledger.records import SqlLedger
from tests.support.ledgers import FakeClock, add_items

Open = Callable[..., SqlLedger]
LEASE = 60


def claimed(result: WorkItem | Refusal | None) -> WorkItem:
    assert isinstance(result, WorkItem), result
    return result


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def robots(open_ledger: Open, clock: FakeClock, *runs: str, **kwargs: object) -> list[SqlLedger]:
    return [open_ledger(run, lease_seconds=LEASE, clock=clock, **kwargs) for run in runs]


def test_renew_extends_the_lease_from_now(open_ledger: Open, clock: FakeClock) -> None:
    (robot,) = robots(open_ledger, clock, "run-a")
    (item_id,) = add_items(robot, 1)
    first = claimed(robot.claim_next("w1")).holder
    assert first is not None
    clock.advance(LEASE - 1)
    until = robot.renew(item_id)
    assert until == clock.now + robot.lease
    item = robot.get_item(item_id)
    assert item is not None
    assert item.holder is not None
    assert item.holder.lease_until == until > first.lease_until


def test_a_live_lease_keeps_others_out(open_ledger: Open, clock: FakeClock) -> None:
    holder, other = robots(open_ledger, clock, "run-a", "run-b")
    (item_id,) = add_items(holder, 1)
    claimed(holder.claim_next("w1"))
    clock.advance(LEASE - 1)
    assert other.claim_next("w1") is None
    holder.renew(item_id)
    clock.advance(LEASE - 1)
    assert other.claim_next("w1") is None  # renewed: still live


def test_named_claim_while_held_says_who_holds_it_until_when(
    open_ledger: Open, clock: FakeClock
) -> None:
    holder, other = robots(open_ledger, clock, "run-a", "run-b")
    (item_id,) = add_items(holder, 1)
    item = claimed(holder.claim_next("worker-0"))
    for claimant in (other, holder):  # this very run's second claim is refused too
        refusal = claimant.claim(item_id, "supervisor")
        assert isinstance(refusal, Refusal)
        assert refusal.reason is RefusalReason.HELD
        assert refusal.holder == item.holder
        text = refusal.describe()
        assert f"held by host {holder.host} pid {holder.pid} (run run-a, worker worker-0)" in text
        assert "until " in text


def test_expired_lease_is_taken_over_as_an_attempt_and_shows_the_open_intent(
    open_ledger: Open, clock: FakeClock
) -> None:
    dead, later = robots(open_ledger, clock, "run-dead", "run-later")
    (item_id,) = add_items(dead, 1)
    claimed(dead.claim_next("w1"))
    dead.record_step(item_id, "headway-confirm", StepState.INTENT)
    clock.advance(LEASE + 1)
    item = claimed(later.claim_next("w2"))
    assert (item.id, item.attempts, item.run_id, item.retiring) == (item_id, 2, "run-later", False)
    assert item.holder is not None
    assert item.holder.run_id == "run-later"
    assert later.step_state(item_id, "headway-confirm") is StepState.INTENT
    assert [i.id for i in later.list_items(run_id="run-later")] == [item_id]


def test_named_claim_takes_over_a_lapsed_lease(open_ledger: Open, clock: FakeClock) -> None:
    dead, supervisor = robots(open_ledger, clock, "run-dead", "run-sup")
    (item_id,) = add_items(dead, 1)
    claimed(dead.claim_next("w1"))
    clock.advance(LEASE + 1)
    assert claimed(supervisor.claim(item_id, "supervisor")).attempts == 2


def test_the_old_holder_cannot_write_after_a_takeover(open_ledger: Open, clock: FakeClock) -> None:
    stalled, later = robots(open_ledger, clock, "run-stalled", "run-later")
    (item_id,) = add_items(stalled, 1)
    claimed(stalled.claim_next("w1"))
    clock.advance(LEASE + 1)
    claimed(later.claim_next("w2"))
    with pytest.raises(LeaseLost, match="run run-later"):
        stalled.record_step(item_id, "charge", StepState.INTENT)
    assert later.step_state(item_id, "charge") is None  # nothing was written: no click
    with pytest.raises(LeaseLost):
        stalled.record_facts(item_id, {"cpt": "90837"})
    with pytest.raises(LeaseLost):
        stalled.renew(item_id)
    with pytest.raises(LeaseLost):
        stalled.finish(item_id, ItemStatus.DONE)
    later.finish(item_id, ItemStatus.DONE)


def test_a_holder_whose_lease_lapsed_unclaimed_still_holds_it(
    open_ledger: Open, clock: FakeClock
) -> None:
    (robot,) = robots(open_ledger, clock, "run-a")
    (item_id,) = add_items(robot, 1)
    claimed(robot.claim_next("w1"))
    clock.advance(LEASE + 1)  # nobody took it over: it is still this robot's
    robot.record_step(item_id, "charge", StepState.INTENT)
    robot.finish(item_id, ItemStatus.DONE)


def test_recording_a_step_renews_the_lease(open_ledger: Open, clock: FakeClock) -> None:
    robot, other = robots(open_ledger, clock, "run-a", "run-b")
    (item_id,) = add_items(robot, 1)
    claimed(robot.claim_next("w1"))
    clock.advance(LEASE - 1)
    robot.record_step(item_id, "charge", StepState.INTENT)  # the click gets a full lease
    clock.advance(LEASE - 1)
    assert other.claim_next("w2") is None


def test_abandoned_item_without_attempts_left_is_claimed_retiring(
    open_ledger: Open, clock: FakeClock
) -> None:
    first, second = robots(open_ledger, clock, "run-1", "run-2", max_attempts=1)
    (item_id,) = add_items(first, 1)
    claimed(first.claim_next("w1"))
    first.record_step(item_id, "charge", StepState.INTENT)
    clock.advance(LEASE + 1)
    item = claimed(second.claim_next("w1"))
    assert (item.id, item.retiring, item.attempts) == (item_id, True, 1)  # not an attempt
    assert item.reason is not None
    assert "no attempts left" in item.reason
    assert "run run-1" in item.reason
    assert second.step_state(item_id, "charge") is StepState.INTENT  # to verify on the site
    second.finish(item_id, ItemStatus.FAILED, item.reason)
    done = second.get_item(item_id)
    assert done is not None
    assert (done.status, done.retiring) == (ItemStatus.FAILED, False)
    assert [i.id for i in second.list_items(run_id="run-2")] == [item_id]  # in its report
    assert open_ledger("run-3", max_attempts=1, clock=clock).claim_next("w1") is None


def test_dry_run_takeover_counts_no_attempt(open_ledger: Open, clock: FakeClock) -> None:
    (dead,) = robots(open_ledger, clock, "run-dead")
    (rehearsal,) = robots(open_ledger, clock, "run-dry", dry_run=True)
    add_items(dead, 1)
    claimed(dead.claim_next("w1"))
    clock.advance(LEASE + 1)
    assert claimed(rehearsal.claim_next("w1")).attempts == 1


def test_lease_keeper_renews_held_items_and_reports_a_takeover(
    open_ledger: Open, clock: FakeClock
) -> None:
    robot, other = robots(open_ledger, clock, "run-a", "run-b")
    kept, dropped = add_items(robot, 2)
    claimed(robot.claim(kept, "w1"))
    claimed(robot.claim(dropped, "w2"))
    keeper = LeaseKeeper(robot, every_s=3600)  # not started: renew_all by hand
    with keeper.holding(kept):
        clock.advance(LEASE - 1)
        keeper.renew_all()
        clock.advance(LEASE - 1)
        assert claimed(other.claim_next("w9")).id == dropped  # its lease ran out
        assert not keeper.lost(kept)
        clock.advance(LEASE + 1)
        claimed(other.claim(kept, "w9"))
        keeper.renew_all()
        assert keeper.lost(kept)


def test_lease_keeper_thread_renews_until_stopped(open_ledger: Open) -> None:
    robot = open_ledger("run-a", lease_seconds=LEASE)
    (item_id,) = add_items(robot, 1)
    first = claimed(robot.claim_next("w1")).holder
    assert first is not None
    renewed = threading.Event()

    def lease_moved() -> bool:
        item = robot.get_item(item_id)
        return (
            item is not None
            and item.holder is not None
            and item.holder.lease_until > first.lease_until
        )

    with LeaseKeeper(robot, every_s=0.05) as keeper, keeper.holding(item_id):
        deadline = time.monotonic() + 10
        while not lease_moved() and time.monotonic() < deadline:
            renewed.wait(0.05)  # poll the condition, bounded by the deadline
    assert lease_moved()


def test_a_lease_runs_out_in_real_time(open_ledger: Open) -> None:
    """No injected clock: SQLite's machine clock, PostgreSQL's server clock."""
    dead, later = open_ledger("run-dead", lease_seconds=1), open_ledger("run-later")
    (item_id,) = add_items(dead, 1)
    claimed(dead.claim_next("w1"))
    assert later.claim_next("w2") is None
    poll = threading.Event()
    deadline = time.monotonic() + 15
    taken = later.claim_next("w2")
    while taken is None and time.monotonic() < deadline:
        poll.wait(0.1)  # poll the condition, bounded by the deadline
        taken = later.claim_next("w2")
    assert claimed(taken).id == item_id
