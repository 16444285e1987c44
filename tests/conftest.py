"""Shared test fixtures (provisional: the robot core replaces the launch options below)."""

from __future__ import annotations

from typing import Any

import pytest

pytest_plugins = ["tests.plugins.mock_sites"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Launch the system Chromium with the flags a closed network needs."""
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            "--no-sandbox",
        ],
    }
