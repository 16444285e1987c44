"""Time windows: Headway's 30-day limit and how late a billing request is.

Ages are whole calendar days between two dates that the caller has already put in the
practice's time zone; nothing here reads a clock.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

HEADWAY_WINDOW_DAYS = 30
LATE_AFTER_DAYS = 7
VERY_LATE_AFTER_DAYS = 21


def age_in_days(earlier: date, today: date) -> int:
    """Return how many calendar days ``earlier`` lies before ``today`` (negative if after)."""
    return (today - earlier).days


def within_headway_window(
    session_date: date, today: date, *, window_days: int = HEADWAY_WINDOW_DAYS
) -> bool:
    """Return True if Headway still lets a session on ``session_date`` be confirmed today.

    Day 30 is still inside, day 31 is not. A session after ``today`` is outside too:
    it has not happened yet.
    """
    return 0 <= age_in_days(session_date, today) <= window_days


def window_problem(session_date: date, today: date) -> str | None:
    """Say in words why a session cannot be confirmed on Headway today, or None."""
    age = age_in_days(session_date, today)
    if age < 0:
        return f"session date {session_date.isoformat()} is after today ({today.isoformat()})"
    if age > HEADWAY_WINDOW_DAYS:
        return (
            f"session is {age} days old; Headway confirms sessions at most "
            f"{HEADWAY_WINDOW_DAYS} days old"
        )
    return None


class Timeliness(StrEnum):
    """How promptly a billing request is being handled, for the run report."""

    ON_TIME = "on time"
    LATE = "late"
    VERY_LATE = "very late"


def timeliness(
    age_days: int,
    *,
    late_after: int = LATE_AFTER_DAYS,
    very_late_after: int = VERY_LATE_AFTER_DAYS,
) -> Timeliness:
    """Flag a request ``age_days`` old: late from ``late_after``, very late from the other.

    Late claims can be denied and surprise the client with a charge, so the report
    shows them; the thresholds are the practice's to choose.
    """
    if age_days >= very_late_after:
        return Timeliness.VERY_LATE
    if age_days >= late_after:
        return Timeliness.LATE
    return Timeliness.ON_TIME
