from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from robot.rules.timezones import (
    WallClock,
    in_zone,
    localize,
    minutes_between,
    wall_clock_problem,
    wall_clock_status,
    zone_for,
)

NY = "America/New_York"
CHI = "America/Chicago"
LA = "America/Los_Angeles"


@pytest.mark.parametrize(
    ("label", "zone"),
    [
        ("ET", NY),
        ("EST", NY),
        ("EDT", NY),
        ("est", NY),
        ("CT", CHI),
        ("CST", CHI),
        ("CDT", CHI),
        ("MT", "America/Denver"),
        ("MST", "America/Denver"),
        ("MDT", "America/Denver"),
        ("PT", LA),
        ("PST", LA),
        ("PDT", LA),
        ("AKST", "America/Anchorage"),
        ("AKDT", "America/Anchorage"),
        ("HST", "Pacific/Honolulu"),
        ("Eastern", NY),
        ("Pacific Time", LA),
        ("Central Standard Time", CHI),
        ("Eastern Time (US & Canada)", NY),
        ("EST/EDT", NY),
        ("US/Pacific", LA),
        ("America/Chicago", CHI),
        ("america/chicago", CHI),
        ("Europe/London", "Europe/London"),
        ("UTC", "UTC"),
        ("XYZ", None),
        ("America", None),
        ("EST/PST", None),
        ("../etc/passwd", None),
        ("", None),
    ],
)
def test_zone_for_maps_labels_to_regions(label: str, zone: str | None) -> None:
    assert zone_for(label) == zone


def test_est_calendar_keeps_daylight_saving() -> None:
    """A calendar labelled EST shows New York time in July: UTC-4, not a fixed UTC-5."""
    zone = zone_for("EST")
    assert zone is not None
    noon_pacific = localize(date(2026, 7, 1), time(12, 0), LA)
    assert in_zone(noon_pacific, zone).time() == time(15, 0)


@pytest.mark.parametrize(
    ("day", "at", "zone", "status"),
    [
        (date(2026, 3, 8), time(1, 59), NY, WallClock.EXISTS),
        (date(2026, 3, 8), time(2, 0), NY, WallClock.NONEXISTENT),
        (date(2026, 3, 8), time(2, 30), NY, WallClock.NONEXISTENT),
        (date(2026, 3, 8), time(2, 59), NY, WallClock.NONEXISTENT),
        (date(2026, 3, 8), time(3, 0), NY, WallClock.EXISTS),
        (date(2026, 3, 8), time(2, 30), CHI, WallClock.NONEXISTENT),
        (date(2026, 3, 8), time(2, 30), LA, WallClock.NONEXISTENT),
        (date(2026, 11, 1), time(0, 59), NY, WallClock.EXISTS),
        (date(2026, 11, 1), time(1, 0), NY, WallClock.AMBIGUOUS),
        (date(2026, 11, 1), time(1, 30), NY, WallClock.AMBIGUOUS),
        (date(2026, 11, 1), time(1, 59), NY, WallClock.AMBIGUOUS),
        (date(2026, 11, 1), time(2, 0), NY, WallClock.EXISTS),
        (date(2026, 11, 1), time(1, 30), CHI, WallClock.AMBIGUOUS),
        (date(2026, 11, 2), time(1, 30), NY, WallClock.EXISTS),
        (date(2026, 3, 8), time(2, 30), "Pacific/Honolulu", WallClock.EXISTS),
    ],
)
def test_wall_clock_status_finds_gaps_and_overlaps(
    day: date, at: time, zone: str, status: WallClock
) -> None:
    assert wall_clock_status(day, at, zone) is status


def test_gap_problem_says_spring_forward() -> None:
    problem = wall_clock_problem(date(2026, 3, 8), time(2, 30), NY, what="session start")
    assert problem == (
        "session start 02:30 on 2026-03-08 in America/New_York does not exist "
        "(clocks spring forward); needs review"
    )


def test_overlap_problem_says_fall_back() -> None:
    problem = wall_clock_problem(date(2026, 11, 1), time(1, 30), CHI, what="session start")
    assert problem is not None
    assert "happens twice (clocks fall back)" in problem


@pytest.mark.parametrize(
    ("day", "at"), [(date(2026, 3, 8), time(2, 30)), (date(2026, 11, 1), time(1, 30))]
)
def test_localize_refuses_to_guess(day: date, at: time) -> None:
    with pytest.raises(ValueError, match="America/New_York"):
        localize(day, at, NY)


@pytest.mark.parametrize(
    ("day", "at", "zone", "expected"),
    [
        # 10 PM Pacific is 1 AM the next day in the East.
        (date(2026, 11, 3), time(22, 0), LA, datetime(2026, 11, 4, 1, 0)),
        (date(2026, 12, 31), time(22, 30), LA, datetime(2027, 1, 1, 1, 30)),
        (date(2026, 7, 1), time(22, 0), LA, datetime(2026, 7, 2, 1, 0)),
        (date(2026, 11, 3), time(16, 0), CHI, datetime(2026, 11, 3, 17, 0)),
        (date(2026, 11, 3), time(0, 30), "Pacific/Honolulu", datetime(2026, 11, 3, 5, 30)),
    ],
)
def test_conversion_to_eastern_can_change_the_date(
    day: date, at: time, zone: str, expected: datetime
) -> None:
    moved = in_zone(localize(day, at, zone), NY)
    assert moved.replace(tzinfo=None) == expected


def test_minutes_between_counts_real_time_across_spring_forward() -> None:
    start = localize(date(2026, 3, 8), time(1, 30), NY)
    end = localize(date(2026, 3, 8), time(3, 30), NY)
    assert minutes_between(start, end) == 60


def test_minutes_between_works_across_zones() -> None:
    start = datetime(2026, 11, 3, 16, 0, tzinfo=ZoneInfo(LA))
    end = datetime(2026, 11, 3, 19, 53, tzinfo=ZoneInfo(NY))
    assert minutes_between(start, end) == 53
