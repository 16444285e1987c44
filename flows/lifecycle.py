"""One work item, from claim to final status: the one place an item's story ends.

Read the sites, run the process's steps through the engine, and turn whatever happened
(done, a business rule, a skip, a rehearsal, an error of any kind) into one
:class:`~robot.outcome.ItemOutcome`, recorded in the ledger. An item can never take the
run down with it: even a bug ends the item as failed, with its traceback in the run's
``errors.log``, and the run goes on (unless the outcome says the run must stop).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from playwright.sync_api import Error as PlaywrightError

from flows.process import Process, StepContext
from flows.worker import Worker
from robot.engine import ItemProgress, look_at_site, run_steps
from robot.errorlog import ErrorLog
from robot.errors import TransientError
from robot.gate import Outcome
from robot.ledger import ItemStatus, JSONValue, LeaseLost, StepState, WorkItem
from robot.logging import get_logger, log_context
from robot.outcome import ItemOutcome, outcome_for_error

_log = get_logger("flows.lifecycle")

# The page the item stopped on is the evidence a person acts on: a review is raised right
# after the robot read the data that did not add up, a failure where the site misbehaved.
# The report finds these shots by their label (``NN-failed.jpg``, ``NN-review.jpg``).
_PROBLEM_SHOT: Final[Mapping[ItemStatus, str]] = {
    ItemStatus.FAILED: "failed",
    ItemStatus.NEEDS_REVIEW: "review",
}


def work_item(
    worker: Worker, item: WorkItem, process: Process[Any], errors: ErrorLog
) -> ItemOutcome:
    """Work ``item`` (claimed by this worker) to its final status and record it."""
    with log_context(item_id=item.id):
        return _work_item(worker, item, process, errors)


def _work_item(
    worker: Worker, item: WorkItem, process: Process[Any], errors: ErrorLog
) -> ItemOutcome:
    log = _log.bind(worker=worker.name)  # the item's id comes from work_item's log_context
    log.info("item_started", kind=item.kind)
    worker.take_loads()
    worker.forget_page()  # an item's first look at a site is always a fresh load
    progress = ItemProgress()
    worker.tracer.start_item(worker.run.item_dir(item.id))
    try:
        outcome = (
            _retire(worker, item, process)
            if item.retiring
            else _work(worker, item, process, progress)
        )
    except LeaseLost:
        # Another robot took the item over (this one stalled past its lease): nothing
        # more may be written or clicked for it here; it is that robot's now.
        worker.tracer.end_item(keep=False)
        log.warning("item_lease_lost")
        return ItemOutcome(ItemStatus.FAILED, "another robot took the item over (lease lost)")
    except (Exception, KeyboardInterrupt) as error:
        outcome = outcome_for_error(error, progress.current)
        if outcome.unexpected:
            errors.record(f"{item.id} at {progress.current or 'read'}", error)
        problem = _PROBLEM_SHOT.get(outcome.status)
        if problem is not None:
            _problem_screenshot(worker, item.id, problem)
    _end_trace(worker, keep=outcome.status is ItemStatus.FAILED, errors=errors)
    if outcome.facts:
        worker.ledger.record_facts(item.id, _with_link(worker, outcome.facts))
    worker.ledger.finish(item.id, outcome.status, outcome.reason)
    log.info(
        "item_finished", status=outcome.status.value, step=progress.current, **worker.take_loads()
    )
    return outcome


def _work(
    worker: Worker, item: WorkItem, process: Process[Any], progress: ItemProgress
) -> ItemOutcome:
    facts = worker.retry(process.read_name, lambda: process.read(worker, item.source_ref))
    worker.ledger.record_facts(item.id, _with_link(worker, process.report_facts(facts)))
    ctx = StepContext(worker, item.id, facts)
    run_steps(worker, item.id, ctx, process.steps, progress)
    if progress.ended_by is Outcome.SKIPPED:
        skipped = next(reversed(progress.outcomes))
        return ItemOutcome.skipped(
            f"the operator skipped {skipped}: the steps before it are done, the rest were "
            "left alone; run the item again to resume there"
        )
    if progress.ended_by is Outcome.WOULD_COMMIT or Outcome.WOULD_COMMIT in (
        progress.outcomes.values()
    ):
        return ItemOutcome.rehearsed()
    return process.finish(ctx, progress)


def _with_link(worker: Worker, facts: Mapping[str, JSONValue]) -> dict[str, JSONValue]:
    """The facts, plus the Intercom address of their conversation for the report."""
    linked = dict(facts)
    conversation = facts.get("conversation_id")
    if conversation and worker.settings.intercom is not None:
        try:
            linked["conversation_url"] = worker.intercom.conversation_url(str(conversation))
        except (PlaywrightError, TransientError):
            # A link is a convenience (learning the workspace may need a page): the
            # report names the conversation anyway.
            _log.warning("conversation_link_unavailable", item_id=facts.get("item_id"))
    return linked


def _retire(worker: Worker, item: WorkItem, process: Process[Any]) -> ItemOutcome:
    """Close an item whose attempts are used up, after looking at its open intents.

    Its last robot died mid-step (the ledger shows an intent): before a person is told
    to finish it by hand, the site is checked, so that the report says whether that
    click landed.
    """
    reason = item.reason or "no attempts left"
    open_steps = [s.step for s in worker.ledger.list_steps(item.id) if s.state is StepState.INTENT]
    if not open_steps:
        return ItemOutcome(ItemStatus.FAILED, reason)
    notes: list[str] = []
    try:
        facts = worker.retry(process.read_name, lambda: process.read(worker, item.source_ref))
        ctx = StepContext(worker, item.id, facts)
        for name in open_steps:
            step = next(s for s in process.steps if s.name == name)
            if look_at_site(worker, item.id, ctx, step):
                notes.append(f"its last click ({name}) was found done on the site")
            else:
                notes.append(f"{name} is not on the site: do it by hand")
    except Exception as error:
        checked = outcome_for_error(error, None).reason
        notes.append(
            f"{', '.join(open_steps)} may have been clicked and could not be checked "
            f"({checked}): look on the site before doing it by hand"
        )
    return ItemOutcome(ItemStatus.FAILED, "; ".join([reason, *notes]))


def _problem_screenshot(worker: Worker, item_id: str, label: str) -> None:
    try:
        worker.evidence(item_id).capture(label)
    except PlaywrightError:
        # Evidence, not the verdict: the item's status stands without its picture.
        _log.warning("problem_screenshot_unavailable", item_id=item_id, label=label)


def _end_trace(worker: Worker, *, keep: bool, errors: ErrorLog) -> None:
    # A trace is diagnosis, not evidence: failing to save one must not change the item.
    try:
        worker.tracer.end_item(keep=keep)
    except PlaywrightError as error:
        errors.record("saving a trace", error)
        _log.warning("trace_unavailable")
