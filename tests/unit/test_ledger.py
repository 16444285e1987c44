"""The SQLite ledger: idempotent items, exclusive claims, dry runs, steps, permissions."""

from __future__ import annotations

import multiprocessing
import stat
import threading
from collections import Counter
from pathlib import Path

import pytest

from robot.ledger import (
    ItemStatus,
    Ledger,
    LedgerError,
    SqliteLedger,
    StepState,
)
from robot.settings import Settings


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "ledger.sqlite3"


def open_ledger(path: Path, run_id: str = "run-a", **kwargs: object) -> SqliteLedger:
    return SqliteLedger(path, run_id, **kwargs)  # type: ignore[arg-type]


def add(ledger: SqliteLedger, count: int, kind: str = "headway_billing") -> list[str]:
    ids = [f"intercom:conv-{1000 + n}" for n in range(count)]
    for item_id in ids:
        ledger.add_item(item_id, kind, item_id.split(":")[1])
    return ids


def test_sqlite_ledger_satisfies_the_protocol(db: Path) -> None:
    assert isinstance(open_ledger(db), Ledger)


def test_ledger_file_is_owner_only(db: Path) -> None:
    open_ledger(db).close()
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


def test_adding_an_existing_item_never_resets_it(db: Path) -> None:
    ledger = open_ledger(db)
    assert ledger.add_item("intercom:conv-1", "headway_billing", "conv-1") is True
    ledger.claim_next("w1")
    ledger.finish("intercom:conv-1", ItemStatus.DONE)
    assert ledger.add_item("intercom:conv-1", "headway_billing", "conv-1") is False
    item = ledger.get_item("intercom:conv-1")
    assert item is not None
    assert item.status is ItemStatus.DONE
    assert item.attempts == 1


def test_claim_next_takes_oldest_first_and_marks_it(db: Path) -> None:
    ledger = open_ledger(db)
    ids = add(ledger, 3)
    item = ledger.claim_next("w1")
    assert item is not None
    assert item.id == ids[0]
    assert item.status is ItemStatus.IN_PROGRESS
    assert (item.run_id, item.worker, item.attempts) == ("run-a", "w1", 1)


def test_claim_next_returns_none_when_nothing_is_claimable(db: Path) -> None:
    ledger = open_ledger(db)
    add(ledger, 1)
    assert ledger.claim_next("w1") is not None
    assert ledger.claim_next("w2") is None  # in progress under this very run


def test_claim_next_filters_by_kind(db: Path) -> None:
    ledger = open_ledger(db)
    add(ledger, 1, kind="headway_billing")
    ledger.add_item("ruh:appt-7", "late_cancellation", "appt-7")
    item = ledger.claim_next("w1", kinds=["late_cancellation"])
    assert item is not None
    assert item.id == "ruh:appt-7"
    assert ledger.claim_next("w1", kinds=[]) is None


def test_terminal_statuses_are_not_claimed_again(db: Path) -> None:
    ledger = open_ledger(db)
    ids = add(ledger, 3)
    for status in (ItemStatus.DONE, ItemStatus.NEEDS_REVIEW, ItemStatus.SKIPPED):
        item = ledger.claim_next("w1")
        assert item is not None
        ledger.finish(item.id, status, reason="F41.1 not valid")
    assert ledger.claim_next("w1") is None
    assert {i.id for i in ledger.list_items(status=ItemStatus.NEEDS_REVIEW)} == {ids[1]}


def test_failed_item_is_retried_by_later_runs_while_attempts_are_left(db: Path) -> None:
    add(open_ledger(db, "run-0", max_attempts=2), 1)
    for run in ("run-1", "run-2"):
        ledger = open_ledger(db, run, max_attempts=2)
        item = ledger.claim_next("w1")
        assert item is not None
        ledger.finish(item.id, ItemStatus.FAILED, reason="TimeoutError")
        # The run that saw it fail does not hammer it again; the next run may.
        assert ledger.claim_next("w1") is None
    assert open_ledger(db, "run-3", max_attempts=2).claim_next("w1") is None


def test_in_progress_item_of_a_dead_run_is_claimed_again(db: Path) -> None:
    crashed = open_ledger(db, "run-crashed")
    (item_id,) = add(crashed, 1)
    assert crashed.claim_next("w1") is not None
    crashed.close()
    later = open_ledger(db, "run-later")
    item = later.claim_next("w1")
    assert item is not None
    assert item.id == item_id
    assert item.attempts == 2
    assert item.run_id == "run-later"


def test_abandoned_item_without_attempts_left_is_marked_failed(db: Path) -> None:
    first = open_ledger(db, "run-1", max_attempts=1)
    (item_id,) = add(first, 1)
    first.claim_next("w1")
    second = open_ledger(db, "run-2", max_attempts=1)
    assert second.claim_next("w1") is None
    item = second.get_item(item_id)
    assert item is not None
    assert item.status is ItemStatus.FAILED
    assert item.reason is not None
    assert "no attempts left" in item.reason


def test_claim_named_item(db: Path) -> None:
    ledger = open_ledger(db)
    ids = add(ledger, 2)
    item = ledger.claim(ids[1], "supervisor")
    assert item is not None
    assert item.id == ids[1]
    assert item.worker == "supervisor"
    assert ledger.claim(ids[1], "supervisor") is None  # held by this run
    assert ledger.claim("intercom:unknown", "supervisor") is None


def test_claim_named_item_reopens_review_but_never_done(db: Path) -> None:
    ledger = open_ledger(db)
    review, done = add(ledger, 2)
    ledger.claim(review, "w")
    ledger.finish(review, ItemStatus.NEEDS_REVIEW, "mismatch")
    ledger.claim(done, "w")
    ledger.finish(done, ItemStatus.DONE)
    again = open_ledger(db, "run-b")
    assert again.claim(review, "w") is not None
    assert again.claim(done, "w") is None


def test_finish_needs_the_claim_of_this_run(db: Path) -> None:
    ledger = open_ledger(db)
    (item_id,) = add(ledger, 1)
    with pytest.raises(LedgerError):
        ledger.finish(item_id, ItemStatus.DONE)
    ledger.claim_next("w1")
    with pytest.raises(LedgerError):
        open_ledger(db, "run-other").finish(item_id, ItemStatus.DONE)
    with pytest.raises(ValueError, match="final status"):
        ledger.finish(item_id, ItemStatus.IN_PROGRESS)


def test_dry_run_items_stay_claimable_by_a_live_run(db: Path) -> None:
    rehearsal = open_ledger(db, "run-dry", dry_run=True, max_attempts=1)
    (item_id,) = add(rehearsal, 1)
    claimed = rehearsal.claim_next("w1")
    assert claimed is not None
    assert claimed.attempts == 0
    rehearsal.record_step(item_id, "headway-confirm", StepState.WOULD_COMMIT)
    rehearsal.finish(item_id, ItemStatus.REHEARSED)
    # The same rehearsal never loops on what it rehearsed; a second rehearsal may.
    assert rehearsal.claim_next("w1") is None
    again = open_ledger(db, "run-dry-2", dry_run=True, max_attempts=1)
    assert again.claim_next("w1") is not None
    again.finish(item_id, ItemStatus.REHEARSED)

    live = open_ledger(db, "run-live", max_attempts=1)
    item = live.claim_next("w1")
    assert item is not None
    assert item.id == item_id
    assert live.step_state(item_id, "headway-confirm") is StepState.WOULD_COMMIT


def test_dry_run_can_never_mark_an_item_done(db: Path) -> None:
    rehearsal = open_ledger(db, dry_run=True)
    (item_id,) = add(rehearsal, 1)
    rehearsal.claim_next("w1")
    with pytest.raises(LedgerError, match="dry run"):
        rehearsal.finish(item_id, ItemStatus.DONE)


def test_steps_are_recorded_and_listed_in_order(db: Path, tmp_path: Path) -> None:
    ledger = open_ledger(db)
    (item_id,) = add(ledger, 1)
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


def test_intent_is_only_replaced_by_done_or_intent(db: Path) -> None:
    ledger = open_ledger(db)
    (item_id,) = add(ledger, 1)
    ledger.record_step(item_id, "charge", StepState.INTENT)
    ledger.record_step(item_id, "charge", StepState.WOULD_COMMIT)
    ledger.record_step(item_id, "charge", StepState.SKIPPED)
    assert ledger.step_state(item_id, "charge") is StepState.INTENT
    ledger.record_step(item_id, "charge", StepState.DONE)
    assert ledger.step_state(item_id, "charge") is StepState.DONE


def test_exclusive_run_refuses_a_second_concurrent_run(db: Path) -> None:
    first, second = open_ledger(db, "run-1"), open_ledger(db, "run-2")
    with (
        first.exclusive_run(),
        pytest.raises(LedgerError, match="another run"),
        second.exclusive_run(),
    ):
        pass
    with second.exclusive_run():
        pass


def drain(path: str, run_id: str, worker: str, barrier: object = None) -> list[str]:
    """Claim and finish items until none is left; return the ids claimed."""
    ledger = SqliteLedger(Path(path), run_id)
    ledger.step_state("warm-up", "connect")  # open the connection before the race starts
    if barrier is not None:
        barrier.wait()  # type: ignore[attr-defined]
    claimed: list[str] = []
    while (item := ledger.claim_next(worker)) is not None:
        claimed.append(item.id)
        ledger.record_step(item.id, "charge", StepState.INTENT)
        ledger.finish(item.id, ItemStatus.DONE)
    ledger.close()
    return claimed


def test_concurrent_threads_claim_every_item_exactly_once(db: Path) -> None:
    ids = add(open_ledger(db), 80)
    results: list[list[str]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(4)

    def worker(name: str) -> None:
        claimed = drain(str(db), "run-a", name, barrier)
        with lock:
            results.append(claimed)

    threads = [threading.Thread(target=worker, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    counts = Counter(item for claimed in results for item in claimed)
    assert sorted(counts) == sorted(ids)
    assert set(counts.values()) == {1}


def drain_after_barrier(
    path: str, worker: str, barrier: object, results: object
) -> None:  # pragma: no cover - runs in a child process
    results.put(drain(path, "run-a", worker, barrier))  # type: ignore[attr-defined]


def test_concurrent_processes_claim_every_item_exactly_once(db: Path) -> None:
    ids = add(open_ledger(db), 120)
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    queue = context.Queue()
    processes = [
        context.Process(target=drain_after_barrier, args=(str(db), f"p{n}", barrier, queue))
        for n in range(2)
    ]
    for process in processes:
        process.start()
    results = [queue.get(timeout=60) for _ in processes]
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    counts = Counter(item for claimed in results for item in claimed)
    assert sorted(counts) == sorted(ids)
    assert set(counts.values()) == {1}


def test_from_settings_uses_path_attempts_and_mode(tmp_path: Path) -> None:
    settings = Settings(ledger_path=tmp_path / "l.sqlite3", max_item_attempts=5, dry_run=True)
    ledger = SqliteLedger.from_settings(settings, "run-x")
    assert (ledger.path, ledger.max_attempts, ledger.dry_run) == (settings.ledger_path, 5, True)
    assert ledger.run_id == "run-x"


def test_handle_without_run_id_reads_but_never_claims(db: Path) -> None:
    add(open_ledger(db), 2)
    reader = SqliteLedger(db)
    assert len(reader.list_items()) == 2
    with pytest.raises(LedgerError, match="no run id"):
        reader.claim_next("w1")
    with pytest.raises(LedgerError, match="no run id"):
        reader.record_step("intercom:conv-1000", "charge", StepState.INTENT)
    assert reader.step_state("intercom:conv-1000", "charge") is None
