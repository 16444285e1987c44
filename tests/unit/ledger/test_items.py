"""The ledger contract, items and claims: the same behaviour on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from robot.ledger import (
    ItemStatus,
    LeaseLost,
    Ledger,
    LedgerError,
    Refusal,
    RefusalReason,
    StepState,
    WorkItem,
)
from robot.ledger.records import SqlLedger
from tests.support.ledgers import add_items

Open = Callable[..., SqlLedger]


def claimed(result: WorkItem | Refusal | None) -> WorkItem:
    assert isinstance(result, WorkItem), result
    return result


def test_backend_satisfies_the_protocol(open_ledger: Open) -> None:
    assert isinstance(open_ledger(), Ledger)


def test_adding_an_existing_item_never_resets_it(open_ledger: Open) -> None:
    ledger = open_ledger()
    assert ledger.add_item("intercom:conv-1", "headway_billing", "conv-1") is True
    claimed(ledger.claim_next("w1"))
    ledger.finish("intercom:conv-1", ItemStatus.DONE)
    assert ledger.add_item("intercom:conv-1", "headway_billing", "conv-1") is False
    item = ledger.get_item("intercom:conv-1")
    assert item is not None
    assert (item.status, item.attempts) == (ItemStatus.DONE, 1)


def test_claim_next_takes_oldest_first_and_records_the_holder(open_ledger: Open) -> None:
    ledger = open_ledger(lease_seconds=60)
    ids = add_items(ledger, 3)
    item = claimed(ledger.claim_next("w1"))
    assert item.id == ids[0]
    assert item.status is ItemStatus.IN_PROGRESS
    assert (item.run_id, item.worker, item.attempts) == ("run-a", "w1", 1)
    assert item.holder is not None
    assert (item.holder.host, item.holder.pid) == (ledger.host, ledger.pid)
    assert (item.holder.run_id, item.holder.worker) == ("run-a", "w1")
    assert 55 < (item.holder.lease_until - item.updated_at).total_seconds() <= 60
    assert item.retiring is False


def test_claim_next_never_takes_an_item_held_under_a_live_lease(open_ledger: Open) -> None:
    first, second = open_ledger("run-a"), open_ledger("run-b")
    add_items(first, 1)
    claimed(first.claim_next("w1"))
    assert first.claim_next("w2") is None
    assert second.claim_next("w1") is None


def test_claim_next_filters_by_kind(open_ledger: Open) -> None:
    ledger = open_ledger()
    add_items(ledger, 1, kind="headway_billing")
    ledger.add_item("ruh:appt-7", "late_cancellation", "appt-7")
    assert claimed(ledger.claim_next("w1", kinds=["late_cancellation"])).id == "ruh:appt-7"
    assert ledger.claim_next("w1", kinds=[]) is None


def test_final_statuses_are_not_claimed_again(open_ledger: Open) -> None:
    ledger = open_ledger()
    ids = add_items(ledger, 3)
    for status in (ItemStatus.DONE, ItemStatus.NEEDS_REVIEW, ItemStatus.SKIPPED):
        ledger.finish(claimed(ledger.claim_next("w1")).id, status, reason="F41.1 not valid")
    assert ledger.claim_next("w1") is None
    assert open_ledger("run-b").claim_next("w1") is None
    assert [i.id for i in ledger.list_items(status=ItemStatus.NEEDS_REVIEW)] == [ids[1]]


def test_failed_item_is_retried_by_later_runs_while_attempts_are_left(open_ledger: Open) -> None:
    add_items(open_ledger("run-0", max_attempts=2), 1)
    for run in ("run-1", "run-2"):
        ledger = open_ledger(run, max_attempts=2)
        ledger.finish(claimed(ledger.claim_next("w1")).id, ItemStatus.FAILED, "TimeoutError")
        # The run that saw it fail does not hammer it again; the next run may.
        assert ledger.claim_next("w1") is None
    assert open_ledger("run-3", max_attempts=2).claim_next("w1") is None


def test_dry_run_claims_are_free_and_stay_claimable_by_a_live_run(open_ledger: Open) -> None:
    rehearsal = open_ledger("run-dry", dry_run=True, max_attempts=1)
    (item_id,) = add_items(rehearsal, 1)
    assert claimed(rehearsal.claim_next("w1")).attempts == 0
    rehearsal.record_step(item_id, "headway-confirm", StepState.WOULD_COMMIT)
    rehearsal.finish(item_id, ItemStatus.REHEARSED)
    # The same rehearsal never loops on what it rehearsed; a second rehearsal may.
    assert rehearsal.claim_next("w1") is None
    again = open_ledger("run-dry-2", dry_run=True, max_attempts=1)
    claimed(again.claim_next("w1"))
    again.finish(item_id, ItemStatus.REHEARSED)

    live = open_ledger("run-live", max_attempts=1)
    item = claimed(live.claim_next("w1"))
    assert (item.id, item.attempts) == (item_id, 1)
    assert live.step_state(item_id, "headway-confirm") is StepState.WOULD_COMMIT


def test_dry_run_can_never_mark_an_item_done(open_ledger: Open) -> None:
    rehearsal = open_ledger(dry_run=True)
    (item_id,) = add_items(rehearsal, 1)
    claimed(rehearsal.claim_next("w1"))
    with pytest.raises(LedgerError, match="dry run"):
        rehearsal.finish(item_id, ItemStatus.DONE)


def test_named_claim_takes_an_item_out_of_turn(open_ledger: Open) -> None:
    ledger = open_ledger()
    ids = add_items(ledger, 2)
    item = claimed(ledger.claim(ids[1], "supervisor"))
    assert (item.id, item.worker) == (ids[1], "supervisor")


def test_named_claim_refuses_unknown_and_done_items(open_ledger: Open) -> None:
    ledger = open_ledger()
    (done,) = add_items(ledger, 1)
    claimed(ledger.claim(done, "w"))
    ledger.finish(done, ItemStatus.DONE)
    unknown = ledger.claim("intercom:unknown", "w")
    assert isinstance(unknown, Refusal)
    assert unknown.reason is RefusalReason.UNKNOWN
    refusal = open_ledger("run-b").claim(done, "w")
    assert isinstance(refusal, Refusal)
    assert (refusal.reason, refusal.status) == (RefusalReason.DONE, ItemStatus.DONE)
    assert "nothing left to do" in refusal.describe()


def test_named_claim_reopens_review_failed_and_skipped(open_ledger: Open) -> None:
    ledger = open_ledger()
    ids = add_items(ledger, 3)
    statuses = (ItemStatus.NEEDS_REVIEW, ItemStatus.FAILED, ItemStatus.SKIPPED)
    for item_id, status in zip(ids, statuses, strict=True):
        claimed(ledger.claim(item_id, "w"))
        ledger.finish(item_id, status, "mismatch")
    again = open_ledger("run-b")
    for item_id in ids:
        assert claimed(again.claim(item_id, "w")).reason is None


def test_finish_needs_the_claim_of_this_handle(open_ledger: Open) -> None:
    ledger = open_ledger()
    (item_id,) = add_items(ledger, 1)
    with pytest.raises(LedgerError):
        ledger.finish(item_id, ItemStatus.DONE)  # never claimed
    claimed(ledger.claim_next("w1"))
    with pytest.raises(LeaseLost, match="held by host"):
        open_ledger("run-other").finish(item_id, ItemStatus.DONE)
    with pytest.raises(LeaseLost):
        open_ledger("run-a", pid=ledger.pid + 1).finish(item_id, ItemStatus.DONE)  # same run id
    with pytest.raises(ValueError, match="final status"):
        ledger.finish(item_id, ItemStatus.IN_PROGRESS)
    with pytest.raises(ValueError, match="final status"):
        ledger.finish(item_id, ItemStatus.RESOLVED)
    with pytest.raises(LedgerError, match="not in the ledger"):
        ledger.finish("intercom:unknown", ItemStatus.DONE)


def test_finish_releases_the_item(open_ledger: Open) -> None:
    ledger = open_ledger()
    (item_id,) = add_items(ledger, 1)
    claimed(ledger.claim_next("w1"))
    ledger.finish(item_id, ItemStatus.NEEDS_REVIEW, "CPT and minutes disagree")
    item = ledger.get_item(item_id)
    assert item is not None
    assert (item.status, item.reason, item.holder) == (
        ItemStatus.NEEDS_REVIEW,
        "CPT and minutes disagree",
        None,
    )
    assert (item.run_id, item.worker) == ("run-a", "w1")  # who worked it last stays known
    assert ledger.holders() == {}


def test_list_items_of_a_run_keeps_every_item_it_touched(open_ledger: Open) -> None:
    first = open_ledger("run-1")
    failed, done, untouched = add_items(first, 3)
    first.finish(claimed(first.claim(failed, "w")).id, ItemStatus.FAILED, "Timeout")
    first.finish(claimed(first.claim(done, "w")).id, ItemStatus.DONE)
    # A later run works the failed item again: run-1's list must still have it.
    second = open_ledger("run-2")
    second.finish(claimed(second.claim_next("w")).id, ItemStatus.DONE)
    assert [i.id for i in first.list_items(run_id="run-1")] == [failed, done]
    assert [i.id for i in first.list_items(run_id="run-2")] == [failed]
    assert [i.id for i in first.list_items(status=ItemStatus.PENDING)] == [untouched]
    assert [i.id for i in first.list_items(ItemStatus.DONE, run_id="run-1")] == [failed, done]


def test_holders_say_who_holds_what_until_when(open_ledger: Open) -> None:
    ledger = open_ledger(lease_seconds=30)
    _first, second = add_items(ledger, 2)
    item = claimed(ledger.claim(second, "worker-1"))
    holders = ledger.holders()
    assert list(holders) == [second]
    assert holders[second] == item.holder
    assert holders[second].describe().startswith(f"host {ledger.host} pid {ledger.pid} (run run-a")
    assert "worker worker-1" in holders[second].describe()


def test_handle_without_run_id_reads_and_adds_but_never_claims_or_records(
    open_ledger: Open,
) -> None:
    add_items(open_ledger(), 2)
    reader = open_ledger(None)
    assert len(reader.list_items()) == 2
    assert reader.add_item("intercom:conv-9", "headway_billing", "conv-9") is True
    with pytest.raises(LedgerError, match="no run id"):
        reader.claim_next("w1")
    with pytest.raises(LedgerError, match="no run id"):
        reader.claim("intercom:conv-1000", "w1")
    with pytest.raises(LedgerError, match="no run id"):
        reader.record_step("intercom:conv-1000", "charge", StepState.INTENT)
    with pytest.raises(LedgerError, match="no run id"):
        reader.record_facts("intercom:conv-1000", {"cpt": "90837"})
    assert reader.step_state("intercom:conv-1000", "charge") is None


def test_location_names_the_ledger_without_secrets(open_ledger: Open) -> None:
    ledger = open_ledger()
    location = ledger.location
    assert location.endswith("ledger.sqlite3") or location.startswith("postgresql://robot@")
    assert "password" not in location
    assert location in repr(ledger)
