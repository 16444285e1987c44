from datetime import date, timedelta

import pytest

from robot.rules.windows import (
    Timeliness,
    age_in_days,
    timeliness,
    window_problem,
    within_headway_window,
)

TODAY = date(2026, 11, 20)


@pytest.mark.parametrize(
    ("days_ago", "inside"),
    [(-1, False), (0, True), (1, True), (29, True), (30, True), (31, False), (365, False)],
)
def test_headway_window_is_thirty_days(days_ago: int, inside: bool) -> None:
    assert within_headway_window(TODAY - timedelta(days=days_ago), TODAY) is inside


@pytest.mark.parametrize(
    ("session", "today", "inside"),
    [
        (date(2026, 1, 31), date(2026, 3, 2), True),
        (date(2026, 1, 31), date(2026, 3, 3), False),
        (date(2028, 1, 31), date(2028, 3, 1), True),
        (date(2028, 1, 31), date(2028, 3, 2), False),
        (date(2026, 12, 15), date(2027, 1, 14), True),
        (date(2026, 12, 15), date(2027, 1, 15), False),
    ],
)
def test_window_counts_calendar_days_across_months(
    session: date, today: date, inside: bool
) -> None:
    assert within_headway_window(session, today) is inside


def test_age_is_negative_for_a_future_date() -> None:
    assert age_in_days(date(2026, 11, 21), TODAY) == -1


def test_day_thirty_one_problem_says_how_old() -> None:
    assert window_problem(TODAY - timedelta(days=31), TODAY) == (
        "session is 31 days old; Headway confirms sessions at most 30 days old"
    )


def test_day_thirty_has_no_problem() -> None:
    assert window_problem(TODAY - timedelta(days=30), TODAY) is None


def test_future_session_is_a_problem() -> None:
    assert window_problem(date(2026, 11, 21), TODAY) == (
        "session date 2026-11-21 is after today (2026-11-20)"
    )


@pytest.mark.parametrize(
    ("age", "flag"),
    [
        (0, Timeliness.ON_TIME),
        (6, Timeliness.ON_TIME),
        (7, Timeliness.LATE),
        (20, Timeliness.LATE),
        (21, Timeliness.VERY_LATE),
        (40, Timeliness.VERY_LATE),
    ],
)
def test_timeliness_flags_at_seven_and_twenty_one_days(age: int, flag: Timeliness) -> None:
    assert timeliness(age) is flag


@pytest.mark.parametrize(
    ("age", "flag"), [(2, Timeliness.ON_TIME), (3, Timeliness.LATE), (10, Timeliness.VERY_LATE)]
)
def test_timeliness_thresholds_are_parameters(age: int, flag: Timeliness) -> None:
    assert timeliness(age, late_after=3, very_late_after=10) is flag
