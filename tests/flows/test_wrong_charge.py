"""Headway clients charged by mistake (demo practice): refunded once, then billed or written off.

One live batch of the wrong-charge process runs for the module, with the answer to the
first refund lost on the way back (the refund lands, the robot sees a 502); each test then
checks one behaviour of its outcome. wc1's session is 12 days old (billed on Headway),
wc2's 45 days (written off in the Programs Sheet).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from fixtures.server import MockSites
from flows import wrong_charge
from flows.run import RunSummary, run_batch
from tests.flows.conftest import (
    on_own_thread,
    process_batch,
    processes,
    robot_env,
    robot_settings,
    run_cli,
)

REFUND_PATH = r"^/api/payments/[^/]+/refunds$"
MACRO = "Refund Issued - Headway Client"


@pytest.fixture(scope="module")
def wc_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[MockSites, RunSummary, dict[str, Any], dict[str, Any]]]:
    """The demo practice before and after one live wrong-charge batch."""
    yield from process_batch(
        tmp_path_factory.mktemp("wrong"), wrong_charge.KIND, lost_response_path=REFUND_PATH
    )


def _payment(state: dict[str, Any], payment_id: str) -> dict[str, Any]:
    return dict(next(p for p in state["payments"] if p["id"] == payment_id))


def _sessions(state: dict[str, Any], client: str) -> list[dict[str, Any]]:
    return [s for s in state["headway_sessions"] if s["client_id"] == client]


def _write_offs(state: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in state["program_rows"] if r["name"].endswith("Headway Write-Off")]


def test_only_the_reported_charges_are_worked(wc_run: Any) -> None:
    _, summary, _, _ = wc_run
    assert {r.item_id: r.status for r in summary.results} == {
        "wrong-charge:conv-wc1": "done",
        "wrong-charge:conv-wc2": "done",
    }


@pytest.mark.parametrize("key", ["wc1", "wc2"])
def test_payment_is_refunded_once_in_full(wc_run: Any, key: str) -> None:
    """The lost answer to the first refund did not lead to a second one."""
    _, _, _, after = wc_run
    payment = _payment(after, f"pay-{key}")
    assert [r["amount"] for r in payment["refunds"]] == [payment["amount"]]
    assert after["faults"] == []


@pytest.mark.parametrize("key", ["wc1", "wc2"])
def test_client_is_told_once_that_a_refund_is_coming(wc_run: Any, key: str) -> None:
    _, _, _, after = wc_run
    conversation = next(c for c in after["conversations"] if c["id"] == f"conv-{key}")
    assert [m["macro"] for m in conversation["messages"] if m["author_type"] == "admin"] == [MACRO]


def test_recent_session_is_confirmed_on_headway_as_planned(wc_run: Any) -> None:
    _, _, _, after = wc_run
    [session] = _sessions(after, "cl-wc1")
    assert (session["therapist_id"], session["date"], session["start"], session["end"]) == (
        "th-sana",
        "2026-11-08",
        "10:00:00",
        "10:53:00",
    )
    assert (session["cpt_codes"], session["diagnosis_codes"]) == (["90837"], ["F41.1"])
    assert (session["status"], session["telehealth_type"]) == ("Confirmed", "Audiovisual")
    assert not [r for r in _write_offs(after) if r["name"].startswith("Felix Chen")]


def test_old_session_is_written_off_in_the_sheet_not_on_headway(wc_run: Any) -> None:
    _, _, before, after = wc_run
    assert _write_offs(before) == []
    [row] = _write_offs(after)
    assert {k: v for k, v in row.items() if k != "id"} == {
        "name": "Maya Ward Headway Write-Off",
        "program": "Ruh USD (Internal Write-offs - Not Through Financial Assistance)",
        "session_charge": "150.00",
        "amount_client_will_pay": "0.00",
        "sessions_approved": 1,
        "status": "Inactive",
    }
    assert _sessions(after, "cl-wc2") == []


@pytest.mark.slow
def test_rerun_with_a_fresh_ledger_changes_nothing(wc_run: Any, tmp_path: Path) -> None:
    """Every step finds its change on the sites: no second refund, message, session or row."""
    sites, _, _, after = wc_run
    settings = robot_settings(sites, tmp_path)
    summary = on_own_thread(
        run_batch,
        settings,
        today=sites.world.state.practice.today,
        processes=processes(wrong_charge.KIND),
    )
    assert [r.status for r in summary.results] == ["done", "done"]
    assert {state for r in summary.results for _, state in r.steps} == {"done"}
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
        processes=processes(wrong_charge.KIND),
    )
    assert sites.world.snapshot() == before
    assert [r.status for r in summary.results] == ["rehearsed", "rehearsed"]


@pytest.mark.scenario("demo")
@pytest.mark.parametrize(("key", "with_date"), [("wc1", False), ("wc2", True)])
def test_refund_headway_client_from_the_command_line(
    sites: MockSites, robot_dir: Path, key: str, with_date: bool
) -> None:
    """``billing-robot refund-headway-client EMAIL [--appointment DATE]``, as typed: a
    12-day-old session is billed on Headway, a 45-day-old one written off in the sheet,
    and the client's flagged conversation gets the refund macro once."""
    client = sites.world.state.client(f"cl-{key}")
    appointments = sites.world.state.appointments
    day = next(a.date for a in appointments if a.id == f"ap-{key}") if with_date else None
    args = ["refund-headway-client", client.email]
    if day is not None:
        args += ["--appointment", day.isoformat()]
    today = sites.world.state.practice.today.isoformat()
    env = robot_env(robot_settings(sites, robot_dir))
    result = run_cli([*args, "--today", today], env, robot_dir)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    after = sites.world.snapshot()
    payment = _payment(after, f"pay-{key}")
    assert [r["amount"] for r in payment["refunds"]] == [payment["amount"]]
    messages = sites.world.state.conversation(f"conv-{key}").messages
    assert [m.macro for m in messages if m.author_type == "admin"] == [MACRO]
    if key == "wc1":
        assert len(_sessions(after, client.id)) == 1
        assert _write_offs(after) == []
    else:
        assert _sessions(after, client.id) == []
        [write_off] = _write_offs(after)
        assert write_off["name"] == f"{client.name} Headway Write-Off"
        assert Decimal(write_off["session_charge"]) == Decimal(payment["amount"])
    # The ledger and the report name the item without the client's email.
    (run,) = (robot_dir / "runs").iterdir()
    summary = (run / "summary.json").read_text("utf-8")
    assert wrong_charge.client_item_id(client.email, day) in summary
    assert client.email not in summary


def test_recent_session_follows_the_standard_process_after_the_refund(wc_run: Any) -> None:
    """Within 30 days: the Session Processed form on the client's conversation, and the
    invoice the client paid and got back written off and charged $0, as standard billing."""
    _, _, before, after = wc_run
    payment = _payment(after, "pay-wc1")
    invoice = next(i for i in after["invoices"] if i["id"] == payment["invoice_id"])
    assert invoice["status"] == "Written off"
    assert (invoice["write_off_reason"], invoice["notes"]) == ("Other", "Billed on Headway.")
    assert Decimal(invoice["write_off_amount"]) == Decimal(invoice["amount"])
    assert [c["amount"] for c in invoice["charges"]][-1:] == ["0.00"]
    conversation = next(c for c in after["conversations"] if c["id"] == "conv-wc1")
    [form] = conversation["session_processed_forms"]
    assert form["cpt_code"] == "90837"
    old = next(i for i in before["invoices"] if i["id"] == payment["invoice_id"])
    older = _payment(after, "pay-wc2")
    untouched = next(i for i in after["invoices"] if i["id"] == older["invoice_id"])
    assert untouched["write_off_amount"] == next(
        i for i in before["invoices"] if i["id"] == older["invoice_id"]
    )["write_off_amount"]
    assert old["status"] != "Written off"
