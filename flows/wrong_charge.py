"""A Headway client charged by mistake: refund in full, tell them, bill Headway or write off.

Work items come from Intercom's "4. Payments" view (an open conversation whose "Billing
issue" attribute is "Headway client charged": ``wrong-charge:<conversation id>``) or from
the operator (``billing-robot refund-headway-client CLIENT_EMAIL [--appointment DATE]``,
see :func:`refund_headway_client`).

Everything is read first: the client on the Ruh Platform, the payment to refund (the one
paid, not yet refunded, for an Appointment invoice; ``--appointment`` picks among several),
its appointment, and, when the session can still go to Headway, the diagnosis and the
therapist's calendar, checked by the same rules as a billing request. Then:

=========================  ==========================================================
step                       what changes
=========================  ==========================================================
ruh.refund                 Billing -> Payments -> three-dot -> Refund -> Refund Full
                           Amount
intercom.refund-notice     the "Refund Issued - Headway Client" macro on the client's
                           conversation (``intercom.refund-notice-new``: a new
                           conversation, when the client has none)
headway.confirm            appointment at most 30 days old: the session is confirmed on
                           Headway (the standard flow's step, ``confirm_on_headway``)
sheet.write-off            older: a "<Client Name> Headway Write-Off" row in the
                           Programs Sheet (no Headway session)
=========================  ==========================================================

The refund comes before the message, so the client is never told of a refund that did not
happen. Each step looks at the site first (payment refunded? macro sent? session on the
calendar? sheet row there?) and records what it finds instead of clicking again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flows.billing_facts import BillableSession, BillingFacts
from flows.commit import record_found
from flows.headway_billing import confirm_on_headway
from flows.intercom_messages import (
    client_conversations,
    open_conversation,
    reply_with_macro,
    start_conversation_with_macro,
)
from flows.outcome import ItemOutcome
from flows.steps import discard, run_steps
from flows.worker import Worker
from pages.headway import HeadwayHomePage
from pages.intercom import ConversationDetails, IntercomInboxPage
from pages.programs_sheet import ProgramSheetRow, ProgramsSheetPage
from pages.ruh_platform import (
    AppointmentDetails,
    InvoiceRow,
    PaymentRow,
    RuhClientProfilePage,
    RuhInvoicesPage,
    RuhPaymentsPage,
    RuhSearchPage,
)
from robot.errors import BusinessRuleError
from robot.gate import Outcome
from robot.ledger import Ledger
from robot.logging import get_logger
from robot.rules.cpt import cpt_for_minutes
from robot.rules.note import AdminNote, parse_admin_note, render_admin_note
from robot.rules.plan import build_plan
from robot.rules.timezones import zone_for
from robot.rules.windows import age_in_days, within_headway_window

KIND = "wrong_charge"

PAYMENTS_VIEW = "4. Payments"
BILLING_ISSUE = "Billing issue"
HEADWAY_CLIENT_CHARGED = "Headway client charged"
REFUND_MACRO = "Refund Issued - Headway Client"
WRITE_OFF_PROGRAM = "Ruh USD (Internal Write-offs - Not Through Financial Assistance)"
WRITE_OFF_STATUS = "Inactive"
COMPLETED = "Completed"
APPOINTMENT_INVOICE = "Appointment"

_CLIENT_REF = "client:"

_log = get_logger("flows.wrong_charge")


def item_id_for(conversation_id: str) -> str:
    """The ledger id of the wrong charge reported in ``conversation_id``."""
    return f"wrong-charge:{conversation_id}"


def client_item_id(client_email: str, appointment: date | None = None) -> str:
    """The ledger id of a wrong charge named on the command line (no email in it)."""
    digest = hashlib.sha256(client_email.strip().casefold().encode()).hexdigest()[:12]
    suffix = f"-{appointment.isoformat()}" if appointment else ""
    return f"wrong-charge:client-{digest}{suffix}"


def client_source_ref(client_email: str, appointment: date | None = None) -> str:
    """The ledger source reference of a command-line item: ``client:<email>[@<date>]``."""
    suffix = f"@{appointment.isoformat()}" if appointment else ""
    return f"{_CLIENT_REF}{client_email.strip()}{suffix}"


# ---- Finding the work -----------------------------------------------------------------


def pending_wrong_charges(worker: Worker) -> list[str]:
    """Open conversations in "4. Payments" whose "Billing issue" is "Headway client charged"."""
    worker.open("intercom", "/")
    base_url = worker.settings.site("intercom").base_url
    view = IntercomInboxPage(worker.page, base_url).open_view(PAYMENTS_VIEW)
    candidates = [row.id for row in view.conversations() if row.status == "open"]
    return [
        conversation_id
        for conversation_id in candidates
        if open_conversation(worker, conversation_id).attributes().get(BILLING_ISSUE)
        == HEADWAY_CLIENT_CHARGED
    ]


def queue_wrong_charges(worker: Worker, ledger: Ledger) -> int:
    """Add every reported wrong charge to the ledger (known ones keep their state)."""
    found = worker.retry("discover-wrong-charges", lambda: pending_wrong_charges(worker))
    return sum(ledger.add_item(item_id_for(c), KIND, c) for c in found)


# ---- Reading one case -----------------------------------------------------------------


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


_Step = Callable[[Worker, str, WrongCharge], Outcome]


def read_wrong_charge(
    worker: Worker,
    client_email: str,
    *,
    conversation: ConversationDetails | None,
    appointment_date: date | None = None,
) -> WrongCharge:
    """Find the client, the payment to refund, its appointment and (if due) the plan."""
    worker.open("ruh_platform", "/clients")
    base_url = worker.settings.site("ruh_platform").base_url
    profile = RuhSearchPage(worker.page, base_url).search_client(client_email)
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
    base_url = worker.settings.site("ruh_platform").base_url
    worker.open("ruh_platform", f"/clients/{client_id}/billing/invoices")
    invoices = {row.id: row for row in RuhInvoicesPage(worker.page, base_url).invoices()}
    worker.open("ruh_platform", f"/clients/{client_id}/billing/payments")
    candidates = [
        (payment, invoices[payment.invoice_id])
        for payment in RuhPaymentsPage(worker.page, base_url).payments()
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
    worker.open("ruh_platform", f"/clients/{client_id}/appointments?tab=past")
    base_url = worker.settings.site("ruh_platform").base_url
    profile = RuhClientProfilePage(worker.page, base_url)
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
    worker.open("headway", "/")
    base_url = worker.settings.site("headway").base_url
    provider = HeadwayHomePage(worker.page, base_url).select_therapist(appointment.therapist)
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
    return BillingFacts(
        conversation_id=conversation.id if conversation else "",
        conversation=conversation or _no_conversation(note),
        note=parsed,
        plan=plan,
        session=BillableSession.from_plan(plan, parsed),
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


# ---- Handling -------------------------------------------------------------------------


def handle(worker: Worker, item_id: str, source_ref: str) -> ItemOutcome:
    """The batch's entry point: a conversation id, or ``client:<email>[@<date>]``."""
    if source_ref.startswith(_CLIENT_REF):
        email, _, day = source_ref.removeprefix(_CLIENT_REF).partition("@")
        return refund_headway_client(
            worker, item_id, email, appointment=date.fromisoformat(day) if day else None
        )
    return refund_reported_charge(worker, item_id, source_ref)


def refund_reported_charge(worker: Worker, item_id: str, conversation_id: str) -> ItemOutcome:
    """Work a wrong charge reported in an Intercom conversation ("4. Payments")."""

    def read() -> WrongCharge:
        details = open_conversation(worker, conversation_id).details()
        return read_wrong_charge(worker, details.contact_email, conversation=details)

    return _work(worker, item_id, read)


def refund_headway_client(
    worker: Worker, item_id: str, client_email: str, *, appointment: date | None = None
) -> ItemOutcome:
    """Work a wrong charge named by the operator (``refund-headway-client``).

    The client's flagged conversation ("Billing issue: Headway client charged") gets the
    refund message when there is one; otherwise a new conversation is started.
    """

    def read() -> WrongCharge:
        conversation = _flagged_conversation(worker, client_email)
        return read_wrong_charge(
            worker, client_email, conversation=conversation, appointment_date=appointment
        )

    return _work(worker, item_id, read)


def _flagged_conversation(worker: Worker, client_email: str) -> ConversationDetails | None:
    for row in client_conversations(worker, client_email):
        if row.status != "open":
            continue
        page = open_conversation(worker, row.id)
        if page.attributes().get(BILLING_ISSUE) == HEADWAY_CLIENT_CHARGED:
            return page.details()
    return None


def _work(worker: Worker, item_id: str, read: Callable[[], WrongCharge]) -> ItemOutcome:
    return run_steps(
        worker,
        item_id,
        read_name="read-wrong-charge",
        read=read,
        steps_for=_steps,
        done=lambda case: _done(worker, case),
    )


def _done(worker: Worker, case: WrongCharge) -> ItemOutcome:
    refunded = f"refunded ${case.payment.amount:.2f}"
    if case.headway is not None:
        return ItemOutcome.done(f"{refunded}; session confirmed on Headway")
    age = age_in_days(case.appointment.date, worker.today)
    return ItemOutcome.done(f"{refunded}; {age} days old: written off in the Programs Sheet")


def _steps(case: WrongCharge) -> list[tuple[str, _Step]]:
    steps: list[tuple[str, _Step]] = [
        ("ruh.refund", refund_payment),
        ("intercom.refund-notice", send_refund_notice),
    ]
    if case.headway is not None:
        steps.append(("headway.confirm", _confirm_on_headway))
    else:
        steps.append(("sheet.write-off", record_write_off))
    return steps


def refund_payment(worker: Worker, item_id: str, case: WrongCharge) -> Outcome:
    """Billing -> Payments -> three-dot -> Refund -> Refund Full Amount."""
    step = "ruh.refund"
    payments, row = _payment(worker, case)
    if row.refunded >= row.amount:
        return record_found(worker, item_id, step)
    if row.refunded > 0:
        raise BusinessRuleError("the payment is already partly refunded: not refunded again")
    dialog = payments.open_refund(row.id)

    def refunded() -> bool:
        _, now = _payment(worker, case)
        return now.refunded >= now.amount

    return worker.gate.commit(
        item_id,
        step,
        summary=_summary(case, action="refund the payment in full", amount=row.amount),
        evidence=worker.evidence(item_id),
        act=lambda: discard(dialog.refund_full_amount()),
        verify=refunded,
        # The payment was read just before the dialog opened and had nothing refunded.
        already_done=lambda: False,
    )


def send_refund_notice(worker: Worker, item_id: str, case: WrongCharge) -> Outcome:
    """Tell the client a full refund is on its way ("Refund Issued - Headway Client")."""
    summary = _summary(case, action=f"send the macro {REFUND_MACRO!r}")
    if case.conversation_id:
        summary["conversation"] = case.conversation_id
        return reply_with_macro(
            worker,
            item_id,
            "intercom.refund-notice",
            case.conversation_id,
            REFUND_MACRO,
            summary=summary,
        )
    day = case.appointment.date
    return start_conversation_with_macro(
        worker,
        item_id,
        "intercom.refund-notice-new",
        to=case.client_email,
        subject=f"Refund for your session on {day:%b} {day.day}, {day.year}",
        macro=REFUND_MACRO,
        summary=summary,
    )


def _confirm_on_headway(worker: Worker, item_id: str, case: WrongCharge) -> Outcome:
    assert case.headway is not None  # only planned when the facts were built
    return confirm_on_headway(worker, item_id, case.headway)


def record_write_off(worker: Worker, item_id: str, case: WrongCharge) -> Outcome:
    """Programs Sheet: "<Client Name> Headway Write-Off", internal write-offs, Inactive."""
    step = "sheet.write-off"
    name = write_off_name(case.client_name)
    amount = case.payment.amount
    sheet = _open_sheet(worker)
    if any(_is_write_off(row, name, amount) for row in sheet.rows()):
        return record_found(worker, item_id, step)
    form = sheet.start_new_entry()
    form.fill(
        name=name,
        program=WRITE_OFF_PROGRAM,
        session_charge=amount,
        amount_client_will_pay=Decimal("0"),
        sessions_approved=1,
        status=WRITE_OFF_STATUS,
    )

    def recorded() -> bool:
        return any(_is_write_off(row, name, amount) for row in _open_sheet(worker).rows())

    return worker.gate.commit(
        item_id,
        step,
        summary=_summary(
            case, action="add the Headway write-off to the Programs Sheet", amount=amount
        ),
        evidence=worker.evidence(item_id),
        act=lambda: discard(form.save()),
        verify=recorded,
        already_done=lambda: False,
    )


def write_off_name(client_name: str) -> str:
    """The Programs Sheet entry's name: "<Client Name> Headway Write-Off"."""
    return f"{client_name} Headway Write-Off"


# ---- helpers --------------------------------------------------------------------------


def _payment(worker: Worker, case: WrongCharge) -> tuple[RuhPaymentsPage, PaymentRow]:
    worker.open("ruh_platform", f"/clients/{case.client_id}/billing/payments")
    payments = RuhPaymentsPage(worker.page, worker.settings.site("ruh_platform").base_url)
    for row in payments.payments():
        if row.id == case.payment.id:
            return payments, row
    raise BusinessRuleError(f"payment {case.payment.id} is no longer listed")


def _open_sheet(worker: Worker) -> ProgramsSheetPage:
    worker.open("programs_sheet", "/sheet")
    return ProgramsSheetPage(worker.page, worker.settings.site("programs_sheet").base_url)


def _is_write_off(row: ProgramSheetRow, name: str, amount: Decimal) -> bool:
    dashes = str.maketrans("–—", "--")
    return (
        row.name.strip().casefold() == name.casefold()
        and row.program.translate(dashes) == WRITE_OFF_PROGRAM
        and row.session_charge == amount
    )




def _summary(case: WrongCharge, *, action: str, amount: Decimal | None = None) -> dict[str, object]:
    """What the operator sees before a click: ids, dates and amounts, never names."""
    summary: dict[str, object] = {
        "action": action,
        "client": case.client_id,
        "payment": case.payment.id,
        "appointment": case.appointment.id,
        "date": case.appointment.date.isoformat(),
    }
    if amount is not None:
        summary["amount"] = f"${amount:.2f}"
    return summary
