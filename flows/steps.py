"""Running one work item as a read followed by commit steps (shared by every process).

Every process has the same shape: read what the sites say (one retry unit), then run
each irreversible step as its own retry unit, in order. The outcome follows from how the
steps went: a business rule broken anywhere sends the item to review; an operator's skip
leaves the later steps alone (they would record something that did not happen); a dry
run is "rehearsed"; otherwise the process says what "done" means for it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TypeVar

from flows.outcome import ItemOutcome
from flows.worker import Worker
from robot.errors import BusinessRuleError
from robot.gate import Outcome
from robot.logging import get_logger

Facts = TypeVar("Facts")

_log = get_logger("flows.steps")


def run_steps(
    worker: Worker,
    item_id: str,
    *,
    read_name: str,
    read: Callable[[], Facts],
    steps_for: Callable[[Facts], Sequence[tuple[str, Callable[[Worker, str, Facts], Outcome]]]],
    done: Callable[[Facts], ItemOutcome],
) -> ItemOutcome:
    """Read once, then run each step through the retry policy; return the item's outcome."""
    try:
        facts = worker.retry(read_name, read)
        outcomes: list[Outcome] = []
        for name, step in steps_for(facts):
            outcome = worker.retry(name, partial(step, worker, item_id, facts))
            outcomes.append(outcome)
            if outcome is Outcome.SKIPPED:
                return ItemOutcome.skipped(f"the operator skipped {name}; later steps left alone")
    except BusinessRuleError as problem:
        _log.info("needs_review", item_id=item_id)
        return ItemOutcome.review(str(problem))
    if Outcome.WOULD_COMMIT in outcomes:
        return ItemOutcome.rehearsed()
    return done(facts)


def discard(_next_page: object) -> None:
    """Drop the page object a click navigates to: the gate's ``act`` returns nothing."""
    return None
