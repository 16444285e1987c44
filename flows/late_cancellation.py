"""Late cancellations: invoice the fee, charge it in full, and chase a declined card.

The work comes from the Ruh Platform: every appointment marked "Late Cancellation" that
has no invoice yet is one work item (``late-cancel:<appointment id>``). Cancellation fees
are never billed to insurance: the client's card pays the appointment's full fee.

=======================  ==============================================================
step                     what changes
=======================  ==============================================================
ruh.create-invoice       an Appointment invoice for the late-cancelled appointment, with
                         its therapist, is saved
ruh.charge-full          the invoice is charged its full amount
intercom.failed-payment  (card declined) the "Failed Payment - Late Cancellation Fee"
                         macro, as a reply on the client's "Scheduled payment failed"
                         conversation, or in a new conversation when there is none
=======================  ==============================================================

Each step looks at the site first: the client's invoices list the appointment's invoice
and every charge against it (declined ones too), and a sent macro shows in the thread.
A declined card is never charged again: a person decides when to retry it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flows.messaging import MacroTarget, send_macro
from flows.process import Found, Process, Step, StepContext
from flows.worker import Worker
from pages.ruh_platform import (
    AppointmentDetails,
    ChargeInvoiceDialog,
    CreateInvoiceDialog,
    InvoiceRow,
    RuhInvoicesPage,
)
from robot.engine import CommitStep, ItemProgress
from robot.errors import BusinessRuleError
from robot.ledger import JSONValue
from robot.outcome import ItemOutcome

KIND = "late_cancellation"

LATE_CANCELLATION = "Late Cancellation"
APPOINTMENT_INVOICE = "Appointment"
SCHEDULED_PAYMENT_FAILED = "Scheduled payment failed"
FAILED_PAYMENT_MACRO = "Failed Payment - Late Cancellation Fee"
DECLINED = "failed"


def item_id_for(appointment_id: str) -> str:
    """The ledger id of the late cancellation of ``appointment_id``."""
    return f"late-cancel:{appointment_id}"


def source_ref_for(client_id: str, appointment_id: str) -> str:
    """The ledger's source reference of one late cancellation: ``<client>/<appointment>``."""
    return f"{client_id}/{appointment_id}"


# ---- Finding and reading the work -----------------------------------------------------


def pending_late_cancellations(worker: Worker) -> list[Found]:
    """Every Late Cancellation with no invoice yet (practice menu -> Appointments)."""
    rows = worker.ruh.practice_appointments(LATE_CANCELLATION).appointments()
    return [
        Found(item_id_for(row.id), source_ref_for(row.client_id, row.id))
        for row in rows
        if row.status == LATE_CANCELLATION and row.invoice_id is None
    ]


@dataclass(frozen=True)
class LateCancellation:
    """What the Ruh Platform says about one late-cancelled appointment."""

    client_id: str
    client_name: str
    client_email: str
    appointment: AppointmentDetails


def read_late_cancellation(worker: Worker, source_ref: str) -> LateCancellation:
    """Open the appointment; check it is a Late Cancellation with a fee; read the client."""
    client_id, _, appointment_id = source_ref.partition("/")
    page = worker.ruh.past_appointment(client_id, appointment_id)
    appointment = page.details()
    if appointment.status != LATE_CANCELLATION:
        raise BusinessRuleError(
            f"the appointment's status is {appointment.status!r}, not {LATE_CANCELLATION}"
        )
    if appointment.fee <= 0:
        raise BusinessRuleError("the appointment has no fee to charge")
    return LateCancellation(
        client_id, page.client_name(), page.contact_details().email, appointment
    )


# ---- The steps ------------------------------------------------------------------------

Ctx = StepContext[LateCancellation]


def appointment_option(appointment: AppointmentDetails) -> str:
    """The Invoice Details option of ``appointment``: "Nov 17, 2026 · 2:00 PM EST · <status>"."""
    clock = appointment.start.strftime("%I:%M %p").lstrip("0")
    return f"{long_date(appointment.date)} · {clock} {appointment.zone} · {appointment.status}"


def long_date(day: date) -> str:
    """``Nov 17, 2026``."""
    return f"{day:%b} {day.day}, {day.year}"


def _invoices(ctx: Ctx) -> RuhInvoicesPage:
    return ctx.worker.ruh.invoices(ctx.facts.client_id)


def fee_invoice(invoices: RuhInvoicesPage, case: LateCancellation) -> InvoiceRow | None:
    """The Appointment invoice of the late-cancelled appointment, if the client has one."""
    appointment = case.appointment
    found = [
        row
        for row in invoices.invoices()
        if row.type == APPOINTMENT_INVOICE
        and row.appointment_date == appointment.date
        and row.appointment_start == appointment.start
    ]
    if len(found) > 1:
        raise BusinessRuleError(
            f"{len(found)} invoices already exist for the appointment: a person must look"
        )
    if found and found[0].therapist != appointment.therapist:
        raise BusinessRuleError(
            f"invoice {found[0].id} is not an Appointment invoice of the appointment's therapist"
        )
    return found[0] if found else None


def _fill_invoice(invoices: RuhInvoicesPage, ctx: Ctx) -> None:
    appointment = ctx.facts.appointment
    dialog = invoices.create_new_invoice()
    dialog.choose_type(APPOINTMENT_INVOICE)
    if dialog.therapist() != appointment.therapist:
        dialog.choose_therapist(appointment.therapist)
    dialog.choose_appointment(appointment_option(appointment))
    amount = dialog.amount()
    if amount != appointment.fee:
        raise BusinessRuleError(
            f"the new invoice shows {amount} but the appointment's fee is {appointment.fee}"
        )


def _fee_details(ctx: Ctx, amount: Decimal) -> dict[str, str]:
    appointment = ctx.facts.appointment
    return {
        "client": f"{ctx.facts.client_name} <{ctx.facts.client_email}>",
        "appointment": f"{appointment_option(appointment)} with {appointment.therapist}",
        "amount": f"${amount:.2f}",
    }


CREATE_INVOICE: Step[LateCancellation] = CommitStep(
    name="ruh.create-invoice",
    label="Create and save the Appointment invoice for the late cancellation",
    open=_invoices,
    done=lambda invoices, ctx: fee_invoice(invoices, ctx.facts) is not None,
    fill=_fill_invoice,
    click=lambda invoices, ctx: CreateInvoiceDialog(invoices.page, invoices.base_url).save(),
    details=lambda _invoices, ctx: _fee_details(ctx, ctx.facts.appointment.fee),
)


def charge_outcome(invoice: InvoiceRow) -> str | None:
    """``succeeded`` / ``failed`` for the invoice's full charge; None if never charged."""
    full = [charge.outcome for charge in invoice.charges if charge.amount == invoice.amount]
    if not full:
        return None
    return "succeeded" if "succeeded" in full else full[-1]


def _the_invoice(invoices: RuhInvoicesPage, ctx: Ctx) -> InvoiceRow:
    invoice = fee_invoice(invoices, ctx.facts)
    if invoice is None:
        raise BusinessRuleError("the late cancellation has no invoice to charge")
    return invoice


def _fill_charge(invoices: RuhInvoicesPage, ctx: Ctx) -> None:
    invoice = _the_invoice(invoices, ctx)
    if invoice.balance != invoice.amount:
        raise BusinessRuleError("the invoice is partly paid or written off: not charged")
    invoices.charge_invoice(invoice.id).set_amount(invoice.amount)


def _charge(invoices: RuhInvoicesPage, ctx: Ctx) -> None:
    invoice = _the_invoice(invoices, ctx)
    ChargeInvoiceDialog(invoices.page, invoices.base_url, invoice.id).charge()


CHARGE_FULL: Step[LateCancellation] = CommitStep(
    name="ruh.charge-full",
    label="Charge the invoice its full amount",
    open=_invoices,
    # Charged before, declined ones included: never charge a second time.
    done=lambda invoices, ctx: charge_outcome(_the_invoice(invoices, ctx)) is not None,
    fill=_fill_charge,
    click=_charge,
    details=lambda _invoices, ctx: _fee_details(ctx, ctx.facts.appointment.fee),
    needs=("ruh.create-invoice",),
)


def _declined(ctx: Ctx) -> bool:
    invoice = _the_invoice(_invoices(ctx), ctx)
    return charge_outcome(invoice) == DECLINED


def _failed_payment_target(ctx: Ctx) -> MacroTarget:
    """Reply on the client's "Scheduled payment failed" conversation, or start one."""
    case = ctx.facts
    rows = [
        row
        for row in ctx.worker.intercom.conversations_of(case.client_email)
        if row.subject.strip().casefold() == SCHEDULED_PAYMENT_FAILED.casefold()
    ]
    rows.sort(key=lambda row: row.status != "open")  # stable: an open one first
    subject = f"Late cancellation fee for {long_date(case.appointment.date)}: payment failed"
    return MacroTarget(to=case.client_email, subject=subject, reply_to=rows[0].id if rows else None)


FAILED_PAYMENT: Step[LateCancellation] = send_macro(
    name="intercom.failed-payment",
    label=f'Send the "{FAILED_PAYMENT_MACRO}" macro',
    macro=FAILED_PAYMENT_MACRO,
    target=_failed_payment_target,
    when=_declined,
    needs=("ruh.charge-full",),
)


def _finish(ctx: Ctx, progress: ItemProgress) -> ItemOutcome:
    fee = ctx.facts.appointment.fee
    macro = progress.outcomes.get(FAILED_PAYMENT.name)
    if macro is None or not macro.is_done:
        return ItemOutcome.done(
            f"late cancellation fee of ${fee:.2f} charged", facts={"fee_outcome": "charged"}
        )
    where = (
        "on the existing conversation"
        if _failed_payment_target(ctx).reply_to
        else "in a new conversation"
    )
    return ItemOutcome.done(
        f"charge declined; Failed Payment macro sent {where}", facts={"fee_outcome": "declined"}
    )


def report_facts(case: LateCancellation) -> dict[str, JSONValue]:
    """What the operator's report shows about one late cancellation."""
    appointment = case.appointment
    return {
        "client_name": case.client_name,
        "date_of_service": appointment.date.isoformat(),
        "therapist": appointment.therapist,
        "amount": str(appointment.fee),
        "fee_amount": str(appointment.fee),
    }


PROCESS: Process[LateCancellation] = Process(
    kind=KIND,
    label="Late cancellation",
    sites=("ruh_platform", "intercom"),
    read=read_late_cancellation,
    read_name="read-late-cancellation",
    steps=(CREATE_INVOICE, CHARGE_FULL, FAILED_PAYMENT),
    finish=_finish,
    report_facts=report_facts,
    discover=pending_late_cancellations,
)
"""Late cancellations, as the batch sees them."""
