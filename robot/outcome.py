"""What became of one work item, and the one place an error becomes that outcome.

Every item a run touches ends with an :class:`ItemOutcome`; :func:`outcome_for_error`
maps *any* exception raised while working it (ours, Playwright's, or a bug) to one, so a
single item can never take the run down with it. Some outcomes also stop the run
(``halt``): a rejected login, the operator's stop, a ledger that went away.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from robot.errors import (
    AuthError,
    BillingRobotError,
    BusinessRuleError,
    ControlNotFound,
    StopRequested,
    TransientError,
)
from robot.ledger import ItemStatus, JSONValue, LedgerError
from robot.logging import scrub_text
from robot.stops import StopKind

__all__ = ["Halt", "ItemOutcome", "StopKind", "outcome_for_error"]


@dataclass(frozen=True)
class Halt:
    """The run must stop after this item: why, in one line."""

    kind: StopKind
    reason: str


@dataclass(frozen=True)
class ItemOutcome:
    """A work item's final status and, when it is not plainly done, the reason in words."""

    status: ItemStatus
    reason: str | None = None
    halt: Halt | None = None
    """Set when the whole run must stop after this item."""
    unexpected: bool = False
    """The error was a bug, not a site or data problem: its traceback is in the run log."""
    facts: Mapping[str, JSONValue] = field(default_factory=dict)
    """Billing facts learnt while working the item (e.g. whether a fee was declined), for
    the owner-only report and ledger."""

    @classmethod
    def done(
        cls, note: str | None = None, facts: Mapping[str, JSONValue] | None = None
    ) -> ItemOutcome:
        """Every step is in place on the sites."""
        return cls(ItemStatus.DONE, note, facts=dict(facts or {}))

    @classmethod
    def review(cls, reason: str) -> ItemOutcome:
        """The data does not add up: a person must look."""
        return cls(ItemStatus.NEEDS_REVIEW, reason)

    @classmethod
    def rehearsed(cls) -> ItemOutcome:
        """A dry run went through the steps without clicking any irreversible one."""
        return cls(ItemStatus.REHEARSED, "dry run: nothing was changed")

    @classmethod
    def skipped(cls, reason: str) -> ItemOutcome:
        """The operator skipped a step, so the rest of the item was left alone."""
        return cls(ItemStatus.SKIPPED, reason)


def outcome_for_error(error: BaseException, step: str | None) -> ItemOutcome:
    """The outcome of an item whose work raised ``error`` at ``step`` (None: while reading).

    Business rules send the item to review (a verdict from data that was read); anything
    the site or the machinery did is a failure a later run may retry; a rejected login,
    the operator's stop and a lost ledger also stop the run.
    """
    where = f" at {step}" if step else " while reading the sites"
    if isinstance(error, BusinessRuleError):
        return ItemOutcome(ItemStatus.NEEDS_REVIEW, str(error), facts=_json_facts(error.facts))
    if isinstance(error, StopRequested):
        return ItemOutcome(
            ItemStatus.STOPPED,
            f"stopped by the operator{where}; run it again to resume there",
            halt=Halt(StopKind.OPERATOR, str(error)),
        )
    if isinstance(error, KeyboardInterrupt):
        return ItemOutcome(
            ItemStatus.STOPPED,
            f"interrupted (Ctrl-C){where}; run it again to resume there",
            halt=Halt(StopKind.INTERRUPTED, "interrupted (Ctrl-C); run again to resume"),
        )
    if isinstance(error, AuthError):
        return ItemOutcome(ItemStatus.FAILED, str(error), halt=Halt(StopKind.LOGIN, str(error)))
    if isinstance(error, LedgerError):
        return ItemOutcome(
            ItemStatus.FAILED, str(error), halt=Halt(StopKind.LEDGER, f"the ledger failed: {error}")
        )
    if isinstance(error, ControlNotFound):
        return ItemOutcome(ItemStatus.FAILED, f"{error}{where}")
    if isinstance(error, TransientError | PlaywrightTimeoutError):
        return ItemOutcome(
            ItemStatus.FAILED, f"the site did not respond as expected{where}: {_first_line(error)}"
        )
    if isinstance(error, PlaywrightError | BillingRobotError):
        return ItemOutcome(ItemStatus.FAILED, f"browser error{where}: {_first_line(error)}")
    return ItemOutcome(
        ItemStatus.FAILED,
        f"unexpected error{where} ({type(error).__name__}); "
        "the traceback is in the run's errors.log",
        unexpected=True,
    )


def _first_line(error: BaseException) -> str:
    # Playwright's messages quote locators and call logs that can hold names or emails:
    # keep the first line, without email addresses, so the reason says what failed.
    text = str(error).strip()
    first = text.splitlines()[0] if text else type(error).__name__
    return scrub_text(first)[:240]


def _json_facts(facts: Mapping[str, object]) -> dict[str, JSONValue]:
    # Dates and amounts as text: the ledger stores facts as JSON.
    return {
        key: value if isinstance(value, str | int | float | bool) or value is None else str(value)
        for key, value in facts.items()
    }
