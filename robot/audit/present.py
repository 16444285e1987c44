"""Formatting for people: money, dates, durations, screenshot captions, masked URLs.

US formats, as the practice's staff see them on the sites ("Nov 20, 2026", "$1,250.00").
Pure functions of their arguments: the report's template uses them as filters and the
summary uses the masking, so both files say the same thing.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Final
from urllib.parse import urlsplit, urlunsplit

__all__ = [
    "duration",
    "long_day",
    "mask_password",
    "moment",
    "money",
    "shot_phase",
    "span",
]

NOT_KNOWN: Final = "—"
"""Shown where a fact is missing: a dash reads as "not known", never as zero."""

# Screenshot files are "NN-<label>.jpg"; the gate's labels end in the phase of the step.
_PHASES: Final = (
    ("-before", "before the click"),
    ("-after", "after the click"),
    ("-would-commit", "filled in, not clicked (dry run)"),
    ("-found-done", "found already done"),
)
_NUMBER: Final = re.compile(r"^\d+-")


def money(amount: Decimal | None) -> str:
    """``$1,250.00``; a dash when unknown."""
    if amount is None:
        return NOT_KNOWN
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


def long_day(day: date | datetime | None) -> str:
    """``Nov 20, 2026``; a dash when unknown."""
    if day is None:
        return NOT_KNOWN
    return f"{day:%b} {day.day}, {day.year}"


def moment(when: datetime | None) -> str:
    """``Nov 20, 2026 10:02:03 AM EST`` (the zone only when the time carries one)."""
    if when is None:
        return NOT_KNOWN
    hour = when.hour % 12 or 12
    text = f"{long_day(when)} {hour}:{when:%M:%S} {when:%p}"
    zone = when.strftime("%Z")
    return f"{text} {zone}" if zone else text


def duration(start: datetime | None, end: datetime | None) -> str:
    """How long from ``start`` to ``end``: ``4 s``, ``2 min 05 s``, ``1 h 02 min``."""
    if start is None or end is None:
        return NOT_KNOWN
    return span(end - start)


def span(length: timedelta) -> str:
    """A length of time in short words (``under 1 s`` for less than a second)."""
    seconds = int(length.total_seconds())
    if seconds < 0:
        return NOT_KNOWN
    if seconds < 1:
        return "under 1 s"
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def mask_password(location: str) -> str:
    """``location`` with any password in a URL's user part replaced by ``***``.

    The ledger location is meant to be a path or a database host; a PostgreSQL URL pasted
    with its password must still never reach a report.
    """
    parts = urlsplit(location)
    if not parts.netloc or parts.password is None:
        return location
    user = parts.username or ""
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


def shot_phase(path: str) -> str:
    """What a screenshot shows, from its file name: "before the click", "when it failed"..."""
    stem = _NUMBER.sub("", PurePosixPath(path).stem)
    for suffix, words in _PHASES:
        if stem.endswith(suffix):
            return words
    if stem == "failed":
        return "when it failed"
    if stem == "review":
        return "when it was sent to review"
    return stem.replace("-", " ")
