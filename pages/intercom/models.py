"""What the Intercom page objects read: plain, frozen data, never a Locator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Literal

Status = Literal["open", "closed"]
AuthorType = Literal["client", "admin", "bot"]


@dataclass(frozen=True)
class ConversationRow:
    """One line of a view or of the search results."""

    id: str
    subject: str
    contact_name: str
    contact_email: str
    status: Status
    created: str  # as shown, in the practice's zone ("Nov 19, 2026 9:00 AM")


@dataclass(frozen=True)
class ConversationDetails:
    """The conversation's header and "Details" panel, as shown."""

    id: str
    subject: str
    contact_name: str
    contact_email: str
    status: Status
    view: str | None
    created: str  # as shown ("Nov 19, 2026, 9:00 AM EST")
    created_at: datetime | None  # the same instant, from the page's machine-readable time
    participants: tuple[str, ...]
    insurance_billing: str | None


@dataclass(frozen=True)
class ThreadMessage:
    """One message of the thread (a client or bot message, a reply, an internal note)."""

    author: str
    author_type: AuthorType
    internal: bool
    text: str
    macro: str | None
    at: datetime | None


@dataclass(frozen=True)
class SessionProcessedForm:
    """The "Headway Session Processed" form: what the robot fills, and reads back.

    ``date``, ``start_time`` and ``end_time`` are entered as written in the Intercom thread
    (the form stores them as ``YYYY-MM-DD`` and 24-hour ``HH:MM``).
    """

    client_email: str
    therapist: str
    date: date
    start_time: time
    end_time: time
    duration_minutes: int
    cpt_code: str
    diagnosis_code: str


@dataclass(frozen=True)
class CloseResult:
    """What "Close" did: closed, or the attributes Intercom asked for first.

    When it asked, nothing was closed and its "Required attributes" dialog was cancelled.
    """

    closed: bool
    required_attributes: tuple[str, ...] = ()
    message: str = ""
