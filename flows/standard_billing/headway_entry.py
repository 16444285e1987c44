"""Procedure step 3: the session entered on the therapist's Headway calendar.

One step, ``headway.confirm``, shared by standard billing and by a wrongly charged
Headway client's recent session. Its "already there?" is the calendar itself: a
confirmed session for this client at this start time.
"""

from __future__ import annotations

from flows.process import Step, StepContext
from flows.standard_billing.facts import BillingFacts
from flows.standard_billing.headway_checks import (
    TELEHEALTH_SESSION_LOCATION,
    refuse_if_headway_does,
)
from pages.headway import HeadwayCalendarPage, HeadwaySessionDialog
from pages.headway.calendar import CalendarSession
from robot.engine import CommitStep
from robot.errors import BusinessRuleError, TransientError
from robot.rules.payout import payout_date

VIRTUAL_LOCATION = "Virtual (my own telehealth link)"
DOES_NOT_REPEAT = "Does not repeat"
CONFIRMED = "Confirmed"

Ctx = StepContext[BillingFacts]


def find_session(sessions: list[CalendarSession], facts: BillingFacts) -> CalendarSession | None:
    """The confirmed session of this client at this start time, if the calendar has one."""
    wanted = facts.session
    for session in sessions:
        if (
            session.client_name.casefold() == wanted.client_name.casefold()
            and session.start == wanted.start
            and session.status == CONFIRMED
        ):
            return session
    return None


def fill_session(dialog: HeadwaySessionDialog, facts: BillingFacts) -> None:
    """Procedure steps 3.6-3.16: every field, both attestations; stops before signing."""
    plan = facts.session
    dialog.select_client(plan.client_email, plan.client_name)
    refuse_if_headway_does(dialog)
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
    refuse_if_headway_does(dialog)
    dialog.choose_joined_from_state(plan.client_state)
    dialog.check_attestation()
    dialog.next()
    dialog.confirm_without_note()
    dialog.next()
    dialog.check_final_attestation()
    check_form_matches_plan(dialog, facts)


def check_form_matches_plan(dialog: HeadwaySessionDialog, facts: BillingFacts) -> None:
    """Read the filled form back (the dialog's summary) and compare it with the plan."""
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
        # The form did not take what was typed (a slow widget, a lost keystroke): a fault
        # of the moment, not of the data, so the step is tried again from the calendar.
        raise TransientError("the filled Headway form does not match the plan: " + ", ".join(wrong))


def _open_calendar(ctx: Ctx) -> HeadwayCalendarPage:
    plan = ctx.facts.session
    return ctx.worker.headway.calendar(plan.therapist, plan.calendar_date)


def _confirmed(calendar: HeadwayCalendarPage, ctx: Ctx) -> bool:
    facts = ctx.facts
    return find_session(calendar.sessions_on(facts.session.calendar_date), facts) is not None


def _fill(calendar: HeadwayCalendarPage, ctx: Ctx) -> None:
    plan = ctx.facts.session
    fill_session(calendar.open_slot(plan.calendar_date, plan.start.hour), ctx.facts)


def _sign_and_confirm(calendar: HeadwayCalendarPage, ctx: Ctx) -> None:
    # A lost answer raises TransientError inside: whether it landed is unknown, so the
    # retry looks at the calendar before anything is clicked again.
    dialog = HeadwaySessionDialog(calendar.page, calendar.base_url)
    answer = dialog.sign_note_and_confirm()
    if not answer.ok:
        # Headway answered, and said no (e.g. the plan does not cover the session):
        # nothing was created, and only a person can change Headway's mind.
        raise BusinessRuleError(f"Headway refused to confirm the session: {answer.message}")


def _details(_calendar: HeadwayCalendarPage, ctx: Ctx) -> dict[str, str]:
    facts = ctx.facts
    plan = facts.session
    return {
        "client": f"{plan.client_name} <{plan.client_email}>",
        "therapist": plan.therapist,
        "date": plan.calendar_date.isoformat(),
        "time": f"{plan.start:%H:%M}-{plan.end:%H:%M} {facts.calendar_label}",
        "CPT": plan.cpt_code,
        "diagnosis": plan.diagnosis_code,
        "telehealth": f"{plan.telehealth_type}, client in {plan.client_state}",
        "expected payout": payout_date(ctx.worker.today).isoformat(),
    }


CONFIRM_ON_HEADWAY: Step[BillingFacts] = CommitStep(
    name="headway.confirm",
    label="Sign note & confirm the session on Headway",
    open=_open_calendar,
    done=_confirmed,
    fill=_fill,
    click=_sign_and_confirm,
    details=_details,
)
"""Enter the session on the therapist's calendar and sign & confirm it (step 3)."""
