"""Late cancellations on the demo practice: the runs of their own.

The late-cancellation process's main batch (with the answer to the first fee's charge
lost) is part of the demo practice's batch, and asserted there
(``test_headway_billing_demo.py``), its reruns on a fresh ledger too. Here: the rehearsal,
the fee question's clarification macro, and a Failed Payment macro renamed in Intercom.
"""

from __future__ import annotations

from pathlib import Path

import pytest

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
