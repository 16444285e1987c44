"""`python -m robot.browser_setup`: download, else system browser, else a clear failure."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

import robot.browser_setup as setup
from robot import browser_options as CONFIG  # noqa: N812 - the one options module


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[list[str]]:
    """No Playwright Chromium, downloads fail, no browser on PATH; records commands run."""
    ran: list[list[str]] = []

    def fake_run(command: Sequence[str], timeout: float, env: object = None) -> bool:
        ran.append(list(command))
        return False

    monkeypatch.setattr(setup, "_run", fake_run)
    monkeypatch.setattr(setup, "_version", lambda path: "Chromium 1.0")
    monkeypatch.setattr(CONFIG, "playwright_chromium_path", lambda: tmp_path / "pw" / "chrome")
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv("BILLING_ROBOT_BROWSER_EXECUTABLE", raising=False)
    monkeypatch.setattr(CONFIG, "SYSTEM_BROWSER_PATHS", ())
    monkeypatch.setattr(CONFIG, "HEADLESS_SHELL_PATHS", ())
    return ran


def test_failed_download_falls_back_to_system_chromium(
    offline: list[list[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    chromium = tmp_path / "bin" / "chromium"
    chromium.write_text("#!/bin/sh\n")
    chromium.chmod(0o755)
    assert setup.main([]) == 0
    assert offline[0][-3:] == ["playwright", "install", "chromium"]
    out = capsys.readouterr().out
    assert f"using {chromium}" in out


def test_no_browser_and_no_apt_exits_non_zero(
    offline: list[list[str]], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(setup.shutil, "which", lambda name: None)
    assert setup.main([]) == 1
    assert "BILLING_ROBOT_BROWSER_EXECUTABLE" in capsys.readouterr().out


def test_installed_playwright_chromium_needs_no_download(
    offline: list[list[str]], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bundled = tmp_path / "pw" / "chrome"
    bundled.parent.mkdir()
    bundled.write_text("")
    bundled.chmod(0o755)
    assert setup.setup_browser() == bundled
    assert offline == []


def test_as_root_with_apt_it_tries_to_install_chromium(
    offline: list[list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(setup.os, "geteuid", lambda: 0)
    monkeypatch.setattr(
        setup.shutil, "which", lambda name: "/usr/bin/apt-get" if name == "apt-get" else None
    )
    assert setup.setup_browser(try_download=False) is None  # apt "fails" in this test
    install = ["apt-get", "install", "-y", "--no-install-recommends"]
    assert offline == [
        [*install, "chromium", "chromium-headless-shell"],
        ["apt-get", "update"],
        [*install, "chromium"],
        ["apt-get", "update"],
    ]


def test_as_root_beside_a_system_chromium_it_adds_the_headless_shell(
    offline: list[list[str]], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    chromium = tmp_path / "bin" / "chromium"
    chromium.write_text("#!/bin/sh\n")
    chromium.chmod(0o755)
    monkeypatch.setattr(setup.os, "geteuid", lambda: 0)
    real_which = setup.shutil.which
    monkeypatch.setattr(
        setup.shutil,
        "which",
        lambda name: "/usr/bin/apt-get" if name == "apt-get" else real_which(name),
    )
    # The shell is optional: its install "fails" here and the browser is still used.
    assert setup.setup_browser(try_download=False) == chromium
    assert offline[0][-1] == "chromium-headless-shell"
