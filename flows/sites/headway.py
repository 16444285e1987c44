"""Headway, as the flows reach it: the patients list, a therapist's profile and calendar.

Providers' addresses carry opaque ids: a therapist is reached the way the procedure
says, from the left-side menu.
"""

from __future__ import annotations

from datetime import date

from flows.sites.base import SiteGateway
from pages.headway import HeadwayCalendarPage, HeadwayHomePage
from pages.headway.navigation import HeadwayProviderPage
from pages.headway.practice import PatientRow, PayoutRow


class HeadwayGateway(SiteGateway):
    """The group practice's Headway account."""

    site = "headway"
    title = "Headway"

    def patients(self) -> list[PatientRow]:
        """Every patient of the group, as the Patients page lists them (all pages)."""
        return self._menu().open_patients().patients()

    def payouts(self) -> list[PayoutRow]:
        """Every confirmed session and its payout, as the Payments tab lists them (all pages)."""
        return self._menu().open_payments().payments()

    def provider(self, therapist: str) -> HeadwayProviderPage:
        """The therapist's profile, picked from the left-side menu (procedure step 3.2)."""
        return self._menu().select_therapist(therapist)

    def _menu(self) -> HeadwayHomePage:
        # The left-side menu is on every Headway page, and each of its entries fetches
        # its page afresh: from a clean page (see ``shows_a_clean_page``) the start page
        # need not be loaded again. It was, twice per request in a row (the Patients
        # list, then the therapist) and once more for the calendar.
        if self.shows_a_clean_page():
            self.visit_current()
        else:
            self.visit(self.start_path, reuse=True)
        return HeadwayHomePage(self.page, self.base_url)

    def calendar(self, therapist: str, day: date) -> HeadwayCalendarPage:
        """The therapist's calendar at the week of ``day`` (steps 3.3 and 3.5)."""
        return self.provider(therapist).open_calendar().go_to_date(day)
