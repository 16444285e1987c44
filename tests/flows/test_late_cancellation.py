"""Late cancellations on the demo practice: invoiced, charged once, declined cards chased.

One live batch of the late-cancellation process runs for the module, with the answer to
the first charge lost on the way back (the change lands, the robot sees a 502); each test
then checks one behaviour of its outcome.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fixtures.server import MockSites
from flows import clarification, late_cancellation
from flows.run import RunSummary, run_batch
from tests.flows.conftest import (
    on_own_thread,
    process_batch,
    processes,
    robot_settings,
    run_item,
)

# appointment -> client; ap-d15 is the billing request the standard flow sends to review.
LATE = {"ap-lc1": "cl-lc1", "ap-lc2": "cl-lc2", "ap-lc3": "cl-lc3", "ap-d15": "cl-d15"}
MACRO = "Failed Payment - Late Cancellation Fee"
CHARGE_PATH = r"^/api/invoices/[^/]+/charges$"


@pytest.fixture(scope="module")
def lc_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[MockSites, RunSummary, dict[str, Any], dict[str, Any]]]:
    """The demo practice before and after one live late-cancellation batch."""
    yield from process_batch(
        tmp_path_factory.mktemp("late"), late_cancellation.KIND, lost_response_path=CHARGE_PATH
    )


def _invoices_of(state: dict[str, Any], appointment: str) -> list[dict[str, Any]]:
    return [i for i in state["invoices"] if i["appointment_id"] == appointment]


def _macro_replies(state: dict[str, Any], email: str) -> list[tuple[str, str]]:
    return [
        (c["id"], c["subject"])
        for c in state["conversations"]
        if c["contact_email"] == email
        for m in c["messages"]
        if m["author_type"] == "admin" and m["macro"] == MACRO
    ]


def _email(state: dict[str, Any], client: str) -> str:
    return str(next(c["email"] for c in state["clients"] if c["id"] == client))


def test_each_late_cancellation_item_ends_done(lc_run: Any) -> None:
    _, summary, _, _ = lc_run
    assert {r.item_id: r.status for r in summary.results} == {
        f"late-cancel:{appointment}": "done" for appointment in LATE
    }


@pytest.mark.parametrize("appointment", sorted(LATE))
def test_one_appointment_invoice_charged_once_in_full(lc_run: Any, appointment: str) -> None:
    _, _, before, after = lc_run
    assert _invoices_of(before, appointment) == []
    [invoice] = _invoices_of(after, appointment)
    booked = next(a for a in after["appointments"] if a["id"] == appointment)
    assert (invoice["type"], invoice["therapist_id"]) == ("Appointment", booked["therapist_id"])
    assert invoice["amount"] == booked["fee"]
    assert [c["amount"] for c in invoice["charges"]] == [booked["fee"]]


def test_lost_charge_answer_was_hit_and_charged_nothing_twice(lc_run: Any) -> None:
    """The armed fault was used up; the invoice it hit still has exactly one charge."""
    _, _, _, after = lc_run
    assert after["faults"] == []
    charges = [len(i["charges"]) for a in LATE for i in _invoices_of(after, a)]
    assert charges == [1, 1, 1, 1]


def test_successful_charge_sends_no_macro(lc_run: Any) -> None:
    _, _, _, after = lc_run
    [invoice] = _invoices_of(after, "ap-lc1")
    assert invoice["charges"][0]["outcome"] == "succeeded"
    assert _macro_replies(after, _email(after, "cl-lc1")) == []


def test_declined_card_with_failed_payment_email_gets_the_macro_there(lc_run: Any) -> None:
    _, summary, _, after = lc_run
    assert _macro_replies(after, _email(after, "cl-lc3")) == [
        ("conv-lc3-failed", "Scheduled payment failed")
    ]
    result = next(r for r in summary.results if r.item_id == "late-cancel:ap-lc3")
    assert (
        result.reason == "charge declined; Failed Payment macro sent on the existing conversation"
    )
    assert ("intercom.failed-payment", "done") in result.steps


def test_declined_card_without_failed_payment_email_gets_a_new_conversation(
    lc_run: Any,
) -> None:
    _, summary, before, after = lc_run
    [(conversation, _)] = _macro_replies(after, _email(after, "cl-lc2"))
    assert conversation not in {c["id"] for c in before["conversations"]}
    result = next(r for r in summary.results if r.item_id == "late-cancel:ap-lc2")
    assert result.reason == "charge declined; Failed Payment macro sent in a new conversation"
    assert ("intercom.failed-payment", "done") in result.steps


@pytest.mark.slow
def test_rerun_with_a_fresh_ledger_finds_every_step_done(lc_run: Any, tmp_path: Path) -> None:
    """Only what the sites show stops the robot: nothing is invoiced, charged or sent again."""
    sites, _, _, after = lc_run
    today = sites.world.state.practice.today
    statuses = []
    for appointment in ("ap-lc2", "ap-lc3"):
        summary = run_item(
            robot_settings(sites, tmp_path / appointment),
            late_cancellation.item_id_for(appointment),
            late_cancellation.KIND,
            # What discovery reads off the platform: the client's id in its addresses.
            late_cancellation.source_ref_for(
                sites.world.public_id("client", LATE[appointment]), appointment
            ),
            today=today,
        )
        statuses += [r.status for r in summary.results]
    assert statuses == ["done", "done"]
    assert sites.world.snapshot() == after


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
    assert len(summary.results) == len(LATE)


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
        ).results[0].status
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
    [macro] = [m for m in sites.world.state.macros if m.name == MACRO]
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
            assert f"Intercom has no macro named '{MACRO}'" in (result.reason or "")
    events = (first.run_dir / "events.jsonl").read_text()
    assert '"operation": "intercom.failed-payment"' not in events  # never retried
    macro.name = MACRO
    second = on_own_thread(
        run_batch,
        robot_settings(sites, robot_dir),
        today=today,
        processes=processes(late_cancellation.KIND),
    )
    assert {r.item_id: r.status for r in second.results} == dict.fromkeys(declined, "done")
    after = sites.world.snapshot()
    for appointment in ("ap-lc2", "ap-lc3"):
        [invoice] = _invoices_of(after, appointment)
        assert len(invoice["charges"]) == 1
        client = LATE[appointment]
        assert len(_macro_replies(after, _email(after, client))) == 1
