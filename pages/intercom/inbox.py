"""Intercom's inbox, its team views and the conversation search."""

from __future__ import annotations

import re
from typing import Self

from playwright.sync_api import Page

from pages.intercom._common import (
    SITE,
    conversation_link,
    read_rows,
    where,
    workspace_of,
)
from pages.intercom.conversation import IntercomConversationPage
from pages.intercom.models import ConversationRow
from pages.shell import require, text_of, texts_of, wait_until_loaded
from pages.touch import act
from pages.widgets import exact


class IntercomInboxPage:
    """``/a/<workspace>/inbox``: "Your inbox", the team views in the left sidebar."""

    def __init__(self, page: Page, base_url: str) -> None:
        """Bind to ``page``; ``base_url`` is Intercom's origin."""
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.views_menu = page.get_by_role("navigation", name="Inbox")
        self.search_box = page.get_by_role("searchbox", name="Search conversations")

    def open(self) -> Self:
        """Go to Intercom: it lands on the workspace's inbox."""
        act(self.page).goto(f"{self.base_url}/")
        wait_until_loaded(self.page, site=SITE, screen="inbox")
        return self

    def workspace(self) -> str:
        """The workspace the app landed in (the ``/a/<workspace>/`` of its addresses)."""
        found = workspace_of(self.page.url)
        if found is None:
            raise where("inbox").missing("workspace in the address")
        return found

    def view_names(self) -> list[str]:
        """The team views listed in the sidebar, in order."""
        require(self.page, self.views_menu, site=SITE, screen="inbox")
        links = self.views_menu.get_by_role("link", name=re.compile(r"^\s*\d+\.\s"))
        return texts_of(links)

    def open_view(self, name: str) -> IntercomViewPage:
        """Click the view ``name`` (e.g. "5. Insurance Billing View") in the sidebar."""
        require(self.page, self.views_menu, site=SITE, screen="inbox")
        link = self.views_menu.get_by_role("link", name=name, exact=True)
        if link.count() != 1:
            raise where("inbox sidebar").missing(f"view named {name!r}")
        act(link).click()
        view = IntercomViewPage(self.page, self.base_url)
        require(self.page, view.heading.filter(has_text=exact(name)), site=SITE, screen=name)
        return view

    def search(self, query: str) -> IntercomSearchPage:
        """Search conversations from the topbar's search box."""
        return IntercomSearchPage(self.page, self.base_url).search(query)


class IntercomViewPage:
    """``/a/<workspace>/inbox/view/<view>``: a view's open conversations, oldest first."""

    def __init__(self, page: Page, base_url: str) -> None:
        """Bind to ``page``; ``base_url`` is Intercom's origin."""
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.heading = page.get_by_role("heading", level=1)

    def name(self) -> str:
        """The view's name, as its heading shows it."""
        require(self.page, self.heading, site=SITE, screen="view")
        return text_of(self.heading)

    def conversations(self) -> list[ConversationRow]:
        """Every open conversation of the view, scrolled to the end of the list."""
        wait_until_loaded(self.page, site=SITE, screen="view")
        return read_rows(self.page)

    def open_conversation(self, conversation_id: str) -> IntercomConversationPage:
        """Click the conversation's subject (scrolling the list to it) to open its thread."""
        return _open_from_list(self.page, self.base_url, conversation_id, "view")


class IntercomSearchPage:
    """``/a/<workspace>/inbox/search?q=``: conversations matching a search.

    The subject, the contact or the messages match.
    """

    def __init__(self, page: Page, base_url: str) -> None:
        """Bind to ``page``; ``base_url`` is Intercom's origin."""
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.search_box = page.get_by_role("searchbox", name="Search conversations")

    def search(self, query: str) -> Self:
        """Type ``query`` into "Search conversations" (on any Intercom page), press Enter."""
        require(self.page, self.search_box, site=SITE, screen="search")
        act(self.search_box).fill(query)
        act(self.search_box).press("Enter")
        results = self.page.get_by_role("heading", level=1, name="Search", exact=True)
        require(self.page, results, site=SITE, screen="search results")
        return self

    def results(self) -> list[ConversationRow]:
        """Every conversation found, scrolled to the end of the results."""
        wait_until_loaded(self.page, site=SITE, screen="search results")
        return read_rows(self.page)

    def open_conversation(self, conversation_id: str) -> IntercomConversationPage:
        """Click a result's subject to open the conversation."""
        return _open_from_list(self.page, self.base_url, conversation_id, "search results")


def _open_from_list(
    page: Page, base_url: str, conversation_id: str, screen: str
) -> IntercomConversationPage:
    link = conversation_link(page, conversation_id)
    if link.count() == 0:
        read_rows(page)  # the conversation may be further down: load the whole list
    if link.count() != 1:
        raise where(screen).missing(f"conversation {conversation_id}")
    act(link).click()
    conversation = IntercomConversationPage(page, base_url)
    conversation.wait_until_open(conversation_id)
    return conversation
