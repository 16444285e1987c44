"""Messaging a client through Intercom with a macro: one declared step, two ways.

Shared by the special-case processes (a failed payment, a refund notice, the late
cancellation clarification). The step replies on a given conversation, or starts a new
conversation to the client when there is none to reply on. Whichever way an earlier run
went, "already sent?" looks at both: a reply with the macro after the client's last
message in the conversation, and a conversation to the client under the step's subject.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from flows.process import Step, StepContext
from pages.intercom import (
    IntercomConversationPage,
    IntercomNewConversationPage,
    ThreadMessage,
)
from robot.engine import CommitStep
from robot.errors import BusinessRuleError, TransientError

Facts = TypeVar("Facts")


@dataclass(frozen=True)
class MacroTarget:
    """Where a macro goes: a conversation to reply on, or a new one to the client."""

    to: str
    """The client's email address."""
    subject: str | None
    """The subject of a new conversation; None when the macro may only be a reply."""
    reply_to: str | None = None
    """The conversation to reply on; None starts a new conversation."""


@dataclass(frozen=True)
class MacroScreen:
    """What the step sees: its target, and the page it will type into."""

    target: MacroTarget
    started_before: bool
    """A conversation to the client under the subject already exists."""
    conversation: IntercomConversationPage | None = None
    form: IntercomNewConversationPage | None = None


def macro_answered(messages: list[ThreadMessage], macro: str) -> bool:
    """True when a reply sent with ``macro`` follows the contact's (or bot's) last message."""
    last_inbound = max((i for i, m in enumerate(messages) if m.author_type != "admin"), default=-1)
    return any(
        m.author_type == "admin" and not m.internal and m.macro == macro
        for m in messages[last_inbound + 1 :]
    )


def send_macro(
    *,
    name: str,
    label: str,
    macro: str,
    target: Callable[[StepContext[Facts]], MacroTarget],
    when: Callable[[StepContext[Facts]], bool] | None = None,
    needs: tuple[str, ...] = (),
) -> Step[Facts]:
    """A step that sends ``macro`` to the client once (see the module docstring)."""

    def open_target(ctx: StepContext[Facts]) -> MacroScreen:
        aim = target(ctx)
        intercom = ctx.worker.intercom
        # Searched first, before the page the step types into is opened: a new
        # conversation started by an earlier run counts as sent, whichever way this run
        # would go.
        started = aim.subject is not None and any(
            row.subject.strip() == aim.subject for row in intercom.conversations_of(aim.to)
        )
        if aim.reply_to is not None:
            return MacroScreen(aim, started, conversation=intercom.conversation(aim.reply_to))
        if aim.subject is None:
            raise ValueError(f"{name}: a macro with no conversation to reply on needs a subject")
        return MacroScreen(aim, started, form=intercom.new_conversation())

    def sent(screen: MacroScreen, ctx: StepContext[Facts]) -> bool:
        if screen.started_before:
            return True
        if screen.conversation is not None:
            return macro_answered(screen.conversation.messages(), macro)
        return False

    def fill(screen: MacroScreen, ctx: StepContext[Facts]) -> None:
        if screen.conversation is not None:
            if screen.conversation.details().status == "closed":
                raise BusinessRuleError("the conversation is closed: no reply was sent")
            screen.conversation.insert_macro(macro)
            draft = screen.conversation.reply_draft()
        else:
            assert screen.form is not None  # one of the two is always set
            assert screen.target.subject is not None  # a new conversation has a subject
            screen.form.fill(screen.target.to, screen.target.subject)
            screen.form.insert_macro(macro)
            draft = screen.form.message_draft()
        if not draft.strip():
            raise TransientError(f"the macro {macro!r} did not fill the message")

    def click(screen: MacroScreen, ctx: StepContext[Facts]) -> None:
        if screen.conversation is not None:
            screen.conversation.send_reply()
        else:
            assert screen.form is not None
            screen.form.send()

    def verify(screen: MacroScreen, ctx: StepContext[Facts]) -> bool:
        # Sending shows the conversation (the one replied on, or the new one).
        shown = IntercomConversationPage(ctx.worker.tab("intercom"), ctx.worker.intercom.base_url)
        return shown.is_showing() and macro_answered(shown.messages(), macro)

    def details(screen: MacroScreen, ctx: StepContext[Facts]) -> dict[str, str]:
        aim = screen.target
        where = f"reply on conversation {aim.reply_to}" if aim.reply_to else "new conversation"
        return {"macro": macro, "to": aim.to, "where": where, "subject": aim.subject or ""}

    return CommitStep(
        name=name,
        label=label,
        open=open_target,
        done=sent,
        fill=fill,
        click=click,
        verify=verify,
        details=details,
        when=when,
        needs=needs,
    )
