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
