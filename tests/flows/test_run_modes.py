"""Dry run and supervised mode on the mock sites: what changes, and what never does."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from fixtures.server import MockSites
from flows.run import run_batch
from robot.operator import ConsoleOperator
from tests.flows.conftest import on_own_thread, robot_env, robot_settings, run_cli, run_one


def _supervised(sites: MockSites, folder: Path, answers: str) -> Any:
    settings = robot_settings(sites, folder, supervised=True)
    operator = ConsoleOperator(stdin=io.StringIO(answers), console=Console(file=io.StringIO()))
    return run_one(settings, "conv-0001", today=sites.world.state.practice.today, operator=operator)


@pytest.mark.scenario("generated:1")
def test_dry_run_batch_changes_nothing_and_the_live_run_after_it_bills(
    sites: MockSites, robot_dir: Path
) -> None:
    """``batch --dry-run``: every step rehearsed, nothing changed, one browser for one
    request. The live batch after it, on the same ledger, still bills the request: a
    rehearsal never counts as done. (One test, not two: the rehearsal is the costly part,
    and the live run needs one before it anyway.)"""
    before = sites.world.snapshot()
    today = sites.world.state.practice.today
    env = robot_env(robot_settings(sites, robot_dir))
    args = ["batch", "--dry-run", "--workers", "2", "--today", today.isoformat()]
    result = run_cli(args, env, robot_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    assert sites.world.snapshot() == before
    (run,) = (robot_dir / "runs").iterdir()
    summary = json.loads((run / "summary.json").read_text())
    assert [item["status"] for item in summary["items"]] == ["rehearsed"]
    assert summary["totals"]["steps_rehearsed"] == 8
    # Two workers asked for and one request pending: the second browser would find nothing.
    events = [json.loads(line)["event"] for line in (run / "events.jsonl").read_text().splitlines()]
    assert events.count("browser_started") == 1

    live = on_own_thread(run_batch, robot_settings(sites, robot_dir), today=today)
    assert [r.status for r in live.results] == ["done"]
    assert len(sites.world.state.headway_sessions) == 1


def test_supervised_yes_to_every_step_bills_the_request(sites: MockSites, robot_dir: Path) -> None:
    summary = _supervised(sites, robot_dir, "yes\n" * 8)
    assert [r.status for r in summary.results] == ["done"]
    assert len(sites.world.state.headway_sessions) == 1
    assert sites.world.state.conversation("conv-0001").status == "closed"


def test_supervised_skip_leaves_the_item_alone(sites: MockSites, robot_dir: Path) -> None:
    before = sites.world.snapshot()
    summary = _supervised(sites, robot_dir, "skip\n")
    assert [r.status for r in summary.results] == ["skipped"]
    assert sites.world.snapshot() == before


def test_supervised_prompt_shows_each_step_and_stop_ends_the_run_before_the_next_click(
    sites: MockSites, robot_dir: Path
) -> None:
    """Each prompt names its step, "N of M", and the values it will enter; "stop" after two
    approved steps leaves those two done and clicks nothing more."""
    shown = io.StringIO()
    settings = robot_settings(sites, robot_dir, supervised=True)
    operator = ConsoleOperator(
        stdin=io.StringIO("yes\nyes\nstop\n"), console=Console(file=shown, width=200)
    )
    summary = run_one(
        settings, "conv-0001", today=sites.world.state.practice.today, operator=operator
    )
    text = shown.getvalue()
    conversation = sites.world.state.conversation("conv-0001")
    assert "1 of 8: Add the client's email address as a participant" in text
    assert conversation.contact_email in text
    assert "2 of 8: Remove the practice's own address" in text
    assert "care@ruhcare.example" in text

    assert summary.stopped_because is not None
    assert conversation.contact_email in conversation.participants
    assert "care@ruhcare.example" not in conversation.participants
    assert sites.world.state.headway_sessions == []


@pytest.mark.slow
def test_supervised_prompt_never_takes_a_vague_answer_as_yes(
    sites: MockSites, robot_dir: Path
) -> None:
    before = sites.world.snapshot()
    shown = io.StringIO()
    settings = robot_settings(sites, robot_dir, supervised=True)
    # Anything but the exact words is asked again; end of input means stop. One run
    # hears all three vague answers in turn: the first taken as yes would click.
    operator = ConsoleOperator(
        stdin=io.StringIO("\ny\nok\n"), console=Console(file=shown, width=200)
    )
    run_one(settings, "conv-0001", today=sites.world.state.practice.today, operator=operator)
    assert sites.world.snapshot() == before
    assert shown.getvalue().count("Please answer yes, skip or stop") == 3


def test_supervised_dry_run_walks_every_would_commit_with_a_prompt(
    sites: MockSites, robot_dir: Path
) -> None:
    before = sites.world.snapshot()
    shown = io.StringIO()
    settings = robot_settings(sites, robot_dir, supervised=True, dry_run=True)
    operator = ConsoleOperator(stdin=io.StringIO("yes\n" * 8), console=Console(file=shown))
    summary = run_one(
        settings, "conv-0001", today=sites.world.state.practice.today, operator=operator
    )
    assert [r.status for r in summary.results] == ["rehearsed"]
    assert shown.getvalue().count("Rehearsal: would commit") == 8
    assert sites.world.snapshot() == before
