"""The shared ledger's database goes away mid-run: the robot stops before its next click.

Without the ledger a robot cannot record an intent, so it must not click: it stops with
one line naming the ledger (exit code 5), still writes its report, and the next run,
once the database is back, resumes and finishes with nothing done twice.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from fixtures.server import MockSites
from flows.processes import ALL_PROCESSES
from flows.run_report import end_run
from flows.standard_billing import item_id_for
from robot.audit import RunFolder
from robot.exit_codes import ExitCode
from robot.gate import GateMode
from robot.ledger import ItemStatus, LedgerUnavailable, StepState
from robot.ledger.location import display_url
from robot.settings import load_settings
from robot.stops import StopKind
from tests.fleet.conftest import (
    Fleet,
    assert_billed_exactly_once,
    billing_conversations,
    effects,
    make_fleet,
    wait_for_commits,
    wait_for_lapsed_leases,
)
from tests.support.postgres import PostgresServer, start_for_tests

_STARTED = (StepState.INTENT, StepState.DONE)
_DOWN = "the ledger at postgresql://robot@db:5432/billing is unavailable: no connection"


class _GoneLedger:
    """A ledger whose database went away: every call fails as PostgresLedger's would."""

    run_id = "run-gone"
    location = "postgresql://robot@db:5432/billing"

    def __getattr__(self, name: str) -> Any:
        def unavailable(*_args: object, **_kwargs: object) -> None:
            raise LedgerUnavailable(_DOWN)

        return unavailable


@pytest.mark.parametrize("stopped", [None, (StopKind.LEDGER, f"the ledger failed: {_DOWN}")])
def test_a_run_whose_ledger_is_gone_still_ends_with_its_report(
    tmp_path: Path, stopped: tuple[StopKind, str] | None
) -> None:
    """Fast, without a browser: the ending cannot list the run's items, and says so."""
    folder = RunFolder(tmp_path / "runs")
    settings = load_settings(env_file=None, runs_dir=tmp_path / "runs")
    ending = end_run(
        ledger=_GoneLedger(),  # type: ignore[arg-type]
        folder=folder,
        settings=settings,
        mode=GateMode.LIVE,
        started=datetime.now().astimezone(),
        stopped=stopped,
        problems=[],
        processes=list(ALL_PROCESSES),
    )
    assert ending.exit_code == ExitCode.LEDGER
    assert ending.report == folder.path / "report.html"
    assert ending.report.is_file()
    summary = json.loads((folder.path / "summary.json").read_text("utf-8"))
    assert summary["exit_code"] == ExitCode.LEDGER
    assert summary["items"] == []
    assert f"billing-robot report {folder.run_id}" in summary["stopped_because"]
    assert "unavailable" in ending.report.read_text("utf-8")


@pytest.fixture
def own_server() -> Iterator[PostgresServer]:
    """A server of this test's own: it is stopped and started under the robot."""
    server = start_for_tests()
    yield server
    server.destroy()


@pytest.fixture
def outage_fleet(sites: MockSites, robot_dir: Path, own_server: PostgresServer) -> Iterator[Fleet]:
    """Robots on ``own_server``, with a short lease so the rerun need not wait long."""
    crew = make_fleet(sites, robot_dir, own_server, lease_seconds=2)
    try:
        yield crew
    finally:
        crew.stop_all()


@pytest.mark.scenario("generated:1")
def test_ledger_going_away_stops_the_robot_before_its_next_click(
    sites: MockSites, outage_fleet: Fleet, own_server: PostgresServer
) -> None:
    fleet = outage_fleet
    before = sites.world.snapshot()
    [conversation] = [c["id"] for c in billing_conversations(before)]
    item_id = item_id_for(conversation)

    robot = fleet.batch("a")
    wait_for_commits(robot, 1)
    own_server.stop()
    code = robot.wait()
    at_exit = sites.world.snapshot()

    # One line naming the ledger (never its password), the ledger's exit code, and no
    # traceback nor a library's raw chatter on the terminal.
    output = robot.stdout() + robot.stderr()
    assert code == ExitCode.LEDGER, robot.output()
    assert "Traceback" not in output, robot.output()
    assert "error connecting" not in output, robot.output()
    assert own_server.robot_password not in output
    said = [line for line in output.splitlines() if "is unavailable" in line]
    assert len(said) == 1, robot.output()
    assert display_url(fleet.url) in said[0], said
    # The run still ended with its report, which says why it stopped.
    run_dir = robot.run_dir()
    assert (run_dir / "report.html").is_file(), sorted(p.name for p in run_dir.iterdir())
    summary = robot.summary()
    assert summary["exit_code"] == ExitCode.LEDGER
    assert "ledger" in (summary["stopped_because"] or "")

    own_server.start()
    # No click without a durable intent: everything the robot changed on the sites, the
    # ledger knows it started; and after the first commit it did not get far.
    with fleet.ledger() as ledger:
        started = {s.step for s in ledger.list_steps(item_id) if s.state in _STARTED}
        item = ledger.get_item(item_id)
    assert item is not None
    assert effects(at_exit, conversation) <= started, (effects(at_exit, conversation), started)
    assert item.status is ItemStatus.IN_PROGRESS  # the robot could not release its claim

    # The database is back: the next run resumes, finishes, and repeats nothing.
    wait_for_lapsed_leases(fleet)
    rerun = fleet.batch("b")
    assert rerun.wait() == 0, rerun.output()
    assert_billed_exactly_once(before, sites.world.snapshot())
    with fleet.ledger() as ledger:
        item = ledger.get_item(item_id)
        steps = {s.step: s for s in ledger.list_steps(item_id)}
    assert item is not None
    assert item.status is ItemStatus.DONE
    assert item.run_id == rerun.summary()["run_id"]
    assert all(s.state is StepState.DONE for s in steps.values()), steps
    # What the first robot had done stays its own: the rerun found it, it did not redo it.
    first = robot.summary()["run_id"]
    assert steps["intercom.add-client"].run_id == first
