"""Ruh Platform: client search, the client profile (Overview) and one appointment."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from typing import TYPE_CHECKING, Self
from urllib.parse import quote

from playwright.sync_api import Locator, Page

from pages.ruh_platform._text import (
    optional,
    parse_date,
    parse_money,
    parse_time_zone,
    path_part,
    table_rows,
)
from pages.widgets import choose_menu_item, dialog, exact
from robot.errors import BusinessRuleError

if TYPE_CHECKING:
    from pages.ruh_platform.billing import RuhInvoicesPage, RuhPaymentsPage

NO_DIAGNOSIS = "No diagnosis on file"


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
class ClientContact:
    """Action -> Contact details: where the client is and the card on file."""

    email: str
    state: str
    time_zone: str
    card: str


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
    """The client list and the topbar's "Search clients" box (``/clients``)."""

    def __init__(self, page: Page, base_url: str) -> None:
        """Bind to ``page``; ``base_url`` is the Ruh Platform's origin."""
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.search_box = page.get_by_role("searchbox", name="Search clients")
        self.results = page.get_by_role("table", name="Search results")

    def open(self) -> Self:
        """Go to the client list."""
        self.page.goto(f"{self.base_url}/clients")
        return self

    def search_client(self, email: str) -> RuhClientProfilePage:
        """Search for ``email`` and open the one client with exactly that address.

        Raises ``BusinessRuleError`` when no client, or more than one, has that email:
        the procedure needs exactly one profile.
        """
        self.search_box.fill(email)
        self.search_box.press("Enter")
        self.page.wait_for_url(re.compile(r"/clients\?q="))
        rows = table_rows(self.results)
        matches = [i for i, cells in enumerate(rows) if cells[1].lower() == email.strip().lower()]
        if len(matches) != 1:
            raise BusinessRuleError(f"Ruh Platform client search found {len(matches)} matches")
        row = (
            self.results.get_by_role("row")
            .filter(has=self.page.get_by_role("cell"))
            .nth(matches[0])
        )
        row.get_by_role("link").first.click()
        self.page.wait_for_url(re.compile(r"/clients/[^/?#]+$"))
        return RuhClientProfilePage(self.page, self.base_url)


class _ProfileChrome:
    """What every client profile screen shares: its tabs and the "Action" menu."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.profile_tabs = page.get_by_role("navigation", name="Client profile")
        self.billing_tabs = page.get_by_role("navigation", name="Billing")

    def client_id(self) -> str:
        """The id of the client whose profile is showing (from the URL)."""
        return path_part(self.page.url, "clients")

    def diagnosis(self) -> str | None:
        """Action -> Diagnosis: the client's diagnosis code, or None when none is on file."""
        choose_menu_item(self.page, exact("Action"), "Diagnosis")
        box = dialog(self.page, "Diagnosis")
        code = box.get_by_label("Diagnosis code", exact=True).inner_text().strip()
        box.get_by_role("button", name="Close").click()
        return None if code == NO_DIAGNOSIS else code

    def client_name(self) -> str:
        """The client's name, as the profile's heading shows it."""
        return self.page.get_by_role("heading", level=1).inner_text().strip()

    def contact_details(self) -> ClientContact:
        """Action -> Contact details: email, state, time zone and card on file."""
        choose_menu_item(self.page, exact("Action"), "Contact details")
        box = dialog(self.page, "Contact details")
        # The dialog's content arrives after a spinner: wait for it, then read it at once.
        box.get_by_role("term").first.wait_for()
        terms = [t.strip() for t in box.get_by_role("term").all_inner_texts()]
        values = [v.strip() for v in box.get_by_role("definition").all_inner_texts()]
        shown = dict(zip(terms, values, strict=True))
        box.get_by_role("button", name="Close").click()
        return ClientContact(
            email=shown["Email"],
            state=shown["State"],
            time_zone=shown["Time zone"],
            card=shown["Card on file"],
        )

    def open_invoices(self) -> RuhInvoicesPage:
        """Billing -> Invoices."""
        from pages.ruh_platform.billing import RuhInvoicesPage

        self._open_billing("Invoices")
        return RuhInvoicesPage(self.page, self.base_url)

    def open_payments(self) -> RuhPaymentsPage:
        """Billing -> Payments."""
        from pages.ruh_platform.billing import RuhPaymentsPage

        self._open_billing("Payments")
        return RuhPaymentsPage(self.page, self.base_url)

    def _open_billing(self, tab: str) -> None:
        # Click only the tabs not already current: a click on the current one would reload
        # the page while the next locator is being resolved.
        billing = self.profile_tabs.get_by_role("link", name="Billing")
        if billing.get_attribute("aria-current") != "page":
            billing.click()
            self.page.wait_for_url(re.compile(r"/billing/invoices$"))
        link = self.billing_tabs.get_by_role("link", name=tab)
        if link.get_attribute("aria-current") != "page":
            link.click()
            self.page.wait_for_url(re.compile(rf"/billing/{tab.lower()}$"))


class RuhClientProfilePage(_ProfileChrome):
    """A client's profile, Overview tab: the Appointments list (``/clients/<id>``)."""

    def __init__(self, page: Page, base_url: str) -> None:
        """Bind to ``page``; ``base_url`` is the Ruh Platform's origin."""
        super().__init__(page, base_url)
        self.appointment_tabs = page.get_by_role("tablist", name="Appointments")

    def open(self, client_id: str) -> Self:
        """Go straight to the profile of ``client_id``."""
        self.page.goto(f"{self.base_url}/clients/{client_id}")
        return self

    def open_overview(self) -> Self:
        """Click the profile's "Overview" tab."""
        self.profile_tabs.get_by_role("link", name="Overview").click()
        self.page.wait_for_url(re.compile(r"/clients/[^/?#]+$"))
        return self

    def past_appointments(self) -> list[AppointmentRow]:
        """Appointments -> Past: every held, cancelled or missed appointment, newest first."""
        return self._appointments("Past")

    def upcoming_appointments(self) -> list[AppointmentRow]:
        """Appointments -> Upcoming: the scheduled ones."""
        return self._appointments("Upcoming")

    def open_appointment(self, appointment_id: str) -> RuhAppointmentPage:
        """Click "View" on ``appointment_id`` in the list shown (see ``past_appointments``)."""
        row = self.page.get_by_role("row").filter(
            has=self.page.get_by_role("cell", name=appointment_id, exact=True)
        )
        row.get_by_role("link", name="View", exact=True).click()
        self.page.wait_for_url(re.compile(rf"/appointments/{re.escape(appointment_id)}$"))
        return RuhAppointmentPage(self.page, self.base_url)

    def _appointments(self, tab: str) -> list[AppointmentRow]:
        # Clicking the tab already shown would reload the page under the reader's feet.
        if self.appointment_tabs.get_by_role("tab", name=tab, selected=True).count() == 0:
            self.appointment_tabs.get_by_role("tab", name=tab).click()
            self.page.wait_for_url(re.compile(rf"tab={tab.lower()}"))
        table = self.page.get_by_role("table", name=f"{tab} appointments")
        result = []
        for day, when, therapist, kind, status, ref, _view in table_rows(table):
            start, zone = parse_time_zone(when)
            result.append(
                AppointmentRow(
                    id=ref,
                    date=parse_date(day),
                    start=start,
                    zone=zone,
                    therapist=therapist,
                    session_type=kind,
                    status=status,
                )
            )
        return result


class RuhAppointmentPage(_ProfileChrome):
    """One appointment (``/clients/<id>/appointments/<ap_id>``) with its Billing section."""

    def __init__(self, page: Page, base_url: str) -> None:
        """Bind to ``page``; ``base_url`` is the Ruh Platform's origin."""
        super().__init__(page, base_url)
        self.billing = page.get_by_role("region", name="Billing")

    def open(self, client_id: str, appointment_id: str) -> Self:
        """Go straight to one appointment."""
        self.page.goto(f"{self.base_url}/clients/{client_id}/appointments/{appointment_id}")
        return self

    def details(self) -> AppointmentDetails:
        """Everything the page shows, the billed duration (minutes) and fee included."""

        def field(scope: Page | Locator, label: str) -> str:
            # Each value (dd) is labelled by its term (dt) through aria-labelledby.
            return scope.get_by_label(label, exact=True).inner_text().strip()

        start, zone = parse_time_zone(field(self.page, "Time"))
        end, _ = parse_time_zone(field(self.page, "End time"))
        duration = re.match(r"\s*(\d+)\s*minutes?", field(self.billing, "Duration"))
        if duration is None:
            raise ValueError("the Billing section shows no duration in minutes")
        invoice = optional(field(self.billing, "Invoice").split("·")[0])
        return AppointmentDetails(
            id=field(self.page, "Reference"),
            date=parse_date(field(self.page, "Date")),
            start=start,
            end=end,
            zone=zone,
            therapist=field(self.page, "Therapist"),
            status=field(self.page, "Status"),
            session_type=field(self.page, "Session type"),
            duration_minutes=int(duration.group(1)),
            fee=parse_money(field(self.billing, "Fee")),
            invoice_id=None if invoice == "Not invoiced" else invoice,
        )


class RuhAppointmentsPage:
    """Practice menu -> Appointments (``/appointments``): every client's appointments."""

    def __init__(self, page: Page, base_url: str) -> None:
        """Bind to ``page``; ``base_url`` is the Ruh Platform's origin."""
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.table = page.get_by_role("table", name="Appointments", exact=True)

    def open(self, status: str | None = None) -> Self:
        """Go to the list, filtered to ``status`` (e.g. "Late Cancellation") when given."""
        query = f"?status={quote(status)}" if status else ""
        self.page.goto(f"{self.base_url}/appointments{query}")
        return self

    def appointments(self) -> list[PracticeAppointmentRow]:
        """Every appointment listed, newest first, with its invoice (None if not invoiced)."""
        rows = self.table.get_by_role("row").filter(has=self.page.get_by_role("cell"))
        result = []
        for index, cells in enumerate(table_rows(self.table)):
            day, when, client, therapist, kind, status, invoice, ref, _view = cells
            client_link = rows.nth(index).get_by_role("link", name=client, exact=True)
            start, zone = parse_time_zone(when)
            result.append(
                PracticeAppointmentRow(
                    id=ref,
                    client_id=path_part(client_link.get_attribute("href") or "", "clients"),
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
