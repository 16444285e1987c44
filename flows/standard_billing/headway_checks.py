"""Headway's own say on a session, read in its dialog before anything is clicked anywhere.

Whether Headway will confirm a session for a client is Headway's decision (insurance and
a payment method on file, and whether the plan pays for audio-only sessions). Its dialog
says so as soon as the client (and the telehealth type) are chosen: a refusal there is a
verdict a person must act on, in Headway's own words.
"""

from __future__ import annotations

from datetime import date

from pages.headway import HeadwayCalendarPage, HeadwaySessionDialog
from robot.errors import BusinessRuleError
from robot.rules.telehealth import AUDIO_ONLY

TELEHEALTH_SESSION_LOCATION = "Virtual (Telehealth)"


def refuse_if_headway_does(dialog: HeadwaySessionDialog) -> None:
    """Raise :class:`BusinessRuleError` with Headway's words when its dialog refuses."""
    refusal = dialog.refusal_message()
    if refusal:
        raise BusinessRuleError(f"Headway refused the session: {refusal}")


def check_audio_only_covered(
    calendar: HeadwayCalendarPage,
    *,
    client_email: str,
    client_name: str,
    day: date,
    hour: int,
) -> None:
    """Ask Headway's dialog whether the client's plan pays for an audio-only session.

    The dialog is closed unsent either way, so a refusal sends the request to review
    with nothing changed on any site.
    """
    dialog = calendar.open_slot(day, hour)
    try:
        dialog.select_client(client_email, client_name)
        dialog.choose_session_location(TELEHEALTH_SESSION_LOCATION)
        dialog.choose_telehealth_type(AUDIO_ONLY)
        refuse_if_headway_does(dialog)
    finally:
        dialog.close()
