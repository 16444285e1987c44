"""`python -m robot.db_setup`: find PostgreSQL's programs, else install Debian's, else say so."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pytest

import robot.db_setup as setup


def programs(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for name in ("initdb", "pg_ctl", "postgres"):
        (folder / name).write_text("#!/bin/sh\n")
    return folder


def apt_only(name: str) -> str | None:
    return "/usr/bin/apt-get" if name == "apt-get" else None


@pytest.fixture
def nowhere(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No PostgreSQL anywhere: an empty Debian folder, an empty PATH, no setting."""
    root = tmp_path / "usr-lib-postgresql"
    root.mkdir()
    monkeypatch.setattr(setup, "DEBIAN_ROOT", root)
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv(setup.PG_BIN_ENV, raising=False)
    return root


def test_the_newest_debian_version_is_found(nowhere: Path) -> None:
    programs(nowhere / "13" / "bin")
    newest = programs(nowhere / "16" / "bin")
    (nowhere / "17" / "bin").mkdir(parents=True)  # incomplete: skipped
    assert setup.find_postgres_bin() == newest


def test_the_setting_names_the_folder(
    nowhere: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = programs(tmp_path / "pg")
    monkeypatch.setenv(setup.PG_BIN_ENV, str(folder))
    assert setup.find_postgres_bin() == folder


def test_missing_postgres_is_installed_with_apt_as_root(
    nowhere: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran: list[list[str]] = []

    def fake_run(command: Sequence[str]) -> bool:
        ran.append(list(command))
        if "install" in command:
            programs(nowhere / "15" / "bin")
        return True

    monkeypatch.setattr(setup, "_run", fake_run)
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    monkeypatch.setattr(setup.shutil, "which", apt_only)
    assert setup.setup_postgres() == nowhere / "15" / "bin"
    assert ran == [
        ["apt-get", "update"],
        ["apt-get", "install", "-y", "--no-install-recommends", "postgresql"],
    ]


def test_no_postgres_at_all_is_said_plainly_without_failing_setup(
    nowhere: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(setup, "_run", lambda command: False)
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    monkeypatch.setattr(setup.shutil, "which", apt_only)
    assert setup.main([]) == 0
    assert setup.MISSING_HELP in capsys.readouterr().out
