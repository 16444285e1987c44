"""Headway's frame: the group overview, the left-side menu of providers, a provider's profile.

Providers have opaque ids in Headway's addresses: a person (and the robot) reaches one
by clicking their name in the left-side menu.
"""

from __future__ import annotations

import re
from typing import Self, TypeVar

from playwright.sync_api import Page

from pages.headway._common import SITE, where
from pages.headway.calendar import HeadwayCalendarPage
from pages.headway.practice import HeadwayPatientsPage, HeadwayPaymentsPage
from pages.shell import require, text_of, wait_until_loaded
from pages.touch import act

_Target = TypeVar("_Target", HeadwayPatientsPage, HeadwayPaymentsPage)


def _provider_name(name: str) -> re.Pattern[str]:
    # The menu writes "Name, Credentials": match the name with or without them.
    return re.compile(rf"^\s*{re.escape(name)}\s*(,[^,]*)?$")


class HeadwayHomePage:
    """``/``: the group practice's overview, with the left-side menu every page shares."""

    def __init__(self, page: Page, base_url: str) -> None:
        """Bind to ``page``; ``base_url`` is Headway's origin."""
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.menu = page.get_by_role("navigation", name="Main menu")

    def open(self) -> Self:
        """Go to the overview."""
        act(self.page).goto(f"{self.base_url}/")
        wait_until_loaded(self.page, site=SITE, screen="overview")
        return self

    def select_therapist(self, name: str) -> HeadwayProviderPage:
        """Click the therapist in the left-side menu ("Name" or "Name, Credentials")."""
        require(self.page, self.menu, site=SITE, screen="left-side menu")
        link = self.menu.get_by_role("link", name=_provider_name(name))
        if link.count() != 1:
            raise where("left-side menu").missing("provider of that name")
        act(link).click()
        heading = self.page.get_by_role("heading", level=1, name=_provider_name(name))
        require(self.page, heading, site=SITE, screen="provider profile")
        return HeadwayProviderPage(self.page, self.base_url)

    def open_patients(self) -> HeadwayPatientsPage:
        """Click "Patients" in the left-side menu."""
        return self._menu("Patients", HeadwayPatientsPage(self.page, self.base_url))

    def open_payments(self) -> HeadwayPaymentsPage:
        """Click "Payments" in the left-side menu."""
        return self._menu("Payments", HeadwayPaymentsPage(self.page, self.base_url))

    def _menu(self, name: str, target: _Target) -> _Target:
        require(self.page, self.menu, site=SITE, screen="left-side menu")
        act(self.menu.get_by_role("link", name=name, exact=True)).click()
        heading = self.page.get_by_role("heading", level=1, name=name, exact=True)
        require(self.page, heading, site=SITE, screen=name)
        return target


class HeadwayProviderPage:
    """``/providers/<provider>``: a therapist's profile, with "Profile" and "Calendar" tabs."""

    def __init__(self, page: Page, base_url: str) -> None:
        """Bind to ``page``; ``base_url`` is Headway's origin."""
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.tabs = page.get_by_role("navigation", name="Provider sections")
        self.heading = page.get_by_role("heading", level=1)

    def provider_name(self) -> str:
        """The profile's heading: "Name, Credentials"."""
        require(self.page, self.tabs, site=SITE, screen="provider profile")
        return text_of(self.heading)

    def licensed_state(self) -> str:
        """The state the therapist is licensed in, as the profile shows it."""
        require(self.page, self.tabs, site=SITE, screen="provider profile")
        return text_of(self.page.get_by_label("Licensed state", exact=True))

    def open_calendar(self) -> HeadwayCalendarPage:
        """Click the "Calendar" tab."""
        require(self.page, self.tabs, site=SITE, screen="provider profile")
        act(self.tabs.get_by_role("link", name="Calendar", exact=True)).click()
        calendar = HeadwayCalendarPage(self.page, self.base_url)
        calendar.wait_until_shown()
        return calendar
