"""The Ruh Platform, as the flows reach it: clients, appointments, invoices, payments."""

from __future__ import annotations

from urllib.parse import quote

from flows.sites.base import SiteGateway
from pages.ruh_platform import (
    RuhAppointmentPage,
    RuhAppointmentsPage,
    RuhClientProfilePage,
    RuhInvoicesPage,
    RuhPaymentsPage,
    RuhSearchPage,
)


class RuhPlatformGateway(SiteGateway):
    """The practice's own platform."""

    site = "ruh_platform"
    title = "Ruh Platform"
    start_path = "/clients"

    def find_client(self, email: str) -> RuhClientProfilePage:
        """Search the client's email and open their profile (procedure step 2.2)."""
        self.visit(self.start_path)
        return RuhSearchPage(self.page, self.base_url).search_client(email)

    def client(self, client_id: str) -> RuhClientProfilePage:
        """A client's profile, Overview tab, by the id an earlier read found."""
        self.visit(f"/clients/{client_id}")
        return RuhClientProfilePage(self.page, self.base_url)

    def appointment(self, client_id: str, appointment_id: str) -> RuhAppointmentPage:
        """One appointment of a client, with its Billing section."""
        self.visit(f"/clients/{client_id}/appointments/{appointment_id}")
        return RuhAppointmentPage(self.page, self.base_url)

    def invoices(self, client_id: str) -> RuhInvoicesPage:
        """Client profile -> Billing -> Invoices."""
        return self.client(client_id).open_invoices()

    def payments(self, client_id: str) -> RuhPaymentsPage:
        """Client profile -> Billing -> Payments."""
        return self.client(client_id).open_payments()

    def practice_appointments(self, status: str) -> RuhAppointmentsPage:
        """The practice-wide Appointments list, filtered to ``status``."""
        self.visit(f"/appointments?status={quote(status)}")
        return RuhAppointmentsPage(self.page, self.base_url)
