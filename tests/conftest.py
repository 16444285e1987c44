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

# The order files start in under ``make test``: the tiers of ``_how_soon``.
_LONG_END_TO_END, _END_TO_END, _BROWSER, _QUICK = range(4)


def pytest_itemcollected(item: pytest.Item) -> None:
    """Mark every browser test ``browser`` as it is collected (``make check`` leaves them out).

    Here rather than in the sort below: ``-m`` deselects in pytest's own
    ``pytest_collection_modifyitems``, which runs before that one.
    """
    fixtures = set(getattr(item, "fixturenames", ()))
    if fixtures & _BROWSER_FIXTURES or item.path.parent.name in _BROWSER_FOLDERS:
        item.add_marker(pytest.mark.browser)


@pytest.hookimpl(trylast=True)  # after pytest's own reordering, which would split a file
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Long first: the order ``make test`` hands whole files to its workers in.

    ``--dist loadfile --no-loadscope-reorder`` keeps this order (xdist's own default
    re-sorts the files by how many tests they hold, which sent the one-test end-to-end
    files, minutes each, to the very end). Files that run the robot end to end come first,
    those with a long (``slow``) run before the rest, and the quick ones fill the gaps at
    the end: a long file started last runs on alone while the other workers idle. A file
    goes where its longest test would put it and stays in one piece (a module's shared
    robot run is made once), and the sort is stable, so each file keeps its own order.
    """
    place: dict[Path, tuple[int, int]] = {}
    for index, item in enumerate(items):
        tier, first = place.get(item.path, (_QUICK, index))
        place[item.path] = (min(tier, _how_soon(item)), first)
    items.sort(key=lambda item: place[item.path])


def _how_soon(item: pytest.Item) -> int:
    if item.path.parent.name in _BROWSER_FOLDERS:
        return _LONG_END_TO_END if item.get_closest_marker("slow") else _END_TO_END
    return _BROWSER if item.get_closest_marker("browser") else _QUICK


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
