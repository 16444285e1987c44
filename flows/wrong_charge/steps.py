"""The wrong-charge steps, declared: refund, tell the client, then Headway or the sheet."""

from __future__ import annotations

from decimal import Decimal

from flows.messaging import MacroTarget, send_macro
from flows.process import Step, StepContext, reuse_step
from flows.standard_billing.facts import BillingFacts
from flows.standard_billing.headway_entry import CONFIRM_ON_HEADWAY
from flows.standard_billing.steps import CHARGE_ZERO, SESSION_FORM, WRITE_OFF
from flows.wrong_charge.read import WrongCharge
from pages.programs_sheet import NewEntryForm, ProgramSheetRow, ProgramsSheetPage
from pages.ruh_platform import PaymentRow, RefundPaymentDialog, RuhPaymentsPage
from robot.engine import CommitStep
from robot.errors import BusinessRuleError

REFUND_MACRO = "Refund Issued - Headway Client"
WRITE_OFF_PROGRAM = "Ruh USD (Internal Write-offs - Not Through Financial Assistance)"
WRITE_OFF_STATUS = "Inactive"

Ctx = StepContext[WrongCharge]


def _payment(payments: RuhPaymentsPage, ctx: Ctx) -> PaymentRow:
    for row in payments.payments():
        if row.id == ctx.facts.payment.id:
            return row
    raise BusinessRuleError(f"payment {ctx.facts.payment.id} is no longer listed")


def _refunded(payments: RuhPaymentsPage, ctx: Ctx) -> bool:
    row = _payment(payments, ctx)
    return row.refunded >= row.amount


def _open_refund(payments: RuhPaymentsPage, ctx: Ctx) -> None:
    row = _payment(payments, ctx)
    if row.refunded > 0:
        raise BusinessRuleError("the payment is already partly refunded: not refunded again")
    payments.open_refund(row.id)


def _money_details(ctx: Ctx, **extra: str) -> dict[str, str]:
    case = ctx.facts
    return {
        "client": f"{case.client_name} <{case.client_email}>",
        "appointment": f"{case.appointment.date.isoformat()} with {case.appointment.therapist}",
        **extra,
    }


REFUND: Step[WrongCharge] = CommitStep(
    name="ruh.refund",
    label="Refund the payment in full (Refund -> Refund Full Amount)",
    open=lambda ctx: ctx.worker.ruh.payments(ctx.facts.client_id),
    done=_refunded,
    fill=_open_refund,
    click=lambda payments, ctx: RefundPaymentDialog(
        payments.page, payments.base_url, ctx.facts.payment.id
    ).refund_full_amount(),
    details=lambda _payments, ctx: _money_details(
        ctx, payment=ctx.facts.payment.id, amount=f"${ctx.facts.payment.amount:.2f}"
    ),
)


def _notice_target(ctx: Ctx) -> MacroTarget:
    day = ctx.facts.appointment.date
    return MacroTarget(
        to=ctx.facts.client_email,
        subject=f"Refund for your session on {day:%b} {day.day}, {day.year}",
        reply_to=ctx.facts.conversation_id,
    )


REFUND_NOTICE: Step[WrongCharge] = send_macro(
    name="intercom.refund-notice",
    label=f'Tell the client with the "{REFUND_MACRO}" macro',
    macro=REFUND_MACRO,
    target=_notice_target,
    needs=("ruh.refund",),
)


def write_off_name(client_name: str) -> str:
    """The Programs Sheet entry's name: "<Client Name> Headway Write-Off"."""
    return f"{client_name} Headway Write-Off"


def _is_write_off(row: ProgramSheetRow, case: WrongCharge) -> bool:
    dashes = str.maketrans("–—", "--")
    return (
        row.name.strip().casefold() == write_off_name(case.client_name).casefold()
        and row.program.translate(dashes) == WRITE_OFF_PROGRAM
        and row.session_charge == case.payment.amount
    )


def _fill_write_off(sheet: ProgramsSheetPage, ctx: Ctx) -> None:
    sheet.start_new_entry().fill(
        name=write_off_name(ctx.facts.client_name),
        program=WRITE_OFF_PROGRAM,
        session_charge=ctx.facts.payment.amount,
        amount_client_will_pay=Decimal("0"),
        sessions_approved=1,
        status=WRITE_OFF_STATUS,
    )


SHEET_WRITE_OFF: Step[WrongCharge] = CommitStep(
    name="sheet.write-off",
    label="Record the Headway write-off in the Programs Sheet",
    open=lambda ctx: ctx.worker.sheet.sheet(),
    done=lambda sheet, ctx: any(_is_write_off(row, ctx.facts) for row in sheet.rows()),
    fill=_fill_write_off,
    click=lambda sheet, ctx: NewEntryForm(sheet.page, sheet.base_url).save(),
    details=lambda _sheet, ctx: _money_details(
        ctx,
        entry=write_off_name(ctx.facts.client_name),
        program=WRITE_OFF_PROGRAM,
        **{"session charge": f"${ctx.facts.payment.amount:.2f}", "client pays": "$0.00"},
        status=WRITE_OFF_STATUS,
    ),
    applies=lambda ctx: ctx.facts.headway is None,
)


def _billing_of(case: WrongCharge) -> BillingFacts:
    assert case.headway is not None  # the steps apply only when it was read
    return case.headway


def _within_30_days(ctx: Ctx) -> bool:
    return ctx.facts.headway is not None


def _recorded_in_intercom(ctx: Ctx) -> bool:
    # The client's own conversation about the charge gets the record; a client who has
    # none gets the refund notice in a new one, and Headway's record needs no second.
    return ctx.facts.headway is not None and ctx.facts.conversation_id is not None


# Within 30 days the session is billed "following the standard billing process": the
# same steps from Headway on. The Session Processed form records it in Intercom, and the
# invoice the client paid (then got back) is written off and charged $0, so it no longer
# asks the client for anything. The Insurance Billing attribute and closing belong to
# the billing view's requests, not to a payments conversation the client may answer.
STEPS: tuple[Step[WrongCharge], ...] = (
    REFUND,
    REFUND_NOTICE,
    reuse_step(CONFIRM_ON_HEADWAY, _billing_of, applies=_within_30_days),
    reuse_step(SESSION_FORM, _billing_of, applies=_recorded_in_intercom),
    reuse_step(WRITE_OFF, _billing_of, applies=_within_30_days),
    reuse_step(CHARGE_ZERO, _billing_of, applies=_within_30_days),
    SHEET_WRITE_OFF,
)
"""The steps in order: refund and tell; then Headway's four (30 days or less) or the
Programs Sheet (older)."""
