"""Finding the work: the billing requests waiting in Intercom's Insurance Billing View."""

from __future__ import annotations

from flows.headway_billing import KIND, item_id_for
from flows.worker import Worker
from pages.intercom import IntercomInboxPage
from robot.ledger import Ledger

INSURANCE_BILLING_VIEW = "5. Insurance Billing View"


def pending_billing_requests(worker: Worker) -> list[str]:
    """The ids of the open conversations in "5. Insurance Billing View" (step 1.2-1.3)."""
    worker.open("intercom", "/")
    inbox = IntercomInboxPage(worker.page, worker.settings.site("intercom").base_url)
    view = inbox.open_view(INSURANCE_BILLING_VIEW)
    return [row.id for row in view.conversations() if row.status == "open"]


def queue_billing_requests(worker: Worker, ledger: Ledger) -> int:
    """Add every pending request to the ledger (known ones keep their state); count new."""
    conversation_ids = worker.retry("discover", lambda: pending_billing_requests(worker))
    return sum(
        ledger.add_item(item_id_for(conversation_id), KIND, conversation_id)
        for conversation_id in conversation_ids
    )
