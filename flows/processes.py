"""The business processes a batch runs: how each finds its work and handles one item.

Adding a process means adding one ``Process`` here; the batch, the ledger and the report
need no change. Order matters: discovery runs in this order, and items are claimed
oldest first across all kinds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flows import headway_billing, late_cancellation, wrong_charge
from flows.discovery import queue_billing_requests
from flows.outcome import ItemOutcome
from flows.worker import Worker
from robot.ledger import Ledger

Discover = Callable[[Worker, Ledger], int]
"""Queue this process's pending work in the ledger; return how many items were new."""

Handle = Callable[[Worker, str, str], ItemOutcome]
"""Work one item: (worker, ledger item id, source reference) -> outcome."""


@dataclass(frozen=True)
class Process:
    """One business process of the procedure."""

    kind: str
    discover: Discover
    handle: Handle


PROCESSES: tuple[Process, ...] = (
    Process(
        kind=headway_billing.KIND,
        discover=queue_billing_requests,
        handle=headway_billing.bill_request,
    ),
    Process(
        kind=late_cancellation.KIND,
        discover=late_cancellation.queue_late_cancellations,
        handle=late_cancellation.bill_late_cancellation,
    ),
    Process(
        kind=wrong_charge.KIND,
        discover=wrong_charge.queue_wrong_charges,
        handle=wrong_charge.handle,
    ),
)


def process_for(kind: str) -> Process:
    """The process that handles items of ``kind``."""
    for process in PROCESSES:
        if process.kind == kind:
            return process
    raise KeyError(f"no process handles work items of kind {kind!r}")
