"""Shared test fixtures: pytest-playwright launches the browser the robot would launch.

The launch and context options come from ``robot.browser_options`` (which
``playwright.config.py`` re-exports) and the executable from the robot's own settings,
so tests and robot can never drift apart.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from robot import browser_options
from robot.settings import load_settings

pytest_plugins = ["tests.plugins.mock_sites"]


def pytest_configure(config: pytest.Config) -> None:
    """Use the shared ``expect`` timeout for every assertion on page state."""
    from playwright.sync_api import expect

    expect.set_options(timeout=browser_options.EXPECT_TIMEOUT_MS)


# A test that uses one of these drives a real Chromium (pytest-playwright's fixtures, or
# the mock sites a robot run browses): it is a browser test whether or not it says so.
_BROWSER_FIXTURES = frozenset({"page", "context", "browser", "playwright", "sites", "mock_sites"})
_BROWSER_FOLDERS = ("flows", "reliability", "fleet")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every browser test ``browser`` (``make check`` leaves them out); long first.

    ``make test`` hands whole files to two workers in this order (``--dist loadfile
    --no-loadscope-reorder``: xdist's own default re-sorts the files by how many tests
    they hold, which sent the one-test end-to-end files, minutes each, to the very end).
    Files that run the robot end to end come first, those with a long (``slow``) run
    before the rest, and the quick ones fill the gaps at the end: a long file started
    last runs on alone while the other worker idles. A file goes where its longest test
    would put it, and the sort is stable, so each file keeps its own order.
    """
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        folder = item.path.parent.name
        if fixtures & _BROWSER_FIXTURES or folder in _BROWSER_FOLDERS:
            item.add_marker(pytest.mark.browser)
    place: dict[Path, int] = {}
    for item in items:
        place[item.path] = min(place.get(item.path, _LAST), _how_soon(item))
    items.sort(key=lambda item: place[item.path])


_LAST = 3


def _how_soon(item: pytest.Item) -> int:
    if item.path.parent.name in _BROWSER_FOLDERS:
        return 0 if item.get_closest_marker("slow") else 1
    return 2 if item.get_closest_marker("browser") else _LAST


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Launch options from robot.browser_options; pytest's --headed/--slowmo still win."""
    configured = load_settings(env_file=None).browser_executable
    headless = bool(browser_type_launch_args.get("headless", True))  # False under --headed
    executable = browser_options.find_browser_executable(configured, headless=headless)
    if executable is None:
        pytest.fail(browser_options.BROWSER_MISSING_HELP, pytrace=False)
    return {**browser_options.launch_options(True, executable), **browser_type_launch_args}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """Context options from robot.browser_options (viewport, locale, time zone, ...)."""
    return {**browser_context_args, **browser_options.context_options()}
