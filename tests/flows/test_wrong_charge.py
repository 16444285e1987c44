"""Headway clients charged by mistake (demo practice): the runs of their own.

The wrong-charge process's main batch (with the answer to the first refund lost) is part
of the demo practice's batch, and asserted there (``test_headway_billing_demo.py``); its
rerun on a fresh ledger is that module's second batch. Here: the rehearsal, the
``refund-headway-client`` command, and a payment a person already partly refunded. wc1's
session is 12 days old (billed on Headway), wc2's 45 days (written off in the Programs
Sheet).
"""

from __future__ import annotations

import json
from datetime import datetime, time
from decimal import Decimal
from pathlib import Path

import pytest

from fixtures.scenario import Refund
from fixtures.server import MockSites
from flows import wrong_charge
from flows.run import run_batch
from robot.exit_codes import ExitCode
from tests.flows.conftest import (
    REFUND_MACRO,
    headway_write_offs,
    on_own_thread,
    only_run_summary,
    payment_in,
    processes,
    robot_env,
    robot_settings,
    run_cli,
    sessions_of,
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
    payment = payment_in(after, f"pay-{key}")
    assert [r["amount"] for r in payment["refunds"]] == [payment["amount"]]
    messages = sites.world.state.conversation(f"conv-{key}").messages
    assert [m.macro for m in messages if m.author_type == "admin"] == [REFUND_MACRO]
    if key == "wc1":
        assert len(sessions_of(after, client.id)) == 1
        assert headway_write_offs(after) == []
    else:
        assert sessions_of(after, client.id) == []
        [write_off] = headway_write_offs(after)
        assert write_off["name"] == f"{client.name} Headway Write-Off"
        assert Decimal(write_off["session_charge"]) == Decimal(payment["amount"])
    # The ledger and the report name the item without the client's email.
    summary = json.dumps(only_run_summary(robot_dir))
    assert wrong_charge.client_item_id(client.email, day) in summary
    assert client.email not in summary


@pytest.mark.scenario("demo")
def test_a_payment_a_person_partly_refunded_is_not_refunded_again(
    sites: MockSites, robot_dir: Path
) -> None:
    """Somebody gave back part of wc1's payment by hand: the robot reads that and stops at the
    refund, before any click (Refund Full Amount would pay the whole amount out again on
    top), and the report names why. The look-first guard does not stop it, as the payment is
    not refunded in full: only the refund step's own check stands here. Switched off, the
    payment shows the $40 and a second refund of the full $150."""
    payment = sites.world.state.payment("pay-wc1")
    paid_on = datetime.combine(payment.date, time(12))
    payment.refunds.append(Refund(id="rf-by-hand", amount=Decimal("40.00"), at=paid_on))
    before = sites.world.snapshot()
    client = sites.world.state.client("cl-wc1")
    today = sites.world.state.practice.today.isoformat()
    env = robot_env(robot_settings(sites, robot_dir))
    result = run_cli(["refund-headway-client", client.email, "--today", today], env, robot_dir)
    after = sites.world.snapshot()
    assert payment_in(after, "pay-wc1") == payment_in(before, "pay-wc1")  # the money first
    assert after == before
    assert result.returncode == ExitCode.NEEDS_REVIEW, result.stderr
    assert "Traceback" not in result.stderr
    [item] = only_run_summary(robot_dir)["items"]
    assert (item["status"], item["reason"]) == (
        "needs_review",
        "the payment is already partly refunded: not refunded again",
    )
