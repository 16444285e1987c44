"""The ``billing-robot`` command line: commands, configuration errors, mock-sites output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from cli.app import app

runner = CliRunner()


def test_help_lists_every_command() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("demo", "batch", "run", "plan", "ledger", "report", "mock-sites"):
        assert command in result.output


def test_batch_without_site_settings_names_what_to_set(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    for key in list(os.environ):
        if key.startswith("BILLING_ROBOT_"):
            monkeypatch.delenv(key)
    result = subprocess.run(
        [sys.executable, "-m", "cli", "batch"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert "BILLING_ROBOT_INTERCOM__BASE_URL" in result.stderr


def test_bad_setting_fails_at_start_naming_it(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BILLING_ROBOT_WORKERS", "99")
    result = runner.invoke(app, ["ledger"])
    assert result.exit_code == 2
    assert "BILLING_ROBOT_WORKERS" in result.output


def test_mock_sites_prints_and_writes_the_settings_lines(tmp_path: Path) -> None:
    env_file = tmp_path / "mock.env"
    server = subprocess.Popen(
        [sys.executable, "-m", "cli", "mock-sites", "--scenario", "small",
         "--env-file", str(env_file)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    lines = []
    for line in server.stdout:
        lines.append(line)
        if line.startswith("Ctrl-C"):
            break
    server.terminate()
    server.wait()
    output = "".join(lines)
    assert "BILLING_ROBOT_HEADWAY__BASE_URL=http://127.0.0.1:" in output
    written = env_file.read_text("utf-8")
    assert "BILLING_ROBOT_RUH_PLATFORM__PASSWORD=" in written
    assert oct(env_file.stat().st_mode & 0o777) == "0o600"
