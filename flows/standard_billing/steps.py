"""Procedure steps 1, 4 and 5 as declared commit steps: Intercom and the Ruh Platform.

Each step names the page it works on, how the site shows it is already done, what it
types and the one click that commits. The engine (``robot.engine``) runs them.
"""

from __future__ import annotations

from decimal import Decimal

from flows.process import Step, StepContext
from flows.standard_billing.facts import BillingFacts, bare_name
from pages.intercom import IntercomConversationPage
from pages.intercom.models import SessionProcessedForm
from pages.intercom.participants import IntercomManageParticipantsDialog
from pages.ruh_platform import (
    ChargeInvoiceDialog,
    EditInvoiceDialog,
    InvoiceRow,
    RuhInvoicesPage,
)
from robot.engine import CommitStep
from robot.errors import BusinessRuleError

WRITE_OFF_REASON = "Other"
WRITE_OFF_NOTE = "Billed on Headway."
BILLED = "Billed"
CLOSED = "closed"
ZERO = Decimal("0.00")

Ctx = StepContext[BillingFacts]


# ---- Step 1: Intercom participants ----------------------------------------------------


def _participants(ctx: Ctx) -> IntercomManageParticipantsDialog:
    return ctx.worker.intercom.conversation(ctx.facts.conversation_id).manage_participants()


def _listed(dialog: IntercomManageParticipantsDialog, email: str) -> bool:
    return email.casefold() in {shown.casefold() for shown in dialog.participants()}


ADD_CLIENT: Step[BillingFacts] = CommitStep(
    name="intercom.add-client",
    label="Add the client's email address as a participant",
    open=_participants,
    done=lambda dialog, ctx: _listed(dialog, ctx.facts.session.client_email),
    fill=lambda dialog, ctx: dialog.fill_email_address(ctx.facts.session.client_email),
    click=lambda dialog, ctx: dialog.add_participant(),
    details=lambda _screen, ctx: {
        "conversation": ctx.facts.conversation_id,
        "add participant": ctx.facts.session.client_email,
    },
)

REMOVE_PRACTICE: Step[BillingFacts] = CommitStep(
    name="intercom.remove-self",
    label="Remove the practice's own address from the participants",
    open=_participants,
    done=lambda dialog, ctx: not _listed(dialog, ctx.facts.practice_email),
    click=lambda dialog, ctx: dialog.remove_participant(ctx.facts.practice_email),
    details=lambda _screen, ctx: {
        "conversation": ctx.facts.conversation_id,
        "remove participant": ctx.facts.practice_email,
    },
)


# ---- Step 4: the Intercom record ------------------------------------------------------


def processed_form(facts: BillingFacts) -> SessionProcessedForm:
    """The "Headway Session Processed" form as the robot fills it."""
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


def _conversation(ctx: Ctx) -> IntercomConversationPage:
    return ctx.worker.intercom.conversation(ctx.facts.conversation_id)


def _form_details(ctx: Ctx) -> dict[str, str]:
    form = processed_form(ctx.facts)
    return {
        "conversation": ctx.facts.conversation_id,
        "client email": form.client_email,
        "therapist": form.therapist,
        "date": form.date.isoformat(),
        "time": f"{form.start_time:%H:%M}-{form.end_time:%H:%M} ({form.duration_minutes} min)",
        "CPT": form.cpt_code,
        "diagnosis": form.diagnosis_code,
    }


SESSION_FORM: Step[BillingFacts] = CommitStep(
    name="intercom.session-form",
    label='Submit the "Headway Session Processed" form',
    open=_conversation,
    done=lambda page, ctx: processed_form(ctx.facts) in page.submitted_forms(),
    fill=lambda page, ctx: page.fill_session_processed_form(processed_form(ctx.facts)),
    click=lambda page, ctx: page.submit_session_processed_form(),
    details=lambda _screen, ctx: _form_details(ctx),
)

MARK_BILLED: Step[BillingFacts] = CommitStep(
    name="intercom.billed",
    label='Set the "Insurance Billing" attribute to Billed',
    open=_conversation,
    done=lambda page, ctx: page.details().insurance_billing == BILLED,
    fill=lambda page, ctx: page.choose_insurance_billing(BILLED),
    click=lambda page, ctx: page.save_insurance_billing(),
    details=lambda _screen, ctx: {
        "conversation": ctx.facts.conversation_id,
        "Insurance Billing": BILLED,
    },
)

CLOSE_CONVERSATION: Step[BillingFacts] = CommitStep(
    name="intercom.close",
    label="Close the conversation",
    open=_conversation,
    done=lambda page, ctx: page.details().status == CLOSED,
    click=lambda page, ctx: page.close_conversation(),
    details=lambda _screen, ctx: {"conversation": ctx.facts.conversation_id},
)


# ---- Step 5: the Ruh Platform invoice -------------------------------------------------


def invoice_row(invoices: RuhInvoicesPage, facts: BillingFacts) -> InvoiceRow:
    """The appointment's invoice as Billing -> Invoices lists it."""
    invoice_id = facts.appointment.invoice_id
    if invoice_id is None:
        raise BusinessRuleError("the Ruh Platform has no invoice for this appointment")
    for row in invoices.invoices():
        if row.id == invoice_id:
            return row
    raise BusinessRuleError(f"invoice {invoice_id} is not listed under Billing -> Invoices")


def _invoices(ctx: Ctx) -> RuhInvoicesPage:
    return ctx.worker.ruh.invoices(ctx.facts.platform_client_id)


def _written_off(invoices: RuhInvoicesPage, ctx: Ctx) -> bool:
    row = invoice_row(invoices, ctx.facts)
    return row.status == "Written off" and row.written_off == row.amount


def _fill_write_off(invoices: RuhInvoicesPage, ctx: Ctx) -> None:
    dialog = invoices.edit_invoice(invoice_row(invoices, ctx.facts).id)
    dialog.choose_write_off_reason(WRITE_OFF_REASON)
    dialog.write_off_entire_amount()
    dialog.set_notes(WRITE_OFF_NOTE)


def _save_write_off(invoices: RuhInvoicesPage, ctx: Ctx) -> None:
    invoice_id = ctx.facts.appointment.invoice_id or ""
    EditInvoiceDialog(invoices.page, invoices.base_url, invoice_id).save()


def _invoice_details(ctx: Ctx, **extra: str) -> dict[str, str]:
    return {
        "client": ctx.facts.session.client_name,
        "invoice": ctx.facts.appointment.invoice_id or "?",
        "date of service": ctx.facts.session.note_date.isoformat(),
        **extra,
    }


WRITE_OFF: Step[BillingFacts] = CommitStep(
    name="ruh.write-off",
    label='Write off the whole invoice (reason Other, note "Billed on Headway.")',
    open=_invoices,
    done=_written_off,
    fill=_fill_write_off,
    click=_save_write_off,
    details=lambda _screen, ctx: _invoice_details(
        ctx,
        amount=f"${ctx.facts.appointment.fee:.2f} (the whole amount)",
        reason=WRITE_OFF_REASON,
        note=WRITE_OFF_NOTE,
    ),
)


def _charged_zero(invoices: RuhInvoicesPage, ctx: Ctx) -> bool:
    row = invoice_row(invoices, ctx.facts)
    return any(c.amount == ZERO and c.outcome == "succeeded" for c in row.charges)


def _fill_zero_charge(invoices: RuhInvoicesPage, ctx: Ctx) -> None:
    invoices.charge_invoice(invoice_row(invoices, ctx.facts).id).set_amount(ZERO)


def _charge(invoices: RuhInvoicesPage, ctx: Ctx) -> None:
    invoice_id = ctx.facts.appointment.invoice_id or ""
    result = ChargeInvoiceDialog(invoices.page, invoices.base_url, invoice_id).charge()
    if not result.ok and result.confirmed:
        raise BusinessRuleError(f"the $0 charge was refused: {result.message}")


CHARGE_ZERO: Step[BillingFacts] = CommitStep(
    name="ruh.charge-zero",
    label="Charge the invoice with the amount set to $0",
    open=_invoices,
    done=_charged_zero,
    fill=_fill_zero_charge,
    click=_charge,
    details=lambda _screen, ctx: _invoice_details(ctx, amount="$0.00"),
)
