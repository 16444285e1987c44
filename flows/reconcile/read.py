"""Reading what a reconciliation compares, the way a person would, clicking nothing that changes.

- Headway: Payments (every page), Patients (for the clients' emails), and each provider's
  Calendar for its time zone;
- Intercom: the search for the admin note every billing request carries, then each
  conversation found, for its "Insurance Billing" attribute and its note;
- Ruh Platform: practice menu -> Appointments filtered to Late Cancellation, and the
  Billing -> Invoices tab of every client concerned.

Each unit starts from a known page through a gateway and runs under the retry policy.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import partial

from flows.reconcile.model import BilledRequest, ClientInvoice, ConfirmedSession, LateFee
from flows.reconcile.tab import ReadingTab
from pages.headway import PayoutRow
from pages.intercom import ConversationRow
from pages.ruh_platform import InvoiceRow
from robot.errors import BusinessRuleError
from robot.logging import get_logger
from robot.rules.note import parse_admin_note
from robot.rules.timezones import zone_for

_log = get_logger("flows.reconcile")

BILLING_REQUEST_SEARCH = "For admin use only"
"""What every billing request holds (its admin note's first line): Intercom's search finds
them open or closed, in any view, which no team view does (views list open ones only)."""
BILLED = "Billed"
LATE_CANCELLATION = "Late Cancellation"
APPOINTMENT_INVOICE = "Appointment"
_LISTED = "%b %d, %Y %I:%M %p"  # how a conversation row shows its creation


def confirmed_sessions(tab: ReadingTab) -> list[ConfirmedSession]:
    """Every confirmed session on Headway's Payments tab, with its client's email and zone.

    All of them, whatever the window: a request is matched against every session.
    """
    rows = tab.retry("reconcile-headway-payments", tab.headway.payouts)
    emails = _emails_by_name(tab)
    providers = sorted({r.provider for r in rows})
    zones = {
        provider: tab.retry("reconcile-headway-calendar", partial(_zone_of, tab, provider))
        for provider in providers
    }
    sessions = [
        _session(row, row.session_date, emails, zones)
        for row in rows
        if row.session_date is not None
    ]
    _log.info("headway_read", sessions=len(sessions), providers=len(providers))
    return sessions


def _emails_by_name(tab: ReadingTab) -> dict[str, str]:
    patients = tab.retry("reconcile-headway-patients", tab.headway.patients)
    names = Counter(_fold(p.name) for p in patients)
    # A name two patients share says nothing about which one a payout was for.
    return {_fold(p.name): p.email for p in patients if names[_fold(p.name)] == 1}


def _zone_of(tab: ReadingTab, provider: str) -> str | None:
    label = tab.headway.provider(provider).open_calendar().timezone_label()
    return zone_for(label)


def _session(
    row: PayoutRow, day: date, emails: dict[str, str], zones: dict[str, str | None]
) -> ConfirmedSession:
    return ConfirmedSession(
        client_name=row.client_name,
        client_email=emails.get(_fold(row.client_name)),
        provider=row.provider,
        date=day,
        start=row.session_start,
        zone=zones.get(row.provider),
        cpt_codes=row.cpt_codes,
        confirmed_on=row.confirmed_on,
        paid_on=row.paid_on,
        amount=row.amount,
        headway_status=row.status,
    )


def billed_requests(tab: ReadingTab, since: date | None) -> list[BilledRequest]:
    """Every billing request whose "Insurance Billing" attribute is Billed, open or closed.

    With ``since``, conversations created more than a day before it are not opened: a
    request is made after its session, so theirs are older still.
    """
    rows = tab.retry(
        "reconcile-intercom-search", lambda: tab.intercom.search(BILLING_REQUEST_SEARCH).results()
    )
    found = []
    opened = 0
    for row in rows:
        if not _maybe_since(row, since):
            continue
        opened += 1
        request = tab.retry("reconcile-intercom-conversation", partial(_read, tab, row))
        if request is not None:
            found.append(request)
    _log.info("intercom_read", listed=len(rows), opened=opened, billed=len(found))
    return found


def _maybe_since(row: ConversationRow, since: date | None) -> bool:
    if since is None:
        return True
    try:
        created = datetime.strptime(row.created.strip(), _LISTED).date()
    except ValueError:
        return True  # unreadable: open it rather than miss it
    return created >= since - timedelta(days=1)


def _read(tab: ReadingTab, row: ConversationRow) -> BilledRequest | None:
    page = tab.intercom.conversation(row.id)
    details = page.details()
    if details.insurance_billing != BILLED:
        return None
    text = page.admin_note()
    note = parse_admin_note(text).note if text else None
    return BilledRequest(
        conversation_id=details.id,
        client_name=(note.client_name if note else None) or details.contact_name,
        client_email=(note.client_email if note else None) or details.contact_email or None,
        date=note.session_date if note else None,
        start=note.start if note else None,
        zone=note.zone if note else None,
        status=details.status,
        url=tab.intercom.conversation_url(details.id),
    )


def client_invoices(
    tab: ReadingTab, emails: Iterable[str]
) -> dict[str, list[ClientInvoice] | None]:
    """Each client's Appointment invoices by email (case-folded); None: no single client."""
    found: dict[str, list[ClientInvoice] | None] = {}
    for email in sorted({e.casefold() for e in emails}):
        try:
            rows = tab.retry("reconcile-ruh-invoices", partial(_invoices_of, tab, email))
        except BusinessRuleError:  # none or several clients with that email
            found[email] = None
            continue
        found[email] = [_invoice(r) for r in rows if r.type == APPOINTMENT_INVOICE]
    _log.info("ruh_invoices_read", clients=len(found))
    return found


def _invoices_of(tab: ReadingTab, email: str) -> list[InvoiceRow]:
    return tab.ruh.find_client(email).open_invoices().invoices()


def _invoice(row: InvoiceRow) -> ClientInvoice:
    return ClientInvoice(
        invoice_id=row.id,
        date=row.appointment_date,
        start=row.appointment_start,
        zone=zone_for(row.appointment_zone) if row.appointment_zone else None,
        status=row.status,
        amount=row.amount,
        balance=row.balance,
    )


def late_fees(tab: ReadingTab, since: date | None) -> list[LateFee]:
    """Every invoiced late cancellation (from ``since``) and the state of its fee invoice.

    One not invoiced yet is the batch's work, not a balance: it is left out.
    """
    rows = tab.retry(
        "reconcile-ruh-late-cancellations",
        lambda: tab.ruh.practice_appointments(LATE_CANCELLATION).appointments(),
    )
    invoiced = [
        r
        for r in rows
        if r.status == LATE_CANCELLATION
        and r.invoice_id is not None
        and (since is None or r.date >= since)
    ]
    by_client: dict[str, dict[str, InvoiceRow]] = {}
    for client_id in sorted({r.client_id for r in invoiced}):
        listed = tab.retry("reconcile-ruh-fee-invoices", partial(_fee_invoices, tab, client_id))
        by_client[client_id] = {invoice.id: invoice for invoice in listed}
    fees = []
    for row in invoiced:
        invoice_id = row.invoice_id or ""
        invoice = by_client[row.client_id].get(invoice_id)
        fees.append(
            LateFee(
                appointment_id=row.id,
                client_name=row.client_name,
                date=row.date,
                invoice_id=invoice_id,
                status=invoice.status if invoice else None,
                amount=invoice.amount if invoice else None,
                balance=invoice.balance if invoice else None,
            )
        )
    _log.info("ruh_fees_read", late_cancellations=len(rows), invoiced=len(fees))
    return fees


def _fee_invoices(tab: ReadingTab, client_id: str) -> list[InvoiceRow]:
    return tab.ruh.invoices(client_id).invoices()


def _fold(name: str) -> str:
    return " ".join(name.split()).casefold()
