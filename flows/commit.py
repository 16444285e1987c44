"""Recording what a flow found already done on a site, beside the commit gate.

The gate handles clicks; this handles the other half of "never twice": when a step's
change is already on the site (a person did it, or an earlier run's answer was lost),
the flow records it as done, with a screenshot of the proof, and clicks nothing.
"""

from __future__ import annotations

from flows.worker import Worker
from robot.gate import Outcome
from robot.ledger import StepState
from robot.logging import get_logger

_log = get_logger("flows.commit")


def record_found(worker: Worker, item_id: str, step: str) -> Outcome:
    """Record ``step`` of ``item_id`` as done because the site already shows it."""
    if worker.gate.ledger.step_state(item_id, step) is StepState.DONE:
        return Outcome.ALREADY_DONE
    proof = worker.evidence(item_id).capture(f"{step}-found-done")
    worker.gate.ledger.record_step(item_id, step, StepState.DONE, proof)
    _log.info("step_found_done", item_id=item_id, step=step)
    return Outcome.FOUND_DONE
