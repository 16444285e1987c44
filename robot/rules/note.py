"""The "For admin use only" note: reading it into a typed model (``note_render`` writes one).

People write the note by hand, so labels come in any order and case and with synonyms
("Date", "ICD-10", "State"), the time may be one range or separate start and end lines,
and the zone may sit on the time line or on its own line. Lines that are not labelled
fields are ignored. A field that is missing, unreadable or given twice differently is
left as None and named in ``problems``; the parser never guesses and never raises.

Problems quote what was written for dates, times and codes, but never a name or an
email address: problems end up in reports and logs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, time
from typing import Any

from pydantic import BaseModel, ConfigDict

from robot.rules.datetext import (
    ClockReading,
    clock_span,
    clock_time,
    find_date,
    find_times,
    zones_named,
)
from robot.rules.icd10 import find_icd10_codes
from robot.rules.states import state_name


class AdminNote(BaseModel):
    """What an admin note says about one session; None where it says nothing readable.

    ``session_date``, ``start`` and ``end`` are wall-clock values in ``zone`` (an IANA
    key), the client's side of the session, before any conversion.
    """

    model_config = ConfigDict(frozen=True)

    client_name: str | None = None
    client_email: str | None = None
    therapist: str | None = None
    session_date: date | None = None
    start: time | None = None
    end: time | None = None
    zone: str | None = None
    duration_minutes: int | None = None
    session_type: str | None = None
    cpt_code: str | None = None
    diagnosis_code: str | None = None
    client_state: str | None = None


class ParsedNote(BaseModel):
    """The result of reading a note: the model, the problems found, and the field count."""

    model_config = ConfigDict(frozen=True)

    note: AdminNote
    problems: tuple[str, ...]
    labelled_fields: int

    @property
    def readable(self) -> bool:
        """True if the text looks like an admin note at all (it has a labelled field)."""
        return self.labelled_fields > 0


# Normalised label -> field. Labels are lower-cased, parentheses dropped, punctuation
# turned to spaces: "Diagnosis (ICD-10):" and "diagnosis" are one label.
FIELD_LABELS: dict[str, str] = {}
for _field, _names in {
    "client": "client|client name|name|patient|patient name|client full name|full name",
    "email": "email|e mail|email address|client email|client e mail|client email address"
    "|patient email",
    "therapist": "therapist|therapist name|provider|provider name|clinician|counselor|counsellor",
    "date": "session date|date|date of session|date of service|dos|appointment date|service date",
    "when": "date and time|date time|session date and time|session date time|when"
    "|session datetime|appointment date and time",
    "time": "session time|time|session times|appointment time|time of session",
    "start": "start time|start|session start|session start time|starts|started",
    "end": "end time|end|session end|session end time|ends|ended",
    "zone": "time zone|timezone|tz|zone|session time zone",
    "duration": "duration|session duration|length|session length|minutes|duration minutes"
    "|duration in minutes|session minutes|duration mins",
    "type": "session type|type|appointment type|modality|session modality|session format"
    "|format|visit type|type of session",
    "cpt": "cpt code|cpt|cpt codes|procedure code|billing code|service code",
    "diagnosis": "diagnosis code|diagnosis|diagnosis codes|icd 10|icd10|icd 10 code"
    "|icd10 code|icd code|icd 10 cm|icd 10 cm code|dx|dx code|primary diagnosis",
    "state": "client state|state|clients state|client location|client s state"
    "|state of residence|client state of residence|client joined from",
}.items():
    for _name in _names.split("|"):
        FIELD_LABELS[_name] = _field

_MISSING: dict[str, str] = {
    "client_name": "no client name",
    "client_email": "no client email",
    "therapist": "no therapist",
    "session_date": "no session date",
    "start": "no session start time",
    "end": "no session end time",
    "zone": "no time zone for the session time",
    "duration_minutes": "no session duration",
    "session_type": "no session type",
    "cpt_code": "no CPT code",
    "diagnosis_code": "no diagnosis code",
    "client_state": "no client state",
}
# Fields whose values identify a person: problems name the field, never the value.
_PERSONAL = frozenset({"client_name", "client_email", "therapist"})
_WORDS: dict[str, str] = {
    "client_name": "client names",
    "client_email": "client emails",
    "therapist": "therapists",
    "session_date": "session dates",
    "start": "session start times",
    "end": "session end times",
    "zone": "time zones",
    "duration_minutes": "session durations",
    "session_type": "session types",
    "cpt_code": "CPT codes",
    "diagnosis_code": "diagnosis codes",
    "client_state": "client states",
}

_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_BULLET = re.compile(r"^[\s\-*•>#]+")


def _quoted(text: str) -> str:
    text = " ".join(text.split())
    return f"'{text[:60]}...'" if len(text) > 60 else f"'{text}'"


def _clean(text: str) -> str:
    return " ".join(text.split()).strip("*_ ")


def _label_key(label: str) -> str:
    label = re.sub(r"\([^)]*\)", " ", label.replace("’", "'").replace("'", ""))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", label.lower()).split())


class _Reader:
    """Collects what each line says, then settles each field or names its problem."""

    def __init__(self) -> None:
        self.values: dict[str, list[Any]] = {}
        self.bad: set[str] = set()
        self.quiet: set[str] = set()
        self.problems: list[str] = []
        self.start_readings: list[ClockReading] = []
        self.end_readings: list[ClockReading] = []
        self.labelled = 0

    def add(self, field: str, value: object) -> None:
        self.values.setdefault(field, []).append(value)

    def fail(self, fields: Iterable[str], problem: str, *, quiet: Iterable[str] = ()) -> None:
        """Record a problem: ``fields`` become unusable, ``quiet`` ones go unreported if absent.

        An unreadable time line may have carried the zone too; saying "no time zone" as
        well would blame the note twice for one slip.
        """
        self.bad.update(fields)
        self.quiet.update(quiet)
        self.problems.append(problem)

    def settle(self, field: str) -> Any:
        distinct: list[Any] = []
        for value in self.values.get(field, []):
            if value not in distinct:
                distinct.append(value)
        if len(distinct) == 1 and field not in self.bad:
            return distinct[0]
        if len(distinct) > 1:
            shown = "" if field in _PERSONAL else ": " + ", ".join(map(_show, distinct))
            self.problems.append(f"different {_WORDS[field]} in the note{shown}")
        elif not distinct and field not in self.bad | self.quiet:
            self.problems.append(_MISSING[field])
        return None


def _show(value: object) -> str:
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _read_client(reader: _Reader, value: str) -> None:
    emails = _EMAIL.findall(value)
    for email in emails:
        reader.add("client_email", email)
    rest = _EMAIL.sub(" ", value)
    if "@" in rest:
        reader.fail(["client_email"], "unreadable client email")
    # The name is what is left once the address and its brackets are gone.
    rest = re.sub(r"<[^>]*>|\S*@\S*", " ", rest).replace("()", " ")
    name = " ".join(rest.split()).strip(" <>()[]\"',;:|-")
    if name:
        reader.add("client_name", name)


def _read_email(reader: _Reader, value: str) -> None:
    emails = _EMAIL.findall(value)
    if not emails:
        reader.fail(["client_email"], "unreadable client email")
    for email in emails:
        reader.add("client_email", email)


def _read_when(reader: _Reader, value: str, *, field: str) -> None:
    """Read a line that may hold a date, a time or time range, and a zone."""
    time_fields = ["start", "end"]
    try:
        day, rest = find_date(value)
    except ValueError as exc:
        reader.fail(["session_date"], f"unreadable session date {_quoted(value)} ({exc})")
        return
    if day is not None:
        reader.add("session_date", day)
    elif field in ("date", "when"):
        reader.fail(["session_date"], f"unreadable session date {_quoted(value)}")
        if field == "date":
            return
    try:
        times = find_times(rest, bare_hour=field in ("start", "end"))
        if times is None:
            if field != "date":
                reader.fail(
                    time_fields, f"unreadable session time {_quoted(value)}", quiet=["zone"]
                )
            return
        if times.zone is not None:
            reader.add("zone", times.zone)
        if times.end is None:
            # One clock time: a start line, an end line, or a date line with a start.
            readings = reader.end_readings if field == "end" else reader.start_readings
            readings.append(times.start)
            return
        start, end = clock_span(times.start, times.end)
    except ValueError as exc:
        problem = f"unreadable session time {_quoted(value)} ({exc})"
        reader.fail(time_fields, problem, quiet=["zone"])
        return
    reader.add("start", start)
    reader.add("end", end)


def _read_zone(reader: _Reader, value: str) -> None:
    try:
        zones = zones_named(value)
    except ValueError:
        zones = set()
    if len(zones) != 1:
        reader.fail(["zone"], f"unknown time zone {_quoted(value)}")
        return
    reader.add("zone", zones.pop())


_DURATION_FORMS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"(?P<m>[0-9]{1,3})\s*(?:m|mins?|minutes?)?\.?",
        r"(?P<h>[0-9]{1,2})\s*(?:h|hrs?|hours?)\.?(?:\s*(?:and\s*)?(?P<m>[0-9]{1,2})\s*"
        r"(?:m|mins?|minutes?)?\.?)?",
        r"(?P<h>[0-9]{1,2}):(?P<m>[0-9]{2})",
    )
)


def _read_duration(reader: _Reader, value: str) -> None:
    # "(face to face)" and similar asides do not change the length.
    text = " ".join(re.sub(r"\([^)]*\)", " ", value).split())
    for form in _DURATION_FORMS:
        match = form.fullmatch(text)
        if match is not None:
            parts = match.groupdict()
            hours, minutes = int(parts.get("h") or 0), int(parts.get("m") or 0)
            reader.add("duration_minutes", hours * 60 + minutes)
            return
    reader.fail(["duration_minutes"], f"unreadable session duration {_quoted(value)}")


def _read_cpt(reader: _Reader, value: str) -> None:
    codes = list(dict.fromkeys(re.findall(r"(?<![0-9])[0-9]{5}(?![0-9])", value)))
    if len(codes) != 1:
        reason = "unreadable CPT code" if not codes else "more than one CPT code"
        reader.fail(["cpt_code"], f"{reason} {_quoted(value)}")
        return
    reader.add("cpt_code", codes[0])


def _read_diagnosis(reader: _Reader, value: str) -> None:
    codes = find_icd10_codes(value)
    if len(codes) != 1:
        reason = "unreadable diagnosis code" if not codes else "more than one diagnosis code"
        reader.fail(["diagnosis_code"], f"{reason} {_quoted(value)}")
        return
    reader.add("diagnosis_code", codes[0])


def _read_state(reader: _Reader, value: str) -> None:
    name = state_name(value)
    if name is None:
        reader.fail(["client_state"], f"unknown client state {_quoted(value)}")
        return
    reader.add("client_state", name)


def _plain(field: str) -> Callable[[_Reader, str], None]:
    def read(reader: _Reader, value: str) -> None:
        reader.add(field, value)

    return read


_READERS: dict[str, Callable[[_Reader, str], None]] = {
    "client": _read_client,
    "email": _read_email,
    "therapist": _plain("therapist"),
    "date": lambda reader, value: _read_when(reader, value, field="date"),
    "when": lambda reader, value: _read_when(reader, value, field="when"),
    "time": lambda reader, value: _read_when(reader, value, field="time"),
    "start": lambda reader, value: _read_when(reader, value, field="start"),
    "end": lambda reader, value: _read_when(reader, value, field="end"),
    "zone": _read_zone,
    "duration": _read_duration,
    "type": _plain("session_type"),
    "cpt": _read_cpt,
    "diagnosis": _read_diagnosis,
    "state": _read_state,
}


def _settle_clock(reader: _Reader) -> None:
    """Turn separate start/end lines into times, sharing an AM/PM between them."""
    starts = list(dict.fromkeys(reader.start_readings))
    ends = list(dict.fromkeys(reader.end_readings))
    try:
        if len(starts) == 1 and len(ends) == 1:
            start, end = clock_span(starts[0], ends[0])
            reader.add("start", start)
            reader.add("end", end)
            return
        for readings, field in ((starts, "start"), (ends, "end")):
            for reading in readings:
                reader.add(field, clock_time(reading))
    except ValueError as exc:
        reader.fail(["start", "end"], f"unreadable session time ({exc})")


def parse_admin_note(text: str) -> ParsedNote:
    """Read an admin note into an ``AdminNote`` and the problems found; never raises."""
    reader = _Reader()
    for line in text.splitlines():
        label, colon, value = _BULLET.sub("", line).partition(":")
        if not colon or len(label) > 40:
            continue
        field = FIELD_LABELS.get(_label_key(label))
        if field is None:
            continue
        reader.labelled += 1
        value = _clean(value)
        if value:
            _READERS[field](reader, value)
    _settle_clock(reader)
    note = AdminNote(**{name: reader.settle(name) for name in _MISSING})
    return ParsedNote(note=note, problems=tuple(reader.problems), labelled_fields=reader.labelled)
