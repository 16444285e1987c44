"""Read everything a billing request needs, from all three sites, before any click.

Procedure steps 1-2 and the start of step 3, reading only: the Intercom thread and its
"For admin use only" note, the matching Ruh Platform appointment (billed duration,
status, invoice), Headway's Patients list (the provider the client is covered with,
which must be the note's therapist, and what is on file), and the therapist's Headway
profile and calendar time zone. The rules then turn the note into a plan. Any
disagreement raises :class:`BusinessRuleError` with the reason in words, so the item goes
to review and nothing is clicked for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from flows.standard_billing.headway_checks import check_audio_only_covered
from flows.worker import Worker
from pages.headway import PatientRow
from pages.intercom.models import ConversationDetails
from pages.ruh_platform import AppointmentDetails, AppointmentRow
from robot.errors import BusinessRuleError, TransientError
from robot.rules.note import AdminNote, parse_admin_note
from robot.rules.plan import BillingPlan, build_plan
from robot.rules.telehealth import AUDIO_ONLY
from robot.rules.timezones import localize, zone_for

LATE_CANCELLATION = "Late Cancellation"


@dataclass(frozen=True)
class BillableSession:
    """A plan that passed every check: every field the steps need, none missing.

    ``calendar_date``/``start``/``end`` are in the Headway calendar's zone; ``note_*`` are as
    written in the Intercom thread (what the Session Processed form records).
    """

    client_name: str
    client_email: str
    therapist: str
    calendar_date: date
    start: time
    end: time
    duration_minutes: int
    cpt_code: str
    diagnosis_code: str
    telehealth_type: str
    client_state: str
    note_date: date
    note_start: time
    note_end: time

    @classmethod
    def from_plan(cls, plan: BillingPlan, note: AdminNote) -> BillableSession:
        """Take the checked plan's fields; a gap here is a bug in the rules, not data."""
        values = {
            "client_name": plan.client_name,
            "client_email": plan.client_email,
            "therapist": plan.therapist,
            "calendar_date": plan.calendar_date,
            "start": plan.start,
            "end": plan.end,
            "duration_minutes": plan.duration_minutes,
            "cpt_code": plan.cpt_code,
            "diagnosis_code": plan.diagnosis_code,
            "telehealth_type": plan.telehealth_type,
            "client_state": plan.client_state,
            "note_date": note.session_date,
            "note_start": note.start,
            "note_end": note.end,
        }
        missing = [name for name, value in values.items() if value is None]
        if missing:
            raise BusinessRuleError("the plan is incomplete: no " + ", ".join(missing))
        return cls(**values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class BillingFacts:
    """What the three sites say about one billing request, and the plan built from it."""

    conversation_id: str
    conversation: ConversationDetails
    note: AdminNote
    plan: BillingPlan
    session: BillableSession
    platform_client_id: str
    appointment: AppointmentDetails
    therapist_licensed_state: str
    calendar_label: str
    practice_email: str


def read_billing_facts(worker: Worker, conversation_id: str) -> BillingFacts:
    """Read the request, the appointment and the calendar; build and check the plan."""
    known: dict[str, object] = {"conversation_id": conversation_id}
    try:
        conversation, note_text = _read_conversation(worker, conversation_id)
        parsed = parse_admin_note(note_text)
        known |= _note_facts(parsed.note)
        return _read_the_rest(
            worker, conversation_id, conversation, parsed.problems, note_text, parsed.note
        )
    except BusinessRuleError as problem:
        # The review table names the session a person must look at.
        raise problem.with_facts(known) from None


def _note_facts(note: AdminNote) -> dict[str, object]:
    """What the note says, as far as it could be read (for the review table)."""
    return {
        "client_name": note.client_name,
        "date_of_service": note.session_date.isoformat() if note.session_date else None,
        "therapist": note.therapist,
        "cpt_code": note.cpt_code,
        "diagnosis_code": note.diagnosis_code,
    }


def _read_the_rest(
    worker: Worker,
    conversation_id: str,
    conversation: ConversationDetails,
    problems_in_note: tuple[str, ...],
    note_text: str,
    note: AdminNote,
) -> BillingFacts:
    email, day, start, zone = note.client_email, note.session_date, note.start, note.zone
    if email is None or day is None or start is None or zone is None:
        unread = "; ".join(problems_in_note) or "the admin note is missing session details"
        raise BusinessRuleError(f"admin note unreadable: {unread}")
    client_id, appointment = _read_appointment(worker, email, day, start, zone)
    _check_headway_coverage(worker, email, note.therapist or "")
    licensed_state, calendar_label = _read_headway_profile(worker, note.therapist or "")
    calendar_zone = zone_for(calendar_label)
    if calendar_zone is None:
        raise BusinessRuleError(f"unknown Headway calendar time zone {calendar_label!r}")
    plan = build_plan(
        note_text,
        calendar_tz=calendar_zone,
        today=worker.today,
        platform_minutes=appointment.duration_minutes,
    )
    problems = list(plan.problems)
    problems += _therapist_problems(note, appointment)
    if problems:
        raise BusinessRuleError("; ".join(problems))
    session = BillableSession.from_plan(plan, note)
    check_headway_accepts(worker, session)
    return BillingFacts(
        conversation_id=conversation_id,
        conversation=conversation,
        note=note,
        plan=plan,
        session=session,
        platform_client_id=client_id,
        appointment=appointment,
        therapist_licensed_state=licensed_state,
        calendar_label=calendar_label,
        practice_email=worker.settings.practice_email,
    )


def _read_conversation(worker: Worker, conversation_id: str) -> tuple[ConversationDetails, str]:
    page = worker.intercom.conversation(conversation_id)
    details = page.details()
    if not page.messages():
        # A thread always holds the request itself: an empty one did not load.
        raise TransientError(f"the thread of conversation {conversation_id} did not load")
    note = page.admin_note()
    if note is None:
        raise BusinessRuleError('the conversation has no "For admin use only" note')
    if not note.strip():
        raise TransientError(f"the admin note of conversation {conversation_id} read empty")
    return details, note


def _read_appointment(
    worker: Worker, email: str, day: date, start: time, zone: str
) -> tuple[str, AppointmentDetails]:
    """Steps 2.2-2.4: search the client, Overview -> Appointments -> Past, open it."""
    profile = worker.ruh.find_client(email)
    profile.open_overview()
    try:
        wanted = localize(day, start, zone)
    except ValueError as exc:
        raise BusinessRuleError(f"the note's session time is ambiguous: {exc}") from exc
    rows = profile.past_appointments()
    matches = [row for row in rows if _starts_at(row) == wanted]
    if not matches:
        raise BusinessRuleError(
            f"no past appointment on the Ruh Platform starts at the note's time "
            f"({day.isoformat()} {start.strftime('%H:%M')})"
        )
    if len(matches) > 1:
        raise BusinessRuleError("more than one Ruh Platform appointment matches the note")
    details = profile.open_appointment(matches[0].id).details()
    if details.status == LATE_CANCELLATION:
        raise BusinessRuleError(
            "the Ruh Platform marks this appointment as a Late Cancellation: "
            "cancellation fees are never billed to insurance"
        )
    if details.status != "Completed":
        raise BusinessRuleError(f"the appointment's status is {details.status!r}, not Completed")
    return profile.client_id(), details


def _starts_at(row: AppointmentRow) -> datetime | None:
    zone = zone_for(row.zone)
    if zone is None:
        return None
    try:
        return localize(row.date, row.start, zone)
    except ValueError:
        return None


def _read_headway_profile(worker: Worker, therapist: str) -> tuple[str, str]:
    """Step 3.2-3.4: the therapist in the left menu, their licence state and calendar zone."""
    provider = worker.headway.provider(therapist)
    licensed_state = provider.licensed_state()
    return licensed_state, provider.open_calendar().timezone_label()


def _check_headway_coverage(worker: Worker, email: str, therapist: str) -> None:
    """Headway's Patients list: a client it cannot bill is a review before any click.

    Headway also refuses in the session dialog, but by then the Intercom participants
    would already have changed; reading it first keeps "review" meaning "untouched".
    """
    problem = headway_coverage_problem(worker.headway.patients(), email, therapist)
    if problem is not None:
        raise BusinessRuleError(problem)


def headway_coverage_problem(
    patients: Sequence[PatientRow], email: str, therapist: str
) -> str | None:
    """Why Headway's Patients list says this client cannot be billed under ``therapist``.

    Procedure step 3.2 selects "the therapist the client is covered with": that is the
    provider Headway lists for the client, and it must be the note's therapist (bare names
    compared, as against the Ruh Platform appointment). A different provider, or none, is
    a person's call, never a guess. An empty ``therapist`` (the note names none) is left to
    the note's own checks. None when Headway can bill the client under ``therapist``.
    """
    patient = next((p for p in patients if p.email.casefold() == email.casefold()), None)
    if patient is None:
        return "the client is not among Headway's patients"
    if therapist and not _same_person(patient.provider, therapist):
        return (
            f"Headway lists the client with another provider ({patient.provider or 'none'}), "
            f"not the session's therapist ({therapist})"
        )
    if not patient.insurance_verified:
        return "Headway has no verified insurance on file for the client"
    if not patient.payment_on_file:
        return "Headway has no payment method on file for the client"
    return None


def _same_person(one: str, other: str) -> bool:
    return bare_name(one).casefold() == bare_name(other).casefold()


def _therapist_problems(note: AdminNote, appointment: AppointmentDetails) -> list[str]:
    if not _same_person(note.therapist or "", appointment.therapist):
        return ["the note's therapist is not the therapist of the Ruh Platform appointment"]
    return []


def check_headway_accepts(worker: Worker, session: BillableSession) -> None:
    """Headway's say on an audio-only session (its plan may not pay for it), read first.

    Other sessions ask nothing: Headway's insurance and payment checks are read from its
    Patients list above, without opening a dialog.
    """
    if session.telehealth_type != AUDIO_ONLY:
        return
    check_audio_only_covered(
        worker.headway.calendar(session.therapist, session.calendar_date),
        client_email=session.client_email,
        client_name=session.client_name,
        day=session.calendar_date,
        hour=session.start.hour,
    )


def bare_name(name: str) -> str:
    """A person's name without credentials ("Sana Qureshi, LCSW" -> "Sana Qureshi")."""
    return name.split(",", 1)[0].strip()
