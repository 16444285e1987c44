"""Many claimants at once on one ledger: threads, OS processes, and a holder that is killed.

Each test runs on SQLite and on PostgreSQL. A claim is atomic: every item is claimed
exactly once however many robots race for it; a robot killed while holding an item
(SIGKILL: no clean-up at all) loses it when its lease runs out, and the robot that takes
it over sees the intent it left.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable
from queue import Empty
from typing import Any

from robot.ledger import ItemStatus, Refusal, RefusalReason, StepState, WorkItem
from robot.ledger.records import SqlLedger
from tests.support import ledger_children
from tests.support.ledgers import LedgerSpec, add_items, ahead_of_real_time

Open = Callable[..., SqlLedger]


def exactly_once(claims: list[list[str]], ids: list[str]) -> None:
    counts = Counter(item for claimed in claims for item in claimed)
    assert sorted(counts) == sorted(ids)
    assert set(counts.values()) == {1}


def collect(queue: Any, processes: list[Any], timeout: float = 120) -> list[list[str]]:
    """Each child's result; fails at once (not at the timeout) if a child died."""
    results: list[list[str]] = []
    deadline = time.monotonic() + timeout
    while len(results) < len(processes):
        assert time.monotonic() < deadline, "the children did not finish in time"
        try:
            results.append(queue.get(timeout=0.5))
        except Empty:
            crashed = [p.exitcode for p in processes if p.exitcode not in (None, 0)]
            assert not crashed, f"a child process failed (exit codes {crashed})"
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    return results


def test_threads_sharing_one_handle_claim_every_item_exactly_once(open_ledger: Open) -> None:
    ledger = open_ledger("run-a", pool_size=4)
    ids = add_items(ledger, 80)
    barrier = threading.Barrier(4)
    results: list[list[str]] = []
    lock = threading.Lock()

    def worker(name: str) -> None:
        ledger.step_state("warm-up", "connect")
        barrier.wait()
        claimed = []
        while (item := ledger.claim_next(name)) is not None:
            claimed.append(item.id)
            ledger.record_step(item.id, "charge", StepState.INTENT)
            ledger.finish(item.id, ItemStatus.DONE)
        with lock:
            results.append(claimed)

    threads = [threading.Thread(target=worker, args=(f"worker-{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    exactly_once(results, ids)
    assert {i.status for i in ledger.list_items()} == {ItemStatus.DONE}


def test_robots_in_two_processes_claim_every_item_exactly_once(
    spec: LedgerSpec, open_ledger: Open
) -> None:
    ids = add_items(open_ledger(), 120)
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    queue = context.Queue()
    processes = [
        context.Process(
            target=ledger_children.drain, args=(spec, f"run-p{n}", "worker-0", barrier, queue)
        )
        for n in range(2)
    ]
    for process in processes:
        process.start()
    results = collect(queue, processes)
    # Every item exactly once is the property; how the items split depends on which
    # process the OS runs first (on a loaded machine one may take them all).
    exactly_once(results, ids)
    ledger = open_ledger(None)
    assert {i.status for i in ledger.list_items()} == {ItemStatus.DONE}


def test_a_killed_holder_is_taken_over_after_its_lease_with_its_intent(
    spec: LedgerSpec, open_ledger: Open
) -> None:
    lease = 30
    (item_id,) = add_items(open_ledger(), 1)
    context = multiprocessing.get_context("spawn")
    ready = context.Event()
    doomed = context.Process(
        target=ledger_children.hold_until_killed, args=(spec, item_id, lease, ready)
    )
    doomed.start()
    try:
        assert ready.wait(timeout=60), "the child never claimed the item"
        survivor = open_ledger("run-survivor")
        refusal = survivor.claim(item_id, "worker-0")
        assert isinstance(refusal, Refusal)
        assert refusal.reason is RefusalReason.HELD
        assert refusal.holder is not None
        assert (refusal.holder.pid, refusal.holder.run_id) == (doomed.pid, "run-doomed")
    finally:
        assert doomed.pid is not None
        os.kill(doomed.pid, signal.SIGKILL)
        doomed.join(timeout=30)
    assert doomed.exitcode == -signal.SIGKILL

    # Still held until the lease runs out: dead robots are not detected any sooner.
    assert open_ledger("run-survivor").claim_next("worker-0") is None
    # Once it has run out (a clock a lease ahead, rather than waiting for it):
    later = open_ledger("run-survivor", clock=ahead_of_real_time(lease + 1))
    item = later.claim_next("worker-0")
    assert isinstance(item, WorkItem)
    assert (item.id, item.attempts, item.run_id) == (item_id, 2, "run-survivor")
    assert later.step_state(item_id, "headway-confirm") is StepState.INTENT
    later.finish(item_id, ItemStatus.DONE)
