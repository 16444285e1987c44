"""The ledger contract, records: steps, facts, review resolutions and runs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from robot.ledger import (
    ItemStatus,
    LedgerError,
    Refusal,
    RefusalReason,
    ResolutionAction,
    StepState,
    WorkItem,
)
from robot.ledger.records import SqlLedger
from tests.support.ledgers import FakeClock, add_items

Open = Callable[..., SqlLedger]


def claimed(result: WorkItem | Refusal | None) -> WorkItem:
    assert isinstance(result, WorkItem), result
    return result


# --- steps -----------------------------------------------------------------------------


def test_steps_are_recorded_and_listed_in_first_recorded_order(
    open_ledger: Open, tmp_path: Path
) -> None:
    ledger = open_ledger()
    (item_id,) = add_items(ledger, 1)
    assert ledger.step_state(item_id, "participants") is None
    shot = tmp_path / "01-participants-before.png"
    ledger.record_step(item_id, "participants", StepState.INTENT, shot)
    ledger.record_step(item_id, "headway-confirm", StepState.INTENT)
    ledger.record_step(item_id, "participants", StepState.DONE)
    steps = ledger.list_steps(item_id)
    assert [(s.step, s.state) for s in steps] == [
        ("participants", StepState.DONE),
        ("headway-confirm", StepState.INTENT),
    ]
    assert steps[0].evidence == str(shot)  # kept when a later write has none
    assert {s.run_id for s in steps} == {"run-a"}


def test_steps_keep_insertion_order_when_recorded_in_the_same_instant(open_ledger: Open) -> None:
    ledger = open_ledger(clock=FakeClock())  # time stands still
    (item_id,) = add_items(ledger, 1)
    names = ["participants", "form", "attribute", "close", "confirm"]
    for name in names:
        ledger.record_step(item_id, name, StepState.DONE)
    assert [s.step for s in ledger.list_steps(item_id)] == names


def test_intent_is_only_replaced_by_done_or_intent(open_ledger: Open) -> None:
    ledger = open_ledger()
    (item_id,) = add_items(ledger, 1)
    ledger.record_step(item_id, "charge", StepState.INTENT)
    ledger.record_step(item_id, "charge", StepState.WOULD_COMMIT)
    ledger.record_step(item_id, "charge", StepState.SKIPPED)
    assert ledger.step_state(item_id, "charge") is StepState.INTENT
    ledger.record_step(item_id, "charge", StepState.DONE)
    assert ledger.step_state(item_id, "charge") is StepState.DONE


def test_found_started_and_updated_times_and_recording_run(open_ledger: Open) -> None:
    clock = FakeClock()
    first, second = open_ledger("run-1", clock=clock), open_ledger("run-2", clock=clock)
    (item_id,) = add_items(first, 1)
    start = clock.now
    first.record_step(item_id, "charge", StepState.INTENT)
    first.record_step(item_id, "invoice", StepState.DONE, found=True)
    clock.advance(30)
    second.record_step(item_id, "charge", StepState.INTENT)  # the retry: a new intent
    clock.advance(30)
    second.record_step(item_id, "charge", StepState.DONE)
    charge, invoice = second.list_steps(item_id)
    assert (charge.found, charge.started_at, charge.updated_at) == (False, start, clock.now)
    assert charge.run_id == "run-2"
    assert (invoice.found, invoice.started_at, invoice.run_id) == (True, None, "run-1")
    with pytest.raises(ValueError, match="only a done step"):
        first.record_step(item_id, "charge", StepState.INTENT, found=True)


def test_would_commit_sets_started_at(open_ledger: Open) -> None:
    clock = FakeClock()
    ledger = open_ledger(clock=clock, dry_run=True)
    (item_id,) = add_items(ledger, 1)
    ledger.record_step(item_id, "charge", StepState.WOULD_COMMIT)
    (step,) = ledger.list_steps(item_id)
    assert step.started_at == clock.now


def test_a_step_of_an_unknown_item_is_refused(open_ledger: Open) -> None:
    with pytest.raises(LedgerError, match="not in the ledger"):
        open_ledger().record_step("intercom:unknown", "charge", StepState.INTENT)


# --- facts -----------------------------------------------------------------------------


def test_facts_are_empty_by_default_and_merge(open_ledger: Open) -> None:
    ledger = open_ledger()
    (item_id,) = add_items(ledger, 1)
    item = ledger.get_item(item_id)
    assert item is not None
    assert item.facts == {}
    ledger.record_facts(item_id, {"client": "Ada Lovelace", "cpt": "90834", "amount": 150.0})
    ledger.record_facts(item_id, {"cpt": "90837", "diagnosis": ["F41.1"], "paid": None})
    item = ledger.get_item(item_id)
    assert item is not None
    assert item.facts == {
        "client": "Ada Lovelace",
        "cpt": "90837",
        "amount": 150.0,
        "diagnosis": ["F41.1"],
        "paid": None,
    }
    assert [i.facts for i in ledger.list_items(run_id=None)] == [item.facts]


def test_facts_never_show_in_a_repr(open_ledger: Open) -> None:
    ledger = open_ledger()
    (item_id,) = add_items(ledger, 1)
    ledger.record_facts(item_id, {"client": "Ada Lovelace"})
    item = claimed(ledger.claim_next("w1"))
    assert item.facts == {"client": "Ada Lovelace"}
    assert "Ada" not in repr(item)


def test_facts_must_be_json(open_ledger: Open) -> None:
    ledger = open_ledger()
    (item_id,) = add_items(ledger, 1)
    with pytest.raises(TypeError):
        ledger.record_facts(item_id, {"date_of_service": object()})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="Out of range"):
        ledger.record_facts(item_id, {"amount": float("nan")})


# --- resolutions -----------------------------------------------------------------------


def failed_item(ledger: SqlLedger, status: ItemStatus, reason: str) -> str:
    (item_id,) = add_items(ledger, 1)
    claimed(ledger.claim_next("w1"))
    ledger.finish(item_id, status, reason)
    return item_id


def test_retry_puts_the_item_back_with_attempts_reset(open_ledger: Open) -> None:
    ledger = open_ledger(max_attempts=1)
    item_id = failed_item(ledger, ItemStatus.FAILED, "TimeoutError")
    reviewer = open_ledger(None)
    resolution = reviewer.resolve(item_id, ResolutionAction.RETRY, "dana", "site was down")
    item = reviewer.get_item(item_id)
    assert item is not None
    assert (item.status, item.attempts, item.reason) == (ItemStatus.PENDING, 0, None)
    assert (resolution.previous_status, resolution.previous_reason) == (
        ItemStatus.FAILED,
        "TimeoutError",
    )
    assert claimed(open_ledger("run-b", max_attempts=1).claim_next("w1")).id == item_id


def test_done_by_hand_is_never_worked_again(open_ledger: Open) -> None:
    ledger = open_ledger()
    item_id = failed_item(ledger, ItemStatus.NEEDS_REVIEW, "CPT and minutes disagree")
    ledger.record_step(item_id, "charge", StepState.INTENT)
    ledger.resolve(item_id, ResolutionAction.DONE_BY_HAND, "dana", "billed by phone")
    item = ledger.get_item(item_id)
    assert item is not None
    assert (item.status, item.reason) == (ItemStatus.RESOLVED, "billed by phone")
    assert ledger.step_state(item_id, "charge") is StepState.INTENT  # kept
    other = open_ledger("run-b")
    assert other.claim_next("w1") is None
    refusal = other.claim(item_id, "w1")
    assert isinstance(refusal, Refusal)
    assert refusal.reason is RefusalReason.DONE


def test_dismiss_needs_a_reason_and_leaves_the_queue(open_ledger: Open) -> None:
    ledger = open_ledger()
    item_id = failed_item(ledger, ItemStatus.SKIPPED, "operator skipped")
    with pytest.raises(LedgerError, match="needs a reason"):
        ledger.resolve(item_id, ResolutionAction.DISMISS, "dana", " ")
    ledger.resolve(item_id, ResolutionAction.DISMISS, "dana", "duplicate request")
    item = ledger.get_item(item_id)
    assert item is not None
    assert item.status is ItemStatus.DISMISSED
    assert open_ledger("run-b").claim_next("w1") is None


def test_only_review_failed_and_skipped_items_can_be_resolved(open_ledger: Open) -> None:
    ledger = open_ledger()
    pending, held, done = add_items(ledger, 3)
    claimed(ledger.claim(held, "w"))
    claimed(ledger.claim(done, "w"))
    ledger.finish(done, ItemStatus.DONE)
    for item_id in (pending, held, done):
        with pytest.raises(LedgerError, match="can be resolved"):
            ledger.resolve(item_id, ResolutionAction.RETRY, "dana")
    with pytest.raises(LedgerError, match="not in the ledger"):
        ledger.resolve("intercom:unknown", ResolutionAction.RETRY, "dana")
    with pytest.raises(LedgerError, match="who decided"):
        ledger.resolve(pending, ResolutionAction.RETRY, "")


def test_resolutions_keep_who_when_and_why(open_ledger: Open) -> None:
    clock = FakeClock()
    ledger = open_ledger(clock=clock)
    item_id = failed_item(ledger, ItemStatus.FAILED, "TimeoutError")
    ledger.resolve(item_id, ResolutionAction.RETRY, "dana", "site was down")
    claimed(ledger.claim(item_id, "w"))
    ledger.finish(item_id, ItemStatus.NEEDS_REVIEW, "no diagnosis code")
    clock.advance(60)
    ledger.resolve(item_id, "done_by_hand", "lee")  # type: ignore[arg-type]
    first, second = ledger.list_resolutions(item_id)
    assert (first.action, first.by, first.reason, first.previous_reason) == (
        ResolutionAction.RETRY,
        "dana",
        "site was down",
        "TimeoutError",
    )
    assert (second.action, second.by, second.at) == (
        ResolutionAction.DONE_BY_HAND,
        "lee",
        clock.now,
    )
    assert second.previous_status is ItemStatus.NEEDS_REVIEW
    assert ledger.list_resolutions("intercom:unknown") == []


# --- runs ------------------------------------------------------------------------------


def test_runs_are_started_and_ended(open_ledger: Open, tmp_path: Path) -> None:
    ledger = open_ledger()
    ledger.start_run("run-a", "live", "host-1", 4242, tmp_path / "runs" / "run-a")
    run = ledger.get_run("run-a")
    assert run is not None
    assert (run.mode, run.host, run.pid, run.run_dir) == (
        "live",
        "host-1",
        4242,
        str(tmp_path / "runs" / "run-a"),
    )
    assert (run.ended_at, run.outcome) == (None, None)
    ledger.end_run("run-a", "finished")
    ended = ledger.get_run("run-a")
    assert ended is not None
    assert ended.outcome == "finished"
    assert ended.ended_at is not None
    assert ended.ended_at >= ended.started_at
    with pytest.raises(LedgerError, match="already started"):
        ledger.start_run("run-a", "live", "host-1", 4242, "runs/run-a")
    with pytest.raises(LedgerError, match="never started"):
        ledger.end_run("run-unknown", "finished")
    assert ledger.get_run("run-unknown") is None
