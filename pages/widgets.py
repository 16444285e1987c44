"""Widgets every app shares: type-to-search comboboxes, three-dot menus, modal dialogs.

The mock apps (and the real ones) build these the same way: a ``combobox`` whose
``listbox`` carries the same accessible name as its label, a menu button that opens a
``menu`` of ``menuitem``s, and ``dialog``s named by their heading. These helpers find them
by role and name only, so a restyled page does not break the robot.
"""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page

Scope = Page | Locator
Name = str | re.Pattern[str]


def exact(text: str) -> re.Pattern[str]:
    """A name matcher for exactly ``text`` (ignoring surrounding white space)."""
    return re.compile(rf"^\s*{re.escape(text)}\s*$")


def choose_option(scope: Scope, label: str, search: str, option: Name) -> None:
    """Type ``search`` into the combobox labelled ``label`` and pick ``option``.

    The listbox is found by the combobox's label too (``aria-labelledby``), so two
    comboboxes offering the same option (two state pickers) never get mixed up.
    """
    box = scope.get_by_role("combobox", name=label, exact=True)
    box.click()
    box.fill(search)
    listbox = scope.get_by_role("listbox", name=label, exact=True)
    listbox.get_by_role("option", name=option).first.click()


def chosen_values(scope: Scope, label: str) -> list[str]:
    """The values chosen in a multi-select combobox (its chips), as shown."""
    chips = scope.get_by_role("list", name=label, exact=True).get_by_role("listitem")
    return [text.replace("×", "").strip() for text in chips.all_inner_texts()]


def open_menu(scope: Scope, button_name: Name) -> Locator:
    """Open the menu behind the button named ``button_name``; returns the menu."""
    scope.get_by_role("button", name=button_name).click()
    page = scope if isinstance(scope, Page) else scope.page
    return page.get_by_role("menu")


def choose_menu_item(scope: Scope, button_name: Name, item: Name) -> None:
    """Open a (three-dot) menu and click one of its items."""
    menu = open_menu(scope, button_name)
    menu.get_by_role("menuitem", name=item).click()


def dialog(page: Page, name: Name) -> Locator:
    """The modal dialog titled ``name``."""
    return page.get_by_role("dialog", name=name)
