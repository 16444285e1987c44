"""A provider's Headway calendar: one week, Monday to Sunday, in the calendar's time zone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time
from typing import TYPE_CHECKING, Self

from playwright.sync_api import Locator, Page

from pages.headway._common import SITE, where
from pages.headway.text import long_date, parse_iso_date, parse_range, slot_name
from pages.shell import require, shown_errors, text_of, texts_of
from pages.touch import act
from pages.widgets import exact

if TYPE_CHECKING:
    from pages.headway.session_dialog import HeadwaySessionDialog

_WEEK = re.compile(r"^Week of ")


@dataclass(frozen=True)
class CalendarSession:
    """A session as the calendar shows it (times in the calendar's zone)."""

    client_name: str
    date: date
    start: time
    end: time
    status: str
    cpt_codes: tuple[str, ...]


class HeadwayCalendarPage:
    """``/providers/<provider>/calendar?date=YYYY-MM-DD``: the week holding that date."""

    def __init__(self, page: Page, base_url: str) -> None:
        """Bind to ``page``; ``base_url`` is Headway's origin."""
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.grid = page.get_by_role("table", name=_WEEK)
        self.timezone = page.get_by_label("Time zone")
        self.go_to_date_input = page.get_by_label("Go to date", exact=True)
        self.go_button = page.get_by_role("button", name="Go", exact=True)
        self.previous_week_link = page.get_by_role("link", name="Previous week", exact=True)
        self.next_week_link = page.get_by_role("link", name="Next week", exact=True)

    def wait_until_shown(self) -> None:
        """Wait for the week grid (TransientError if the app could not draw it)."""
        require(self.page, self.grid, site=SITE, screen="calendar")

    def is_showing(self) -> bool:
        """True when the tab shows a Headway calendar (not an error or the login page)."""
        return (
            self.page.url.startswith(self.base_url)
            and "/calendar" in self.page.url
            and self.grid.count() == 1
        )

    def timezone_label(self) -> str:
        """The calendar's time zone as shown, e.g. ``EST``."""
        self.wait_until_shown()
        return text_of(self.timezone)

    def go_to_date(self, day: date) -> Self:
        """Type ``day`` into "Go to date" and click "Go"."""
        self.wait_until_shown()
        act(self.go_to_date_input).fill(day.isoformat())
        act(self.go_button).click()
        self.wait_until_shown()
        if day not in self.week_days():
            raise where("calendar").missing(f"week of {day.isoformat()}")
        return self

    def previous_week(self) -> Self:
        """Click "Previous week"."""
        return self._change_week(self.previous_week_link)

    def next_week(self) -> Self:
        """Click "Next week"."""
        return self._change_week(self.next_week_link)

    def _change_week(self, link: Locator) -> Self:
        self.wait_until_shown()
        act(link).click()
        self.wait_until_shown()
        return self

    def week_days(self) -> list[date]:
        """The seven days shown, Monday first (read from the grid's column headers)."""
        self.wait_until_shown()
        headers = self.grid.get_by_role("columnheader").get_by_role("time")
        days = [parse_iso_date(h.get_attribute("datetime") or "") for h in headers.all()]
        return [d for d in days if d is not None]

    def sessions_on(self, day: date) -> list[CalendarSession]:
        """Every session shown on ``day`` (empty if ``day`` is not in the shown week)."""
        self.wait_until_shown()
        name = re.compile(rf"{re.escape(long_date(day))}$")
        sessions = []
        for card in self.grid.get_by_role("article", name=name).all():
            session = _parse_session(day, texts_of(card.get_by_role("paragraph")))
            if session is not None:
                sessions.append(session)
        return sessions

    def open_slot(self, day: date, hour: int) -> HeadwaySessionDialog:
        """Click the empty slot at ``hour`` (0-23) on ``day``; the "New session" dialog opens."""
        from pages.headway.session_dialog import HeadwaySessionDialog

        self.wait_until_shown()
        slot = self.grid.get_by_role("button", name=exact(slot_name(day, hour)))
        if slot.count() != 1:
            raise where("calendar").missing(f"slot at {hour}:00 on {day.isoformat()}")
        act(slot).click()
        dialog = HeadwaySessionDialog(self.page, self.base_url)
        dialog.wait_until_open()
        return dialog

    def error_message(self) -> str | None:
        """Why Headway refused the last confirmation, if it did ("Session not confirmed...")."""
        return shown_errors(self.page) or None


def _parse_session(day: date, lines: list[str]) -> CalendarSession | None:
    # A card reads, one paragraph each: client, "4:00 PM – 4:53 PM", status, "CPT 90837".
    lines = [line for line in lines if line]
    times = parse_range(" ".join(lines))
    if len(lines) < 3 or times is None:
        return None
    cpt_line = next((line for line in lines if line.upper().startswith("CPT")), "")
    return CalendarSession(
        client_name=lines[0],
        date=day,
        start=times[0],
        end=times[1],
        status=lines[2],
        cpt_codes=tuple(re.findall(r"\b\d{5}\b", cpt_line)),
    )
