"""Headway page objects: provider menu, calendar, the "New session" dialog, patients, payouts.

The flow walks them in the procedure's order::

    provider = HeadwayHomePage(page, url).open().select_therapist("Sana Qureshi")  # left menu
    calendar = provider.open_calendar().go_to_date(day)
    dialog = calendar.open_slot(day, 16)
    dialog.select_client("owen@", "Owen Thompson")
    ...                                   # fill step 1, Next, Confirm without note, Next
    dialog.check_final_attestation()
    form = dialog.read_form()             # cross-check before the irreversible click
    dialog.sign_note_and_confirm()        # the calendar underneath shows the session
"""

from __future__ import annotations

from pages.headway.calendar import CalendarSession, HeadwayCalendarPage
from pages.headway.navigation import HeadwayHomePage, HeadwayProviderPage
from pages.headway.practice import HeadwayPatientsPage, HeadwayPaymentsPage, PatientRow, PayoutRow
from pages.headway.session_dialog import HeadwaySessionDialog, SessionForm
from pages.headway.text import slot_name

__all__ = [
    "CalendarSession",
    "HeadwayCalendarPage",
    "HeadwayHomePage",
    "HeadwayPatientsPage",
    "HeadwayPaymentsPage",
    "HeadwayProviderPage",
    "HeadwaySessionDialog",
    "PatientRow",
    "PayoutRow",
    "SessionForm",
    "slot_name",
]
