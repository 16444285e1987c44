"""The :class:`Ledger` contract every backend implements, and the ledger's errors.

The commit gate, the batch, the audit trail and the CLI only ever see this protocol, so
SQLite (one machine) and PostgreSQL (a fleet of robots on one queue) are interchangeable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Protocol, runtime_checkable

from robot.errors import BillingRobotError
from robot.ledger.models import (
    Holder,
    ItemStatus,
    JSONValue,
    Refusal,
    Resolution,
    ResolutionAction,
    RunRecord,
    StepRecord,
    StepState,
    WorkItem,
)

__all__ = ["LeaseLost", "Ledger", "LedgerError", "LedgerUnavailable"]


class LedgerError(BillingRobotError):
    """The ledger was asked for something its state does not allow.

    Raised when a handle finishes an item it does not hold, a dry run marks one done, a
    reviewer resolves an item that is not in review, failed or skipped, or a read-only
    handle (no run id) tries to claim or record.
    """


class LedgerUnavailable(LedgerError):  # noqa: N818 - a state, like the stdlib's TimeoutError
    """The ledger's database cannot be reached (or written): stop before the next click.

    Raised by any ledger call whose connection fails: the PostgreSQL server is down or
    unreachable within the connect timeout, or the SQLite file cannot be opened or
    written. The message names the ledger by its location (never with a password).
    """


class LeaseLost(LedgerError):  # noqa: N818 - a state, like LedgerUnavailable
    """Another claim holds the item now: this handle must stop working on it.

    Raised by ``renew``, ``finish``, ``record_step`` and ``record_facts`` when the item is
    in progress under another holder (the lease lapsed and another robot took over).
    Nothing was written; ``holder`` says who has it.
    """

    def __init__(self, item_id: str, holder: Holder | None) -> None:
        """Say that ``item_id`` is held by ``holder`` (None: no longer in progress)."""
        self.item_id = item_id
        self.holder = holder
        if holder is not None:
            message = f"{item_id} is held by {holder.describe()}, not by this robot"
        else:
            message = f"{item_id} is not in progress: this robot holds no lease on it"
        super().__init__(message)


@runtime_checkable
class Ledger(Protocol):
    """What the robot needs from a ledger; a backend implements exactly this.

    A handle works for one run (``run_id``) of one process; all its worker threads share
    it. Without a run id a handle only reads, adds items and records resolutions (the
    ``ledger``, ``report`` and ``review`` commands).
    """

    @property
    def run_id(self) -> str:
        """The run this handle works for (raises :class:`LedgerError` on a read-only one)."""

    @property
    def location(self) -> str:
        """Where the ledger lives, for people: a path, or a URL without password."""

    # --- items and claims --------------------------------------------------------------

    def add_item(self, item_id: str, kind: str, source_ref: str) -> bool:
        """Add a pending item; return False (changing nothing) if it already exists."""

    def claim_next(self, worker: str, kinds: Sequence[str] | None = None) -> WorkItem | None:
        """Atomically claim the oldest claimable item for ``worker``, or return None.

        Claimable: pending; rehearsed, or failed with attempts left, by another run; in
        progress under a lapsed lease (its holder died: a takeover, counted as an attempt,
        or ``retiring`` when no attempt is left). Dry-run handles never count attempts.
        """

    def claim(self, item_id: str, worker: str) -> WorkItem | Refusal:
        """Claim one named item unless it is unknown, done or held under a live lease."""

    def renew(self, item_id: str) -> datetime:
        """Extend this handle's lease on ``item_id``; return the new end of the lease.

        Raises :class:`LeaseLost` if another claim holds it now.
        """

    def finish(self, item_id: str, status: ItemStatus, reason: str | None = None) -> None:
        """End this handle's hold on an item with its final status and reason."""

    def get_item(self, item_id: str) -> WorkItem | None:
        """Return one item, or None if unknown."""

    def list_items(
        self, status: ItemStatus | None = None, run_id: str | None = None
    ) -> list[WorkItem]:
        """Return items (oldest first), optionally one status's, or every item a run touched."""

    def holders(self) -> dict[str, Holder]:
        """Who holds each item in progress (its lease may have lapsed), by item id."""

    def record_facts(self, item_id: str, facts: Mapping[str, JSONValue]) -> None:
        """Merge ``facts`` (JSON values, owner-only data) into the item's facts."""

    # --- steps ---------------------------------------------------------------------------

    def step_state(self, item_id: str, step: str) -> StepState | None:
        """Return a step's state, or None if it was never recorded."""

    def record_step(
        self,
        item_id: str,
        step: str,
        state: StepState,
        evidence: Path | None = None,
        *,
        found: bool = False,
    ) -> None:
        """Set a step's state, durably, before the caller clicks (see the backends)."""

    def list_steps(self, item_id: str) -> list[StepRecord]:
        """Return an item's steps in the order they were first recorded."""

    # --- review and runs -------------------------------------------------------------------

    def resolve(
        self, item_id: str, action: ResolutionAction, by: str, reason: str | None = None
    ) -> Resolution:
        """Record a reviewer's decision on an item in review, failed or skipped."""

    def list_resolutions(self, item_id: str) -> list[Resolution]:
        """Return an item's resolutions, oldest first."""

    def start_run(self, run_id: str, mode: str, host: str, pid: int, run_dir: Path | str) -> None:
        """Record that a run started (raises :class:`LedgerError` if the id is taken)."""

    def end_run(self, run_id: str, outcome: str) -> None:
        """Record how a run ended."""

    def get_run(self, run_id: str) -> RunRecord | None:
        """Return one run, or None if it was never started."""

    def close(self) -> None:
        """Release connections."""
