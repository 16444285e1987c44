"""Intercom's "What's new" popup, which can cover any page after logging in."""

from __future__ import annotations

from playwright.sync_api import Locator, Page


def whats_new_dialog(page: Page) -> Locator:
    """The popup, for ``page.add_locator_handler(whats_new_dialog(page), ...)``.

    The one Locator this package hands out: Playwright's locator handler needs the thing
    to watch for, so the robot can dismiss the popup whenever it shows up mid-step.
    """
    return page.get_by_role("dialog", name="What's new")


def dismiss_whats_new(page: Page) -> None:
    """Click the popup's "Dismiss" and wait for it to go."""
    popup = whats_new_dialog(page)
    popup.get_by_role("button", name="Dismiss", exact=True).click()
    popup.wait_for(state="hidden")


def handle_whats_new(page: Page) -> None:
    """Dismiss the popup whenever it covers something the robot is about to click."""
    page.add_locator_handler(whats_new_dialog(page), lambda: dismiss_whats_new(page))
