"""Helpers the Intercom page objects share (private to this package)."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page

from pages.intercom.models import ConversationRow, Status
from robot.errors import ControlNotFound

# Every change in Intercom is a form POST answered by a redirect: the click is over when
# the next document has loaded (the result page, or the site's error page).
_CONVERSATION_HREF = re.compile(r"/conversations/([^/?#]+)$")


def click_and_wait_for_load(page: Page, button: Locator) -> None:
    """Click a button that submits a form, and return once the answer page has loaded."""
    with page.expect_event("load"):
        button.click()


def conversations_table(page: Page) -> Locator:
    """The "Conversations" table of a view or of the search results."""
    return page.get_by_role("table", name="Conversations")


def read_rows(page: Page) -> list[ConversationRow]:
    """Every conversation in the table, once it has loaded (after its spinner)."""
    table = conversations_table(page)
    table.wait_for()
    rows: list[ConversationRow] = []
    for row in table.get_by_role("row").filter(has=page.get_by_role("cell")).all():
        link = row.get_by_role("link")
        cells = row.get_by_role("cell").all_inner_texts()
        href = link.get_attribute("href") or ""
        found = _CONVERSATION_HREF.search(href)
        rows.append(
            ConversationRow(
                id=found.group(1) if found else href,
                subject=link.inner_text().strip(),
                contact_name=cells[1].strip(),
                contact_email=cells[2].strip(),
                status=status_from(cells[3]),
                created=cells[4].strip(),
            )
        )
    return rows


def conversation_link(page: Page, conversation_id: str) -> Locator:
    """The subject link of one conversation in the "Conversations" table."""
    # Two conversations may share a subject; only the link's address tells them apart.
    by_address = page.locator(f'a[href="/conversations/{conversation_id}"]')
    return conversations_table(page).get_by_role("link").and_(by_address)


def status_from(shown: str) -> Status:
    """The status value for "Open" / "Closed" as shown."""
    return "closed" if shown.strip().lower() == "closed" else "open"


def insert_macro(page: Page, name: str) -> None:
    """Open "Insert macro", search for ``name`` and insert it into the composer.

    Raises :class:`ControlNotFound` at once when the filtered list says no macro has
    that name: absence is then a fact, not a slow load worth waiting out.
    """
    page.get_by_role("button", name="Insert macro", exact=True).click()
    picker = page.get_by_role("dialog", name="Insert macro")
    picker.get_by_role("searchbox", name="Search macros").fill(name)
    # The list filters as the search is typed: once it (or its "no match" line) shows,
    # the options it holds are the answer.
    listed = picker.get_by_role("listbox", name="Macros")
    nothing = picker.get_by_text("No macros match.", exact=True)
    listed.or_(nothing).first.wait_for()
    option = listed.get_by_role("option", name=name, exact=True)
    if option.count() == 0:
        raise ControlNotFound("Intercom", "Insert macro", f"macro named {name!r}")
    option.click()
    picker.wait_for(state="hidden")
