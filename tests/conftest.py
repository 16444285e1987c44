"""Shared test fixtures: pytest-playwright launches the browser the robot would launch.

The launch and context options come from ``playwright.config.py`` at the repository root
(loaded by path through ``robot.browser.load_playwright_config``: the file name is not an
importable module name), so tests and robot can never drift apart.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from robot.browser import load_playwright_config

pytest_plugins = ["tests.plugins.mock_sites"]


def pytest_configure(config: pytest.Config) -> None:
    """Use the shared ``expect`` timeout for every assertion on page state."""
    from playwright.sync_api import expect

    expect.set_options(timeout=load_playwright_config().EXPECT_TIMEOUT_MS)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Launch options from playwright.config.py; pytest's --headed/--slowmo still win."""
    config = load_playwright_config()
    configured = os.environ.get("BILLING_ROBOT_BROWSER_EXECUTABLE")
    executable = config.find_browser_executable(Path(configured) if configured else None)
    if executable is None:
        pytest.fail(config.BROWSER_MISSING_HELP, pytrace=False)
    return {**config.launch_options(True, executable), **browser_type_launch_args}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """Context options from playwright.config.py (viewport, locale, time zone, ...)."""
    return {**browser_context_args, **load_playwright_config().context_options()}
