"""What the ledger stores, as plain values: statuses, items, steps, holders, resolutions.

Every type here is a frozen dataclass or a string enum, the same whichever backend
(SQLite or PostgreSQL) produced it. Times are aware :class:`~datetime.datetime` in UTC.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TypeAlias

__all__ = [
    "Clock",
    "Holder",
    "ItemStatus",
    "JSONValue",
    "Refusal",
    "RefusalReason",
    "Resolution",
    "ResolutionAction",
    "RunRecord",
    "StepRecord",
    "StepState",
    "WorkItem",
]

JSONValue: TypeAlias = (
    str | int | float | bool | Sequence["JSONValue"] | Mapping[str, "JSONValue"] | None
)
"""A value :func:`json.dumps` can write: what an item's facts may hold."""

Clock: TypeAlias = Callable[[], datetime]
"""Returns the current time (aware, UTC); injectable so tests can move time."""


class ItemStatus(StrEnum):
    """Where a work item stands."""

    PENDING = "pending"
    """Found, not started (or sent back by a reviewer's *retry*)."""
    IN_PROGRESS = "in_progress"
    """Claimed: a holder works on it under a lease (see :class:`Holder`)."""
    DONE = "done"
    """Every step done: never claimed again."""
    NEEDS_REVIEW = "needs_review"
    """A business rule failed: a person must look (``reason`` says why)."""
    FAILED = "failed"
    """Transient errors outlasted the retries; a later run may try again."""
    SKIPPED = "skipped"
    """The operator skipped it, or the flow found nothing to do."""
    REHEARSED = "rehearsed"
    """A dry run went through it; a live run must still do it."""
    RESOLVED = "resolved"
    """A person did it by hand (a reviewer's *done_by_hand*): never worked again."""
    DISMISSED = "dismissed"
    """A reviewer dismissed it, with a reason: never claimed from the queue again."""
    STOPPED = "stopped"
    """The operator said stop (or Ctrl-C) mid-item: its steps so far are recorded, and it
    is claimable again, resuming where it stopped."""


FINAL_STATUSES = frozenset(
    {
        ItemStatus.DONE,
        ItemStatus.NEEDS_REVIEW,
        ItemStatus.FAILED,
        ItemStatus.SKIPPED,
        ItemStatus.REHEARSED,
        ItemStatus.STOPPED,
    }
)
"""The statuses a holder may finish an item with (the others are set by the ledger)."""

REVIEWABLE_STATUSES = frozenset({ItemStatus.NEEDS_REVIEW, ItemStatus.FAILED, ItemStatus.SKIPPED})
"""The statuses a reviewer may resolve."""


class StepState(StrEnum):
    """Where one irreversible step of an item stands."""

    INTENT = "intent"
    """About to click (or clicked, outcome unknown): check the site before redoing."""
    DONE = "done"
    """Clicked and verified, or found already done on the site (see ``found``)."""
    WOULD_COMMIT = "would_commit"
    """A dry run stopped here: nothing was clicked."""
    SKIPPED = "skipped"
    """The operator said skip: nothing was clicked."""


class ResolutionAction(StrEnum):
    """What a reviewer decided about an item in review, failed or skipped."""

    RETRY = "retry"
    """Back to pending with its attempts reset (its reason is kept in the resolution)."""
    DONE_BY_HAND = "done_by_hand"
    """A person did the work: the item becomes ``resolved`` and is never worked again."""
    DISMISS = "dismiss"
    """Nothing is to be done (a reason is required): the item becomes ``dismissed``."""


class RefusalReason(StrEnum):
    """Why a named claim was refused."""

    UNKNOWN = "unknown"
    """No item has that id."""
    DONE = "done"
    """The item is done (or resolved by hand): there is nothing left to do."""
    HELD = "held"
    """Another claim holds it under a live lease (see ``Refusal.holder``)."""


@dataclass(frozen=True, slots=True)
class Holder:
    """Who works on an item, and until when their lease runs."""

    host: str
    """The robot's host name."""
    pid: int
    """The robot's process id on that host."""
    run_id: str
    """The run the claim belongs to."""
    worker: str | None
    """The worker (browser context) of that run, e.g. ``worker-0``."""
    lease_until: datetime
    """The claim lapses after this (unless renewed): another robot may then take over."""

    def live_at(self, now: datetime) -> bool:
        """True while the lease runs at ``now``."""
        return self.lease_until > now

    def describe(self) -> str:
        """One line for a person: ``host H pid P (run R, worker W) until T``."""
        worker = f", worker {self.worker}" if self.worker else ""
        until = self.lease_until.strftime("%Y-%m-%d %H:%M:%S UTC")
        return f"host {self.host} pid {self.pid} (run {self.run_id}{worker}) until {until}"


@dataclass(frozen=True, slots=True)
class WorkItem:
    """One work item as the ledger knows it."""

    id: str
    kind: str
    source_ref: str
    status: ItemStatus
    attempts: int
    """Claims that counted (dry runs and retirements do not count)."""
    reason: str | None
    run_id: str | None
    """The run that claimed it last."""
    worker: str | None
    """The worker that claimed it last."""
    created_at: datetime
    updated_at: datetime
    holder: Holder | None = None
    """Set while ``in_progress``: who holds it and until when (the lease may have lapsed)."""
    retiring: bool = False
    """Claimed only to be closed: its holder died with no attempts left. Check its open
    intents on the site, report it, then finish it ``failed`` (``reason`` says why)."""
    facts: dict[str, JSONValue] = field(default_factory=dict, repr=False)
    """Billing facts for the report (client, date of service, CPT, amounts...): owner-only
    data, left out of ``repr`` so that a log line can never carry it."""


@dataclass(frozen=True, slots=True)
class StepRecord:
    """One irreversible step of a work item."""

    item_id: str
    step: str
    state: StepState
    evidence: str | None
    run_id: str | None
    """The run that recorded the current state."""
    updated_at: datetime
    found: bool = False
    """Done because the site already showed it, not because the robot clicked."""
    started_at: datetime | None = None
    """When the first intent or would-commit was recorded (None if there was none)."""


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a named claim (``billing-robot run ITEM``) did not get the item."""

    item_id: str
    reason: RefusalReason
    status: ItemStatus | None = None
    """The item's status (None when it is unknown)."""
    holder: Holder | None = None
    """Who holds it, when ``reason`` is ``held``."""

    def describe(self) -> str:
        """One line for a person, e.g. ``... is held by host H pid P (...) until T``."""
        if self.reason is RefusalReason.UNKNOWN:
            return f"{self.item_id} is not in the ledger"
        if self.reason is RefusalReason.HELD and self.holder is not None:
            return f"{self.item_id} is held by {self.holder.describe()}"
        status = self.status.value if self.status is not None else "closed"
        return f"{self.item_id} is {status}: nothing left to do"


@dataclass(frozen=True, slots=True)
class Resolution:
    """A reviewer's decision about one item, kept forever."""

    item_id: str
    action: ResolutionAction
    by: str
    """Who decided (an operator's name or login)."""
    reason: str | None
    at: datetime
    previous_status: ItemStatus
    previous_reason: str | None
    """The item's reason before the decision (a retry clears it from the item)."""


@dataclass(frozen=True, slots=True)
class RunRecord:
    """One robot run as the ledger knows it."""

    run_id: str
    mode: str
    host: str
    pid: int
    run_dir: str
    started_at: datetime
    ended_at: datetime | None = None
    outcome: str | None = None
