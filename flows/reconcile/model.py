"""What a reconciliation reads from the three sites, and what it finds: plain, frozen data.

The read side (``flows.reconcile.read``) fills the first four types from the pages; the
matching (``flows.reconcile.matching``) turns them into a :class:`Reconciliation`, with no
browser, so the rules are tested on their own. Names and amounts live here and in the
owner-only files only, never in the log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


@dataclass(frozen=True)
class ConfirmedSession:
    """One row of Headway's Payments tab: a confirmed session and what Headway paid for it.

    ``date`` and ``start`` are the provider calendar's wall clock; ``zone`` is that
    calendar's zone (an IANA key), None when it could not be read. ``client_email`` comes
    from Headway's Patients list (the Payments tab shows names only), None when the name
    is not there exactly once.
    """

    client_name: str
    client_email: str | None
    provider: str
    date: dt.date
    start: dt.time | None
    zone: str | None
    cpt_codes: tuple[str, ...]
    confirmed_on: dt.date | None
    paid_on: dt.date | None
    amount: Decimal | None
    headway_status: str
    """The status Headway shows ("Paid", "Paid late", "Pending", "Missing")."""


@dataclass(frozen=True)
class BilledRequest:
    """An Intercom billing request whose "Insurance Billing" attribute says Billed.

    ``date``/``start``/``zone`` are the admin note's session, as written (None where the
    note says nothing readable).
    """

    conversation_id: str
    client_name: str
    client_email: str | None
    date: dt.date | None
    start: dt.time | None
    zone: str | None
    status: str
    """The conversation's status ("open", "closed")."""
    url: str = ""
    """Where a person opens the conversation."""


@dataclass(frozen=True)
class ClientInvoice:
    """One Appointment invoice of a client on the Ruh Platform (the appointment's wall clock)."""

    invoice_id: str
    date: dt.date | None
    start: dt.time | None
    zone: str | None
    status: str
    amount: Decimal
    balance: Decimal


@dataclass(frozen=True)
class LateFee:
    """A late-cancelled appointment that has its fee invoice, and that invoice's state.

    ``status`` is None when the appointment names an invoice the client's Billing tab
    does not list.
    """

    appointment_id: str
    client_name: str
    date: dt.date
    invoice_id: str
    status: str | None
    amount: Decimal | None
    balance: Decimal | None


class PayoutState(StrEnum):
    """Whether Headway paid a confirmed session, by the payout rule and today's date."""

    PAID = "paid"
    PAID_LATE = "paid late"
    NOT_YET_DUE = "not yet due"
    MISSING = "missing"


@dataclass(frozen=True)
class SessionPayout:
    """A confirmed session with its expected payout date (from the rule) and its state."""

    session: ConfirmedSession
    expected_payout: dt.date
    state: PayoutState

    @property
    def needs_a_person(self) -> bool:
        """Paid late or not at all: someone should ask Headway."""
        return self.state in (PayoutState.PAID_LATE, PayoutState.MISSING)


@dataclass(frozen=True)
class UnmatchedRequest:
    """A request marked Billed with no confirmed Headway session for its client and date."""

    request: BilledRequest
    reason: str


@dataclass(frozen=True)
class UnwrittenInvoice:
    """A confirmed Headway session whose Ruh Platform invoice is not written off."""

    session: ConfirmedSession
    invoice: ClientInvoice | None
    """The invoice of that day (None: none found)."""
    reason: str


@dataclass(frozen=True)
class Reconciliation:
    """Everything found, one list per section of the report, each sorted by date."""

    today: dt.date
    since: dt.date | None
    sessions: list[SessionPayout] = field(default_factory=list)
    """1. Every confirmed session with its expected payout date and state."""
    late_payouts: list[SessionPayout] = field(default_factory=list)
    """2. Sessions paid late or not at all."""
    billed_without_session: list[UnmatchedRequest] = field(default_factory=list)
    """3. Requests marked Billed without a confirmed Headway session."""
    invoices_not_written_off: list[UnwrittenInvoice] = field(default_factory=list)
    """4. Confirmed sessions whose invoice is not written off."""
    outstanding_fees: list[LateFee] = field(default_factory=list)
    """5. Late-cancellation fees still unpaid."""

    @property
    def needs_a_person(self) -> bool:
        """True when any of sections 2-5 lists something."""
        return bool(
            self.late_payouts
            or self.billed_without_session
            or self.invoices_not_written_off
            or self.outstanding_fees
        )

    def counts(self) -> dict[str, int]:
        """How many rows each section has (what the log and the console say)."""
        return {
            "sessions": len(self.sessions),
            "late_payouts": len(self.late_payouts),
            "billed_without_session": len(self.billed_without_session),
            "invoices_not_written_off": len(self.invoices_not_written_off),
            "outstanding_fees": len(self.outstanding_fees),
        }
