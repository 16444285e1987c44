"""The shapes every commit step shares: "already there?" first, then the gate."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flows.worker import Worker
from robot.gate import Outcome


def record_found(worker: Worker, item_id: str, step: str) -> Outcome:
    """Record ``step`` of ``item_id`` as done because the site already shows it."""
    return worker.gate.record_found(item_id, step, worker.evidence(item_id))


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
