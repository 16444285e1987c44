"""Writing a "For admin use only" note from a model: the inverse of ``parse_admin_note``.

Used where the facts come from the Ruh Platform rather than a note (a wrongly charged
Headway client): written as a note and read back, the session goes through exactly the
checks a billing request does.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from robot.rules.note import AdminNote
from robot.rules.timezones import zone_for

__all__ = ["render_admin_note"]


def _clock(at: time) -> str:
    hour = at.hour % 12 or 12
    return f"{hour}:{at.minute:02d} {'AM' if at.hour < 12 else 'PM'}"


def _zone_label(zone: str, day: date | None, at: time | None) -> str:
    """Write ``zone`` as its abbreviation ("PST") when that reads back as the same zone."""
    moment = datetime.combine(day or date(2026, 1, 1), at or time(12), tzinfo=ZoneInfo(zone))
    abbreviation = moment.tzname()
    if abbreviation and zone_for(abbreviation) == zone:
        return abbreviation
    return zone


def render_admin_note(note: AdminNote) -> str:
    """Write ``note`` the way the mock Intercom does; ``parse_admin_note`` reads it back."""
    lines = ["For admin use only"]
    if note.client_name or note.client_email:
        email = f"<{note.client_email}>" if note.client_email else ""
        lines.append(f"Client: {' '.join(filter(None, (note.client_name, email)))}")
    if note.therapist:
        lines.append(f"Therapist: {note.therapist}")
    if note.session_date:
        lines.append(f"Session date: {note.session_date.isoformat()}")
    zone = f" {_zone_label(note.zone, note.session_date, note.start)}" if note.zone else ""
    if note.start and note.end:
        lines.append(f"Session time: {_clock(note.start)} - {_clock(note.end)}{zone}")
    elif note.start or note.end:
        label, at = ("Start time", note.start) if note.start else ("End time", note.end)
        assert at is not None
        lines.append(f"{label}: {_clock(at)}{zone}")
    elif zone:
        lines.append(f"Time zone:{zone}")
    if note.duration_minutes is not None:
        lines.append(f"Duration: {note.duration_minutes} minutes")
    for label, value in (
        ("Session type", note.session_type),
        ("CPT code", note.cpt_code),
        ("Diagnosis code", note.diagnosis_code),
        ("Client state", note.client_state),
    ):
        if value:
            lines.append(f"{label}: {value}")
    return "\n".join(lines) + "\n"
