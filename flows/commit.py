"""Recording what a flow found already done on a site, beside the commit gate.

The gate handles clicks; this handles the other half of "never twice": when a step's
change is already on the site (a person did it, or an earlier run's answer was lost),
the flow records it as done, with a screenshot of the proof, and clicks nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

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


def commit_unless_done(
    worker: Worker,
    item_id: str,
    step: str,
    *,
    summary: Mapping[str, object],
    done: Callable[[], bool],
    act: Callable[[], None],
    prepare: Callable[[], None] | None = None,
) -> Outcome:
    """The common step: if the site shows ``done``, record it; else fill, then commit.

    ``done`` reads the page the step is on; it serves as the gate's check after the
    click and as its "already there?" question after a lost answer. ``prepare`` fills
    the form (typing only) so the gate's screenshot shows what is about to be sent.
    """
    if done():
        return record_found(worker, item_id, step)
    if prepare is not None:
        prepare()
    return worker.gate.commit(
        item_id,
        step,
        summary=summary,
        evidence=worker.evidence(item_id),
        act=act,
        verify=done,
        already_done=done,
    )
