"""Child-process bodies for the ledger's concurrency tests (started with ``spawn``).

They live in a module of their own so that a child imports only what it needs.
"""

from __future__ import annotations

import threading
from typing import Any

from robot.ledger import ItemStatus, StepState, WorkItem
from tests.support.ledgers import LedgerSpec


def drain(spec: LedgerSpec, run_id: str, worker: str, barrier: Any, results: Any) -> None:
    """Claim, record an intent for, and finish items until none is left; report the ids."""
    ledger = spec.open(run_id, pool_size=2)
    ledger.step_state("warm-up", "connect")  # connect before the race starts
    barrier.wait()
    claimed: list[str] = []
    while (item := ledger.claim_next(worker)) is not None:
        claimed.append(item.id)
        ledger.record_step(item.id, "charge", StepState.INTENT)
        ledger.record_step(item.id, "charge", StepState.DONE)
        ledger.finish(item.id, ItemStatus.DONE)
    ledger.close()
    results.put(claimed)


def hold_until_killed(spec: LedgerSpec, item_id: str, lease_seconds: float, ready: Any) -> None:
    """Claim ``item_id``, record an intent as if about to click, then hang until killed."""
    ledger = spec.open("run-doomed", lease_seconds=lease_seconds)
    item = ledger.claim(item_id, "worker-0")
    assert isinstance(item, WorkItem), item
    ledger.record_step(item_id, "headway-confirm", StepState.INTENT)
    ready.set()
    threading.Event().wait()  # the parent SIGKILLs us here, mid-"click"
