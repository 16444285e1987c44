"""The billing plan: everything the Headway entry needs, checked, from one admin note.

``build_plan`` applies every rule to a note and says either "billable" (the plan can be
entered as is) or which problems send the work item to review. ``plan_command`` is the
``billing-robot plan`` command's body: the plan as a JSON-ready object and an exit code.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from robot.rules.cpt import duration_problems
from robot.rules.icd10 import diagnosis_problem
from robot.rules.note import AdminNote, parse_admin_note
from robot.rules.payout import payout_date
from robot.rules.telehealth import session_type_problem, telehealth_type
from robot.rules.timezones import (
    EASTERN,
    in_zone,
    localize,
    minutes_between,
    wall_clock_problem,
    zone_for,
)
from robot.rules.windows import Timeliness, age_in_days, timeliness, window_problem

EXIT_BILLABLE = 0
EXIT_UNREADABLE = 2
EXIT_NEEDS_REVIEW = 3

# The keys of ``plan_command``'s JSON object, in order: other tools read them.
PLAN_JSON_KEYS: tuple[str, ...] = (
    "client_email",
    "therapist",
    "calendar_date",
    "start",
    "end",
    "duration_minutes",
    "cpt_code",
    "diagnosis_code",
    "telehealth_type",
    "client_state",
    "billable",
    "problems",
    "payout_date",
)


class BillingPlan(BaseModel):
    """What to enter on Headway for one session, or why it must go to review.

    ``calendar_date``, ``start`` and ``end`` are in the Headway calendar's zone
    (``calendar_tz``), converted from the note's zone. Any field may be None when the
    note did not say it readably; ``problems`` then says why. ``billable`` is True
    exactly when ``problems`` is empty. ``readable`` is False when the input could not
    be read at all (not a note, or an unknown calendar zone).
    """

    model_config = ConfigDict(frozen=True)

    client_name: str | None
    client_email: str | None
    therapist: str | None
    calendar_tz: str | None
    calendar_date: date | None
    start: time | None
    end: time | None
    duration_minutes: int | None
    cpt_code: str | None
    diagnosis_code: str | None
    telehealth_type: str | None
    client_state: str | None
    billable: bool
    problems: list[str]
    payout_date: date | None
    request_age_days: int | None
    timeliness: Timeliness | None
    readable: bool


class _Session(BaseModel):
    """The session moved into the calendar's zone, with its length by the clock."""

    calendar_date: date | None = None
    start: time | None = None
    end: time | None = None
    clock_minutes: int | None = None


def _convert(note: AdminNote, calendar_tz: str, problems: list[str]) -> _Session:
    if note.session_date is None or note.start is None or note.end is None or not note.zone:
        return _Session()
    try:
        return _move(note.session_date, note.start, note.end, note.zone, calendar_tz, problems)
    except OverflowError:
        # Year 1 or 9999: moving it across zones leaves the calendar; surely a typo.
        problems.append(f"session date {note.session_date.isoformat()} is out of range")
        return _Session()


def _move(
    day: date, start_at: time, end_at: time, zone: str, calendar_tz: str, problems: list[str]
) -> _Session:
    """Move a session from the note's zone into the calendar's, or say why it cannot be."""
    # An end before the start is past midnight: "11:30 PM - 12:23 AM".
    end_day = day + timedelta(days=1) if end_at < start_at else day
    local_problems = [
        wall_clock_problem(day, start_at, zone, what="session start"),
        wall_clock_problem(end_day, end_at, zone, what="session end"),
    ]
    if any(local_problems):
        problems.extend(problem for problem in local_problems if problem)
        return _Session()
    start = localize(day, start_at, zone)
    end = localize(end_day, end_at, zone)
    start_there, end_there = in_zone(start, calendar_tz), in_zone(end, calendar_tz)
    # Converting an instant never lands in a gap, but can land in the repeated hour,
    # which the Headway calendar could not tell apart from the other one.
    for what, moment in (("calendar start", start_there), ("calendar end", end_there)):
        local = moment.replace(tzinfo=None)
        overlap = wall_clock_problem(local.date(), local.time(), calendar_tz, what=what)
        if overlap:
            problems.append(overlap)
    return _Session(
        calendar_date=start_there.date(),
        start=start_there.time(),
        end=end_there.time(),
        clock_minutes=minutes_between(start, end),
    )


def _unreadable(problem: str, calendar_tz: str | None) -> BillingPlan:
    return BillingPlan(
        client_name=None,
        client_email=None,
        therapist=None,
        calendar_tz=calendar_tz,
        calendar_date=None,
        start=None,
        end=None,
        duration_minutes=None,
        cpt_code=None,
        diagnosis_code=None,
        telehealth_type=None,
        client_state=None,
        billable=False,
        problems=[problem],
        payout_date=None,
        request_age_days=None,
        timeliness=None,
        readable=False,
    )


def build_plan(
    note_text: str,
    *,
    calendar_tz: str = EASTERN,
    today: date,
    platform_minutes: int | None = None,
) -> BillingPlan:
    """Read ``note_text`` and check it against every billing rule; never raises.

    ``calendar_tz`` is the Headway calendar's zone, as an IANA name or a label such as
    "EST"; ``today`` is the date in that zone, the day the session would be confirmed;
    ``platform_minutes`` is the Ruh Platform's billed duration, when known.
    """
    zone = zone_for(calendar_tz)
    if zone is None:
        return _unreadable(f"unknown calendar time zone {calendar_tz[:40]!r}", None)
    parsed = parse_admin_note(note_text)
    if not parsed.readable:
        if not note_text.strip():
            return _unreadable("the note is empty", zone)
        return _unreadable("not an admin note: no labelled fields found", zone)
    note = parsed.note
    problems = list(parsed.problems)
    session = _convert(note, zone, problems)
    problems += duration_problems(
        cpt_code=note.cpt_code,
        note_minutes=note.duration_minutes,
        clock_minutes=session.clock_minutes,
        platform_minutes=platform_minutes,
    )
    if note.diagnosis_code is not None:
        problems += filter(None, [diagnosis_problem(note.diagnosis_code)])
    if note.session_type is not None:
        problems += filter(None, [session_type_problem(note.session_type)])
    age: int | None = None
    if session.calendar_date is not None:
        age = age_in_days(session.calendar_date, today)
        problems += filter(None, [window_problem(session.calendar_date, today)])
    billable = not problems
    return BillingPlan(
        client_name=note.client_name,
        client_email=note.client_email,
        therapist=note.therapist,
        calendar_tz=zone,
        calendar_date=session.calendar_date,
        start=session.start,
        end=session.end,
        duration_minutes=note.duration_minutes,
        cpt_code=note.cpt_code,
        diagnosis_code=note.diagnosis_code,
        telehealth_type=telehealth_type(note.session_type) if note.session_type else None,
        client_state=note.client_state,
        billable=billable,
        problems=problems,
        payout_date=payout_date(today) if billable else None,
        request_age_days=age,
        timeliness=timeliness(age) if age is not None and age >= 0 else None,
        readable=True,
    )


def plan_json(plan: BillingPlan) -> dict[str, object]:
    """Return the plan as the ``plan`` command prints it: ``PLAN_JSON_KEYS``, JSON types."""
    return {
        "client_email": plan.client_email,
        "therapist": plan.therapist,
        "calendar_date": plan.calendar_date.isoformat() if plan.calendar_date else None,
        "start": plan.start.strftime("%H:%M") if plan.start else None,
        "end": plan.end.strftime("%H:%M") if plan.end else None,
        "duration_minutes": plan.duration_minutes,
        "cpt_code": plan.cpt_code,
        "diagnosis_code": plan.diagnosis_code,
        "telehealth_type": plan.telehealth_type,
        "client_state": plan.client_state,
        "billable": plan.billable,
        "problems": list(plan.problems),
        "payout_date": plan.payout_date.isoformat() if plan.payout_date else None,
    }


def plan_exit_code(plan: BillingPlan) -> int:
    """Return 0 for a billable plan, 3 for one that needs review, 2 for unreadable input."""
    if not plan.readable:
        return EXIT_UNREADABLE
    return EXIT_BILLABLE if plan.billable else EXIT_NEEDS_REVIEW


def plan_command(
    note_text: str, calendar_tz: str, today: date | None, platform_minutes: int | None
) -> tuple[dict[str, object], int]:
    """Run ``billing-robot plan``: the plan's JSON object and the exit code.

    Without ``today`` the real date in the calendar's zone is used; this is the only
    rule that reads the clock.
    """
    if today is None:
        zone = zone_for(calendar_tz)
        today = datetime.now(ZoneInfo(zone)).date() if zone else date.today()
    plan = build_plan(
        note_text, calendar_tz=calendar_tz, today=today, platform_minutes=platform_minutes
    )
    return plan_json(plan), plan_exit_code(plan)
