"""Intercom's inbox, its team views and the conversation search."""

from __future__ import annotations

import re
from typing import Self
from urllib.parse import quote

from playwright.sync_api import Page

from pages.intercom._common import conversation_link, read_rows
from pages.intercom.conversation import IntercomConversationPage
from pages.intercom.models import ConversationRow


class IntercomInboxPage:
    """``/inbox``: the team views in the left sidebar."""

    def __init__(self, page: Page, base_url: str) -> None:
        """Bind to ``page``; ``base_url`` is Intercom's origin."""
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.views_menu = page.get_by_role("navigation", name="Inbox")
        self.search_box = page.get_by_role("searchbox", name="Search conversations")

    def open(self) -> Self:
        """Go to the inbox."""
        self.page.goto(f"{self.base_url}/inbox")
        return self

    def view_names(self) -> list[str]:
        """The team views listed in the sidebar, in order."""
        links = self.views_menu.get_by_role("link", name=re.compile(r"^\s*\d+\.\s"))
        links.first.wait_for()
        return [text.strip() for text in links.all_inner_texts()]

    def open_view(self, name: str) -> IntercomViewPage:
        """Click the view ``name`` (e.g. "5. Insurance Billing View") in the sidebar."""
        self.views_menu.get_by_role("link", name=name, exact=True).click()
        self.page.wait_for_url(re.compile(r"/inbox/views/\d+$"))
        return IntercomViewPage(self.page, self.base_url)

    def search(self, query: str) -> IntercomSearchPage:
        """Search conversations from the topbar's search box."""
        return IntercomSearchPage(self.page, self.base_url).search(query)


class IntercomViewPage:
    """``/inbox/views/<n>``: a view's open conversations, oldest first."""

    def __init__(self, page: Page, base_url: str) -> None:
        """Bind to ``page``; ``base_url`` is Intercom's origin."""
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.heading = page.get_by_role("heading", level=1)

    def open(self, view_number: int) -> Self:
        """Go to view number ``view_number`` (5 for "5. Insurance Billing View")."""
        self.page.goto(f"{self.base_url}/inbox/views/{view_number}")
        return self

    def name(self) -> str:
        """The view's name, as its heading shows it."""
        return self.heading.inner_text().strip()

    def conversations(self) -> list[ConversationRow]:
        """The open conversations listed, once the list has loaded."""
        return read_rows(self.page)

    def open_conversation(self, conversation_id: str) -> IntercomConversationPage:
        """Click the conversation's subject to open its thread."""
        conversation_link(self.page, conversation_id).click()
        self.page.wait_for_url(re.compile(rf"/conversations/{re.escape(conversation_id)}$"))
        return IntercomConversationPage(self.page, self.base_url)


class IntercomSearchPage:
    """``/search?q=``: conversations whose subject, contact or messages match."""

    def __init__(self, page: Page, base_url: str) -> None:
        """Bind to ``page``; ``base_url`` is Intercom's origin."""
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.search_box = page.get_by_role("searchbox", name="Search conversations")

    def open(self, query: str) -> Self:
        """Go straight to the results for ``query`` (a stable address)."""
        self.page.goto(f"{self.base_url}/search?q={quote(query)}")
        return self

    def search(self, query: str) -> Self:
        """Type ``query`` into "Search conversations" and press Enter."""
        self.search_box.fill(query)
        # The results are a new page: wait for it, not for an address the old one may share.
        with self.page.expect_event("load"):
            self.search_box.press("Enter")
        return self

    def results(self) -> list[ConversationRow]:
        """The conversations found, once the results have loaded."""
        return read_rows(self.page)

    def open_conversation(self, conversation_id: str) -> IntercomConversationPage:
        """Click a result's subject to open the conversation."""
        conversation_link(self.page, conversation_id).click()
        self.page.wait_for_url(re.compile(rf"/conversations/{re.escape(conversation_id)}$"))
        return IntercomConversationPage(self.page, self.base_url)
