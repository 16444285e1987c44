"""Standard Headway billing: one Intercom billing request, procedure steps 1-5.

The request is read first (``facts``): the Intercom thread and its "For admin use only"
note, the Ruh Platform appointment, the client's Headway coverage and the therapist's
calendar zone; a request whose data does not add up goes to review before anything is
clicked. Then the commit steps, in the procedure's order:

=====================  =========================================================
step                   what changes
=====================  =========================================================
intercom.add-client    the client's email is added to the conversation
intercom.remove-self   the practice's own address is removed from it
headway.confirm        the session is confirmed on the therapist's calendar
intercom.session-form  the "Headway Session Processed" form is submitted
intercom.billed        the "Insurance Billing" attribute is set to Billed
intercom.close         the conversation is closed
ruh.write-off          the invoice is written off (Other, whole amount, note)
ruh.charge-zero        the invoice is charged $0
=====================  =========================================================
"""

from __future__ import annotations

from flows.process import Found, Process
from flows.standard_billing.facts import BillingFacts, read_billing_facts
from flows.standard_billing.headway_entry import CONFIRM_ON_HEADWAY
from flows.standard_billing.steps import (
    ADD_CLIENT,
    CHARGE_ZERO,
    CLOSE_CONVERSATION,
    MARK_BILLED,
    REMOVE_PRACTICE,
    SESSION_FORM,
    WRITE_OFF,
)
from flows.worker import Worker
from robot.ledger import JSONValue
from robot.outcome import ItemOutcome

KIND = "headway_billing"
INSURANCE_BILLING_VIEW = "5. Insurance Billing View"


def item_id_for(conversation_id: str) -> str:
    """The ledger id of the billing request held by ``conversation_id``."""
    return f"intercom:{conversation_id}"


def pending_requests(worker: Worker) -> list[Found]:
    """The open conversations in "5. Insurance Billing View" (procedure step 1.2-1.3)."""
    view = worker.intercom.view(INSURANCE_BILLING_VIEW)
    return [
        Found(item_id_for(row.id), row.id) for row in view.conversations() if row.status == "open"
    ]


def report_facts(facts: BillingFacts) -> dict[str, JSONValue]:
    """What the operator's report shows about one billed request."""
    plan = facts.session
    return {
        "client_name": plan.client_name,
        "date_of_service": plan.note_date.isoformat(),
        "therapist": plan.therapist,
        "cpt_code": plan.cpt_code,
        "diagnosis_code": plan.diagnosis_code,
        "amount": str(facts.appointment.fee),
        "written_off_amount": str(facts.appointment.fee),
        "payout_date": facts.plan.payout_date.isoformat() if facts.plan.payout_date else None,
        "conversation_id": facts.conversation_id,
        "calendar_date": plan.calendar_date.isoformat(),
        "calendar_time": f"{plan.start:%H:%M} {facts.calendar_label}",
    }


PROCESS: Process[BillingFacts] = Process(
    kind=KIND,
    label="Headway billing",
    sites=("intercom", "ruh_platform", "headway"),
    read=read_billing_facts,
    read_name="read-facts",
    steps=(
        ADD_CLIENT,
        REMOVE_PRACTICE,
        CONFIRM_ON_HEADWAY,
        SESSION_FORM,
        MARK_BILLED,
        CLOSE_CONVERSATION,
        WRITE_OFF,
        CHARGE_ZERO,
    ),
    finish=lambda ctx, progress: ItemOutcome.done(),
    report_facts=report_facts,
    discover=pending_requests,
)
"""Standard Headway billing, as the batch and ``billing-robot run`` see it."""
