"""Standard Headway billing: one Intercom billing request, procedure steps 1-5.

``bill_request`` reads everything first (``flows.billing_facts``); a request whose data
does not add up goes to review before anything is clicked. Then each irreversible click
runs as its own step through the commit gate, in the procedure's order:

=====================  =========================================================
step                   what changes
=====================  =========================================================
intercom.add-client    the client's email is added to the conversation
intercom.remove-self   the practice's own address is removed from it
headway.confirm        the session is confirmed on the therapist's calendar
intercom.session-form  the "Headway Session Processed" form is submitted
intercom.billed        the "Insurance Billing" attribute is set to Billed
intercom.close         the conversation is closed
ruh.write-off          the invoice is written off (Other, whole amount, note)
ruh.charge-zero        the invoice is charged $0
=====================  =========================================================

Every step first looks at the site: what is already there (a confirmed session for this
client at this time, a submitted form, a written-off invoice, a $0 charge) is recorded
as done and never clicked again. Each step is one retry unit that starts from a known URL.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from flows.billing_facts import BillingFacts, bare_name, read_billing_facts
from flows.commit import commit_unless_done, record_found
from flows.outcome import ItemOutcome
from flows.steps import discard, run_steps
from flows.worker import Worker
from pages.headway import HeadwayCalendarPage, HeadwayHomePage, HeadwaySessionDialog
from pages.headway.calendar import CalendarSession
from pages.intercom import IntercomConversationPage
from pages.intercom.models import SessionProcessedForm
from pages.ruh_platform import InvoiceRow, RuhClientProfilePage, RuhInvoicesPage
from robot.errors import BusinessRuleError, TransientError
from robot.gate import Outcome
from robot.logging import get_logger

KIND = "headway_billing"

VIRTUAL_LOCATION = "Virtual (my own telehealth link)"
DOES_NOT_REPEAT = "Does not repeat"
TELEHEALTH_SESSION_LOCATION = "Virtual (Telehealth)"
WRITE_OFF_REASON = "Other"
WRITE_OFF_NOTE = "Billed on Headway."
BILLED = "Billed"

_log = get_logger("flows.headway_billing")

Step = Callable[[Worker, str, BillingFacts], Outcome]


def item_id_for(conversation_id: str) -> str:
    """The ledger id of the billing request held by ``conversation_id``."""
    return f"intercom:{conversation_id}"


def bill_request(worker: Worker, item_id: str, conversation_id: str) -> ItemOutcome:
    """Bill one request end to end; review, skip or rehearse it where it must."""
    return run_steps(
        worker,
        item_id,
        read_name="read-facts",
        read=lambda: read_billing_facts(worker, conversation_id),
        steps_for=lambda facts: STEPS,
        done=lambda facts: ItemOutcome.done(),
    )


# ---- Step 1: Intercom participants ----------------------------------------------------


def _open_conversation(worker: Worker, facts: BillingFacts) -> IntercomConversationPage:
    worker.open("intercom", f"/conversations/{facts.conversation_id}")
    return IntercomConversationPage(worker.page, worker.settings.site("intercom").base_url)


def add_client_participant(worker: Worker, item_id: str, facts: BillingFacts) -> Outcome:
    """Manage participants: add the client's email address."""
    email = facts.session.client_email
    dialog = _open_conversation(worker, facts).manage_participants()
    return commit_unless_done(
        worker,
        item_id,
        "intercom.add-client",
        summary=_summary(facts, action="add the client as a participant"),
        done=lambda: email.casefold() in _folded(dialog.participants()),
        prepare=lambda: dialog.fill_email_address(email),
        act=dialog.add_participant,
    )


def remove_practice_participant(worker: Worker, item_id: str, facts: BillingFacts) -> Outcome:
    """Manage participants: remove the practice's own email address."""
    email = facts.practice_email
    dialog = _open_conversation(worker, facts).manage_participants()
    return commit_unless_done(
        worker,
        item_id,
        "intercom.remove-self",
        summary=_summary(facts, action="remove the practice's address"),
        done=lambda: email.casefold() not in _folded(dialog.participants()),
        act=lambda: dialog.remove_participant(email),
    )


# ---- Step 3: Headway ------------------------------------------------------------------


def confirm_on_headway(worker: Worker, item_id: str, facts: BillingFacts) -> Outcome:
    """Enter the session on the therapist's calendar and sign & confirm it."""
    step = "headway.confirm"
    session = facts.session
    calendar = _open_calendar(worker, facts)
    if _find_session(calendar.sessions_on(session.calendar_date), facts) is not None:
        # Already on Headway (an earlier run, or a person): never create a second one.
        return record_found(worker, item_id, step)
    dialog = calendar.open_slot(session.calendar_date, session.start.hour)
    _fill_session(dialog, facts)
    _check_form_matches_plan(dialog, facts)
    base_url = worker.settings.site("headway").base_url

    def confirmed() -> bool:
        shown = HeadwayCalendarPage(worker.page, base_url)
        return _find_session(shown.sessions_on(session.calendar_date), facts) is not None

    def act() -> None:
        dialog.sign_note_and_confirm()
        if not HeadwayCalendarPage(worker.page, base_url).is_showing():
            # An error page or a lost answer: whether it landed is unknown, so the retry
            # looks at the calendar before anything is clicked again.
            raise TransientError("Headway did not come back to the calendar after confirming")

    return worker.gate.commit(
        item_id,
        step,
        summary=_summary(facts, action="sign note & confirm the session on Headway"),
        evidence=worker.evidence(item_id),
        act=act,
        verify=confirmed,
        # The calendar was read just before the form was filled and had no such session.
        already_done=lambda: False,
    )


def _open_calendar(worker: Worker, facts: BillingFacts) -> HeadwayCalendarPage:
    worker.open("headway", "/")
    base_url = worker.settings.site("headway").base_url
    provider = HeadwayHomePage(worker.page, base_url).select_therapist(facts.session.therapist)
    return provider.open_calendar().go_to_date(facts.session.calendar_date)


def _find_session(sessions: list[CalendarSession], facts: BillingFacts) -> CalendarSession | None:
    wanted = facts.session
    for session in sessions:
        if (
            session.client_name.casefold() == wanted.client_name.casefold()
            and session.start == wanted.start
            and session.status == "Confirmed"
        ):
            return session
    return None


def _fill_session(dialog: HeadwaySessionDialog, facts: BillingFacts) -> None:
    plan = facts.session
    dialog.select_client(plan.client_email, plan.client_name)
    refusal = dialog.refusal_message()
    if refusal:
        raise BusinessRuleError(f"Headway refused the session: {refusal}")
    dialog.set_date(plan.calendar_date)
    dialog.set_start_time(plan.start)
    dialog.set_end_time(plan.end)
    dialog.choose_location(VIRTUAL_LOCATION)
    dialog.choose_client_join_from(facts.therapist_licensed_state)
    dialog.choose_recurrence(DOES_NOT_REPEAT)
    dialog.add_cpt_code(plan.cpt_code)
    dialog.choose_diagnosis_code(plan.diagnosis_code)
    dialog.choose_session_location(TELEHEALTH_SESSION_LOCATION)
    dialog.choose_telehealth_type(plan.telehealth_type)
    dialog.choose_joined_from_state(plan.client_state)
    dialog.check_attestation()
    dialog.next()
    dialog.confirm_without_note()
    dialog.next()
    dialog.check_final_attestation()


def _check_form_matches_plan(dialog: HeadwaySessionDialog, facts: BillingFacts) -> None:
    """Read the filled form back (step 3's summary) and compare it with the plan."""
    plan = facts.session
    form = dialog.read_form()
    expected: dict[str, object] = {
        "client email": plan.client_email.casefold(),
        "date": plan.calendar_date,
        "start": plan.start,
        "end": plan.end,
        "duration": plan.duration_minutes,
        "location": VIRTUAL_LOCATION,
        "recurrence": DOES_NOT_REPEAT,
        "CPT codes": (plan.cpt_code,),
        "diagnosis code": plan.diagnosis_code,
        "session location": TELEHEALTH_SESSION_LOCATION,
        "telehealth type": plan.telehealth_type,
        "joined-from state": plan.client_state,
    }
    shown: dict[str, object] = {
        "client email": form.client_email.casefold(),
        "date": form.date,
        "start": form.start,
        "end": form.end,
        "duration": form.duration_minutes,
        "location": form.location,
        "recurrence": form.recurrence,
        "CPT codes": form.cpt_codes,
        "diagnosis code": form.diagnosis_code,
        "session location": form.session_location,
        "telehealth type": form.telehealth_type,
        "joined-from state": form.joined_from_state,
    }
    wrong = [name for name in expected if expected[name] != shown[name]]
    if not form.client_join_from.startswith(f"{facts.therapist_licensed_state}:"):
        wrong.append("client join-from address")
    if wrong:
        raise BusinessRuleError(
            "the filled Headway form does not match the plan: " + ", ".join(wrong)
        )


# ---- Step 4: Intercom record ----------------------------------------------------------


def _processed_form(facts: BillingFacts) -> SessionProcessedForm:
    session = facts.session
    return SessionProcessedForm(
        client_email=session.client_email,
        # The form lists therapists by name alone, without credentials.
        therapist=bare_name(session.therapist),
        # As written in the Intercom thread (the note's own date and zone).
        date=session.note_date,
        start_time=session.note_start,
        end_time=session.note_end,
        duration_minutes=session.duration_minutes,
        cpt_code=session.cpt_code,
        diagnosis_code=session.diagnosis_code,
    )


def submit_session_form(worker: Worker, item_id: str, facts: BillingFacts) -> Outcome:
    """Fill and submit the "Headway Session Processed" form."""
    form = _processed_form(facts)
    conversation = _open_conversation(worker, facts)
    return commit_unless_done(
        worker,
        item_id,
        "intercom.session-form",
        summary=_summary(facts, action="submit the Headway Session Processed form"),
        done=lambda: form in conversation.submitted_forms(),
        prepare=lambda: conversation.fill_session_processed_form(form),
        act=conversation.submit_session_processed_form,
    )


def mark_billed(worker: Worker, item_id: str, facts: BillingFacts) -> Outcome:
    """Set the "Insurance Billing" attribute to Billed."""
    conversation = _open_conversation(worker, facts)
    return commit_unless_done(
        worker,
        item_id,
        "intercom.billed",
        summary=_summary(facts, action="set Insurance Billing to Billed"),
        done=lambda: conversation.details().insurance_billing == BILLED,
        prepare=lambda: conversation.choose_insurance_billing(BILLED),
        act=conversation.save_insurance_billing,
    )


def close_conversation(worker: Worker, item_id: str, facts: BillingFacts) -> Outcome:
    """Close the Intercom conversation."""
    conversation = _open_conversation(worker, facts)
    return commit_unless_done(
        worker,
        item_id,
        "intercom.close",
        summary=_summary(facts, action="close the conversation"),
        done=lambda: conversation.details().status == "closed",
        act=conversation.close_conversation,
    )


# ---- Step 5: Ruh Platform invoice -----------------------------------------------------


def _open_invoices(worker: Worker, facts: BillingFacts) -> RuhInvoicesPage:
    worker.open("ruh_platform", f"/clients/{facts.platform_client_id}")
    base_url = worker.settings.site("ruh_platform").base_url
    return RuhClientProfilePage(worker.page, base_url).open_invoices()


def _invoice(invoices: RuhInvoicesPage, facts: BillingFacts) -> InvoiceRow:
    invoice_id = facts.appointment.invoice_id
    if invoice_id is None:
        raise BusinessRuleError("the Ruh Platform has no invoice for this appointment")
    for row in invoices.invoices():
        if row.id == invoice_id:
            return row
    raise BusinessRuleError(f"invoice {invoice_id} is not listed under Billing -> Invoices")


def _written_off(row: InvoiceRow) -> bool:
    return row.status == "Written off" and row.written_off == row.amount


def write_off_invoice(worker: Worker, item_id: str, facts: BillingFacts) -> Outcome:
    """Edit invoice: write-off reason Other, the whole amount, note "Billed on Headway."."""
    step = "ruh.write-off"
    invoices = _open_invoices(worker, facts)
    row = _invoice(invoices, facts)
    if _written_off(row):
        return record_found(worker, item_id, step)
    dialog = invoices.edit_invoice(row.id)
    dialog.choose_write_off_reason(WRITE_OFF_REASON)
    dialog.write_off_entire_amount()
    dialog.set_notes(WRITE_OFF_NOTE)

    def written_off() -> bool:
        return _written_off(_invoice(invoices, facts))

    return worker.gate.commit(
        item_id,
        step,
        summary=_summary(facts, action="write off the invoice", amount=row.amount),
        evidence=worker.evidence(item_id),
        act=lambda: discard(dialog.save()),
        verify=written_off,
        already_done=written_off,
    )


def _charged_zero(row: InvoiceRow) -> bool:
    return any(c.amount == 0 and c.outcome == "succeeded" for c in row.charges)


def charge_zero(worker: Worker, item_id: str, facts: BillingFacts) -> Outcome:
    """Charge invoice with the amount set to $0."""
    step = "ruh.charge-zero"
    invoices = _open_invoices(worker, facts)
    row = _invoice(invoices, facts)
    if _charged_zero(row):
        return record_found(worker, item_id, step)
    dialog = invoices.charge_invoice(row.id)
    dialog.set_amount(Decimal("0.00"))

    def charged() -> bool:
        return _charged_zero(_invoice(invoices, facts))

    def act() -> None:
        result = dialog.charge()
        if not result.ok and result.confirmed:
            raise BusinessRuleError(f"the $0 charge was refused: {result.message}")

    return worker.gate.commit(
        item_id,
        step,
        summary=_summary(facts, action="charge the invoice", amount=Decimal("0.00")),
        evidence=worker.evidence(item_id),
        act=act,
        verify=charged,
        already_done=charged,
    )


# ---- helpers --------------------------------------------------------------------------


def _folded(emails: list[str]) -> set[str]:
    return {email.casefold() for email in emails}


def _summary(
    facts: BillingFacts, *, action: str, amount: Decimal | None = None
) -> dict[str, object]:
    """What the operator sees before a click: ids, dates and codes, never names."""
    plan = facts.session
    summary: dict[str, object] = {
        "action": action,
        "conversation": facts.conversation_id,
        "client": facts.platform_client_id,
        "appointment": facts.appointment.id,
        "date": plan.calendar_date.isoformat(),
        "time": f"{plan.start:%H:%M}-{plan.end:%H:%M} {facts.calendar_label}",
        "cpt": plan.cpt_code,
        "diagnosis": plan.diagnosis_code,
    }
    if amount is not None:
        summary["amount"] = f"${amount:.2f}"
    return summary


STEPS: tuple[tuple[str, Step], ...] = (
    ("intercom.add-client", add_client_participant),
    ("intercom.remove-self", remove_practice_participant),
    ("headway.confirm", confirm_on_headway),
    ("intercom.session-form", submit_session_form),
    ("intercom.billed", mark_billed),
    ("intercom.close", close_conversation),
    ("ruh.write-off", write_off_invoice),
    ("ruh.charge-zero", charge_zero),
)
"""The commit steps in the procedure's order (name, function)."""
