"""The ledger: which work items exist, who holds them under what lease, which steps are done.

One row per work item, one per (item, step), plus the runs, what each run touched, and
reviewers' resolutions. The commit gate reads and writes steps; the batch claims items;
the report reads everything. Everything goes through the :class:`Ledger` protocol, with
two backends behind it:

- :class:`SqliteLedger` (``ledger_path``), the embedded default: one machine, any number
  of threads and processes;
- :class:`PostgresLedger` (``ledger_url``): a fleet of robots, on any hosts, on one queue.

:func:`open_ledger` picks the one the settings name. Several robots may share a ledger:
each item is claimed under a lease (holder and ``lease_until``) that the robot renews
while it works (:class:`LeaseKeeper`); a dead robot's items are taken over once the
lease lapses, and its open intents are checked on the site before anything is redone.

The PostgreSQL backend (and psycopg) is imported on first use only, so commands that
never touch it start fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from robot.ledger.base import LeaseLost, Ledger, LedgerError, LedgerUnavailable
from robot.ledger.lease import LeaseKeeper
from robot.ledger.location import display_url
from robot.ledger.models import (
    Clock,
    Holder,
    ItemStatus,
    JSONValue,
    Refusal,
    RefusalReason,
    Resolution,
    ResolutionAction,
    RunRecord,
    StepRecord,
    StepState,
    WorkItem,
)
from robot.ledger.sqlite import SqliteLedger

if TYPE_CHECKING:
    from robot.ledger.postgres import PostgresLedger
    from robot.settings import Settings

__all__ = [
    "Clock",
    "Holder",
    "ItemStatus",
    "JSONValue",
    "LeaseKeeper",
    "LeaseLost",
    "Ledger",
    "LedgerError",
    "LedgerUnavailable",
    "PostgresLedger",
    "Refusal",
    "RefusalReason",
    "Resolution",
    "ResolutionAction",
    "RunRecord",
    "SqliteLedger",
    "StepRecord",
    "StepState",
    "WorkItem",
    "ledger_location",
    "open_ledger",
]


def open_ledger(
    settings: Settings, run_id: str | None = None, *, clock: Clock | None = None
) -> Ledger:
    """Open the ledger the settings name: PostgreSQL if ``ledger_url`` is set, else SQLite.

    Without ``run_id`` the handle only reads, adds items and resolves. Raises
    :class:`LedgerUnavailable` when the database cannot be reached.
    """
    if settings.ledger_url is not None:
        from robot.ledger.postgres import PostgresLedger

        return PostgresLedger.from_settings(settings, run_id, clock=clock)
    return SqliteLedger.from_settings(settings, run_id, clock=clock)


def ledger_location(settings: Settings) -> str:
    """Where the settings' ledger lives, for people: its path, or its URL without password."""
    if settings.ledger_url is not None:
        return display_url(settings.ledger_url)
    return str(settings.ledger_path)


def __getattr__(name: str) -> Any:
    # PostgresLedger on first use: importing psycopg costs a third of a second.
    if name == "PostgresLedger":
        from robot.ledger.postgres import PostgresLedger

        return PostgresLedger
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
