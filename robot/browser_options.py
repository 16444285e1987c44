"""Browser launch and context options shared by the robot and the tests: the one source.

The robot (``robot.browser``, ``robot.settings``, ``robot.audit``) and the tests
(``tests/conftest.py``) import this module; ``playwright.config.py`` at the repository
root re-exports it for anyone who looks for Playwright's options there. It imports
nothing from the project (settings import *it*), so there is no import loop. Change an
option here and both the robot and every browser test pick it up.
"""

from __future__ import annotations

import os
import shutil
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

__all__ = [
    "ACTION_TIMEOUT_MS",
    "BROWSER_MISSING_HELP",
    "CLOSED_NETWORK_ARGS",
    "EXPECT_TIMEOUT_MS",
    "HEADLESS_SHELL_NAMES",
    "HEADLESS_SHELL_PATHS",
    "LOCALE",
    "NAVIGATION_TIMEOUT_MS",
    "SCREENSHOT_OPTIONS",
    "SCREENSHOT_SUFFIX",
    "TIMEZONE_ID",
    "TRACE_ON_FAILURE",
    "TRACING_OPTIONS",
    "VIEWPORT",
    "chromium_args",
    "context_options",
    "find_browser_executable",
    "launch_options",
    "playwright_chromium_path",
]

# Chromium phones home at start-up (updates, field trials, sync). The practice network
# and CI are closed, and those requests only add latency and noise, so turn them off.
CLOSED_NETWORK_ARGS: Final[tuple[str, ...]] = (
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
)

# Chromium refuses to start its sandbox as root (containers, CI); only then drop it.
ROOT_ONLY_ARGS: Final[tuple[str, ...]] = ("--no-sandbox",)

SYSTEM_BROWSER_NAMES: Final[tuple[str, ...]] = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
)
"""Executables looked up on PATH when Playwright's own Chromium is not installed."""

SYSTEM_BROWSER_PATHS: Final[tuple[Path, ...]] = (Path("/usr/bin/chromium"),)
"""Well-known locations tried last (PATH may be minimal under make or cron)."""

HEADLESS_SHELL_NAMES: Final[tuple[str, ...]] = ("chromium-headless-shell",)
"""Chromium's headless-only build (Debian package ``chromium-headless-shell``), on PATH."""

HEADLESS_SHELL_PATHS: Final[tuple[Path, ...]] = (Path("/usr/bin/chromium-headless-shell"),)
"""Where Debian puts the headless shell, tried when PATH does not have it."""

ACTION_TIMEOUT_MS: Final = 10_000
"""Default for a click, fill or wait for an element (settings may override)."""
NAVIGATION_TIMEOUT_MS: Final = 30_000
"""Default for a page load (settings may override)."""
EXPECT_TIMEOUT_MS: Final = 5_000
"""Default for ``expect(...)`` assertions in tests."""

VIEWPORT: Final = {"width": 1366, "height": 900}
"""A common laptop size: the apps' layouts (left menus, modals) fit without scrolling."""
LOCALE: Final = "en-US"
"""US dates and amounts, as the practice's staff see them."""
TIMEZONE_ID: Final = "America/New_York"
"""The practice's zone: the apps render local times in the browser's zone."""

TRACE_ON_FAILURE: Final = True
"""Record a Playwright trace per work item and keep it only when the item fails."""
TRACING_OPTIONS: Final[dict[str, bool]] = {"screenshots": False, "snapshots": True}
"""Options for ``context.tracing.start``: DOM snapshots of every action, no screencast
(it cost a third of the robot's CPU, and the audit trail already screenshots each commit),
no sources (the trace is for the page, not us)."""

SCREENSHOT_OPTIONS: Final[dict[str, Any]] = {
    # The viewport, not the full page: the form being committed and its dialog are what
    # the reader needs, and a full-page PNG of a long list cost the robot a tenth of its
    # CPU per request. JPEG at a fixed quality keeps text legible at a fifth of the size.
    "full_page": False,
    "type": "jpeg",
    "quality": 70,
    "animations": "disabled",  # a toast mid-animation makes a blurry, useless screenshot
    # The text caret is left as it is: hiding it means a stylesheet put in and taken out
    # around every shot, two restyles of the whole page. Measured on an Intercom
    # conversation, four rounds of 60 shots each: 48-52 ms of CPU a shot with the caret
    # left, 54-68 ms hidden. A caret in the field just filled is no harm to the reader.
    "caret": "initial",
}
"""Keyword arguments for ``page.screenshot``."""

SCREENSHOT_SUFFIX: Final = ".jpg"
"""File suffix matching ``SCREENSHOT_OPTIONS["type"]``."""

BROWSER_MISSING_HELP: Final = (
    "No Chromium/Chrome found. Do one of: run `make setup` (or `python -m "
    "robot.browser_setup`), which installs Playwright's Chromium or a system one; "
    "install it yourself (`python -m playwright install chromium`, or "
    "`apt-get install chromium`); or set BILLING_ROBOT_BROWSER_EXECUTABLE to a "
    "Chromium/Chrome binary."
)
"""What to tell the user when :func:`find_browser_executable` finds nothing."""


def running_as_root() -> bool:
    """Return True when this process runs as root (POSIX); False elsewhere."""
    geteuid = getattr(os, "geteuid", None)
    return geteuid is not None and geteuid() == 0


def chromium_args() -> list[str]:
    """Return Chromium's command-line switches for this machine."""
    args = list(CLOSED_NETWORK_ARGS)
    if running_as_root():
        args.extend(ROOT_ONLY_ARGS)
    return args


@lru_cache(maxsize=1)
def playwright_chromium_path() -> Path | None:
    """Return where Playwright would look for its own Chromium (which may not exist).

    Asked of Playwright itself (the layout under ``ms-playwright`` changes between
    releases). It runs in a fresh thread because the sync API refuses to start while
    another sync Playwright (pytest-playwright's, the robot's) is active in this thread.
    """
    found: list[Path] = []

    def ask() -> None:
        try:
            from playwright.sync_api import sync_playwright

            with sync_playwright() as playwright:
                found.append(Path(playwright.chromium.executable_path))
        except Exception:
            # No driver (or it failed) means no Playwright browser either: fall back.
            return

    thread = threading.Thread(target=ask, name="playwright-path", daemon=True)
    thread.start()
    thread.join(timeout=60)
    return found[0] if found else None


def _is_executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def find_browser_executable(
    configured: Path | None = None, *, headless: bool = False
) -> Path | None:
    """Pick the browser binary: configured, else Playwright's Chromium, else a system one.

    ``headless``: a system headless shell comes before a system Chromium. It is the build
    Playwright itself runs headless tests on (no window system, no browser UI): measured
    on a four-request batch, it cost 81-83 CPU-seconds against 100-107 for Debian's full
    Chromium in headless mode, and finished in 69 s against 78-83 s. A visible
    (supervised) run needs the full browser, so it never gets the shell.

    Returns ``None`` when nothing usable exists: the caller then reports
    :data:`BROWSER_MISSING_HELP`. A configured path that does not exist is skipped here;
    the robot's settings check reports it by name.
    """
    if configured is not None and _is_executable(Path(configured)):
        return Path(configured)
    bundled = playwright_chromium_path()
    if bundled is not None and _is_executable(bundled):
        return bundled
    if headless:
        shell = _system_binary(HEADLESS_SHELL_NAMES, HEADLESS_SHELL_PATHS)
        if shell is not None:
            return shell
    return _system_binary(SYSTEM_BROWSER_NAMES, SYSTEM_BROWSER_PATHS)


def _system_binary(names: tuple[str, ...], paths: tuple[Path, ...]) -> Path | None:
    for name in names:
        on_path = shutil.which(name)
        if on_path:
            return Path(on_path)
    for candidate in paths:
        if _is_executable(candidate):
            return candidate
    return None


def launch_options(headless: bool, executable: Path | None) -> dict[str, Any]:
    """Return keyword arguments for ``playwright.chromium.launch``.

    ``executable=None`` means Playwright's own Chromium (only valid when installed).
    """
    options: dict[str, Any] = {
        "headless": headless,
        "args": chromium_args(),
        # A system Chromium, unlike Playwright's build, may be a wrapper script that
        # needs a moment longer on a cold start; keep a generous launch timeout.
        "timeout": 60_000,
    }
    if executable is not None:
        options["executable_path"] = str(executable)
    return options


def context_options(*, timezone_id: str = TIMEZONE_ID) -> dict[str, Any]:
    """Return keyword arguments for ``browser.new_context`` (one context per worker)."""
    return {
        "viewport": dict(VIEWPORT),
        "locale": LOCALE,
        "timezone_id": timezone_id,
        "color_scheme": "light",
        # Fewer animations, fewer half-drawn screenshots and fewer flaky clicks.
        "reduced_motion": "reduce",
        # The robot never downloads, and service workers would cache what the mocks serve.
        "accept_downloads": False,
        "service_workers": "block",
    }
