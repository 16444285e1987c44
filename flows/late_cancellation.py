"""Late cancellations: invoice the fee, charge it in full, and chase a declined card.

The work comes from the Ruh Platform: every appointment marked "Late Cancellation" that
has no invoice yet is one work item (``late-cancel:<appointment id>``). Cancellation fees
are never billed to insurance: the client's card pays the appointment's full fee.

======================================  ===============================================
step                                    what changes
======================================  ===============================================
ruh.create-invoice                      an Appointment invoice for the late-cancelled
                                        appointment, with its therapist, is saved
ruh.charge-full                         the invoice is charged its full amount
intercom.failed-payment-reply           (card declined) the "Failed Payment - Late
                                        Cancellation Fee" macro is sent on the client's
                                        "Scheduled payment failed" conversation
intercom.failed-payment-new             (card declined, no such conversation) a new
                                        conversation to the client with that macro
======================================  ===============================================

Each step first looks at the site (the appointment page names its invoice; the invoice
lists every charge, declined ones too; a sent macro shows in the thread) and records
what it finds as done instead of clicking again, so a rerun or a lost answer never
invoices, charges or writes twice. A declined card is not charged again: a person decides
when to retry it. ``clarify_late_cancel`` answers a client who asks about the fee.

The Intercom helpers here (``reply_with_macro``, ``start_conversation_with_macro``) are
shared with ``flows.wrong_charge``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial
from urllib.parse import quote

from flows.commit import record_found
from flows.intercom_messages import (
    client_conversations,
    reply_with_macro,
    start_conversation_with_macro,
)
from flows.outcome import ItemOutcome
from flows.steps import discard
from flows.worker import Worker
from pages.ruh_platform import (
    AppointmentDetails,
    InvoiceRow,
    RuhAppointmentPage,
    RuhAppointmentsPage,
    RuhInvoicesPage,
)
from robot.errors import BusinessRuleError, TransientError
from robot.gate import Outcome
from robot.ledger import Ledger
from robot.logging import get_logger

KIND = "late_cancellation"

LATE_CANCELLATION = "Late Cancellation"
APPOINTMENT_INVOICE = "Appointment"
SCHEDULED_PAYMENT_FAILED = "Scheduled payment failed"
FAILED_PAYMENT_MACRO = "Failed Payment - Late Cancellation Fee"
CLARIFICATION_MACRO = "US Client Requests Late Cancellations Clarification"

_log = get_logger("flows.late_cancellation")


def item_id_for(appointment_id: str) -> str:
    """The ledger id of the late cancellation of ``appointment_id``."""
    return f"late-cancel:{appointment_id}"


def source_ref_for(client_id: str, appointment_id: str) -> str:
    """The ledger's source reference of one late cancellation: ``<client>/<appointment>``."""
    return f"{client_id}/{appointment_id}"


def clarify_item_id(conversation_id: str) -> str:
    """The ledger id of a fee question answered with the clarification macro."""
    return f"late-cancel-question:{conversation_id}"


# ---- Finding the work -----------------------------------------------------------------


def pending_late_cancellations(worker: Worker) -> list[tuple[str, str]]:
    """(client id, appointment id) of every Late Cancellation with no invoice yet.

    Practice menu -> Appointments, filtered to Late Cancellation: one page for the whole
    practice, each row naming the appointment's invoice (or "Not invoiced").
    """
    worker.open("ruh_platform", f"/appointments?status={quote(LATE_CANCELLATION)}")
    base_url = worker.settings.site("ruh_platform").base_url
    rows = RuhAppointmentsPage(worker.page, base_url).appointments()
    return [
        (row.client_id, row.id)
        for row in rows
        if row.status == LATE_CANCELLATION and row.invoice_id is None
    ]


def queue_late_cancellations(worker: Worker, ledger: Ledger) -> int:
    """Add every uninvoiced late cancellation to the ledger (known ones keep their state)."""
    pending = worker.retry(
        "discover-late-cancellations", lambda: pending_late_cancellations(worker)
    )
    added = sum(
        ledger.add_item(
            item_id_for(appointment_id), KIND, source_ref_for(client_id, appointment_id)
        )
        for client_id, appointment_id in pending
    )
    _log.info("late_cancellations_queued", found=len(pending), new=added)
    return added


# ---- One late cancellation ------------------------------------------------------------


@dataclass(frozen=True)
class LateCancellation:
    """What the Ruh Platform says about one late-cancelled appointment."""

    client_id: str
    client_email: str
    appointment: AppointmentDetails


def read_late_cancellation(worker: Worker, client_id: str, appointment_id: str) -> LateCancellation:
    """Open the appointment; check it is a Late Cancellation with a fee; read the email."""
    appointment = _appointment(worker, client_id, appointment_id)
    if appointment.status != LATE_CANCELLATION:
        raise BusinessRuleError(
            f"the appointment's status is {appointment.status!r}, not {LATE_CANCELLATION}"
        )
    if appointment.fee <= 0:
        raise BusinessRuleError("the appointment has no fee to charge")
    base_url = worker.settings.site("ruh_platform").base_url
    contact = RuhAppointmentPage(worker.page, base_url).contact_details()
    return LateCancellation(client_id, contact.email, appointment)


def bill_late_cancellation(worker: Worker, item_id: str, source_ref: str) -> ItemOutcome:
    """Invoice and charge one late cancellation; chase a declined card through Intercom."""
    client_id, _, appointment_id = source_ref.partition("/")
    try:
        case = worker.retry(
            "read-late-cancellation",
            lambda: read_late_cancellation(worker, client_id, appointment_id),
        )
        for name, step in (
            ("ruh.create-invoice", create_invoice),
            ("ruh.charge-full", charge_full),
        ):
            outcome = worker.retry(name, partial(step, worker, item_id, case))
            if outcome is Outcome.SKIPPED:
                return ItemOutcome.skipped(f"the operator skipped {name}; later steps left alone")
            if outcome is Outcome.WOULD_COMMIT:
                # Nothing was created or charged: the later steps have nothing to act on.
                return ItemOutcome.rehearsed()
        invoice = worker.retry("read-charge", lambda: _invoice(worker, case))
        if _charge_outcome(invoice) == "succeeded":
            return ItemOutcome.done(f"late cancellation fee of ${invoice.amount:.2f} charged")
        sent, where = worker.retry(
            "intercom.failed-payment", lambda: send_failed_payment_macro(worker, item_id, case)
        )
    except BusinessRuleError as problem:
        _log.info("needs_review", item_id=item_id)
        return ItemOutcome.review(str(problem))
    if sent is Outcome.WOULD_COMMIT:
        return ItemOutcome.rehearsed()
    if sent is Outcome.SKIPPED:
        return ItemOutcome.skipped("the operator skipped the Failed Payment macro")
    return ItemOutcome.done(f"charge declined; Failed Payment macro sent {where}")


def create_invoice(worker: Worker, item_id: str, case: LateCancellation) -> Outcome:
    """Create New Invoice: Appointment, the appointment's therapist, the appointment; save."""
    step = "ruh.create-invoice"
    appointment = case.appointment
    if _appointment(worker, case.client_id, appointment.id).invoice_id is not None:
        return record_found(worker, item_id, step)
    worker.open("ruh_platform", f"/clients/{case.client_id}/billing/invoices")
    base_url = worker.settings.site("ruh_platform").base_url
    dialog = RuhInvoicesPage(worker.page, base_url).create_new_invoice()
    dialog.choose_type(APPOINTMENT_INVOICE)
    if dialog.therapist() != appointment.therapist:
        dialog.choose_therapist(appointment.therapist)
    dialog.choose_appointment(appointment_option(appointment))
    amount = dialog.amount()
    if amount != appointment.fee:
        raise BusinessRuleError(
            f"the new invoice shows {amount} but the appointment's fee is {appointment.fee}"
        )

    def created() -> bool:
        return _appointment(worker, case.client_id, appointment.id).invoice_id is not None

    return worker.gate.commit(
        item_id,
        step,
        summary=_summary(case, action="create the Appointment invoice", amount=appointment.fee),
        evidence=worker.evidence(item_id),
        act=lambda: discard(dialog.save()),
        verify=created,
        # The appointment was read just before the form was filled and had no invoice.
        already_done=lambda: False,
    )


def charge_full(worker: Worker, item_id: str, case: LateCancellation) -> Outcome:
    """Three-dot menu -> Charge invoice, the full amount."""
    step = "ruh.charge-full"
    invoice = _invoice(worker, case)
    if _charge_outcome(invoice) is not None:
        # Charged before (declined ones count): never charge a second time.
        return record_found(worker, item_id, step)
    if invoice.balance != invoice.amount:
        raise BusinessRuleError("the invoice is partly paid or written off: not charged")
    base_url = worker.settings.site("ruh_platform").base_url
    dialog = RuhInvoicesPage(worker.page, base_url).charge_invoice(invoice.id)
    dialog.set_amount(invoice.amount)

    def charged() -> bool:
        return _charge_outcome(_invoice(worker, case)) is not None

    return worker.gate.commit(
        item_id,
        step,
        summary=_summary(case, action="charge the invoice in full", amount=invoice.amount),
        evidence=worker.evidence(item_id),
        act=lambda: discard(dialog.charge()),
        verify=charged,
        already_done=lambda: False,
    )


def send_failed_payment_macro(
    worker: Worker, item_id: str, case: LateCancellation
) -> tuple[Outcome, str]:
    """Reply on "Scheduled payment failed", or start a new conversation; say which."""
    summary = _summary(case, action=f"send the macro {FAILED_PAYMENT_MACRO!r}")
    existing = _failed_payment_conversation(worker, case.client_email)
    if existing is not None:
        summary["conversation"] = existing
        outcome = reply_with_macro(
            worker,
            item_id,
            "intercom.failed-payment-reply",
            existing,
            FAILED_PAYMENT_MACRO,
            summary=summary,
        )
        return outcome, "on the existing conversation"
    outcome = start_conversation_with_macro(
        worker,
        item_id,
        "intercom.failed-payment-new",
        to=case.client_email,
        subject=f"Late cancellation fee for {_long_date(case.appointment.date)}: payment failed",
        macro=FAILED_PAYMENT_MACRO,
        summary=summary,
    )
    return outcome, "in a new conversation"


def clarify_late_cancel(worker: Worker, item_id: str, conversation_id: str) -> ItemOutcome:
    """Answer a client's question about a late-cancellation fee with the clarification macro."""
    step = "intercom.clarification"
    summary: dict[str, object] = {
        "action": f"send the macro {CLARIFICATION_MACRO!r}",
        "conversation": conversation_id,
    }
    try:
        outcome = worker.retry(
            step,
            lambda: reply_with_macro(
                worker, item_id, step, conversation_id, CLARIFICATION_MACRO, summary=summary
            ),
        )
    except BusinessRuleError as problem:
        return ItemOutcome.review(str(problem))
    if outcome is Outcome.WOULD_COMMIT:
        return ItemOutcome.rehearsed()
    if outcome is Outcome.SKIPPED:
        return ItemOutcome.skipped("the operator skipped the clarification macro")
    return ItemOutcome.done("late cancellation clarification macro sent")


# ---- Intercom macros (shared with flows.wrong_charge) -----------------------------------


def _appointment(worker: Worker, client_id: str, appointment_id: str) -> AppointmentDetails:
    worker.open("ruh_platform", f"/clients/{client_id}/appointments/{appointment_id}")
    base_url = worker.settings.site("ruh_platform").base_url
    return RuhAppointmentPage(worker.page, base_url).details()


def _invoice(worker: Worker, case: LateCancellation) -> InvoiceRow:
    """The appointment's invoice, as Billing -> Invoices lists it (left showing)."""
    invoice_id = _appointment(worker, case.client_id, case.appointment.id).invoice_id
    if invoice_id is None:
        raise BusinessRuleError("the appointment has no invoice")
    worker.open("ruh_platform", f"/clients/{case.client_id}/billing/invoices")
    base_url = worker.settings.site("ruh_platform").base_url
    for row in RuhInvoicesPage(worker.page, base_url).invoices():
        if row.id == invoice_id:
            if row.type != APPOINTMENT_INVOICE or row.therapist != case.appointment.therapist:
                raise BusinessRuleError(
                    f"invoice {invoice_id} is not an Appointment invoice of the "
                    "appointment's therapist"
                )
            return row
    raise TransientError(f"invoice {invoice_id} is not listed under Billing -> Invoices")


def _charge_outcome(invoice: InvoiceRow) -> str | None:
    """``succeeded`` / ``failed`` for the invoice's full charge; None if never charged."""
    full = [charge.outcome for charge in invoice.charges if charge.amount == invoice.amount]
    if not full:
        return None
    return "succeeded" if "succeeded" in full else full[-1]


def _failed_payment_conversation(worker: Worker, email: str) -> str | None:
    """The client's "Scheduled payment failed" conversation (an open one first), if any."""
    found = [
        row
        for row in client_conversations(worker, email)
        if row.subject.strip().casefold() == SCHEDULED_PAYMENT_FAILED.casefold()
    ]
    found.sort(key=lambda row: row.status != "open")  # stable: newest first within each
    return found[0].id if found else None


def appointment_option(appointment: AppointmentDetails) -> str:
    """The Invoice Details option of ``appointment``: "Nov 17, 2026 · 2:00 PM EST · <status>"."""
    clock = appointment.start.strftime("%I:%M %p").lstrip("0")
    return f"{_long_date(appointment.date)} · {clock} {appointment.zone} · {appointment.status}"


def _long_date(day: date) -> str:
    return f"{day:%b} {day.day}, {day.year}"




def _summary(
    case: LateCancellation, *, action: str, amount: Decimal | None = None
) -> dict[str, object]:
    """What the operator sees before a click: ids, dates and amounts, never names."""
    summary: dict[str, object] = {
        "action": action,
        "client": case.client_id,
        "appointment": case.appointment.id,
        "date": case.appointment.date.isoformat(),
    }
    if amount is not None:
        summary["amount"] = f"${amount:.2f}"
    return summary
