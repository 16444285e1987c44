"""The report's view model: what a run did, item by item, in a billing person's terms.

The callers (the batch, the CLI's ``report`` command) fill these frozen dataclasses from
the ledger and from what the flows read on the sites; :mod:`robot.audit.report` and
:mod:`robot.audit.summary` render them. Nothing here carries a password or a cookie:
only billing facts (client, date of service, codes, amounts), step states and paths
inside the run folder.

Every class is keyword-only so a field added later cannot shift a caller's arguments.
Labels left empty are filled in at rendering time from :mod:`robot.audit.labels`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Final, Literal, get_args

__all__ = [
    "FEE_OUTCOMES",
    "ITEM_STATUSES",
    "RUN_MODES",
    "STEP_STATES",
    "FeeOutcome",
    "ItemFacts",
    "ItemStatusName",
    "ItemView",
    "RunInfo",
    "RunMode",
    "StepStateName",
    "StepView",
]

RunMode = Literal["live", "dry_run", "supervised"]
"""How irreversible clicks were handled (:class:`robot.gate.GateMode` values)."""

ItemStatusName = Literal[
    "done", "needs_review", "failed", "rehearsed", "skipped", "stopped", "resolved", "dismissed"
]
"""Where an item ended up in this run."""

StepStateName = Literal["done", "intent", "would_commit", "skipped"]
"""Where one irreversible step stands (:class:`robot.ledger.StepState` values)."""

FeeOutcome = Literal["charged", "declined"]
"""What became of a late-cancellation fee's charge."""

RUN_MODES: Final[tuple[str, ...]] = get_args(RunMode)
"""Every :data:`RunMode`, for validating text from elsewhere."""
ITEM_STATUSES: Final[tuple[str, ...]] = get_args(ItemStatusName)
"""Every :data:`ItemStatusName`."""
STEP_STATES: Final[tuple[str, ...]] = get_args(StepStateName)
"""Every :data:`StepStateName`."""
FEE_OUTCOMES: Final[tuple[str, ...]] = get_args(FeeOutcome)
"""Every :data:`FeeOutcome`."""


@dataclass(frozen=True, kw_only=True)
class RunInfo:
    """The run as a whole: when, how, where its ledger is, and how it ended."""

    run_id: str
    mode: RunMode
    started_at: datetime
    ended_at: datetime
    ledger_location: str
    """A file path or a database host/name; never a password (one in a URL is masked)."""
    exit_code: int
    exit_meaning: str
    """The exit code in words, e.g. "every item done or sent to review"."""
    stopped_because: str | None = None
    """Why the run stopped early (credentials rejected, operator said stop), if it did."""


@dataclass(frozen=True, kw_only=True)
class ItemFacts:
    """The billing facts of one item, as far as the robot read them; all optional."""

    client_name: str | None = None
    date_of_service: date | None = None
    therapist: str | None = None
    cpt_code: str | None = None
    diagnosis_code: str | None = None
    amount: Decimal | None = None
    """The invoice / session charge."""
    payout_date: date | None = None
    """When Headway pays the confirmed session (:func:`robot.rules.payout.payout_date`)."""
    written_off_amount: Decimal | None = None
    """What ``ruh.write-off`` wrote off on the Ruh Platform invoice."""
    fee_amount: Decimal | None = None
    """A late-cancellation fee charged (or tried) by ``ruh.charge-full``."""
    fee_outcome: FeeOutcome | None = None
    refund_amount: Decimal | None = None
    """What ``ruh.refund`` refunded."""
    sheet_write_off_amount: Decimal | None = None
    """The session charge recorded by ``sheet.write-off`` in the Programs Sheet."""


@dataclass(frozen=True, kw_only=True)
class StepView:
    """One irreversible step of an item and who did it."""

    name: str
    """The ledger's step name, e.g. ``headway.confirm``."""
    state: StepStateName
    label: str = ""
    """Plain words, e.g. "Sign note & confirm the session on Headway" (empty: the default
    from :func:`robot.audit.labels.step_label`)."""
    found: bool = False
    """Found already done (on the site, or by an earlier run) rather than done now. A
    click of this run whose answer was lost and whose change the site then showed is done
    now, not found."""
    started_at: datetime | None = None
    ended_at: datetime | None = None
    screenshots: Sequence[str] = ()
    """Paths relative to the run folder, in the order taken; a path listed twice is kept
    once (the ledger's evidence and the folder listing often name the same file)."""

    def __post_init__(self) -> None:
        """Keep each screenshot once, in first-seen order, as an immutable tuple."""
        object.__setattr__(self, "screenshots", tuple(dict.fromkeys(self.screenshots)))

    @property
    def by_robot_now(self) -> bool:
        """True when this run's robot clicked and verified the step (it counts in totals)."""
        return self.state == "done" and not self.found


@dataclass(frozen=True, kw_only=True)
class ItemView:
    """One work item as the report shows it."""

    item_id: str
    kind: str
    """The ledger's kind, e.g. ``headway_billing``."""
    status: ItemStatusName
    kind_label: str = ""
    """Plain words, e.g. "Headway billing" (empty: :func:`robot.audit.labels.kind_label`)."""
    reason: str | None = None
    """Why it ended so, in plain words (review and failed items always have one)."""
    next_step: str | None = None
    """What a person should do now (empty: a default for the status)."""
    attempts: int = 0
    """How many times the robot really tried it (claims, not counting dry runs)."""
    conversation_url: str | None = None
    """The Intercom conversation the work came from, if any."""
    facts: ItemFacts = field(default_factory=ItemFacts)
    steps: Sequence[StepView] = ()
    failed_step: str | None = None
    """The step it failed at (default: the step left in state "intent")."""
    check_hint: str | None = None
    """What to check on the site before redoing a step whose click may have landed, e.g.
    "check Headway for a session on Nov 20, 2026 at 10:00 AM EST before doing this by hand"
    (empty: a default from the step and the facts)."""
    problem_screenshot: str | None = None
    """The screenshot that shows the problem, relative to the run folder."""
    trace: str | None = None
    """The Playwright trace, relative to the run folder (failed items)."""

    def __post_init__(self) -> None:
        """Store the steps as an immutable tuple, whatever sequence was passed."""
        object.__setattr__(self, "steps", tuple(self.steps))

    @property
    def click_may_have_landed(self) -> bool:
        """True when a step was left in "intent": clicked (or about to be), never verified.

        Derived, not stored, so it can never disagree with the steps.
        """
        return any(step.state == "intent" for step in self.steps)

    @property
    def intent_step(self) -> StepView | None:
        """The first step left in "intent", if any."""
        return next((step for step in self.steps if step.state == "intent"), None)
