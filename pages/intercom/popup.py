"""Intercom's popups, which can cover any page.

"What's new" shows after logging in; a product tour appears now and then.
"""

from __future__ import annotations

from playwright.sync_api import Locator, Page

from pages.touch import act


def whats_new_dialog(page: Page) -> Locator:
    """The "What's new" popup, for ``page.add_locator_handler``."""
    return page.get_by_role("dialog", name="What's new")


def product_tour_dialog(page: Page) -> Locator:
    """The product tour, for ``page.add_locator_handler``."""
    return page.get_by_role("dialog", name="Product tour")


def dismiss_whats_new(page: Page) -> None:
    """Click the popup's "Dismiss" and wait for it to go."""
    popup = whats_new_dialog(page)
    act(popup.get_by_role("button", name="Dismiss", exact=True)).click()
    popup.wait_for(state="hidden")


def skip_product_tour(page: Page) -> None:
    """Click the tour's "Skip tour" and wait for it to go."""
    tour = product_tour_dialog(page)
    act(tour.get_by_role("button", name="Skip tour", exact=True)).click()
    tour.wait_for(state="hidden")


def handle_popups(page: Page) -> None:
    """Dismiss either popup whenever it covers something the robot is about to click.

    Playwright runs the handler before an action whose target the popup covers, wherever
    the flow is; these are the only Locators this package hands out.
    """
    page.add_locator_handler(whats_new_dialog(page), lambda: dismiss_whats_new(page))
    page.add_locator_handler(product_tour_dialog(page), lambda: skip_product_tour(page))
