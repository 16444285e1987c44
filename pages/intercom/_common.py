"""What the Intercom page objects share (private to this package).

Addresses, commit endpoints, the conversation lists and the macro picker.
"""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page

from pages.intercom.models import ConversationRow, Status
from pages.shell import not_busy, text_of
from pages.touch import act
from pages.widgets import Where, cells_of, data_rows, exact, read_whole_list

SITE = "Intercom"

# The commit endpoints of the app (method + path), waited on after each irreversible click.
PARTICIPANTS_ENDPOINT = re.compile(r"^/a/[^/]+/api/conversations/[^/]+/participants$")
SESSION_FORM_ENDPOINT = re.compile(
    r"^/a/[^/]+/api/conversations/[^/]+/forms/headway-session-processed$"
)
ATTRIBUTE_ENDPOINT = re.compile(r"^/a/[^/]+/api/conversations/[^/]+/attributes/[^/]+$")
CLOSE_ENDPOINT = re.compile(r"^/a/[^/]+/api/conversations/[^/]+/close$")
REPLY_ENDPOINT = re.compile(r"^/a/[^/]+/api/conversations/[^/]+/replies$")
NEW_CONVERSATION_ENDPOINT = re.compile(r"^/a/[^/]+/api/conversations$")

_WORKSPACE = re.compile(r"/a/([^/?#]+)/")
_CONVERSATION_HREF = re.compile(r"/inbox/conversation/([^/?#]+)$")
_END_OF_LIST = re.compile(r"^\s*No (more|open)? ?conversations|^\s*No conversations match")


def workspace_of(url: str) -> str | None:
    """The workspace in an Intercom address (``/a/<workspace>/...``), or None."""
    found = _WORKSPACE.search(url)
    return found.group(1) if found else None


def conversation_path(workspace: str, conversation_id: str) -> str:
    """The stable deep link of a conversation, under its workspace."""
    return f"/a/{workspace}/inbox/conversation/{conversation_id}"


def where(screen: str) -> Where:
    """Intercom's ``screen`` (for ControlNotFound)."""
    return Where(SITE, screen)


def conversations_region(page: Page) -> Locator:
    """The card holding a view's or the search's "Conversations" list."""
    table = page.get_by_role("table", name="Conversations")
    return page.get_by_role("region").filter(has=table)


def read_rows(page: Page) -> list[ConversationRow]:
    """Every conversation of the list, scrolled to its end (20 arrive at a time)."""
    table = page.get_by_role("table", name="Conversations")

    def read_shown() -> list[ConversationRow]:
        rows: list[ConversationRow] = []
        for row in data_rows(table).all():
            link = row.get_by_role("link")
            cells = cells_of(row)
            href = link.get_attribute("href") or ""
            found = _CONVERSATION_HREF.search(href)
            rows.append(
                ConversationRow(
                    id=found.group(1) if found else href,
                    subject=text_of(link),
                    contact_name=cells[1],
                    contact_email=cells[2],
                    status=status_from(cells[3]),
                    created=cells[4],
                )
            )
        return rows

    return read_whole_list(conversations_region(page), table, read_shown, end=_END_OF_LIST)


def conversation_link(page: Page, conversation_id: str) -> Locator:
    """The subject link of one conversation in the "Conversations" list."""
    # CSS on purpose: two conversations may share a subject; only the link's address
    # (the conversation's id) tells them apart.
    by_address = page.locator(f'a[href$="/inbox/conversation/{conversation_id}"]')
    return page.get_by_role("table", name="Conversations").get_by_role("link").and_(by_address)


def status_from(shown: str) -> Status:
    """The status value for "Open" / "Closed" as shown."""
    return "closed" if shown.strip().lower() == "closed" else "open"


def insert_macro(page: Page, name: str) -> None:
    """Open "Insert macro", search for ``name`` and insert exactly that macro."""
    act(page.get_by_role("button", name="Insert macro", exact=True)).click()
    picker = page.get_by_role("dialog", name="Insert macro")
    act(picker.get_by_role("searchbox", name="Search macros")).fill(name)
    listbox = picker.get_by_role("listbox", name="Macros")
    not_busy(listbox).wait_for()
    option = listbox.get_by_role("option", name=exact(name))
    if option.count() != 1:
        # Leave the page as it was: the composer is untouched.
        act(picker.get_by_role("button", name="Cancel", exact=True)).click()
        raise where("Insert macro dialog").missing(f"macro named {name!r}")
    act(option).click()
    picker.wait_for(state="hidden")
