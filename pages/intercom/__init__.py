"""Page objects for Intercom, the practice's shared inbox (billing requests arrive here).

Screens: the inbox and its team views (``IntercomInboxPage``, ``IntercomViewPage``), the
search (``IntercomSearchPage``), one conversation (``IntercomConversationPage`` with its
``IntercomManageParticipantsDialog``), a new conversation
(``IntercomNewConversationPage``), and the "What's new" popup.

Methods whose docstring starts IRREVERSIBLE make one change on the site and nothing else,
so the commit gate can photograph the filled form and ask before calling them.
"""

from pages.intercom.compose import IntercomNewConversationPage
from pages.intercom.conversation import (
    IntercomConversationPage,
    IntercomManageParticipantsDialog,
)
from pages.intercom.inbox import IntercomInboxPage, IntercomSearchPage, IntercomViewPage
from pages.intercom.models import (
    ConversationDetails,
    ConversationRow,
    SessionProcessedForm,
    ThreadMessage,
)
from pages.intercom.popup import dismiss_whats_new, handle_whats_new, whats_new_dialog

__all__ = [
    "ConversationDetails",
    "ConversationRow",
    "IntercomConversationPage",
    "IntercomInboxPage",
    "IntercomManageParticipantsDialog",
    "IntercomNewConversationPage",
    "IntercomSearchPage",
    "IntercomViewPage",
    "SessionProcessedForm",
    "ThreadMessage",
    "dismiss_whats_new",
    "handle_whats_new",
    "whats_new_dialog",
]
