"""Make sure a browser exists: ``python -m robot.browser_setup`` (run by ``make setup``).

In order: Playwright's own Chromium if already installed; else try to download it
(``python -m playwright install chromium``, bounded by a timeout because a closed network
makes it fail or hang); else a system Chromium/Chrome (``BILLING_ROBOT_BROWSER_EXECUTABLE``,
PATH, ``/usr/bin/chromium``); else, as root with apt-get, install Debian's ``chromium``.
With a system browser, as root, it also installs Debian's ``chromium-headless-shell``:
headless runs (batches, the tests) use it because it costs about a fifth less CPU than
the full browser; without it they fall back to the full one, only slower.
Prints what it used. Exits 1 only when there is no browser at all.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from robot import browser_options
from robot.errors import ConfigError
from robot.settings import load_settings

__all__ = ["main", "setup_browser"]

DOWNLOAD_TIMEOUT_S = 300
"""Upper bound for Playwright's download (a few hundred MB on a good network)."""
APT_TIMEOUT_S = 900
"""Upper bound for each apt-get command."""


def _say(message: str) -> None:
    print(f"[browser-setup] {message}", flush=True)


def _run(command: Sequence[str], timeout: float, env: dict[str, str] | None = None) -> bool:
    """Run ``command`` (no shell); True if it exited 0 within ``timeout`` seconds."""
    _say("running: " + " ".join(command))
    try:
        completed = subprocess.run(
            list(command), timeout=timeout, check=False, capture_output=True, text=True, env=env
        )
    except subprocess.TimeoutExpired:
        _say(f"gave up after {timeout:.0f}s")
        return False
    except OSError as exc:
        _say(f"could not run it: {exc}")
        return False
    if completed.returncode != 0:
        reason = _reason(completed.stdout + completed.stderr)
        _say(f"failed (exit {completed.returncode}): {reason}")
        return False
    return True


def _reason(output: str) -> str:
    # A failed download prints a page of retries and stack traces; the last "Error" line
    # is the cause (e.g. "Error: getaddrinfo ENOTFOUND cdn.playwright.dev").
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower() and not line.startswith("at ")]
    return (errors or lines or ["no output"])[-1][:200]


def _version(executable: Path) -> str:
    try:
        completed = subprocess.run(
            [str(executable), "--version"], timeout=30, check=False, capture_output=True, text=True
        )
    except (OSError, subprocess.TimeoutExpired):
        return "version unknown"
    lines = [line for line in completed.stdout.splitlines() if line.strip()]
    return lines[-1].strip() if lines else "version unknown"


def _configured() -> Path | None:
    # The same setting the robot reads (environment or .env), not a second source.
    try:
        return load_settings().browser_executable
    except ConfigError:
        return None


def setup_browser(*, try_download: bool = True, allow_apt: bool = True) -> Path | None:
    """Find or install a browser; return its path, or None when there is none."""
    bundled = browser_options.playwright_chromium_path()
    if bundled is not None and bundled.is_file():
        _say(f"Playwright's Chromium is installed: {bundled}")
        return bundled

    if try_download:
        command = [sys.executable, "-m", "playwright", "install", "chromium"]
        # `bundled` is where Playwright puts it, whether or not it exists yet.
        if _run(command, DOWNLOAD_TIMEOUT_S) and bundled is not None and bundled.is_file():
            _say(f"installed Playwright's Chromium: {bundled}")
            return bundled
        _say("Playwright's Chromium could not be downloaded; looking for a system browser")

    can_apt = allow_apt and _can_apt()
    found = browser_options.find_browser_executable(_configured())
    if found is not None:
        if can_apt and _headless_shell() is None:
            _say("installing Debian's chromium-headless-shell for headless runs (optional)")
            _apt_install(["chromium-headless-shell"])
        return found

    if can_apt:
        _say("no browser found; installing Debian's chromium with apt-get")
        if _apt_install(["chromium", "chromium-headless-shell"]) or _apt_install(["chromium"]):
            return browser_options.find_browser_executable(_configured())
    return None


def _can_apt() -> bool:
    is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    return is_root and shutil.which("apt-get") is not None


def _headless_shell() -> Path | None:
    found = browser_options.find_browser_executable(_configured(), headless=True)
    plain = browser_options.find_browser_executable(_configured())
    return found if found != plain else None


def _apt_install(packages: list[str]) -> bool:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    command = ["apt-get", "install", "-y", "--no-install-recommends", *packages]
    if _run(command, APT_TIMEOUT_S, env):
        return True
    # A fresh machine's package lists may be empty or stale: refresh them once, then retry.
    return _run(["apt-get", "update"], APT_TIMEOUT_S, env) and _run(command, APT_TIMEOUT_S, env)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: 0 with a browser, 1 without one."""
    args = list(sys.argv[1:] if argv is None else argv)
    found = setup_browser(try_download="--no-download" not in args)
    if found is None:
        _say("ERROR: " + browser_options.BROWSER_MISSING_HELP)
        return 1
    _say(f"using {found} ({_version(found)})")
    shell = _headless_shell()
    if shell is not None:
        _say(f"headless runs use {shell} ({_version(shell)})")
    bundled = browser_options.playwright_chromium_path()
    if bundled is None or Path(found) != bundled:
        _say(
            "the robot and the tests discover this browser by themselves; to pin it, set "
            f"BILLING_ROBOT_BROWSER_EXECUTABLE={found}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
