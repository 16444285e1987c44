"""Intercom, as the flows reach it: conversations, team views, search, new conversations."""

from __future__ import annotations

from urllib.parse import quote

from flows.sites.base import SiteGateway
from pages.intercom import (
    ConversationRow,
    IntercomConversationPage,
    IntercomInboxPage,
    IntercomNewConversationPage,
    IntercomSearchPage,
    IntercomViewPage,
)
from robot.errors import ControlNotFound, TransientError
from robot.settings import Settings

_CONVERSATION = "/conversations/{id}"


def conversation_url(settings: Settings, conversation_id: str) -> str:
    """The address a person opens to see ``conversation_id`` (for the report)."""
    return settings.site("intercom").url(_CONVERSATION.format(id=conversation_id))


class IntercomGateway(SiteGateway):
    """The practice's shared inbox."""

    site = "intercom"
    title = "Intercom"
    start_path = "/inbox"

    def conversation(self, conversation_id: str) -> IntercomConversationPage:
        """Open one conversation; a page that is not the conversation is a transient fault."""
        self.visit(_CONVERSATION.format(id=conversation_id))
        page = IntercomConversationPage(self.page, self.base_url)
        if not page.is_showing():
            raise TransientError(f"Intercom did not show conversation {conversation_id}")
        return page

    def view(self, name: str) -> IntercomViewPage:
        """Open the team view ``name`` from the inbox's sidebar."""
        self.visit(self.start_path)
        inbox = IntercomInboxPage(self.page, self.base_url)
        if name not in inbox.view_names():
            raise ControlNotFound("Intercom", "inbox sidebar", f"view named {name!r}")
        return inbox.open_view(name)

    def conversations_of(self, email: str) -> list[ConversationRow]:
        """The conversations whose contact is ``email`` (Intercom's search), newest first."""
        self.visit(f"/search?q={quote(email)}")
        rows = IntercomSearchPage(self.page, self.base_url).results()
        return [row for row in rows if row.contact_email.casefold() == email.casefold()]

    def new_conversation(self) -> IntercomNewConversationPage:
        """Open the form that starts a conversation."""
        self.visit("/conversations/new")
        return IntercomNewConversationPage(self.page, self.base_url)
