"""Reading one wrong charge: the client, the payment to refund, its appointment, the plan.

Everything is read before any click: the client on the Ruh Platform, the payment to
refund (the one paid, not yet refunded, for an Appointment invoice; a named appointment
date picks among several), its appointment, and, when the session can still go to
Headway (at most 30 days old), the diagnosis and the therapist's calendar, checked by the
same rules as a billing request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flows.standard_billing.facts import (
    BillableSession,
    BillingFacts,
    check_headway_accepts,
    headway_coverage_problem,
)
from flows.worker import Worker
from pages.intercom import ConversationDetails
from pages.ruh_platform import AppointmentDetails, InvoiceRow, PaymentRow
from robot.errors import BusinessRuleError
from robot.rules.cpt import cpt_for_minutes
from robot.rules.note import AdminNote, parse_admin_note
from robot.rules.note_render import render_admin_note
from robot.rules.plan import build_plan
from robot.rules.timezones import zone_for
from robot.rules.windows import within_headway_window

COMPLETED = "Completed"
APPOINTMENT_INVOICE = "Appointment"


@dataclass(frozen=True)
class WrongCharge:
    """Everything the steps need, read before any click."""

    conversation_id: str | None
    client_id: str
    client_name: str
    client_email: str
    payment: PaymentRow
    invoice: InvoiceRow
    appointment: AppointmentDetails
    headway: BillingFacts | None
    """The Headway plan, when the appointment is at most 30 days old."""


def read_wrong_charge(
    worker: Worker,
    client_email: str,
    *,
    conversation: ConversationDetails | None,
    appointment_date: date | None = None,
) -> WrongCharge:
    """Find the client, the payment to refund, its appointment and (if due) the plan."""
    profile = worker.ruh.find_client(client_email)
    client_id, client_name = profile.client_id(), profile.client_name()
    client_state = profile.contact_details().state
    payment, invoice = _payment_to_refund(worker, client_id, appointment_date)
    appointment = _appointment_of(worker, client_id, invoice)
    headway = None
    if within_headway_window(appointment.date, worker.today):
        diagnosis = profile.diagnosis()
        if diagnosis is None:
            raise BusinessRuleError("the client has no diagnosis on file for Headway")
        note = AdminNote(
            client_name=client_name,
            client_email=client_email,
            therapist=appointment.therapist,
            session_date=appointment.date,
            start=appointment.start,
            end=appointment.end,
            zone=zone_for(appointment.zone),
            duration_minutes=appointment.duration_minutes,
            session_type=appointment.session_type,
            cpt_code=cpt_for_minutes(appointment.duration_minutes),
            diagnosis_code=diagnosis,
            client_state=client_state,
        )
        headway = _headway_facts(worker, note, client_id, appointment, conversation)
    return WrongCharge(
        conversation_id=conversation.id if conversation else None,
        client_id=client_id,
        client_name=client_name,
        client_email=client_email,
        payment=payment,
        invoice=invoice,
        appointment=appointment,
        headway=headway,
    )


def _payment_to_refund(
    worker: Worker, client_id: str, appointment_date: date | None
) -> tuple[PaymentRow, InvoiceRow]:
    invoices = {row.id: row for row in worker.ruh.invoices(client_id).invoices()}
    candidates = [
        (payment, invoices[payment.invoice_id])
        for payment in worker.ruh.payments(client_id).payments()
        if payment.invoice_id in invoices
        and invoices[payment.invoice_id].type == APPOINTMENT_INVOICE
        and (
            appointment_date is None
            or invoices[payment.invoice_id].appointment_date == appointment_date
        )
    ]
    unrefunded = [c for c in candidates if c[0].refunded == 0]
    if len(unrefunded) == 1:
        return unrefunded[0]
    if len(unrefunded) > 1:
        raise BusinessRuleError(
            f"{len(unrefunded)} session payments could be the mistake: name the appointment date"
        )
    # Nothing left to refund: an earlier run (or a person) refunded it; the rest still applies.
    refunded = [c for c in candidates if c[0].refunded > 0]
    if len(refunded) == 1:
        return refunded[0]
    raise BusinessRuleError(
        "no single session payment to refund on the Ruh Platform"
        + (f" for {appointment_date.isoformat()}" if appointment_date else "")
    )


def _appointment_of(worker: Worker, client_id: str, invoice: InvoiceRow) -> AppointmentDetails:
    profile = worker.ruh.client(client_id)
    matches = [
        row
        for row in profile.past_appointments()
        if row.date == invoice.appointment_date and row.start == invoice.appointment_start
    ]
    if len(matches) != 1:
        raise BusinessRuleError("the refunded invoice's appointment is not found exactly once")
    details = profile.open_appointment(matches[0].id).details()
    if details.invoice_id != invoice.id:
        raise BusinessRuleError("the appointment's invoice is not the charged invoice")
    if details.status != COMPLETED:
        raise BusinessRuleError(
            f"the charged appointment is {details.status!r}, not a completed session"
        )
    return details


def _headway_facts(
    worker: Worker,
    note: AdminNote,
    client_id: str,
    appointment: AppointmentDetails,
    conversation: ConversationDetails | None,
) -> BillingFacts:
    """The standard flow's facts, built from the platform instead of an admin note."""
    # Read before the refund, the first click: a client Headway cannot bill under this
    # therapist is a person's call, and the refund waits for it rather than go out alone.
    problem = headway_coverage_problem(
        worker.headway.patients(), note.client_email or "", appointment.therapist
    )
    if problem is not None:
        raise BusinessRuleError(problem)
    provider = worker.headway.provider(appointment.therapist)
    licensed_state = provider.licensed_state()
    calendar_label = provider.open_calendar().timezone_label()
    calendar_zone = zone_for(calendar_label)
    if calendar_zone is None:
        raise BusinessRuleError(f"unknown Headway calendar time zone {calendar_label!r}")
    # Written as an admin note and read back, so every billing rule checks it as usual.
    text = render_admin_note(note)
    plan = build_plan(
        text,
        calendar_tz=calendar_zone,
        today=worker.today,
        platform_minutes=appointment.duration_minutes,
    )
    if plan.problems:
        raise BusinessRuleError("; ".join(plan.problems))
    parsed = parse_admin_note(text).note
    session = BillableSession.from_plan(plan, parsed)
    check_headway_accepts(worker, session)
    return BillingFacts(
        conversation_id=conversation.id if conversation else "",
        conversation=conversation or _no_conversation(note),
        note=parsed,
        plan=plan,
        session=session,
        platform_client_id=client_id,
        appointment=appointment,
        therapist_licensed_state=licensed_state,
        calendar_label=calendar_label,
        practice_email=worker.settings.practice_email,
    )


def _no_conversation(note: AdminNote) -> ConversationDetails:
    # The command line named the client and the client has no conversation about it: the
    # Headway step needs no conversation, only its id for the operator's summary ("").
    return ConversationDetails(
        id="",
        subject="",
        contact_name=note.client_name or "",
        contact_email=note.client_email or "",
        status="open",
        view=None,
        created="",
        created_at=None,
        participants=(),
        insurance_billing=None,
    )
