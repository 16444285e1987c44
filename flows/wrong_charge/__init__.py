"""A Headway client charged by mistake: refund in full, tell them, bill Headway or write off.

Work items come from Intercom's "4. Payments" view (an open conversation whose "Billing
issue" attribute is "Headway client charged": ``wrong-charge:<conversation id>``) or from
the operator (``billing-robot refund-headway-client CLIENT_EMAIL [--appointment DATE]``:
source reference ``client:<email>[@<date>]``). Reading is in ``read``; the steps:

=======================  ==============================================================
step                     what changes
=======================  ==============================================================
ruh.refund               Billing -> Payments -> three-dot -> Refund -> Refund Full Amount
intercom.refund-notice   the "Refund Issued - Headway Client" macro, as a reply on the
                         client's conversation, or in a new one when there is none
headway.confirm          appointment at most 30 days old ("add the session to Headway
                         following the standard billing process"): the standard
                         steps from Headway on: the session confirmed on Headway,
intercom.session-form    the "Headway Session Processed" form on the client's
                         conversation (when there is one),
ruh.write-off            the invoice the client paid and got back written off ("Billed
ruh.charge-zero          on Headway.") and charged $0
sheet.write-off          older: a "<Client Name> Headway Write-Off" row in the Programs
                         Sheet (no Headway session)
=======================  ==============================================================

The refund comes before the message, so the client is never told of a refund that did
not happen.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date

from flows.process import Found, Process, StepContext
from flows.worker import Worker
from flows.wrong_charge.read import WrongCharge, read_wrong_charge
from flows.wrong_charge.steps import STEPS
from pages.intercom import ConversationDetails
from robot.engine import ItemProgress
from robot.ledger import JSONValue
from robot.outcome import ItemOutcome
from robot.rules.windows import age_in_days

KIND = "wrong_charge"

PAYMENTS_VIEW = "4. Payments"
BILLING_ISSUE = "Billing issue"
HEADWAY_CLIENT_CHARGED = "Headway client charged"

_CLIENT_REF = "client:"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def item_id_for(conversation_id: str) -> str:
    """The ledger id of the wrong charge reported in ``conversation_id``."""
    return f"wrong-charge:{conversation_id}"


def client_item_id(client_email: str, appointment: date | None = None) -> str:
    """The ledger id of a wrong charge named on the command line (no email in it)."""
    digest = hashlib.sha256(client_email.strip().casefold().encode()).hexdigest()[:12]
    suffix = f"-{appointment.isoformat()}" if appointment else ""
    return f"wrong-charge:client-{digest}{suffix}"


def client_source_ref(client_email: str, appointment: date | None = None) -> str:
    """The ledger source reference of a command-line item: ``client:<email>[@<date>]``."""
    suffix = f"@{appointment.isoformat()}" if appointment else ""
    return f"{_CLIENT_REF}{client_email.strip()}{suffix}"


def parse_client_ref(source_ref: str) -> tuple[str, date | None]:
    """The email and optional date of ``client:<email>[@<date>]``.

    The date is whatever follows the *last* "@", and only when it is a date: an email
    holds an "@" of its own (splitting at the first one crashed every run, and with it
    every later batch that claimed the item; this reads those items correctly too).
    """
    body = source_ref.removeprefix(_CLIENT_REF)
    head, at, tail = body.rpartition("@")
    if at and _ISO_DATE.fullmatch(tail):
        return head, date.fromisoformat(tail)
    return body, None


# ---- Finding the work -----------------------------------------------------------------


def pending_wrong_charges(worker: Worker) -> list[Found]:
    """Open conversations in "4. Payments" whose "Billing issue" is "Headway client charged"."""
    rows = [
        row for row in worker.intercom.view(PAYMENTS_VIEW).conversations() if row.status == "open"
    ]
    found = []
    for row in rows:
        page = worker.intercom.conversation(row.id)
        if page.attributes().get(BILLING_ISSUE) == HEADWAY_CLIENT_CHARGED:
            found.append(Found(item_id_for(row.id), row.id))
    return found


def _flagged_conversation(worker: Worker, client_email: str) -> ConversationDetails | None:
    """The client's open conversation flagged "Headway client charged", if any."""
    for row in worker.intercom.conversations_of(client_email):
        if row.status != "open":
            continue
        page = worker.intercom.conversation(row.id)
        if page.attributes().get(BILLING_ISSUE) == HEADWAY_CLIENT_CHARGED:
            return page.details()
    return None


def read_case(worker: Worker, source_ref: str) -> WrongCharge:
    """Read a wrong charge from a conversation id or a ``client:`` reference."""
    if source_ref.startswith(_CLIENT_REF):
        email, day = parse_client_ref(source_ref)
        return read_wrong_charge(
            worker, email, conversation=_flagged_conversation(worker, email), appointment_date=day
        )
    details = worker.intercom.conversation(source_ref).details()
    return read_wrong_charge(worker, details.contact_email, conversation=details)


# ---- The outcome and the report -------------------------------------------------------


def _finish(ctx: StepContext[WrongCharge], progress: ItemProgress) -> ItemOutcome:
    case = ctx.facts
    refunded = f"refunded ${case.payment.amount:.2f}"
    if case.headway is not None:
        return ItemOutcome.done(
            f"{refunded}; session confirmed on Headway and the invoice written off"
        )
    age = age_in_days(case.appointment.date, ctx.worker.today)
    return ItemOutcome.done(f"{refunded}; {age} days old: written off in the Programs Sheet")


def report_facts(case: WrongCharge) -> dict[str, JSONValue]:
    """What the operator's report shows about one wrong charge."""
    facts: dict[str, JSONValue] = {
        "client_name": case.client_name,
        "date_of_service": case.appointment.date.isoformat(),
        "therapist": case.appointment.therapist,
        "amount": str(case.payment.amount),
        "refund_amount": str(case.payment.amount),
        "conversation_id": case.conversation_id,
    }
    if case.headway is not None:
        plan = case.headway.session
        facts |= {
            "written_off_amount": str(case.invoice.amount),
            "cpt_code": plan.cpt_code,
            "diagnosis_code": plan.diagnosis_code,
            "payout_date": (
                case.headway.plan.payout_date.isoformat() if case.headway.plan.payout_date else None
            ),
        }
    else:
        facts["sheet_write_off_amount"] = str(case.payment.amount)
    return facts


PROCESS: Process[WrongCharge] = Process(
    kind=KIND,
    label="Wrong charge refund",
    sites=("intercom", "ruh_platform", "headway", "programs_sheet"),
    read=read_case,
    read_name="read-wrong-charge",
    steps=STEPS,
    finish=_finish,
    report_facts=report_facts,
    discover=pending_wrong_charges,
)
"""Headway clients charged by mistake, as the batch and ``refund-headway-client`` see it."""
