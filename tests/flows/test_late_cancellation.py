"""Late cancellations on the demo practice: the runs of their own.

The late-cancellation process's main batch (with the answer to the first fee's charge
lost) is part of the demo practice's batch, and asserted there
(``test_headway_billing_demo.py``), its reruns on a fresh ledger too. Here: the rehearsal,
the fee question's clarification macro, a Failed Payment macro renamed in Intercom, and a
fee invoice a person already charged in part.
"""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal
from pathlib import Path

import pytest

from fixtures.scenario import Charge, Invoice, Payment
from fixtures.server import MockSites
from flows import clarification, late_cancellation
from flows.run import run_batch
from tests.flows.conftest import (
    FAILED_PAYMENT_MACRO,
    LATE_CANCELLATIONS,
    failed_payment_replies,
    invoices_of,
    on_own_thread,
    processes,
    robot_settings,
    run_item,
    run_late_cancellation,
)


@pytest.mark.slow
@pytest.mark.scenario("demo")
def test_dry_run_changes_nothing(sites: MockSites, robot_dir: Path) -> None:
    before = sites.world.snapshot()
    settings = robot_settings(sites, robot_dir, dry_run=True)
    summary = on_own_thread(
        run_batch,
        settings,
        today=sites.world.state.practice.today,
        processes=processes(late_cancellation.KIND),
    )
    assert sites.world.snapshot() == before
    assert {r.status for r in summary.results} == {"rehearsed"}
    assert len(summary.results) == len(LATE_CANCELLATIONS)


@pytest.mark.scenario("demo")
def test_fee_question_gets_the_clarification_macro_once(sites: MockSites, robot_dir: Path) -> None:
    item = clarification.item_id_for("conv-lc4-question")
    statuses = [
        # A fresh ledger each time: only what Intercom shows stops a second macro.
        run_item(
            robot_settings(sites, robot_dir / str(attempt)),
            item,
            clarification.KIND,
            "conv-lc4-question",
            today=sites.world.state.practice.today,
        )
        .results[0]
        .status
        for attempt in range(2)
    ]
    assert statuses == ["done", "done"]
    messages = sites.world.state.conversation("conv-lc4-question").messages
    assert [m.macro for m in messages if m.author_type == "admin"] == [
        "US Client Requests Late Cancellations Clarification"
    ]


@pytest.mark.scenario("demo")
def test_a_renamed_macro_is_named_fast_and_the_rerun_never_charges_twice(
    sites: MockSites, robot_dir: Path
) -> None:
    """The charge is made, the macro is missing: the item fails naming it, without waiting out
    timeouts; once the macro is back, the next run sends it and charges nothing again."""
    today = sites.world.state.practice.today
    [macro] = [m for m in sites.world.state.macros if m.name == FAILED_PAYMENT_MACRO]
    macro.name = "Failed Payment (old)"
    first = on_own_thread(
        run_batch,
        robot_settings(sites, robot_dir),
        today=today,
        processes=processes(late_cancellation.KIND),
    )
    declined = {"late-cancel:ap-lc2", "late-cancel:ap-lc3"}
    for result in first.results:
        if result.item_id in declined:
            assert result.status == "failed"
            assert f"Intercom has no macro named '{FAILED_PAYMENT_MACRO}'" in (result.reason or "")
    events = (first.run_dir / "events.jsonl").read_text()
    assert '"operation": "intercom.failed-payment"' not in events  # never retried
    macro.name = FAILED_PAYMENT_MACRO
    second = on_own_thread(
        run_batch,
        robot_settings(sites, robot_dir),
        today=today,
        processes=processes(late_cancellation.KIND),
    )
    assert {r.item_id: r.status for r in second.results} == dict.fromkeys(declined, "done")
    after = sites.world.snapshot()
    for appointment in ("ap-lc2", "ap-lc3"):
        [invoice] = invoices_of(after, appointment)
        assert len(invoice["charges"]) == 1
        client = LATE_CANCELLATIONS[appointment]
        assert len(failed_payment_replies(after, client)) == 1


@pytest.mark.scenario("demo")
def test_a_fee_invoice_a_person_partly_charged_is_not_charged_again(
    sites: MockSites, robot_dir: Path
) -> None:
    """An earlier run created lc1's fee invoice and stopped; meanwhile somebody charged $50 of
    it by hand. Retried, the item stops at the charge, before any click (charging the full
    amount would take $150 on top), and names why. The look-first guard does not stop it,
    as no charge of the full amount is there: only the charge step's own check stands here.
    Switched off, the invoice shows the $50 and a second charge of $150."""
    state = sites.world.state
    booked = next(a for a in state.appointments if a.id == "ap-lc1")
    client = state.client("cl-lc1")
    by_hand = datetime.combine(state.practice.today, time(9))
    state.invoices.append(
        Invoice(
            id="inv-lc1",
            client_id=client.id,
            appointment_id=booked.id,
            therapist_id=booked.therapist_id,
            type="Appointment",
            amount=booked.fee,
            created_at=by_hand,
            charges=[
                Charge(id="ch-by-hand", amount=Decimal("50.00"), at=by_hand, outcome="succeeded")
            ],
        )
    )
    state.payments.append(
        Payment(
            id="pay-by-hand",
            client_id=client.id,
            invoice_id="inv-lc1",
            appointment_id=booked.id,
            amount=Decimal("50.00"),
            date=state.practice.today,
            method=f"Card ending {client.card_last4}",
        )
    )
    before = sites.world.snapshot()
    summary = run_late_cancellation(robot_settings(sites, robot_dir), sites, "ap-lc1")
    after = sites.world.snapshot()
    assert invoices_of(after, "ap-lc1") == invoices_of(before, "ap-lc1")  # the money first
    assert after == before
    [result] = summary.results
    assert (result.status, result.reason) == (
        "needs_review",
        "the invoice is partly paid or written off: not charged",
    )
