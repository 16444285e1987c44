"""Starting a new Intercom conversation (topnav "New conversation")."""

from __future__ import annotations

from typing import Self

from playwright.sync_api import Page

from pages.intercom._common import NEW_CONVERSATION_ENDPOINT, SITE, insert_macro
from pages.intercom.conversation import IntercomConversationPage
from pages.shell import CommitAnswer, require, submit_and_wait
from pages.touch import act


class IntercomNewConversationPage:
    """``/a/<workspace>/inbox/new``: "To", "Subject", "Message", "Insert macro", "Send"."""

    def __init__(self, page: Page, base_url: str) -> None:
        """Bind to ``page``; ``base_url`` is Intercom's origin."""
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.form = page.get_by_role("form", name="New conversation", exact=True)
        self.to = self.form.get_by_label("To", exact=True)
        self.subject = self.form.get_by_label("Subject", exact=True)
        self.message = self.form.get_by_label("Message", exact=True)
        self.send_button = self.form.get_by_role("button", name="Send", exact=True)
        self.last_answer: CommitAnswer | None = None

    def open(self) -> Self:
        """Click "New conversation" in the topbar (on any Intercom page)."""
        link = self.page.get_by_role("link", name="New conversation", exact=True)
        require(self.page, link, site=SITE, screen="inbox")
        act(link).click()
        require(self.page, self.form, site=SITE, screen="new conversation")
        return self

    def fill(self, to: str, subject: str) -> None:
        """Type the recipient's address into "To" and the "Subject"."""
        require(self.page, self.form, site=SITE, screen="new conversation")
        act(self.to).fill(to)
        act(self.subject).fill(subject)

    def write_message(self, text: str) -> None:
        """Type ``text`` into "Message" (replacing what is there)."""
        act(self.message).fill(text)

    def insert_macro(self, name: str) -> None:
        """Click "Insert macro", search, pick exactly ``name``: its text goes in "Message"."""
        insert_macro(self.page, name)

    def message_draft(self) -> str:
        """What "Message" holds now."""
        return self.message.input_value()

    def send(self) -> IntercomConversationPage:
        """IRREVERSIBLE: click "Send"; the new conversation opens."""
        self.last_answer = submit_and_wait(
            self.page,
            self.send_button,
            site=SITE,
            action="start the conversation",
            endpoint=NEW_CONVERSATION_ENDPOINT,
        )
        conversation = IntercomConversationPage(self.page, self.base_url)
        if self.last_answer.ok:
            conversation.wait_until_open()
        return conversation
