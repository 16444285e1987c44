from datetime import date, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from robot.rules.plan import (
    EXIT_BILLABLE,
    EXIT_NEEDS_REVIEW,
    EXIT_UNREADABLE,
    PLAN_JSON_KEYS,
    build_plan,
    plan_command,
)
from robot.rules.windows import Timeliness

NOTE = """For admin use only
Client: Maya Thompson <maya.thompson@example.com>
Therapist: Sana Qureshi, LCSW
Session date: {date}
Session time: {time}
Duration: {minutes} minutes
Session type: {kind}
CPT code: {cpt}
Diagnosis code: {dx}
Client state: California
"""
TODAY = date(2026, 11, 10)


def note(
    *,
    date: str = "2026-11-03",
    time: str = "4:00 PM - 4:53 PM PST",
    minutes: int = 53,
    kind: str = "Video",
    cpt: str = "90837",
    dx: str = "F41.1",
) -> str:
    return NOTE.format(date=date, time=time, minutes=minutes, kind=kind, cpt=cpt, dx=dx)


def test_billable_note_becomes_a_complete_plan() -> None:
    plan = build_plan(note(), today=TODAY, platform_minutes=53)
    assert plan.problems == []
    assert plan.billable
    assert plan.readable
    assert plan.client_name == "Maya Thompson"
    assert plan.client_email == "maya.thompson@example.com"
    assert plan.therapist == "Sana Qureshi, LCSW"
    assert plan.calendar_tz == "America/New_York"
    assert (plan.calendar_date, plan.start, plan.end) == (
        date(2026, 11, 3),
        time(19, 0),
        time(19, 53),
    )
    assert plan.duration_minutes == 53
    assert plan.cpt_code == "90837"
    assert plan.diagnosis_code == "F41.1"
    assert plan.telehealth_type == "Audiovisual"
    assert plan.client_state == "California"
    assert plan.payout_date == date(2026, 11, 30)
    assert plan.request_age_days == 7
    assert plan.timeliness is Timeliness.LATE


def test_pacific_ten_pm_lands_on_the_next_day_in_eastern() -> None:
    plan = build_plan(note(time="10:00 PM - 10:53 PM PT"), today=TODAY)
    assert (plan.calendar_date, plan.start, plan.end) == (
        date(2026, 11, 4),
        time(1, 0),
        time(1, 53),
    )
    assert plan.billable


def test_est_label_on_the_calendar_means_new_york_with_daylight_saving() -> None:
    plan = build_plan(
        note(date="2026-07-01", time="12:00 PM - 12:53 PM PT"),
        calendar_tz="EST",
        today=date(2026, 7, 2),
    )
    assert plan.calendar_tz == "America/New_York"
    assert plan.start == time(15, 0)


def test_calendar_in_the_notes_zone_keeps_the_times() -> None:
    plan = build_plan(note(), calendar_tz="PST", today=TODAY)
    assert (plan.start, plan.end) == (time(16, 0), time(16, 53))


@pytest.mark.parametrize(
    ("day", "span", "problem"),
    [
        ("2026-03-08", "2:30 AM - 3:23 AM ET", "does not exist (clocks spring forward)"),
        ("2026-11-01", "1:30 AM - 2:23 AM CT", "happens twice (clocks fall back)"),
        ("2026-11-01", "12:30 AM - 1:23 AM ET", "happens twice (clocks fall back)"),
    ],
)
def test_daylight_saving_edges_need_review(day: str, span: str, problem: str) -> None:
    plan = build_plan(note(date=day, time=span), today=date.fromisoformat(day))
    assert not plan.billable
    assert plan.calendar_date is None
    assert any(problem in p for p in plan.problems)


def test_time_repeated_on_the_calendar_needs_review() -> None:
    """00:30 CDT is a real instant, but 01:30 in New York that night happens twice."""
    plan = build_plan(
        note(date="2026-11-01", time="12:30 AM - 12:53 AM CT", minutes=23, cpt="90832"),
        today=date(2026, 11, 1),
    )
    assert plan.problems == [
        "calendar start 01:30 on 2026-11-01 in America/New_York happens twice "
        "(clocks fall back); needs review",
        "calendar end 01:53 on 2026-11-01 in America/New_York happens twice "
        "(clocks fall back); needs review",
    ]


def test_session_across_spring_forward_counts_real_minutes() -> None:
    plan = build_plan(note(date="2026-03-08", time="1:30 AM - 3:23 AM ET"), today=date(2026, 3, 8))
    assert plan.billable, plan.problems


def test_session_past_midnight_ends_the_next_day() -> None:
    plan = build_plan(note(time="11:30 PM - 12:23 AM ET"), today=TODAY)
    assert plan.billable, plan.problems
    assert (plan.calendar_date, plan.end) == (date(2026, 11, 3), time(0, 23))


@pytest.mark.parametrize(
    ("minutes", "span", "cpt", "billable"),
    [
        (15, "4:00 PM - 4:15 PM PST", "90832", False),
        (16, "4:00 PM - 4:16 PM PST", "90832", True),
        (37, "4:00 PM - 4:37 PM PST", "90832", True),
        (38, "4:00 PM - 4:38 PM PST", "90834", True),
        (52, "4:00 PM - 4:52 PM PST", "90834", True),
        (53, "4:00 PM - 4:53 PM PST", "90837", True),
        (52, "4:00 PM - 4:52 PM PST", "90837", False),
        (53, "4:00 PM - 4:50 PM PST", "90837", False),
    ],
)
def test_cpt_duration_and_clock_must_agree(
    minutes: int, span: str, cpt: str, billable: bool
) -> None:
    plan = build_plan(note(minutes=minutes, time=span, cpt=cpt), today=TODAY)
    assert plan.billable is billable


def test_platform_minutes_disagreement_is_named() -> None:
    plan = build_plan(note(), today=TODAY, platform_minutes=45)
    assert plan.problems == [
        "the Ruh Platform's billed duration is 45 minutes but the note's duration is 53 minutes"
    ]


@pytest.mark.parametrize(
    ("dx", "normal", "billable"),
    [("f411", "F41.1", True), ("F41", "F41", False), ("F43.8", "F43.8", False)],
)
def test_diagnosis_is_normalised_and_must_be_billable(dx: str, normal: str, billable: bool) -> None:
    plan = build_plan(note(dx=dx), today=TODAY)
    assert plan.diagnosis_code == normal
    assert plan.billable is billable


def test_audio_only_session_is_planned_as_audio_only() -> None:
    """Headway, not the robot, decides whether the client's plan pays for it."""
    plan = build_plan(note(kind="Phone"), today=TODAY)
    assert plan.telehealth_type == "Audio-only"
    assert plan.problems == []


@pytest.mark.parametrize(
    ("today", "billable"),
    [
        (date(2026, 11, 3), True),
        (date(2026, 12, 3), True),
        (date(2026, 12, 4), False),
        (date(2026, 11, 2), False),
    ],
)
def test_thirty_day_window_counts_calendar_days(today: date, billable: bool) -> None:
    assert build_plan(note(), today=today).billable is billable


def test_window_uses_the_calendar_date_not_the_notes() -> None:
    """10 PM Pacific on Oct 4 is Oct 5 in New York: day 30 there on Nov 4, not day 31."""
    plan = build_plan(
        note(date="2026-10-04", time="10:00 PM - 10:53 PM PT"), today=date(2026, 11, 4)
    )
    assert plan.request_age_days == 30
    assert plan.billable


def test_no_payout_date_for_a_plan_in_review() -> None:
    assert build_plan(note(kind="In person"), today=TODAY).payout_date is None


def test_unknown_calendar_zone_is_unreadable() -> None:
    plan = build_plan(note(), calendar_tz="Mars/Olympus", today=TODAY)
    assert not plan.readable
    assert plan.problems == ["unknown calendar time zone 'Mars/Olympus'"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [("", "the note is empty"), ("Lunch at noon?", "not an admin note: no labelled fields found")],
)
def test_text_that_is_not_a_note_is_unreadable(text: str, problem: str) -> None:
    plan = build_plan(text, today=TODAY)
    assert not plan.readable
    assert plan.problems == [problem]


@pytest.mark.parametrize(
    ("text", "calendar_tz", "code"),
    [
        (note(), "America/New_York", EXIT_BILLABLE),
        (note(kind="In person"), "America/New_York", EXIT_NEEDS_REVIEW),
        ("", "America/New_York", EXIT_UNREADABLE),
        (note(), "Nowhere", EXIT_UNREADABLE),
    ],
)
def test_plan_command_exit_codes(text: str, calendar_tz: str, code: int) -> None:
    result, exit_code = plan_command(text, calendar_tz, TODAY, None)
    assert exit_code == code
    assert tuple(result) == PLAN_JSON_KEYS


def test_plan_command_json_values() -> None:
    result, _ = plan_command(note(), "EST", TODAY, 53)
    assert result == {
        "client_email": "maya.thompson@example.com",
        "therapist": "Sana Qureshi, LCSW",
        "calendar_date": "2026-11-03",
        "start": "19:00",
        "end": "19:53",
        "duration_minutes": 53,
        "cpt_code": "90837",
        "diagnosis_code": "F41.1",
        "telehealth_type": "Audiovisual",
        "client_state": "California",
        "billable": True,
        "problems": [],
        "payout_date": "2026-11-30",
    }


def test_plan_command_without_today_uses_the_real_date() -> None:
    result, code = plan_command(note(), "EST", None, None)
    # The note's date is long past or in the future relative to the real clock, or not:
    # either way the command answers with a plan, never an error.
    assert code in (EXIT_BILLABLE, EXIT_NEEDS_REVIEW)
    assert tuple(result) == PLAN_JSON_KEYS


@settings(max_examples=100, deadline=None)
@given(st.text(), st.sampled_from(["EST", "America/Chicago", "bogus"]), st.dates())
def test_build_plan_never_raises(text: str, calendar_tz: str, today: date) -> None:
    plan = build_plan(text, calendar_tz=calendar_tz, today=today)
    assert plan.billable is (not plan.problems)
