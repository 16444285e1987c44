"""The reconciliation's rules: sessions against payouts, requests and invoices. No browser.

- A session's payout is due on the date Headway's schedule gives for the day it was
  confirmed (:func:`robot.rules.payout.payout_date`): paid on or before it is *paid*,
  after it *paid late*; unpaid, it is *not yet due* until that date and *missing* after.
  (Headway warns that a bank can add a day or two; a person judges that, the report
  shows both dates.)
- A request marked Billed needs a confirmed session of the same client on the same day.
- A confirmed session's invoice (the client's Appointment invoice of that day) must be
  written off: the procedure's step 5.
- A late-cancellation fee invoice must be paid; open or failed, it is an outstanding
  balance.

"The same client" is the same email where both sides know it, else the same name; "the
same day" is the session's start, moved into the other record's zone, falling on its
date (a 9 PM Pacific session is on the next day of an Eastern calendar).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from flows.reconcile.model import (
    BilledRequest,
    ClientInvoice,
    ConfirmedSession,
    LateFee,
    PayoutState,
    Reconciliation,
    SessionPayout,
    UnmatchedRequest,
    UnwrittenInvoice,
)
from robot.rules.payout import payout_date
from robot.rules.timezones import in_zone, localize

WRITTEN_OFF = "Written off"
APPOINTMENT_FEE_SETTLED = frozenset({"Paid", "Written off"})
"""A fee invoice in one of these states owes nothing (a written-off fee was forgiven)."""


def payout_of(session: ConfirmedSession, today: date) -> SessionPayout:
    """The session's expected payout date and whether it was paid, late, or is missing."""
    # Headway always shows the confirmation day; should it not, the session day is the
    # earliest it can have been confirmed, so the expected date is never too late.
    expected = payout_date(session.confirmed_on or session.date)
    if session.paid_on is not None:
        state = PayoutState.PAID if session.paid_on <= expected else PayoutState.PAID_LATE
    else:
        state = PayoutState.NOT_YET_DUE if today <= expected else PayoutState.MISSING
    return SessionPayout(session=session, expected_payout=expected, state=state)


def same_client(name: str, email: str | None, other_name: str, other_email: str | None) -> bool:
    """The same person: by email when both are known, else by name (case and spaces aside)."""
    if email and other_email:
        return email.strip().casefold() == other_email.strip().casefold()
    return _folded(name) == _folded(other_name)


def on_day(session: ConfirmedSession, day: date, zone: str | None) -> bool:
    """Whether ``session`` happened on ``day`` as a clock in ``zone`` reads it.

    Without both zones (or a start time) the calendar dates are compared as written.
    """
    if session.zone is None or zone is None or session.start is None:
        return session.date == day
    try:
        moment = localize(session.date, session.start, session.zone)
    except ValueError:  # a daylight-saving gap or overlap: no single instant to move
        return session.date == day
    return in_zone(moment, zone).date() == day


def unmatched_requests(
    requests: Iterable[BilledRequest], sessions: Sequence[ConfirmedSession]
) -> list[UnmatchedRequest]:
    """The Billed requests with no confirmed session for their client on their day."""
    found = []
    for request in requests:
        if request.date is None:
            found.append(UnmatchedRequest(request, "the admin note gives no readable date"))
            continue
        day = request.date
        if not any(
            same_client(s.client_name, s.client_email, request.client_name, request.client_email)
            and on_day(s, day, request.zone)
            for s in sessions
        ):
            found.append(UnmatchedRequest(request, "no confirmed Headway session that day"))
    return found


def unwritten_invoices(
    sessions: Iterable[ConfirmedSession],
    invoices: Mapping[str, Sequence[ClientInvoice] | None],
) -> list[UnwrittenInvoice]:
    """The confirmed sessions whose invoice of that day is not written off.

    ``invoices`` maps a client's email (case-folded) to their Appointment invoices, or to
    None when the Ruh Platform has no single client with that email.
    """
    found = []
    for session in sessions:
        email = (session.client_email or "").casefold()
        theirs = invoices.get(email) if email else None
        if theirs is None:
            found.append(UnwrittenInvoice(session, None, "client not found on the Ruh Platform"))
            continue
        that_day = [i for i in theirs if i.date is not None and on_day(session, i.date, i.zone)]
        if any(invoice.status == WRITTEN_OFF for invoice in that_day):
            continue
        if not that_day:
            found.append(UnwrittenInvoice(session, None, "no invoice for that day"))
            continue
        invoice = that_day[0]
        found.append(UnwrittenInvoice(session, invoice, f"invoice {invoice.status}"))
    return found


def outstanding(fees: Iterable[LateFee]) -> list[LateFee]:
    """The fee invoices not paid: open, failed, owing a balance, or not found."""
    return [
        fee for fee in fees if fee.status not in APPOINTMENT_FEE_SETTLED or (fee.balance or 0) > 0
    ]


def reconcile(
    *,
    sessions: Sequence[ConfirmedSession],
    requests: Sequence[BilledRequest],
    invoices: Mapping[str, Sequence[ClientInvoice] | None],
    fees: Sequence[LateFee],
    today: date,
    since: date | None = None,
) -> Reconciliation:
    """Every section of the reconciliation, limited to dates of service on or after ``since``.

    Requests are matched against every session read, not only those since ``since``: a
    request just inside the window may have its session just outside it in another zone.
    """
    kept = sorted(
        (s for s in sessions if _within(s.date, since)),
        key=lambda s: (s.date, s.start is None, s.start, s.client_name),
    )
    payouts = [payout_of(session, today) for session in kept]
    billed = sorted(
        (r for r in requests if r.date is None or _within(r.date, since)),
        key=lambda r: (r.date is None, r.date, r.client_name, r.conversation_id),
    )
    return Reconciliation(
        today=today,
        since=since,
        sessions=payouts,
        late_payouts=[p for p in payouts if p.needs_a_person],
        billed_without_session=unmatched_requests(billed, sessions),
        invoices_not_written_off=unwritten_invoices(kept, invoices),
        outstanding_fees=sorted(
            outstanding(f for f in fees if _within(f.date, since)),
            key=lambda f: (f.date, f.client_name, f.appointment_id),
        ),
    )


def _within(day: date, since: date | None) -> bool:
    return since is None or day >= since


def _folded(name: str) -> str:
    return " ".join(name.split()).casefold()
