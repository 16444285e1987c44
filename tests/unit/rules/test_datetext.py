from datetime import date, time

import pytest

from robot.rules.datetext import ClockReading, clock_span, clock_time, find_date, find_times

NOV_3 = date(2026, 11, 3)


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-03",
        "11/03/2026",
        "11/3/2026",
        "11/3/26",
        "11-03-2026",
        "Nov 3, 2026",
        "Nov. 3 2026",
        "November 3rd, 2026",
        "Tuesday, November 3, 2026",
        "Tue Nov 3 2026",
        "3 November 2026",
        "3rd of Nov, 2026",
        "2026-11-03 (Tuesday)",
    ],
)
def test_find_date_reads_common_forms(text: str) -> None:
    assert find_date(text)[0] == NOV_3


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2026-02-30", "no such date"),
        ("Monday, November 3, 2026", "is a Tuesday"),
        ("2026-11-03 or 2026-11-04", "two different dates"),
    ],
)
def test_find_date_refuses_contradictions(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        find_date(text)


@pytest.mark.parametrize("text", ["", "tomorrow", "11/03", "November 3"])
def test_find_date_without_a_full_date_is_none(text: str) -> None:
    assert find_date(text)[0] is None


@pytest.mark.parametrize(
    ("text", "start", "end", "zone"),
    [
        ("4:00 PM - 4:53 PM PST", time(16, 0), time(16, 53), "America/Los_Angeles"),
        ("4pm-4:53pm PT", time(16, 0), time(16, 53), "America/Los_Angeles"),
        ("4 p.m. to 4:53 p.m. Eastern", time(16, 0), time(16, 53), "America/New_York"),
        ("16:00–16:53 CT", time(16, 0), time(16, 53), "America/Chicago"),
        ("4:00 - 4:53 PM", time(16, 0), time(16, 53), None),
        ("11:30 - 12:23 PM", time(11, 30), time(12, 23), None),
        ("9-9:53 PM (America/Chicago)", time(21, 0), time(21, 53), "America/Chicago"),
        ("4:00 PM PST - 4:53 PM PST", time(16, 0), time(16, 53), "America/Los_Angeles"),
        ("4:00 PM - 4:53 PM (53 min)", time(16, 0), time(16, 53), None),
        ("11:30 PM - 12:23 AM ET", time(23, 30), time(0, 23), "America/New_York"),
        ("noon - 12:53 PM", time(12, 0), time(12, 53), None),
        ("09:00 - 09:53", time(9, 0), time(9, 53), None),
    ],
)
def test_find_times_reads_ranges(text: str, start: time, end: time, zone: str | None) -> None:
    reading = find_times(text)
    assert reading is not None
    assert reading.end is not None
    assert clock_span(reading.start, reading.end) == (start, end)
    assert reading.zone == zone


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("4:00 PM XYZ - 4:53 PM", "unknown time zone 'XYZ'"),
        ("4:00 PM PST - 4:53 PM EST", "two different time zones"),
        ("4:00 PM 4:53 PM", "without a range"),
        ("1pm, 2pm, 3pm", "more than two"),
        ("13:00 PM - 1:53 PM", "no such time"),
        ("4:75 PM - 5 PM", "no such time"),
    ],
)
def test_find_times_refuses_what_it_cannot_read(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        find_times(text)


def test_find_times_without_a_time_is_none() -> None:
    assert find_times("Video") is None


def test_bare_hour_counts_only_when_asked() -> None:
    assert find_times("4") is None
    reading = find_times("4", bare_hour=True)
    assert reading is not None
    assert reading.start == ClockReading(4, 0, None, twenty_four_hour=False)


@pytest.mark.parametrize(
    ("start", "end", "reason"),
    [
        (ClockReading(4, 0, None, False), ClockReading(4, 53, None, False), "no AM or PM"),
        (ClockReading(4, 0, "pm", False), ClockReading(16, 53, None, True), "24-hour"),
    ],
)
def test_clock_span_refuses_to_guess(start: ClockReading, end: ClockReading, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        clock_span(start, end)


def test_clock_span_shares_a_start_meridiem_with_the_end() -> None:
    start = ClockReading(11, 30, "pm", False)
    end = ClockReading(12, 23, None, False)
    assert clock_span(start, end) == (time(23, 30), time(0, 23))


@pytest.mark.parametrize(
    ("reading", "expected"),
    [
        (ClockReading(12, 0, "am", False), time(0, 0)),
        (ClockReading(12, 30, "pm", False), time(12, 30)),
        (ClockReading(16, 0, None, True), time(16, 0)),
    ],
)
def test_clock_time_reads_one_time(reading: ClockReading, expected: time) -> None:
    assert clock_time(reading) == expected


def test_clock_time_without_meridiem_is_unreadable() -> None:
    with pytest.raises(ValueError, match="no AM or PM in '4:00'"):
        clock_time(ClockReading(4, 0, None, False))
