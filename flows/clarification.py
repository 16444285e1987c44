"""A client asking about a late-cancellation fee gets the clarification macro, once.

Named by the operator (``billing-robot clarify-late-cancel CONVERSATION``); one step:

=======================  ================================================================
step                     what changes
=======================  ================================================================
intercom.clarification   the "US Client Requests Late Cancellations Clarification" macro
                         is sent as a reply on the client's conversation
=======================  ================================================================
"""

from __future__ import annotations

from dataclasses import dataclass

from flows.messaging import MacroTarget, send_macro
from flows.process import Process
from flows.worker import Worker
from robot.outcome import ItemOutcome

KIND = "late_cancel_question"
CLARIFICATION_MACRO = "US Client Requests Late Cancellations Clarification"


def item_id_for(conversation_id: str) -> str:
    """The ledger id of a fee question answered with the clarification macro."""
    return f"late-cancel-question:{conversation_id}"


@dataclass(frozen=True)
class FeeQuestion:
    """The conversation holding the client's question."""

    conversation_id: str
    client_name: str
    client_email: str


def read_question(worker: Worker, conversation_id: str) -> FeeQuestion:
    """Open the conversation and read who asked."""
    details = worker.intercom.conversation(conversation_id).details()
    return FeeQuestion(conversation_id, details.contact_name, details.contact_email)


PROCESS: Process[FeeQuestion] = Process(
    kind=KIND,
    label="Late cancellation question",
    sites=("intercom",),
    read=read_question,
    read_name="read-question",
    steps=(
        send_macro(
            name="intercom.clarification",
            label=f'Reply with the "{CLARIFICATION_MACRO}" macro',
            macro=CLARIFICATION_MACRO,
            target=lambda ctx: MacroTarget(
                to=ctx.facts.client_email, subject=None, reply_to=ctx.facts.conversation_id
            ),
        ),
    ),
    finish=lambda ctx, progress: ItemOutcome.done("late cancellation clarification macro sent"),
    report_facts=lambda question: {
        "client_name": question.client_name,
        "conversation_id": question.conversation_id,
    },
)
"""The clarification, as ``billing-robot clarify-late-cancel`` runs it."""
