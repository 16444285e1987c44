"""The business processes the robot knows, in the order a batch discovers their work.

Adding a process means declaring a :class:`~flows.process.Process` in its own module and
listing it here; the batch, the engine, the ledger and the report need no change.
"""

from __future__ import annotations

from typing import Any

from flows import clarification, late_cancellation, standard_billing, wrong_charge
from flows.process import Process

BATCH_PROCESSES: tuple[Process[Any], ...] = (
    standard_billing.PROCESS,
    late_cancellation.PROCESS,
    wrong_charge.PROCESS,
)
"""What ``billing-robot batch`` discovers and works, in this order."""

ALL_PROCESSES: tuple[Process[Any], ...] = (*BATCH_PROCESSES, clarification.PROCESS)
"""Every process, including those only run when named (``clarify-late-cancel``)."""


def process_for(kind: str) -> Process[Any]:
    """The process that handles work items of ``kind``."""
    for process in ALL_PROCESSES:
        if process.kind == kind:
            return process
    raise KeyError(f"no process handles work items of kind {kind!r}")
