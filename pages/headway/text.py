"""How Headway writes dates and times on screen, both ways (format for names, parse reads)."""

from __future__ import annotations

import re
from datetime import date, datetime, time

_CLOCK = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*([AP]M)\s*$", re.IGNORECASE)
_RANGE = re.compile(r"(\d{1,2}:\d{2}\s*[AP]M)\s*[–-]\s*(\d{1,2}:\d{2}\s*[AP]M)", re.IGNORECASE)


def long_date(day: date) -> str:
    """``Tuesday, November 3, 2026``."""
    return f"{day:%A}, {day:%B} {day.day}, {day.year}"


def clock(value: time) -> str:
    """``4:00 PM``."""
    hour = value.hour % 12 or 12
    return f"{hour}:{value.minute:02d} {'AM' if value.hour < 12 else 'PM'}"


def slot_name(day: date, hour: int) -> str:
    """The accessible name of a calendar slot: ``Tuesday, November 3, 2026 at 4:00 PM``."""
    return f"{long_date(day)} at {clock(time(hour))}"


def parse_clock(text: str) -> time | None:
    """``4:00 PM`` -> 16:00; None when ``text`` is not a 12-hour time."""
    match = _CLOCK.match(text)
    if match is None:
        return None
    hour, minute, half = int(match.group(1)), int(match.group(2)), match.group(3).upper()
    return time((hour % 12) + (12 if half == "PM" else 0), minute)


def parse_range(text: str) -> tuple[time, time] | None:
    """``4:00 PM – 4:53 PM`` -> (16:00, 16:53); None when there is no range in ``text``."""
    match = _RANGE.search(text)
    if match is None:
        return None
    start, end = parse_clock(match.group(1)), parse_clock(match.group(2))
    return (start, end) if start is not None and end is not None else None


def parse_long_date(text: str) -> date | None:
    """``Monday, November 16, 2026`` -> that date; None otherwise."""
    try:
        return datetime.strptime(text.strip(), "%A, %B %d, %Y").date()
    except ValueError:
        return None


def parse_iso_date(text: str) -> date | None:
    """``2026-11-16`` (what date inputs hold) -> that date; None when empty or malformed."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def parse_iso_time(text: str) -> time | None:
    """``16:00`` (what time inputs hold) -> that time; None when empty or malformed."""
    try:
        return time.fromisoformat(text.strip())
    except ValueError:
        return None


def parse_minutes(text: str) -> int | None:
    """``53 minutes`` -> 53; None when no number is shown."""
    match = re.search(r"(\d+)\s*min", text)
    return int(match.group(1)) if match else None
