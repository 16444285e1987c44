"""A business process, declared: how it finds work, what it reads, which steps it runs.

Adding a process means declaring one :class:`Process` and listing it in
``flows.processes``; the batch, the engine, the ledger and the report need no change.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flows.worker import Worker
from robot.engine import CommitStep, ItemProgress
from robot.ledger import JSONValue
from robot.outcome import ItemOutcome
from robot.settings import SiteName

Facts = TypeVar("Facts")


@dataclass(frozen=True)
class StepContext(Generic[Facts]):
    """What a step works with: the worker, the item's ledger id, the facts read first."""

    worker: Worker
    item_id: str
    facts: Facts


Step = CommitStep[StepContext[Facts], Any]
"""A commit step of a process whose facts are ``Facts``."""


@dataclass(frozen=True)
class Found:
    """One piece of work a process found: its ledger id and where it comes from."""

    item_id: str
    source_ref: str


@dataclass(frozen=True)
class Process(Generic[Facts]):
    """One business process of the procedure."""

    kind: str
    """The ledger's ``kind`` of its work items."""
    label: str
    """Its name in the report ("Headway billing")."""
    sites: tuple[SiteName, ...]
    """Every site any of its steps may need: checked and logged in to before any click."""
    read: Callable[[Worker, str], Facts]
    """Read everything the steps need from a source reference; raises
    :class:`~robot.errors.BusinessRuleError` when the data does not add up."""
    steps: Sequence[Step[Facts]]
    """The irreversible steps, in the procedure's order."""
    finish: Callable[[StepContext[Facts], ItemProgress], ItemOutcome]
    """The item's outcome once every applicable step is done."""
    report_facts: Callable[[Facts], Mapping[str, JSONValue]]
    """The billing facts an operator acts on (client, date, codes, amounts) for the
    owner-only report and ledger; never logged."""
    discover: Callable[[Worker], list[Found]] | None = None
    """Find this process's pending work (None: it only runs when named, e.g. a command)."""
    read_name: str = "read"
    """The retry unit's name for ``read``."""


Inner = TypeVar("Inner")


def reuse_step(
    step: Step[Inner],
    narrow: Callable[[Facts], Inner],
    *,
    applies: Callable[[StepContext[Facts]], bool],
) -> Step[Facts]:
    """``step`` of another process, in a process whose facts hold that process's facts.

    A wrongly charged Headway client's recent session is billed with the standard
    process's own steps: the same names, checks and clicks, given ``narrow(facts)``.
    ``applies`` decides first (``narrow`` may only make sense when it says yes).
    """

    def inner(ctx: StepContext[Facts]) -> StepContext[Inner]:
        return StepContext(ctx.worker, ctx.item_id, narrow(ctx.facts))

    fill, verify, when = step.fill, step.verify, step.when
    return CommitStep(
        name=step.name,
        label=step.label,
        open=lambda ctx: step.open(inner(ctx)),
        done=lambda screen, ctx: step.done(screen, inner(ctx)),
        click=lambda screen, ctx: step.click(screen, inner(ctx)),
        fill=None if fill is None else (lambda screen, ctx: fill(screen, inner(ctx))),
        verify=None if verify is None else (lambda screen, ctx: verify(screen, inner(ctx))),
        details=lambda screen, ctx: step.details(screen, inner(ctx)),
        applies=lambda ctx: applies(ctx) and step.applies(inner(ctx)),
        when=None if when is None else (lambda ctx: when(inner(ctx))),
        needs=step.needs,
    )
