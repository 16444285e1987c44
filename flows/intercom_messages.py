"""Messaging clients through Intercom: reply with a macro, or start a conversation with one.

Shared by the special-case processes (failed payments, refund notices, the late-cancel
clarification). Each send is a gated step that first looks for the macro already sent.
"""

from __future__ import annotations

from urllib.parse import quote

from flows.commit import record_found
from flows.steps import discard
from flows.worker import Worker
from pages.intercom import (
    ConversationRow,
    IntercomConversationPage,
    IntercomNewConversationPage,
    IntercomSearchPage,
    ThreadMessage,
)
from robot.errors import BusinessRuleError, TransientError
from robot.gate import Outcome


def open_conversation(worker: Worker, conversation_id: str) -> IntercomConversationPage:
    """Go to one conversation (logging in if asked) and return its page."""
    worker.open("intercom", f"/conversations/{conversation_id}")
    return IntercomConversationPage(worker.page, worker.settings.site("intercom").base_url)


def macro_answered(messages: list[ThreadMessage], macro: str) -> bool:
    """True when a reply sent with ``macro`` follows the contact's (or bot's) last message."""
    last_inbound = max((i for i, m in enumerate(messages) if m.author_type != "admin"), default=-1)
    return any(
        m.author_type == "admin" and not m.internal and m.macro == macro
        for m in messages[last_inbound + 1 :]
    )


def reply_with_macro(
    worker: Worker,
    item_id: str,
    step: str,
    conversation_id: str,
    macro: str,
    *,
    summary: dict[str, object],
) -> Outcome:
    """Insert ``macro`` into the conversation's reply and send it, once."""
    conversation = open_conversation(worker, conversation_id)
    if macro_answered(conversation.messages(), macro):
        return record_found(worker, item_id, step)
    if conversation.details().status == "closed":
        raise BusinessRuleError("the conversation is closed: no reply was sent")
    conversation.insert_macro(macro)
    if not conversation.reply_draft().strip():
        raise TransientError(f"the macro {macro!r} did not fill the reply")

    def sent() -> bool:
        return macro_answered(open_conversation(worker, conversation_id).messages(), macro)

    return worker.gate.commit(
        item_id,
        step,
        summary=summary,
        evidence=worker.evidence(item_id),
        act=conversation.send_reply,
        verify=sent,
        # The thread was read just before the macro went in, and had no such reply.
        already_done=lambda: False,
    )


def client_conversations(worker: Worker, email: str) -> list[ConversationRow]:
    """Intercom search for ``email``: the conversations whose contact it is, newest first."""
    worker.open("intercom", f"/search?q={quote(email)}")
    base_url = worker.settings.site("intercom").base_url
    rows = IntercomSearchPage(worker.page, base_url).results()
    return [row for row in rows if row.contact_email.casefold() == email.casefold()]


def start_conversation_with_macro(
    worker: Worker,
    item_id: str,
    step: str,
    *,
    to: str,
    subject: str,
    macro: str,
    summary: dict[str, object],
) -> Outcome:
    """Start a conversation to ``to`` whose message is ``macro``, once (found by subject)."""

    def started() -> bool:
        return any(row.subject.strip() == subject for row in client_conversations(worker, to))

    if started():
        return record_found(worker, item_id, step)
    worker.open("intercom", "/conversations/new")
    base_url = worker.settings.site("intercom").base_url
    form = IntercomNewConversationPage(worker.page, base_url)
    form.fill(to, subject)
    form.insert_macro(macro)
    if not form.message_draft().strip():
        raise TransientError(f"the macro {macro!r} did not fill the message")
    return worker.gate.commit(
        item_id,
        step,
        summary=summary,
        evidence=worker.evidence(item_id),
        act=lambda: discard(form.send()),
        verify=started,
        already_done=lambda: False,
    )


# ---- helpers --------------------------------------------------------------------------
