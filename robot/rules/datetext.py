"""Reading dates and clock times the way people write them in an admin note.

Every reader raises ``ValueError`` with a short reason in words when the text does not
say one thing clearly; the note parser turns that into a problem. Nothing is guessed:
a clock time without AM/PM is read only when it is plainly 24-hour ("16:00", "09:30")
or when the other end of its range carries the AM/PM ("4:00 - 4:53 PM").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time
from typing import Literal

from robot.rules.timezones import zone_for

_MONTHS: dict[str, int] = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}
_MONTH = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
)
_DAY = r"(?P<d>[0-9]{1,2})(?:st|nd|rd|th)?"
_DATE_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        # 2026-11-03
        r"(?<![0-9])(?P<y>[0-9]{4})[-/.](?P<mo>[0-9]{1,2})[-/.](?P<d>[0-9]{1,2})(?![0-9])",
        # 11/03/2026 or 11/3/26: a US practice writes month first.
        r"(?<![0-9])(?P<mo>[0-9]{1,2})[-/.](?P<d>[0-9]{1,2})[-/.](?P<y>[0-9]{4}|[0-9]{2})(?![0-9])",
        # Nov 3, 2026 / November 3rd 2026
        rf"\b{_MONTH}\s*{_DAY}\b,?\s+(?P<y>[0-9]{{4}})(?![0-9])",
        # 3 November 2026 / 3rd of Nov, 2026
        rf"(?<![0-9]){_DAY}\s+(?:of\s+)?{_MONTH},?\s+(?P<y>[0-9]{{4}})(?![0-9])",
    )
)
_WEEKDAYS: dict[str, int] = {
    "mon": 0,
    "monday": 0,
    "tue": 1,
    "tues": 1,
    "tuesday": 1,
    "wed": 2,
    "wednesday": 2,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "thursday": 3,
    "fri": 4,
    "friday": 4,
    "sat": 5,
    "saturday": 5,
    "sun": 6,
    "sunday": 6,
}
_WEEKDAY = re.compile(r"\b(" + "|".join(sorted(_WEEKDAYS, key=len, reverse=True)) + r")\b", re.I)
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _date_of(match: re.Match[str]) -> date:
    parts = match.groupdict()
    year = int(parts["y"])
    if len(parts["y"]) == 2:
        year += 2000
    month = _MONTHS[parts["mon"][:3].lower()] if parts.get("mon") else int(parts["mo"])
    try:
        return date(year, month, int(parts["d"]))
    except ValueError:
        raise ValueError(f"no such date {match.group(0).strip()!r}") from None


def find_date(text: str) -> tuple[date | None, str]:
    """Find the one date in ``text``; return it and the text with the date blanked out.

    Returns ``(None, text)`` when there is no date. Raises ValueError for an impossible
    date, two different dates, or a weekday that contradicts the date.
    """
    found: list[tuple[int, int, date]] = []
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < e and s < end for s, e, _ in found):
                continue
            found.append((start, end, _date_of(match)))
    if not found:
        return None, text
    days = {day for _, _, day in found}
    if len(days) > 1:
        raise ValueError("two different dates")
    day = days.pop()
    for match in _WEEKDAY.finditer(text):
        if _WEEKDAYS[match.group(1).lower()] != day.weekday():
            raise ValueError(f"{day.isoformat()} is a {_DAY_NAMES[day.weekday()]}")
    rest = text
    for start, end, _ in sorted(found, reverse=True):
        rest = rest[:start] + " " + rest[end:]
    rest = _WEEKDAY.sub(" ", rest)
    return day, rest


@dataclass(frozen=True)
class ClockReading:
    """A clock time as written: hour and minute, its AM/PM if any, and if plainly 24-hour."""

    hour: int
    minute: int
    meridiem: Literal["am", "pm"] | None
    twenty_four_hour: bool


_CLOCK = re.compile(
    r"(?<![0-9:])(?:\b(?P<word>noon|midnight)\b"
    r"|(?P<h>[0-9]{1,2})(?::(?P<m>[0-9]{2}))?\s*(?:(?P<mer>[ap])\.?\s?m(?![a-z])\.?)?)(?![0-9:])",
    re.IGNORECASE,
)
_SEPARATOR = r"(?:-+|–|—|~|\bto\b|\buntil\b|\btill\b|\bthrough\b)"
_MID = re.compile(rf"^(?P<zone>.*?){_SEPARATOR}\s*$", re.IGNORECASE | re.DOTALL)
_FILLER = re.compile(r"\b(?:from|at|on|starting|start|ending|end|and)\b", re.IGNORECASE)


def _reading(match: re.Match[str]) -> ClockReading | None:
    """Return the clock reading of a match, or None when it is a bare number ("4")."""
    word = match.group("word")
    if word:
        return ClockReading(12, 0, "pm" if word.lower() == "noon" else "am", False)
    hour_text, minute_text, meridiem = match.group("h", "m", "mer")
    hour, minute = int(hour_text), int(minute_text or 0)
    if minute_text is None and meridiem is None:
        return None
    if minute > 59:
        raise ValueError(f"no such time {match.group(0).strip()!r}")
    if meridiem is not None:
        if not 1 <= hour <= 12:
            raise ValueError(f"no such time {match.group(0).strip()!r}")
        return ClockReading(hour, minute, "am" if meridiem.lower() == "a" else "pm", False)
    if hour > 23:
        raise ValueError(f"no such time {match.group(0).strip()!r}")
    plain_24 = hour == 0 or hour >= 13 or hour_text.startswith("0")
    return ClockReading(hour, minute, None, plain_24)


def zones_named(segment: str) -> set[str]:
    """Return the zones a stretch of text names: "PST", "(Pacific)"; ValueError if unknown.

    Text in parentheses that names no zone is taken as a comment and skipped.
    """
    zones: set[str] = set()
    # A parenthesis is commentary ("(53 min)") unless it names a zone ("(Pacific)").
    for inner in re.findall(r"\(([^()]*)\)", segment):
        zone = zone_for(inner)
        if zone is not None:
            zones.add(zone)
    outside = re.sub(r"\([^()]*\)", " ", segment)
    outside = _FILLER.sub(" ", outside).strip(" \t,;.-–—~[]|")
    if outside:
        zone = zone_for(outside)
        if zone is None:
            raise ValueError(f"unknown time zone {outside!r}")
        zones.add(zone)
    return zones


@dataclass(frozen=True)
class TimesReading:
    """The clock times found in a line (one or a start-end range) and the zone it names."""

    start: ClockReading
    end: ClockReading | None
    zone: str | None


def _bare(match: re.Match[str]) -> ClockReading:
    hour_text = match.group("h")
    hour = int(hour_text)
    if hour > 23:
        raise ValueError(f"no such time {hour_text!r}")
    return ClockReading(hour, 0, None, hour == 0 or hour >= 13 or hour_text.startswith("0"))


def find_times(text: str, *, bare_hour: bool = False) -> TimesReading | None:
    """Read one clock time or a start-end range, with an optional zone, from ``text``.

    A bare number ("4") counts as a time only with ``bare_hour`` (a line labelled as a
    start or end time, where nothing else could be meant) or as the first end of a
    range ("9-10 PM"). Returns None when ``text`` holds no clock time at all. Raises
    ValueError when it holds more than two, two without a range separator between them,
    an unknown zone, or two zones.
    """
    matches = list(_CLOCK.finditer(text))
    readings = [(match, _reading(match)) for match in matches]
    clocks = [(m, r) for m, r in readings if r is not None]
    if bare_hour and not clocks and len(matches) == 1:
        clocks = [(matches[0], _bare(matches[0]))]
    if len(clocks) == 1:
        # "9-10 PM": a bare hour just before a range separator is the start of the range.
        before = text[: clocks[0][0].start()]
        bare = re.search(rf"(?<![0-9:])(?P<h>[0-9]{{1,2}})\s*{_SEPARATOR}\s*$", before, re.I)
        if bare is not None:
            start = _bare(bare)
            end_match, end = clocks[0]
            pre, post = before[: bare.start()], text[end_match.end() :]
            zones = zones_named(pre) | zones_named(post)
            return TimesReading(start, end, _one_zone(zones))
    if not clocks:
        return None
    if len(clocks) > 2:
        raise ValueError("more than two clock times")
    first_match, first = clocks[0]
    last_match = clocks[-1][0]
    zones = zones_named(text[: first_match.start()]) | zones_named(text[last_match.end() :])
    if len(clocks) == 1:
        return TimesReading(first, None, _one_zone(zones))
    middle = _MID.match(text[first_match.end() : last_match.start()])
    if middle is None:
        raise ValueError("two clock times without a range between them")
    zones |= zones_named(middle.group("zone"))
    return TimesReading(first, clocks[1][1], _one_zone(zones))


def _one_zone(zones: set[str]) -> str | None:
    if len(zones) > 1:
        raise ValueError("two different time zones")
    return next(iter(zones), None)


def _as_time(reading: ClockReading, meridiem: Literal["am", "pm"] | None) -> time:
    if meridiem is None:
        return time(reading.hour, reading.minute)
    return time(reading.hour % 12 + (12 if meridiem == "pm" else 0), reading.minute)


def _written(reading: ClockReading) -> str:
    return f"{reading.hour}:{reading.minute:02d}"


def clock_time(reading: ClockReading) -> time:
    """Return the time a single reading names; ValueError if it lacks AM/PM ("4:00")."""
    if reading.meridiem is None and not reading.twenty_four_hour:
        raise ValueError(f"no AM or PM in {_written(reading)!r}")
    return _as_time(reading, reading.meridiem)


def clock_span(start: ClockReading, end: ClockReading) -> tuple[time, time]:
    """Return the start and end times of a range, sharing one AM/PM between its ends.

    "4:00 - 4:53 PM" reads as 16:00-16:53; "11:30 - 12:23 PM" as 11:30-12:23 (the shared
    PM would put the start after the end, so the start is the morning one). A range with
    no AM/PM at all is read only when one end is plainly 24-hour.
    """
    if start.meridiem is None and end.meridiem is None:
        if start.twenty_four_hour or end.twenty_four_hour:
            return _as_time(start, None), _as_time(end, None)
        raise ValueError(f"no AM or PM in '{_written(start)} - {_written(end)}'")
    if start.meridiem is not None and end.meridiem is not None:
        return _as_time(start, start.meridiem), _as_time(end, end.meridiem)
    known, unknown = (end, start) if start.meridiem is None else (start, end)
    assert known.meridiem is not None
    if unknown.twenty_four_hour:
        raise ValueError(f"AM/PM and a 24-hour time in '{_written(start)} - {_written(end)}'")
    other: Literal["am", "pm"] = "pm" if known.meridiem == "am" else "am"
    if unknown is start:
        same = _as_time(start, known.meridiem)
        end_time = _as_time(end, end.meridiem)
        return (same if same <= end_time else _as_time(start, other)), end_time
    start_time = _as_time(start, start.meridiem)
    same = _as_time(end, known.meridiem)
    return start_time, (same if same >= start_time else _as_time(end, other))
