"""The ``billing-robot`` command line: its commands, configuration errors, mock-sites output."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app

runner = CliRunner()

COMMANDS = {
    "demo": "Serve the mock practice",
    "batch": "Bill every open request",
    "run": "Bill one request",
    "clarify-late-cancel": "Reply with",
    "refund-headway-client": "Refund a Headway client",
    "plan": "Turn a",
    "ledger": "List the ledger",
    "review": "List the items waiting",
    "resolve": "Record a person's decision",
    "report": "Rebuild a run's report",
    "reconcile": "Check Headway's payouts",
    "mock-sites": "Serve the mock practice until Ctrl-C",
}


@pytest.fixture
def no_robot_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder with no .env and no BILLING_ROBOT_ variables."""
    monkeypatch.chdir(tmp_path)
    for key in list(os.environ):
        if key.startswith("BILLING_ROBOT_"):
            monkeypatch.delenv(key)
    return tmp_path


def test_help_lists_exactly_the_commands_with_their_own_summaries() -> None:
    """Plain help text (Rich's help panels cost half the start-up): every command, once."""
    result = runner.invoke(app, ["--help"], terminal_width=200)
    assert result.exit_code == 0
    commands = result.output.split("Commands:", 1)[1]
    rows = dict(re.findall(r"^  ([a-z][a-z-]+) +(\S.*?) *$", commands, flags=re.MULTILINE))
    assert set(rows) == set(COMMANDS)
    for command, summary in COMMANDS.items():
        assert rows[command].startswith(summary), command


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_each_command_has_its_own_help(command: str) -> None:
    result = runner.invoke(app, [command, "--help"], terminal_width=200)
    assert result.exit_code == 0
    assert COMMANDS[command] in " ".join(result.output.split())


def test_batch_without_site_settings_names_what_to_set(no_robot_settings: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cli", "batch"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 2
    assert "BILLING_ROBOT_INTERCOM__BASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_setting_fails_at_start_naming_it(
    no_robot_settings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BILLING_ROBOT_WORKERS", "99")
    result = runner.invoke(app, ["ledger"])
    assert result.exit_code == 2
    assert "BILLING_ROBOT_WORKERS" in result.output


def test_a_missing_env_file_is_named(no_robot_settings: Path) -> None:
    result = runner.invoke(app, ["ledger", "--env-file", "nowhere.env"])
    assert result.exit_code == 2
    assert "--env-file: no file at nowhere.env" in result.output


def test_resolve_needs_exactly_one_decision(no_robot_settings: Path) -> None:
    result = runner.invoke(app, ["resolve", "intercom:conv-1", "--retry", "--done-by-hand"])
    assert result.exit_code == 2
    assert "exactly one of --retry, --done-by-hand, --dismiss" in result.output


def test_mock_sites_prints_and_writes_the_settings_lines(tmp_path: Path) -> None:
    env_file = tmp_path / "mock.env"
    server = subprocess.Popen(
        [sys.executable, "-m", "cli", "mock-sites", "--scenario", "small",
         "--env-file", str(env_file), "--latency", "5-10"],
        stdout=subprocess.PIPE,
        text=True,
    )
    # The read below blocks on the pipe: a server that never prints is killed, not waited on.
    watchdog = threading.Timer(60, server.kill)
    watchdog.start()
    try:
        assert server.stdout is not None
        lines = []
        for line in server.stdout:
            lines.append(line)
            if line.startswith("Ctrl-C"):
                break
    finally:
        watchdog.cancel()
        server.terminate()
        server.wait(timeout=30)
    output = "".join(lines)
    assert "each answer takes 5-10 ms" in output
    assert "BILLING_ROBOT_HEADWAY__BASE_URL=http://127.0.0.1:" in output
    written = env_file.read_text("utf-8")
    assert "BILLING_ROBOT_RUH_PLATFORM__PASSWORD=" in written
    assert oct(env_file.stat().st_mode & 0o777) == "0o600"


def test_mock_sites_refuses_a_latency_it_cannot_read_in_one_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cli", "mock-sites", "--latency", "soon"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "--latency must be fast, real or MIN-MAX in ms (e.g. 200-3000), not 'soon'"
    ]
