"""Time zones: naming them, and moving a session's wall-clock time between them.

Labels such as "EST" or "PT" name a *region*, not a fixed offset: a Headway calendar
labelled "EST" keeps New York time all year, daylight saving included. So every
abbreviation maps to the IANA zone of its region and all arithmetic goes through
``zoneinfo``; a wall-clock time that does not exist (the spring-forward gap) or exists
twice (the fall-back overlap) is reported, never silently resolved.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

EASTERN = "America/New_York"
CENTRAL = "America/Chicago"
MOUNTAIN = "America/Denver"
PACIFIC = "America/Los_Angeles"
ALASKA = "America/Anchorage"
HAWAII = "Pacific/Honolulu"

_REGION_WORDS: dict[str, str] = {
    "EASTERN": EASTERN,
    "CENTRAL": CENTRAL,
    "MOUNTAIN": MOUNTAIN,
    "PACIFIC": PACIFIC,
    "ALASKA": ALASKA,
    "ALASKAN": ALASKA,
    "HAWAII": HAWAII,
    "HAWAIIAN": HAWAII,
    "HAWAII ALEUTIAN": HAWAII,
}

_LABELS: dict[str, str] = {
    "ET": EASTERN,
    "EST": EASTERN,
    "EDT": EASTERN,
    "CT": CENTRAL,
    "CST": CENTRAL,
    "CDT": CENTRAL,
    "MT": MOUNTAIN,
    "MST": MOUNTAIN,
    "MDT": MOUNTAIN,
    "PT": PACIFIC,
    "PST": PACIFIC,
    "PDT": PACIFIC,
    "AKT": ALASKA,
    "AKST": ALASKA,
    "AKDT": ALASKA,
    "HT": HAWAII,
    "HST": HAWAII,
    # Old IANA links that name the same regions; mapping them keeps one key per region.
    "US/EASTERN": EASTERN,
    "US/CENTRAL": CENTRAL,
    "US/MOUNTAIN": MOUNTAIN,
    "US/PACIFIC": PACIFIC,
    "US/ALASKA": ALASKA,
    "US/HAWAII": HAWAII,
    "EST5EDT": EASTERN,
    "CST6CDT": CENTRAL,
    "MST7MDT": MOUNTAIN,
    "PST8PDT": PACIFIC,
}
for _word, _zone in _REGION_WORDS.items():
    for _suffix in ("", " TIME", " STANDARD TIME", " DAYLIGHT TIME", " DAYLIGHT SAVING TIME"):
        _LABELS[_word + _suffix] = _zone

# What an IANA key may look like; anything else never reaches the file system.
_IANA_KEY = re.compile(r"[A-Za-z0-9_+-]+(?:/[A-Za-z0-9_+-]+){0,2}")


def _label_key(label: str) -> str:
    text = label.upper().replace("(US & CANADA)", " ").replace("(US AND CANADA)", " ")
    text = re.sub(r"[^A-Z0-9/_+ -]+", " ", text)
    text = " ".join(text.replace("-", " ").split())
    return text.removesuffix(" ZONE").removeprefix("US ").strip()


@cache
def _iana_keys_by_folded_name() -> dict[str, str]:
    # Reading the whole zone list costs ~0.1 s, so only a miscased name pays for it.
    return {key.casefold(): key for key in available_timezones()}


def zone_for(label: str) -> str | None:
    """Return the IANA key a time-zone label names, or None when it names none.

    Accepts US abbreviations (EST, EDT, ET, CST, ..., AKST, HST), region words ("Pacific
    Time", "Eastern Standard Time") and IANA names in any case ("america/chicago").
    """
    stripped = label.strip()
    if not stripped or len(stripped) > 64:
        return None
    mapped = _LABELS.get(_label_key(stripped))
    if mapped is not None:
        return mapped
    # "EST/EDT" or "PT/PST": both halves name one region.
    halves = {_LABELS.get(_label_key(part)) for part in stripped.split("/")}
    if "/" in stripped and len(halves) == 1 and None not in halves:
        return halves.pop()
    if not _IANA_KEY.fullmatch(stripped):
        return None
    try:
        return ZoneInfo(stripped).key
    except (ZoneInfoNotFoundError, ValueError, OSError):
        pass
    return _iana_keys_by_folded_name().get(stripped.casefold())


class WallClock(StrEnum):
    """Whether a wall-clock time happens once, never, or twice on a given day in a zone."""

    EXISTS = "exists"
    NONEXISTENT = "nonexistent"
    AMBIGUOUS = "ambiguous"


def wall_clock_status(day: date, at: time, zone: str) -> WallClock:
    """Say whether ``at`` on ``day`` in ``zone`` exists once, never (gap) or twice (overlap).

    zoneinfo never raises for such times; it picks an offset by ``fold``. Reading the
    time with fold 0 and fold 1 tells the cases apart: the same offset means one real
    instant; different offsets mean a gap if the time does not survive a round trip
    through UTC, an overlap if it does.
    """
    tz = ZoneInfo(zone)
    early = datetime.combine(day, at, tzinfo=tz)
    late = early.replace(fold=1)
    if early.utcoffset() == late.utcoffset():
        return WallClock.EXISTS
    round_trip = early.astimezone(UTC).astimezone(tz)
    if round_trip.replace(tzinfo=None) != early.replace(tzinfo=None):
        return WallClock.NONEXISTENT
    return WallClock.AMBIGUOUS


def wall_clock_problem(day: date, at: time, zone: str, *, what: str) -> str | None:
    """Describe in words why ``what`` at ``at`` on ``day`` in ``zone`` needs review, or None."""
    status = wall_clock_status(day, at, zone)
    when = f"{at:%H:%M} on {day.isoformat()} in {zone}"
    if status is WallClock.NONEXISTENT:
        return f"{what} {when} does not exist (clocks spring forward); needs review"
    if status is WallClock.AMBIGUOUS:
        return f"{what} {when} happens twice (clocks fall back); needs review"
    return None


def localize(day: date, at: time, zone: str) -> datetime:
    """Return the one instant ``at`` on ``day`` in ``zone`` names (an aware datetime).

    Raises ValueError when the time falls in a daylight-saving gap or overlap: there is
    no single instant to return, and choosing one would be a guess.
    """
    status = wall_clock_status(day, at, zone)
    if status is not WallClock.EXISTS:
        raise ValueError(f"{at:%H:%M} on {day.isoformat()} is {status.value} in {zone}")
    return datetime.combine(day, at, tzinfo=ZoneInfo(zone))


def in_zone(moment: datetime, zone: str) -> datetime:
    """Return the aware ``moment`` as the wall-clock time of ``zone`` (the date may change)."""
    return moment.astimezone(ZoneInfo(zone))


def minutes_between(start: datetime, end: datetime) -> int:
    """Return the whole minutes from ``start`` to ``end`` as elapsed real time.

    Both are aware; they are compared in UTC because Python subtracts two datetimes that
    share a tzinfo by wall clock, which is wrong across a daylight-saving change.
    """
    return (end.astimezone(UTC) - start.astimezone(UTC)) // timedelta(minutes=1)
