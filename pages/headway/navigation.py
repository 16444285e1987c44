"""Headway's frame: the group overview, the left-side menu of providers, a provider's profile."""

from __future__ import annotations

import re
from typing import Self

from playwright.sync_api import Page

from pages.headway.calendar import HeadwayCalendarPage
from pages.headway.practice import HeadwayPatientsPage, HeadwayPaymentsPage


def _provider_name(name: str) -> re.Pattern[str]:
    # The menu writes "Name, Credentials": match the name with or without them.
    return re.compile(rf"^\s*{re.escape(name)}\s*(,.*)?$")


class HeadwayHomePage:
    """``/``: the group practice's overview, with the left-side menu every page shares."""

    def __init__(self, page: Page, base_url: str) -> None:
        """Bind to ``page``; ``base_url`` is Headway's origin."""
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.menu = page.get_by_role("navigation", name="Main menu")

    def open(self) -> Self:
        """Go to the overview."""
        self.page.goto(f"{self.base_url}/")
        return self

    def select_therapist(self, name: str) -> HeadwayProviderPage:
        """Click the therapist in the left-side menu ("Name" or "Name, Credentials")."""
        self.menu.get_by_role("link", name=_provider_name(name)).click()
        # Wait for their profile itself: the previous page may have had a Calendar tab too.
        self.page.get_by_role("heading", level=1, name=_provider_name(name)).wait_for()
        return HeadwayProviderPage(self.page, self.base_url)

    def open_patients(self) -> HeadwayPatientsPage:
        """Click "Patients" in the left-side menu."""
        self.menu.get_by_role("link", name="Patients", exact=True).click()
        self.page.wait_for_url(re.compile(r"/patients$"))
        return HeadwayPatientsPage(self.page, self.base_url)

    def open_payments(self) -> HeadwayPaymentsPage:
        """Click "Payments" in the left-side menu."""
        self.menu.get_by_role("link", name="Payments", exact=True).click()
        self.page.wait_for_url(re.compile(r"/payments$"))
        return HeadwayPaymentsPage(self.page, self.base_url)


class HeadwayProviderPage:
    """``/providers/<id>``: a therapist's profile, with its "Profile" and "Calendar" tabs."""

    def __init__(self, page: Page, base_url: str) -> None:
        """Bind to ``page``; ``base_url`` is Headway's origin."""
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.tabs = page.get_by_role("navigation", name="Provider sections")
        self.heading = page.get_by_role("heading", level=1)

    def open(self, therapist_id: str) -> Self:
        """Go straight to a therapist's profile by id."""
        self.page.goto(f"{self.base_url}/providers/{therapist_id}")
        return self

    def provider_name(self) -> str:
        """The profile's heading: "Name, Credentials"."""
        return self.heading.inner_text().strip()

    def licensed_state(self) -> str:
        """The state the therapist is licensed in, as the profile shows it."""
        return self.page.get_by_label("Licensed state", exact=True).inner_text().strip()

    def open_calendar(self) -> HeadwayCalendarPage:
        """Click the "Calendar" tab."""
        self.tabs.get_by_role("link", name="Calendar", exact=True).click()
        self.page.wait_for_url(re.compile(r"/calendar(\?|$)"))
        return HeadwayCalendarPage(self.page, self.base_url)
