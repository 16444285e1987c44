"""The Ruh Platform, as the flows reach it: clients, appointments, invoices, payments.

Records carry opaque ids. A client is found the way the procedure says (search their
email); the profile's address, once the app has shown it, is a stable deep link (its
template is in the settings), and everything else is reached from the profile's tabs.
"""

from __future__ import annotations

from flows.sites.base import SiteGateway
from pages.ruh_platform import (
    RuhAppointmentPage,
    RuhAppointmentsPage,
    RuhClientProfilePage,
    RuhInvoicesPage,
    RuhPaymentsPage,
    RuhSearchPage,
)
from robot.errors import BusinessRuleError


class RuhPlatformGateway(SiteGateway):
    """The practice's own platform."""

    site = "ruh_platform"
    title = "Ruh Platform"

    def find_client(self, email: str) -> RuhClientProfilePage:
        """Search the client's email and open their profile (procedure step 2.2).

        Exactly one client must have that email: none, or several, is for a person.
        """
        self.visit(self.start_path, reuse=True)
        search = RuhSearchPage(self.page, self.base_url)
        profile = search.find_client(email)
        if profile is None:
            found = len(search.matching_clients(email))
            raise BusinessRuleError(
                f"the Ruh Platform has {found or 'no'} client(s) with the client's email"
            )
        return profile

    def client(self, client_id: str) -> RuhClientProfilePage:
        """A client's profile on its Overview tab (the appointment lists)."""
        return self._profile(client_id).open_overview()

    def past_appointment(self, client_id: str, reference: str) -> RuhAppointmentPage:
        """One past appointment of a client: Overview -> Appointments -> Past, paged to it."""
        profile = self.client(client_id).show_appointments("Past")
        return profile.open_appointment(reference)

    def invoices(self, client_id: str) -> RuhInvoicesPage:
        """Client profile -> Billing -> Invoices."""
        return self._profile(client_id).open_invoices()

    def payments(self, client_id: str) -> RuhPaymentsPage:
        """Client profile -> Billing -> Payments."""
        return self._profile(client_id).open_payments()

    def _profile(self, client_id: str) -> RuhClientProfilePage:
        # Every page of a client's profile (Overview, an appointment, Billing) carries
        # the profile's tabs, and each tab fetches its list afresh when clicked. When
        # the app's tab shows a clean page of this client (the appointment the request
        # was read from, the invoices after the write-off), the robot goes on from
        # there: two loads of the profile fewer per request (write-off, $0 charge).
        if self._shows_client(client_id):
            self.visit_current()
        else:
            self.visit(self.route("client", id=client_id), reuse=True)
        return RuhClientProfilePage(self.page, self.base_url)

    def _shows_client(self, client_id: str) -> bool:
        if not self.shows_a_clean_page():
            return False
        try:
            return RuhClientProfilePage(self.page, self.base_url).client_id() == client_id
        except ValueError:  # not a client's page (the search, the practice's lists)
            return False

    def practice_appointments(self, status: str) -> RuhAppointmentsPage:
        """Practice menu -> Appointments, filtered to ``status``."""
        self.visit("/appointments")
        return RuhAppointmentsPage(self.page, self.base_url).filter_by_status(status)
