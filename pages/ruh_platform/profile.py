"""What every client screen of the Ruh Platform shares: the profile's tabs and its menu.

A module of its own, below both ``clients`` and ``billing``: each of their screens is a
client profile screen, and neither may import the other to say so.
"""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Page

from pages.ruh_platform._text import SITE, path_part, where
from pages.shell import require, text_of
from pages.touch import act
from pages.widgets import choose_menu_item, described, dialog, exact

NO_DIAGNOSIS = "No diagnosis on file"


@dataclass(frozen=True)
class ClientContact:
    """Action -> Contact details: where the client is and the card on file."""

    email: str
    state: str
    time_zone: str
    card: str


class ProfileChrome:
    """What every client profile screen shares: its tabs and the "Action" menu."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.profile_tabs = page.get_by_role("navigation", name="Client profile")
        self.billing_tabs = page.get_by_role("navigation", name="Billing")
        self.heading = page.get_by_role("heading", level=1)

    def wait_until_shown(self) -> None:
        """Wait for a client profile (TransientError if the app could not draw it)."""
        require(self.page, self.profile_tabs, site=SITE, screen="client profile")

    def client_id(self) -> str:
        """The opaque id of the client whose profile is showing (from the address)."""
        return path_part(self.page.url, "clients")

    def client_name(self) -> str:
        """The client's name, as the profile's heading shows it."""
        self.wait_until_shown()
        return text_of(self.heading)

    def diagnosis(self) -> str | None:
        """Action -> Diagnosis: the client's diagnosis code, or None when none is on file."""
        shown = self._action_dialog("Diagnosis")
        code = shown.get("Diagnosis code", "")
        return None if code in ("", NO_DIAGNOSIS) else code

    def contact_details(self) -> ClientContact:
        """Action -> Contact details: email, state, time zone and card on file."""
        shown = self._action_dialog("Contact details")
        return ClientContact(
            email=shown["Email"],
            state=shown["State"],
            time_zone=shown["Time zone"],
            card=shown["Card on file"],
        )

    def _action_dialog(self, item: str) -> dict[str, str]:
        self.wait_until_shown()
        choose_menu_item(self.page, exact("Action"), item, where("client profile"))
        box = dialog(self.page, item)
        box.wait_for()
        shown = described(box)
        act(box.get_by_role("button", name="Close", exact=True)).click()
        box.wait_for(state="hidden")
        return shown

    def open_billing_tab(self, tab: str) -> None:
        """Click Billing, then its ``tab`` ("Invoices", "Payments"), unless already there."""
        self.wait_until_shown()
        billing = self.profile_tabs.get_by_role("link", name="Billing", exact=True)
        if billing.get_attribute("aria-current") != "page":
            act(billing).click()
            require(self.page, self.billing_tabs, site=SITE, screen="billing")
        link = self.billing_tabs.get_by_role("link", name=tab, exact=True)
        if link.get_attribute("aria-current") != "page":
            act(link).click()
            table = self.page.get_by_role("table", name=tab, exact=True)
            require(self.page, table, site=SITE, screen=tab)
