"""Ruh Platform: client search, the client profile (Overview) and one appointment.

Clients have opaque ids in the platform's addresses: a person (and the robot) finds one
by typing their email into the topbar's "Search clients" and picking them from the
suggestions, then walks Overview -> Appointments -> Past -> View.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from typing import Self
from urllib.parse import quote

from playwright.sync_api import Locator, Page

from pages.ruh_platform._text import (
    SITE,
    optional,
    parse_date,
    parse_money,
    parse_time_zone,
    path_part,
    show_row,
    table_rows,
    where,
)
from pages.ruh_platform.billing import BillingNavigation
from pages.shell import not_busy, require, texts_of, wait_until_loaded
from pages.touch import act
from pages.widgets import data_rows, described, read_whole_list

SEARCH_CLIENTS = "Search clients"


@dataclass(frozen=True)
class AppointmentRow:
    """One row of a client's Appointments list (Upcoming or Past)."""

    id: str
    date: date
    start: time
    zone: str  # as shown, e.g. "EST": the appointment's own zone on that day
    therapist: str
    session_type: str
    status: str


@dataclass(frozen=True)
class ClientMatch:
    """One suggestion of "Search clients": a client's name and email, as listed."""

    name: str
    email: str


@dataclass(frozen=True)
class PracticeAppointmentRow:
    """One row of the practice-wide Appointments list (every client's appointments)."""

    id: str
    client_id: str
    client_name: str
    date: date
    start: time
    zone: str
    therapist: str
    session_type: str
    status: str
    invoice_id: str | None


@dataclass(frozen=True)
class AppointmentDetails:
    """One appointment's page, its Billing section included."""

    id: str
    date: date
    start: time
    end: time
    zone: str
    therapist: str
    status: str
    session_type: str
    duration_minutes: int
    fee: Decimal
    invoice_id: str | None


class RuhSearchPage:
    """The topbar's "Search clients" (on every page) and the client list (``/clients``)."""

    def __init__(self, page: Page, base_url: str) -> None:
        """Bind to ``page``; ``base_url`` is the Ruh Platform's origin."""
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.search_box = page.get_by_role("combobox", name=SEARCH_CLIENTS, exact=True)
        self.suggestions = page.get_by_role("listbox", name=SEARCH_CLIENTS, exact=True)

    def open(self) -> Self:
        """Go to the client list."""
        act(self.page).goto(f"{self.base_url}/clients")
        wait_until_loaded(self.page, site=SITE, screen="client list")
        return self

    def matching_clients(self, email: str) -> list[ClientMatch]:
        """Type ``email`` into "Search clients": the clients whose email is exactly it."""
        matches = [m for m in self._suggest(email) if m.email.casefold() == email.casefold()]
        act(self.search_box).press("Escape")
        return matches

    def find_client(self, email: str) -> RuhClientProfilePage | None:
        """Open the one client whose email is exactly ``email``; None if none or several.

        (``matching_clients`` says which it was.)
        """
        self._suggest(email)
        options = self.suggestions.get_by_role("option", name=_ends_with_email(email))
        if options.count() != 1:
            act(self.search_box).press("Escape")
            return None
        act(options).click()
        profile = RuhClientProfilePage(self.page, self.base_url)
        profile.wait_until_shown()
        return profile

    def search_client(self, email: str) -> RuhClientProfilePage:
        """Like ``find_client``, but raise ControlNotFound when not exactly one client.

        Kept for callers written before ``find_client``; a page object decides nothing,
        so "no such client" is reported as the option that is not there.
        """
        profile = self.find_client(email)
        if profile is None:
            raise where("client search").missing("single client with the searched email")
        return profile

    def _suggest(self, email: str) -> list[ClientMatch]:
        require(self.page, self.search_box, site=SITE, screen="client search")
        act(self.search_box).click()
        act(self.search_box).fill(email.strip())
        not_busy(self.suggestions).wait_for()
        found = []
        for text in texts_of(self.suggestions.get_by_role("option")):
            name, _, shown_email = text.rpartition(" · ")
            found.append(ClientMatch(name=name.strip(), email=shown_email.strip()))
        return found


def _ends_with_email(email: str) -> re.Pattern[str]:
    return re.compile(rf"·\s*{re.escape(email.strip())}\s*$", re.IGNORECASE)


class RuhClientProfilePage(BillingNavigation):
    """A client's profile, Overview tab: the Appointments lists (``/clients/<client>``)."""

    def __init__(self, page: Page, base_url: str) -> None:
        """Bind to ``page``; ``base_url`` is the Ruh Platform's origin."""
        super().__init__(page, base_url)
        self.appointment_tabs = page.get_by_role("tablist", name="Appointments")

    def open(self, client_id: str) -> Self:
        """Go to the profile of ``client_id`` (the opaque id this app gave the client)."""
        act(self.page).goto(f"{self.base_url}/clients/{quote(client_id)}")
        self.wait_until_shown()
        return self

    def open_overview(self) -> Self:
        """Click the profile's "Overview" tab."""
        self.wait_until_shown()
        # An appointment page counts as Overview too: click unless the lists are showing.
        if self.appointment_tabs.count() == 0:
            act(self.profile_tabs.get_by_role("link", name="Overview", exact=True)).click()
        require(self.page, self.appointment_tabs, site=SITE, screen="client overview")
        return self

    def past_appointments(self) -> list[AppointmentRow]:
        """Appointments -> Past: every held, cancelled or missed one, newest first, all pages."""
        return [_appointment_row(cells) for cells in table_rows(self._tab("Past"), screen="Past")]

    def upcoming_appointments(self) -> list[AppointmentRow]:
        """Appointments -> Upcoming: the scheduled ones, all pages."""
        table = self._tab("Upcoming")
        return [_appointment_row(cells) for cells in table_rows(table, screen="Upcoming")]

    def show_appointments(self, tab: str) -> Self:
        """Show the "Past" or "Upcoming" appointments list (without reading it)."""
        self._tab(tab)
        return self

    def open_appointment(self, appointment_id: str) -> RuhAppointmentPage:
        """Click "View" on ``appointment_id`` in the list shown, paging to it if need be."""
        table = self.page.get_by_role("table", name=re.compile(r"^(Past|Upcoming) appointments$"))
        row = data_rows(table).filter(
            has=self.page.get_by_role("cell", name=appointment_id, exact=True)
        )
        if not show_row(table, row, screen="appointments"):
            raise where("appointments list").missing(f"appointment {appointment_id}")
        act(row.get_by_role("link", name="View", exact=True)).click()
        appointment = RuhAppointmentPage(self.page, self.base_url)
        appointment.wait_until_open()
        return appointment

    def _tab(self, tab: str) -> Locator:
        require(self.page, self.appointment_tabs, site=SITE, screen="client overview")
        # Clicking the tab already shown would draw the list again under the reader.
        if self.appointment_tabs.get_by_role("tab", name=tab, selected=True).count() == 0:
            act(self.appointment_tabs.get_by_role("tab", name=tab, exact=True)).click()
        selected = self.appointment_tabs.get_by_role("tab", name=tab, selected=True)
        require(self.page, selected, site=SITE, screen=f"{tab} appointments")
        return self.page.get_by_role("table", name=f"{tab} appointments", exact=True)


def _appointment_row(cells: list[str]) -> AppointmentRow:
    day, when, therapist, kind, status, ref, _view = cells
    start, zone = parse_time_zone(when)
    return AppointmentRow(
        id=ref,
        date=parse_date(day),
        start=start,
        zone=zone,
        therapist=therapist,
        session_type=kind,
        status=status,
    )


class RuhAppointmentPage(BillingNavigation):
    """One appointment (``/clients/<client>/appointments/<appointment>``) with its Billing."""

    def __init__(self, page: Page, base_url: str) -> None:
        """Bind to ``page``; ``base_url`` is the Ruh Platform's origin."""
        super().__init__(page, base_url)
        self.appointment = page.get_by_role("region", name=re.compile(r"^\s*Appointment on\b"))
        self.billing = page.get_by_role("region", name="Billing", exact=True)

    def wait_until_open(self) -> None:
        """Wait for the appointment page (TransientError if the app could not draw it)."""
        require(self.page, self.billing, site=SITE, screen="appointment")

    def details(self) -> AppointmentDetails:
        """Everything the page shows, the billed duration (minutes) and fee included."""
        self.wait_until_open()
        # Each card's fields in two reads (terms, values), not one read per field.
        shown = described(self.appointment) | described(self.billing)

        def field(label: str) -> str:
            if label not in shown:
                raise where("appointment").missing(f"'{label}' field")
            return shown[label]

        start, zone = parse_time_zone(field("Time"))
        end, _ = parse_time_zone(field("End time"))
        duration = re.match(r"\s*(\d+)\s*minutes?", field("Duration"))
        if duration is None:
            raise where("appointment").missing("billed duration in minutes")
        invoice = optional(field("Invoice").split("·")[0])
        return AppointmentDetails(
            id=field("Reference"),
            date=parse_date(field("Date")),
            start=start,
            end=end,
            zone=zone,
            therapist=field("Therapist"),
            status=field("Status"),
            session_type=field("Session type"),
            duration_minutes=int(duration.group(1)),
            fee=parse_money(field("Fee")),
            invoice_id=None if invoice == "Not invoiced" else invoice,
        )


class RuhAppointmentsPage:
    """Practice menu -> Appointments (``/appointments``): every client's appointments."""

    def __init__(self, page: Page, base_url: str) -> None:
        """Bind to ``page``; ``base_url`` is the Ruh Platform's origin."""
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.table = page.get_by_role("table", name="Appointments", exact=True)
        self.status_filter = page.get_by_role("combobox", name="Status", exact=True)

    def open(self, status: str | None = None) -> Self:
        """Go to the list (a menu page), filtered to ``status`` when given."""
        query = f"?status={quote(status)}" if status else ""
        act(self.page).goto(f"{self.base_url}/appointments{query}")
        require(self.page, self.table, site=SITE, screen="appointments")
        return self

    def filter_by_status(self, status: str) -> Self:
        """Choose ``status`` ("Late Cancellation") in the Status filter and apply it."""
        require(self.page, self.status_filter, site=SITE, screen="appointments")
        # A status the filter does not offer is named at once, not waited out.
        if self.status_filter.get_by_role("option", name=status, exact=True).count() != 1:
            raise where("appointments").missing(f"Status filter option {status!r}")
        act(self.status_filter).select_option(label=status)
        act(self.page.get_by_role("button", name="Filter", exact=True)).click()
        require(self.page, self.table, site=SITE, screen="appointments")
        return self

    def appointments(self) -> list[PracticeAppointmentRow]:
        """Every appointment listed, newest first, all pages, with its invoice (or None)."""
        require(self.page, self.table, site=SITE, screen="appointments")
        region = self.page.get_by_role("region").filter(has=self.table)

        def shown() -> list[PracticeAppointmentRow]:
            result = []
            for row in data_rows(self.table).all():
                cells = texts_of(row.get_by_role("cell"))
                day, when, client, therapist, kind, status, invoice, ref, _view = cells
                href = row.get_by_role("link", name=client, exact=True).get_attribute("href")
                start, zone = parse_time_zone(when)
                result.append(
                    PracticeAppointmentRow(
                        id=ref,
                        client_id=path_part(href or "", "clients"),
                        client_name=client,
                        date=parse_date(day),
                        start=start,
                        zone=zone,
                        therapist=therapist,
                        session_type=kind,
                        status=status,
                        invoice_id=None if invoice == "Not invoiced" else optional(invoice),
                    )
                )
            return result

        return read_whole_list(region, self.table, shown)
