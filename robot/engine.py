"""The step engine: the one way an irreversible step is written and run.

A business process is a list of declared :class:`CommitStep` values; nothing else in the
project calls the commit gate. For each step the engine runs one retry unit:

    open the step's page -> does the site already show the change?
        yes: record it as done (found), click nothing
        no:  fill the form -> commit gate (dry run / ask / intent, click, verify)

"Already shows it?" is asked every time the step is reached, not only after a crash:
after a lost answer, a killed robot or a person's own click, what the site shows is the
truth, and it is the only guard that does not depend on this robot's memory. The gate's
ledger check then keeps one run from repeating itself without even opening a page.

Step names are written once, in the declaration, and are the ledger's keys, the retry
unit's name and the screenshot labels.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from robot.gate import CommitGate, Evidence, Outcome
from robot.logging import get_logger
from robot.operator import ConfirmRequest

__all__ = ["CommitStep", "ItemProgress", "StepHost", "look_at_site", "run_steps"]

Ctx = TypeVar("Ctx")
Screen = TypeVar("Screen")
T = TypeVar("T")

_log = get_logger("robot.engine")


def _always(_ctx: object) -> bool:
    return True


def _no_details(_screen: object, _ctx: object) -> Mapping[str, str]:
    return {}


@dataclass(frozen=True)
class CommitStep(Generic[Ctx, Screen]):
    """One irreversible step of a process, declared once.

    ``Ctx`` is what the process knows about its item (the worker and the facts read
    before any click); ``Screen`` is the page object ``open`` returns and the other
    callables work on.
    """

    name: str
    """Ledger key, retry unit and screenshot label, e.g. ``headway.confirm``."""
    label: str
    """The click in plain words, for the operator and the report."""
    open: Callable[[Ctx], Screen]
    """Go to the page the step works on (through a site gateway) and return it."""
    done: Callable[[Screen, Ctx], bool]
    """Read the site: is the change already there? Never clicks."""
    click: Callable[[Screen, Ctx], object]
    """The one irreversible click (its return value is ignored)."""
    fill: Callable[[Screen, Ctx], None] | None = None
    """Type the form (no commit), so the gate's screenshot shows what will be sent."""
    verify: Callable[[Screen, Ctx], bool] | None = None
    """Read the site after the click; default: ``done`` on the same screen."""
    details: Callable[[Screen, Ctx], Mapping[str, str]] = _no_details
    """The concrete values the operator is shown before the click (never logged); it
    reads the filled screen or the facts, never navigates."""
    applies: Callable[[Ctx], bool] = _always
    """Whether the step belongs to this item at all, from the facts read up front."""
    when: Callable[[Ctx], bool] | None = None
    """A condition read from the site when the step is reached (e.g. "the charge was
    declined"); False makes the step not applicable this time."""
    needs: tuple[str, ...] = ()
    """Steps whose change this one builds on: in a dry run, once one of them was only
    rehearsed, this step has nothing real to act on and the rehearsal ends there."""


class StepHost(Protocol):
    """What the engine needs from whoever runs the item (a flows ``Worker``)."""

    @property
    def gate(self) -> CommitGate:
        """The run's commit gate."""

    def evidence(self, item_id: str) -> Evidence:
        """Screenshots of the worker's tab into the item's folder."""

    def retry(self, operation: str, unit: Callable[[], T]) -> T:
        """Run ``unit`` under the retry policy (it must start from a known page)."""

    def forget_page(self) -> None:
        """The tab may hold unsent input: the next step loads its page afresh."""


@dataclass
class ItemProgress:
    """How far an item got: read by the item lifecycle when something goes wrong."""

    current: str | None = None
    """The step being worked on (None before the first and after the last)."""
    attempts: int = 0
    """Attempts at the current step (retry units started)."""
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    """Each finished step's outcome, in order."""
    ended_by: Outcome | None = None
    """SKIPPED (the operator skipped a step) or WOULD_COMMIT (a rehearsal reached a step
    that needs a change only rehearsed); None when every step ran."""


def site_shows_done(step: CommitStep[Any, Any], screen: object, ctx: object) -> bool:
    """Ask the site whether ``step``'s change is already there (the look-first guard).

    A function of its own so the tests can switch the guard off and show that the
    exactly-once tests then fail: the mock sites accept duplicates, only this stops them.
    """
    return bool(step.done(screen, ctx))


def _run_one(
    host: StepHost,
    item_id: str,
    ctx: Ctx,
    step: CommitStep[Ctx, Any],
    position: tuple[int, int],
    progress: ItemProgress,
) -> Outcome:
    def unit() -> Outcome:
        progress.attempts += 1
        if host.gate.is_done(item_id, step.name):
            return Outcome.ALREADY_DONE
        if step.when is not None and not step.when(ctx):
            return Outcome.NOT_APPLICABLE
        screen = step.open(ctx)
        if site_shows_done(step, screen, ctx):
            return host.gate.record_found(item_id, step.name, host.evidence(item_id))
        if step.fill is not None:
            step.fill(screen, ctx)
        check = step.verify or step.done
        outcome = host.gate.commit(
            item_id,
            step.name,
            request=ConfirmRequest(
                item_id=item_id,
                step=step.name,
                label=step.label,
                position=position,
                details=step.details(screen, ctx),
            ),
            evidence=host.evidence(item_id),
            act=lambda: step.click(screen, ctx),
            verify=lambda: check(screen, ctx),
        )
        if outcome is not Outcome.COMMITTED:
            # Rehearsed or skipped: the form may still stand filled in, never sent.
            host.forget_page()
        return outcome

    return host.retry(step.name, unit)


def run_steps(
    host: StepHost,
    item_id: str,
    ctx: Ctx,
    steps: Sequence[CommitStep[Ctx, Any]],
    progress: ItemProgress,
) -> ItemProgress:
    """Run the steps that apply to ``ctx`` in order; record each outcome in ``progress``.

    Stops early (``progress.ended_by``) when the operator skips a step, or when a dry run
    reaches a step that ``needs`` a change it only rehearsed. Errors propagate, with
    ``progress.current`` naming the step they came from.
    """
    applicable = [step for step in steps if step.applies(ctx)]
    rehearsed: set[str] = set()
    for number, step in enumerate(applicable, start=1):
        if rehearsed.intersection(step.needs):
            progress.ended_by = Outcome.WOULD_COMMIT
            break
        progress.current, progress.attempts = step.name, 0
        outcome = _run_one(host, item_id, ctx, step, (number, len(applicable)), progress)
        progress.outcomes[step.name] = outcome
        _log.info("step_finished", item_id=item_id, step=step.name, outcome=outcome.value)
        if outcome is Outcome.SKIPPED:
            progress.ended_by = Outcome.SKIPPED
            return progress
        if outcome is Outcome.WOULD_COMMIT:
            rehearsed.add(step.name)
    progress.current = None
    return progress


def look_at_site(host: StepHost, item_id: str, ctx: Ctx, step: CommitStep[Ctx, Any]) -> bool:
    """Check ``step`` on the site without clicking; record it done when it is there.

    For an item given up with an open intent: before a person is told to do the step by
    hand, the robot looks whether its last click landed after all.
    """

    def unit() -> bool:
        screen = step.open(ctx)
        if site_shows_done(step, screen, ctx):
            host.gate.record_found(item_id, step.name, host.evidence(item_id))
            return True
        return False

    return host.retry(step.name, unit)
