"""Intercom, as the flows reach it: conversations, team views, search, new conversations.

Intercom's addresses live under a workspace (``/a/<workspace>/...``) the robot cannot
know in advance: the app lands there after login, and the gateway learns it once. A
conversation's deep link under it is stable (its template is in the settings); views,
search and the composer are reached through the app's own menus.
"""

from __future__ import annotations

from flows.sites.base import SiteGateway
from pages.intercom import (
    ConversationRow,
    IntercomConversationPage,
    IntercomInboxPage,
    IntercomNewConversationPage,
    IntercomSearchPage,
    IntercomViewPage,
)


class IntercomGateway(SiteGateway):
    """The practice's shared inbox."""

    site = "intercom"
    title = "Intercom"

    _workspace: str | None = None

    def workspace(self) -> str:
        """The workspace the app lands in after login (learned once per worker)."""
        if self._workspace is None:
            self._inbox()
        return self._learn_workspace()

    def check_login(self) -> None:
        """The pre-flight, which also learns the workspace from the inbox it lands on."""
        super().check_login()
        self._learn_workspace()

    def conversation_url(self, conversation_id: str) -> str:
        """The address a person opens to see ``conversation_id`` (for the report)."""
        return self.url(self.route("conversation", workspace=self.workspace(), id=conversation_id))

    def conversation(self, conversation_id: str) -> IntercomConversationPage:
        """Open one conversation by its stable deep link (the tab's copy when still good)."""
        path = self.route("conversation", workspace=self.workspace(), id=conversation_id)
        self.visit(path, reuse=True)
        page = IntercomConversationPage(self.page, self.base_url)
        page.wait_until_open(conversation_id)
        return page

    def view(self, name: str) -> IntercomViewPage:
        """Open the team view ``name`` from the inbox's sidebar."""
        return self._inbox().open_view(name)

    def search(self, query: str) -> IntercomSearchPage:
        """Intercom's search for ``query`` (subjects, contacts, messages and notes; any status)."""
        return self._inbox().search(query)

    def conversations_of(self, email: str) -> list[ConversationRow]:
        """The conversations whose contact is ``email`` (Intercom's search), newest first."""
        results = self._inbox().search(email).results()
        return [row for row in results if row.contact_email.casefold() == email.casefold()]

    def new_conversation(self) -> IntercomNewConversationPage:
        """Open the composer that starts a conversation (the topbar's "New conversation")."""
        self._inbox()
        return IntercomNewConversationPage(self.page, self.base_url).open()

    def _inbox(self) -> IntercomInboxPage:
        """Load the inbox (the start page), learning the workspace on the way."""
        self.visit(self.start_path)
        self._learn_workspace()
        return IntercomInboxPage(self.page, self.base_url)

    def _learn_workspace(self) -> str:
        # The inbox's address carries the workspace: read on any visit to the inbox (the
        # pre-flight's, a view's), it costs no page load; learnt only when the first
        # conversation's deep link needed it, it cost a load of the inbox per run.
        if self._workspace is None:
            self._workspace = IntercomInboxPage(self.page, self.base_url).workspace()
        return self._workspace
