"""Page objects for Intercom, the practice's shared inbox (billing requests arrive here).

Screens: the inbox and its team views (``IntercomInboxPage``, ``IntercomViewPage``), the
search (``IntercomSearchPage``), one conversation (``IntercomConversationPage`` with its
``IntercomManageParticipantsDialog``), a new conversation
(``IntercomNewConversationPage``), and the popups ("What's new", the product tour).

Addresses carry the workspace (``/a/<workspace>/...``): ``IntercomInboxPage.workspace()``
reads it where the login landed; ``conversation_path(workspace, id)`` is the stable deep
link of a conversation. Methods whose docstring starts IRREVERSIBLE make one change on
the site and wait for the app's answer, so the commit gate can photograph the filled form
and ask before calling them.
"""

from pages.intercom._common import conversation_path, workspace_of
from pages.intercom.compose import IntercomNewConversationPage
from pages.intercom.conversation import IntercomConversationPage
from pages.intercom.inbox import IntercomInboxPage, IntercomSearchPage, IntercomViewPage
from pages.intercom.models import (
    CloseResult,
    ConversationDetails,
    ConversationRow,
    SessionProcessedForm,
    ThreadMessage,
)
from pages.intercom.participants import IntercomManageParticipantsDialog
from pages.intercom.popup import (
    dismiss_whats_new,
    handle_popups,
    product_tour_dialog,
    skip_product_tour,
    whats_new_dialog,
)

__all__ = [
    "CloseResult",
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
    "conversation_path",
    "dismiss_whats_new",
    "handle_popups",
    "product_tour_dialog",
    "skip_product_tour",
    "whats_new_dialog",
    "workspace_of",
]
