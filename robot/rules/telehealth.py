"""Session type: what Headway's "Type of telehealth session" should say, if anything.

The procedure bills virtual sessions: "Audiovisual for video sessions, or the appropriate
option based on session type". A video session is "Audiovisual", an audio-only (phone)
session "Audio-only"; whether the client's plan pays for audio-only is Headway's call
(its refusal, in its own words, sends the item to review). In person or unknown: a
person decides.
"""

from __future__ import annotations

import re
from enum import StrEnum

AUDIOVISUAL = "Audiovisual"
AUDIO_ONLY = "Audio-only"


class SessionKind(StrEnum):
    """The kinds of session a note's "Session type" can describe."""

    VIDEO = "video"
    AUDIO_ONLY = "audio only"
    IN_PERSON = "in person"
    UNKNOWN = "unknown"


_VIDEO = re.compile(
    r"\b(video|audio[- ]?visual|audio (?:and|&) video|zoom|google meet|doxy|facetime)\b",
    re.IGNORECASE,
)
_AUDIO_ONLY = re.compile(
    r"\b(phone|telephone|telephonic|audio[- ]?only|audio|voice|call)\b", re.IGNORECASE
)
_IN_PERSON = re.compile(r"\b(in[- ]?person|in[- ]?office|office|face[- ]to[- ]face)\b", re.I)


def session_kind(session_type: str) -> SessionKind:
    """Classify a note's free-text session type ("Video", "Phone call", "In person")."""
    # Video first: "audio-visual" and "audio and video" both mention audio.
    if _VIDEO.search(session_type):
        return SessionKind.VIDEO
    if _AUDIO_ONLY.search(session_type):
        return SessionKind.AUDIO_ONLY
    if _IN_PERSON.search(session_type):
        return SessionKind.IN_PERSON
    return SessionKind.UNKNOWN


_TELEHEALTH_TYPES = {SessionKind.VIDEO: AUDIOVISUAL, SessionKind.AUDIO_ONLY: AUDIO_ONLY}


def telehealth_type(session_type: str) -> str | None:
    """Headway's telehealth type for ``session_type`` ("Audiovisual", "Audio-only"), or None."""
    return _TELEHEALTH_TYPES.get(session_kind(session_type))


def session_type_problem(session_type: str) -> str | None:
    """Say in words why a session of ``session_type`` cannot be billed as is, or None."""
    kind = session_kind(session_type)
    if kind is SessionKind.IN_PERSON:
        return "in-person session: the procedure bills virtual (telehealth) sessions only"
    if kind is SessionKind.UNKNOWN:
        return f"unknown session type {session_type[:40]!r}"
    return None
