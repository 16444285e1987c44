"""Every item ends with a status and a reason, whatever happens to it; the run goes on,
and stops (with its report) only when it must (issue 9, holes 3 and 5)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from fixtures.server import MockSites
from flows import standard_billing
from flows.run import run_batch
from flows.worker import Worker
from robot.exit_codes import ExitCode
from robot.ledger import SqliteLedger, StepState
from robot.outcome import StopKind
from tests.flows.conftest import on_own_thread, processes, robot_settings
from tests.plugins.mock_sites import arm_fault
from tests.support.ledgers import FakeClock


@pytest.mark.scenario("generated:2")
def test_a_failing_stylesheet_is_never_a_review_verdict(sites: MockSites, robot_dir: Path) -> None:
    """The note's line breaks live in the DOM, not in the CSS: without it, still billed."""
    for site in ("intercom", "headway", "ruh_platform"):
        arm_fault(sites, site, kind="fail", path=r"\.css$", count=1000)
    summary = on_own_thread(
        run_batch,
        robot_settings(sites, robot_dir),
        today=sites.world.state.practice.today,
        processes=processes(standard_billing.KIND),
    )
    assert [r.status for r in summary.results] == ["done", "done"]
    assert len(sites.world.state.headway_sessions) == 2


@pytest.mark.scenario("generated:2")
def test_a_bug_on_one_item_fails_that_item_only(sites: MockSites, robot_dir: Path) -> None:
    """The first request hits a bug in the robot; the run goes on and bills the other."""
    original = standard_billing.PROCESS.read

    def read(worker: Worker, conversation_id: str) -> Any:
        if conversation_id.endswith("1"):
            raise ZeroDivisionError("a bug in the robot")
        return original(worker, conversation_id)

    buggy = dataclasses.replace(standard_billing.PROCESS, read=read)
    summary = on_own_thread(
        run_batch,
        robot_settings(sites, robot_dir),
        today=sites.world.state.practice.today,
        processes=(buggy,),
    )
    statuses = {r.item_id: (r.status, r.reason or "") for r in summary.results}
    [bug] = [s for item, s in statuses.items() if item.endswith("1")]
    assert bug[0] == "failed"
    assert "unexpected error" in bug[1]
    assert [s for item, (s, _) in statuses.items() if not item.endswith("1")] == ["done"]
    assert summary.stopped_because is None
    assert "ZeroDivisionError" in (summary.run_dir / "errors.log").read_text()
    assert summary.report.is_file()


@pytest.mark.scenario("generated:3")
def test_the_circuit_breaker_stops_a_run_when_a_site_is_down(
    sites: MockSites, robot_dir: Path
) -> None:
    arm_fault(sites, "headway", kind="fail", path=r"/sessions$", method="POST", count=1000)
    summary = on_own_thread(
        run_batch,
        # The breaker counts failed items, not attempts: one attempt each says the same
        # and spares the suite four retries of a whole request.
        robot_settings(sites, robot_dir, max_consecutive_failures=2, retry_attempts=1),
        today=sites.world.state.practice.today,
        processes=processes(standard_billing.KIND),
    )
    assert summary.stop_kind is StopKind.BREAKER
    assert "Headway looks down" in (summary.stopped_because or "")
    assert [r.status for r in summary.results] == ["failed", "failed"]
    assert sites.world.state.headway_sessions == []


@pytest.mark.scenario("generated:1")
def test_an_item_given_up_is_reported_and_its_open_click_looked_at(
    sites: MockSites, robot_dir: Path
) -> None:
    """Three robots died on the item (the last one right after its click landed): the next
    run gives it up, but only after looking on the site, and reports it."""
    settings = robot_settings(sites, robot_dir)
    [conversation] = sites.world.state.conversations
    item_id = f"intercom:{conversation.id}"
    long_ago = FakeClock(datetime(2020, 1, 1, tzinfo=UTC))  # their leases lapsed long ago
    for attempt in range(1, 4):
        dead = SqliteLedger(settings.ledger_path, f"dead-{attempt}", clock=long_ago)
        dead.add_item(item_id, standard_billing.KIND, conversation.id)
        assert dead.claim_next("worker-0") is not None
        dead.record_step(item_id, "intercom.add-client", StepState.INTENT)
        dead.close()
        long_ago.advance(settings.lease_seconds + 1)  # it died: its lease runs out
    conversation.participants.append(conversation.contact_email)  # the last click landed

    summary = on_own_thread(
        run_batch,
        settings,
        today=sites.world.state.practice.today,
        processes=processes(standard_billing.KIND),
    )
    [result] = summary.results
    assert result.item_id == item_id
    assert result.status == "failed"
    assert "its last click (intercom.add-client) was found done on the site" in (
        result.reason or ""
    )
    assert summary.exit_code is ExitCode.FAILED
    assert item_id in summary.report.read_text("utf-8")
    ledger = SqliteLedger(settings.ledger_path)
    assert ledger.step_state(item_id, "intercom.add-client") is StepState.DONE
    ledger.close()
