"""Starting a new Intercom conversation (``/conversations/new``)."""

from __future__ import annotations

from typing import Self

from playwright.sync_api import Page

from pages.intercom._common import click_and_wait_for_load, insert_macro
from pages.intercom.conversation import IntercomConversationPage


class IntercomNewConversationPage:
    """``/conversations/new``: "To", "Subject", "Message", "Insert macro", "Send"."""

    def __init__(self, page: Page, base_url: str) -> None:
        """Bind to ``page``; ``base_url`` is Intercom's origin."""
        self.page = page
        self.base_url = base_url.rstrip("/")
        form = page.get_by_role("form", name="New conversation", exact=True)
        self.to = form.get_by_label("To", exact=True)
        self.subject = form.get_by_label("Subject", exact=True)
        self.message = form.get_by_label("Message", exact=True)
        self.send_button = form.get_by_role("button", name="Send", exact=True)

    def open(self) -> Self:
        """Go to the new-conversation page."""
        self.page.goto(f"{self.base_url}/conversations/new")
        return self

    def fill(self, to: str, subject: str) -> None:
        """Type the recipient's address into "To" and the "Subject"."""
        self.to.fill(to)
        self.subject.fill(subject)

    def write_message(self, text: str) -> None:
        """Type ``text`` into "Message" (replacing what is there)."""
        self.message.fill(text)

    def insert_macro(self, name: str) -> None:
        """Click "Insert macro", search, pick ``name``: its text goes into "Message"."""
        insert_macro(self.page, name)

    def message_draft(self) -> str:
        """What "Message" holds now."""
        return self.message.input_value()

    def send(self) -> IntercomConversationPage:
        """IRREVERSIBLE: click "Send"; the new conversation opens."""
        click_and_wait_for_load(self.page, self.send_button)
        return IntercomConversationPage(self.page, self.base_url)
