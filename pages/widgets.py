"""Widgets every app shares: type-to-search comboboxes, three-dot menus, dialogs, lists.

The mock apps (and the real ones) build these the same way: a ``combobox`` whose
``listbox`` carries the same accessible name as its label, a menu button that opens a
``menu`` of ``menuitem``s, ``dialog``s named by their heading, and lists that come a page
at a time. These helpers find them by role and name only, so a restyled page does not
break the robot, and they say at once, by name, when something is not there.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TypeVar

from playwright.sync_api import Locator, Page

from pages.shell import not_busy, texts_of
from pages.touch import act
from robot.errors import ControlNotFound

Scope = Page | Locator
Name = str | re.Pattern[str]
T = TypeVar("T")


@dataclass(frozen=True)
class Where:
    """Which app and which screen a page object is on (for ControlNotFound messages)."""

    site: str
    screen: str

    def missing(self, control: str) -> ControlNotFound:
        """The error for ``control`` not being on this screen."""
        return ControlNotFound(self.site, self.screen, control)


def exact(text: str) -> re.Pattern[str]:
    """A name matcher for exactly ``text`` (ignoring surrounding white space)."""
    return re.compile(rf"^\s*{re.escape(text)}\s*$")


def _page_of(scope: Scope) -> Page:
    return scope if isinstance(scope, Page) else scope.page


_EXACT = re.compile(r"^\^\\s\*(?P<text>.*)\\s\*\$$")


def _shown(name: Name) -> str:
    # A name made by exact() reads as the text it matches; other patterns as patterns.
    if isinstance(name, str):
        return repr(name)
    plain = _EXACT.match(name.pattern)
    if plain is not None:
        return repr(re.sub(r"\\(.)", r"\1", plain.group("text")))
    return repr(name.pattern)


def choose_option(
    scope: Scope,
    label: str,
    search: str,
    option: Name,
    where: Where,
    *,
    control: str | None = None,
) -> None:
    """Type ``search`` into the combobox labelled ``label`` and pick exactly ``option``.

    The listbox is found by the combobox's label too (``aria-labelledby``), so two
    comboboxes offering the same option never get mixed up. Options that come from the
    server arrive after a delay, possibly out of order: the listbox is ``aria-busy`` until
    it shows the answer to what was typed, and only then is it read. No option, or more
    than one, matching ``option`` raises :class:`ControlNotFound` at once.
    """
    box = scope.get_by_role("combobox", name=label, exact=True)
    if box.count() == 0:
        raise where.missing(f"'{label}' field")
    act(box).click()
    act(box).fill(search)
    listbox = scope.get_by_role("listbox", name=label, exact=True)
    not_busy(listbox).wait_for()
    matches = listbox.get_by_role("option", name=option)
    found = matches.count()
    if found != 1:
        what = control or f"'{label}' option {_shown(option)}"
        raise where.missing(what if found == 0 else f"single {what} ({found} match)")
    act(matches).click()


def described(scope: Scope) -> dict[str, str]:
    """Each term of the description lists in ``scope`` with its value (``dt`` -> ``dd``).

    Two questions to the page whatever the number of fields, where asking for each value
    by its label takes one per field. Every term must have its value, or the list is not
    what it seems and :class:`ValueError` says so.
    """
    terms = texts_of(scope.get_by_role("term"))
    values = texts_of(scope.get_by_role("definition"))
    return dict(zip(terms, values, strict=True))


def chosen_values(scope: Scope, label: str) -> list[str]:
    """The values chosen in a multi-select combobox (its chips), as shown."""
    chips = scope.get_by_role("list", name=label, exact=True).get_by_role("listitem")
    return [text.replace("×", "").strip() for text in texts_of(chips)]


def choose_menu_item(scope: Scope, button_name: Name, item: Name, where: Where) -> None:
    """Open a (three-dot) menu and click one of its items."""
    button = scope.get_by_role("button", name=button_name)
    if button.count() != 1:
        raise where.missing(f"menu button {_shown(button_name)}")
    act(button).click()
    menu = _page_of(scope).get_by_role("menu")
    menu.first.wait_for()
    entry = menu.get_by_role("menuitem", name=item)
    if entry.count() != 1:
        raise where.missing(f"menu item {_shown(item)}")
    act(entry).click()


def dialog(page: Page, name: Name) -> Locator:
    """The modal dialog titled ``name``."""
    return page.get_by_role("dialog", name=name)


def data_rows(table: Locator) -> Locator:
    """The body rows of ``table`` (header rows have no cells; skeleton rows are hidden)."""
    return table.get_by_role("row").filter(has=table.page.get_by_role("cell"))


def rows_of(table: Locator) -> list[list[str]]:
    """Every body row's cell texts, read in one pass (cells grouped by the column count)."""
    width = table.get_by_role("columnheader").count()
    cells = texts_of(data_rows(table).get_by_role("cell"))
    if width == 0:
        return [cells] if cells else []
    return [cells[i : i + width] for i in range(0, len(cells), width)]


def cells_of(row: Locator, role: Literal["cell", "gridcell"] = "cell") -> list[str]:
    """The texts of ``row``'s cells, read from the DOM (not the layout)."""
    return texts_of(row.get_by_role(role))


def read_whole_list(
    region: Locator,
    table: Locator,
    read_page: Callable[[], list[T]],
    *,
    end: re.Pattern[str] | None = None,
) -> list[T]:
    """Every row of a list that comes a page at a time, read to its end.

    Three kinds, found by what the list offers: "Next page" (read each page in turn),
    "Show more" (click until it is gone, then read), or more rows as it is scrolled (scroll
    to the last row until the list's status says ``end``, e.g. "No more conversations").
    ``read_page`` reads the rows shown now.
    """
    loaded = not_busy(table)
    loaded.wait_for()
    next_page = region.get_by_role("button", name="Next page", exact=True)
    show_more = region.get_by_role("button", name="Show more", exact=True)
    if next_page.count():
        previous = region.get_by_role("button", name="Previous page", exact=True)
        while previous.is_enabled():  # someone left it further on: start at page 1
            act(previous).click()
            loaded.wait_for()
        rows: list[T] = []
        while True:
            rows += read_page()
            if not next_page.is_enabled():
                return rows
            act(next_page).click()
            loaded.wait_for()
    while show_more.count():
        act(show_more).click()
        loaded.wait_for()
    if end is not None:
        status = region.get_by_role("status")
        finished = status.filter(has_text=end)
        while finished.count() == 0:
            shown = data_rows(table)
            before = shown.count()
            if before == 0:
                break
            # Scroll to the list's foot (its status line), where the next rows are asked for.
            act(status.last).scroll_into_view_if_needed()
            # More rows arrive, or the list says it has no more.
            shown.nth(before).or_(finished).first.wait_for()
            loaded.wait_for()
    return read_page()
