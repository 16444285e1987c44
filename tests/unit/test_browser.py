"""Browser options, discovery, saved logins, and one real headless launch."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from playwright.sync_api import Page, Playwright

from robot import browser_options as CONFIG  # noqa: N812 - the one options module
from robot.browser import BrowserRuntime, Logins, resolve_executable
from robot.errors import ConfigError
from robot.settings import Settings


def fake_binary(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\necho fake\n")
    path.chmod(0o755)
    return path


@pytest.fixture
def no_browsers(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A machine with no Playwright Chromium, an empty PATH and no well-known binary."""
    monkeypatch.setattr(CONFIG, "playwright_chromium_path", lambda: tmp_path / "pw" / "chrome")
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setattr(CONFIG, "SYSTEM_BROWSER_PATHS", ())
    monkeypatch.setattr(CONFIG, "HEADLESS_SHELL_PATHS", ())
    return tmp_path


def test_playwright_config_re_exports_the_package_options() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "repo_playwright_config", Path(__file__).resolve().parents[2] / "playwright.config.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.launch_options is CONFIG.launch_options
    assert module.SCREENSHOT_OPTIONS is CONFIG.SCREENSHOT_OPTIONS


def test_launch_options_close_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(CONFIG, "running_as_root", lambda: False)
    options = CONFIG.launch_options(True, Path("/opt/chrome"))
    for flag in (
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
    ):
        assert flag in options["args"]
    assert "--no-sandbox" not in options["args"]
    assert options["executable_path"] == "/opt/chrome"
    assert options["headless"] is True


def test_no_sandbox_only_as_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(CONFIG, "running_as_root", lambda: True)
    assert "--no-sandbox" in CONFIG.launch_options(False, None)["args"]
    assert "executable_path" not in CONFIG.launch_options(False, None)


def test_context_options_match_the_practice() -> None:
    options = CONFIG.context_options()
    assert options["viewport"] == {"width": 1366, "height": 900}
    assert options["locale"] == "en-US"
    assert options["timezone_id"] == "America/New_York"


def test_configured_browser_wins(no_browsers: Path) -> None:
    mine = fake_binary(no_browsers / "opt", "my-chrome")
    fake_binary(no_browsers / "empty-bin", "chromium")
    assert CONFIG.find_browser_executable(mine) == mine


def test_playwright_chromium_is_preferred_to_a_system_one(
    no_browsers: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundled = fake_binary(no_browsers / "pw", "chrome")
    fake_binary(no_browsers / "empty-bin", "chromium")
    assert CONFIG.find_browser_executable(None) == bundled


def test_falls_back_to_a_system_chromium_on_path(no_browsers: Path) -> None:
    system = fake_binary(no_browsers / "empty-bin", "google-chrome-stable")
    assert CONFIG.find_browser_executable(Path("/does/not/exist")) == system


def test_headless_runs_take_the_headless_shell_and_visible_ones_the_browser(
    no_browsers: Path,
) -> None:
    browser = fake_binary(no_browsers / "empty-bin", "chromium")
    shell = fake_binary(no_browsers / "empty-bin", "chromium-headless-shell")
    assert CONFIG.find_browser_executable(None, headless=True) == shell
    assert CONFIG.find_browser_executable(None, headless=False) == browser
    assert resolve_executable(Settings(headless=True)) == shell
    assert resolve_executable(Settings(headless=False)) == browser


def test_a_configured_browser_wins_over_the_headless_shell(no_browsers: Path) -> None:
    mine = fake_binary(no_browsers / "opt", "my-chrome")
    fake_binary(no_browsers / "empty-bin", "chromium-headless-shell")
    assert CONFIG.find_browser_executable(mine, headless=True) == mine


def test_without_a_headless_shell_headless_runs_use_the_browser(no_browsers: Path) -> None:
    browser = fake_binary(no_browsers / "empty-bin", "chromium")
    assert CONFIG.find_browser_executable(None, headless=True) == browser


def test_falls_back_to_a_well_known_path(
    no_browsers: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    known = fake_binary(no_browsers / "usr-bin", "chromium")
    monkeypatch.setattr(CONFIG, "SYSTEM_BROWSER_PATHS", (known,))
    assert CONFIG.find_browser_executable(None) == known


def test_nothing_found_gives_a_clear_error(no_browsers: Path) -> None:
    assert CONFIG.find_browser_executable(None) is None
    with pytest.raises(ConfigError, match="BILLING_ROBOT_BROWSER_EXECUTABLE"):
        resolve_executable(Settings())


def test_missing_configured_browser_names_the_setting(tmp_path: Path) -> None:
    settings = Settings(browser_executable=tmp_path / "nope")
    with pytest.raises(ConfigError, match="BILLING_ROBOT_BROWSER_EXECUTABLE: no executable"):
        resolve_executable(settings)


@pytest.mark.browser
def test_discovered_chromium_launches_headless_and_loads_a_page(
    playwright: Playwright, tmp_path: Path
) -> None:
    settings = Settings(headless=True, action_timeout_ms=5_000)
    with BrowserRuntime(settings, playwright=playwright) as runtime:
        context = runtime.new_context()
        page = context.new_page()
        page.goto("data:text/html,<title>ok</title><h1 id=h>Billing robot</h1>")
        assert page.get_by_role("heading", level=1).inner_text() == "Billing robot"
        zone = page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone")
        assert zone == "America/New_York"
        context.close()


@pytest.mark.browser
def test_a_fresh_context_carries_on_the_sessions_of_the_old(playwright: Playwright) -> None:
    settings = Settings(headless=True, action_timeout_ms=5_000)
    session = {"name": "session", "value": "s3cr3t", "url": "http://127.0.0.1:9/"}
    with BrowserRuntime(settings, playwright=playwright) as runtime:
        old = runtime.new_context()
        old.add_cookies([session])
        fresh = runtime.new_context(old.storage_state())
        stranger = runtime.new_context()
        old.close()
        assert [(c["name"], c["value"]) for c in fresh.cookies()] == [("session", "s3cr3t")]
        assert stranger.cookies() == []  # only the context named passes its sessions on
        fresh.close()
        stranger.close()


@pytest.mark.browser
def test_a_worker_thread_runs_its_own_browser_with_the_logins_it_was_given(
    playwright: Playwright,
) -> None:
    """How a batch's other workers start: their own runtime and Chromium on their own
    thread, and worker 0's sessions copied across as plain data."""
    settings = Settings(headless=True, action_timeout_ms=5_000)
    session = {"name": "session", "value": "s3cr3t", "url": "http://127.0.0.1:9/"}
    seen: list[tuple[str, str]] = []
    errors: list[BaseException] = []

    def worker(logins: Logins) -> None:
        try:
            with BrowserRuntime(settings) as own:
                context = own.new_context(logins)
                seen.extend((c["name"], c["value"]) for c in context.cookies())
                context.close()
        except BaseException as exc:  # surfaced in the main thread below
            errors.append(exc)

    with BrowserRuntime(settings, playwright=playwright) as runtime:
        first = runtime.new_context()
        first.add_cookies([session])
        thread = threading.Thread(target=worker, args=(first.storage_state(),))
        thread.start()
        thread.join(timeout=60)
        assert runtime.browser.is_connected()  # a worker's browser closing leaves this one
        first.close()
    assert errors == []
    assert seen == [("session", "s3cr3t")]


@pytest.mark.browser
def test_pytest_playwright_pages_use_the_shared_options(page: Page) -> None:
    page.goto("data:text/html,<p>hi</p>")
    assert page.viewport_size == {"width": 1366, "height": 900}
    assert page.evaluate("navigator.language") == "en-US"
    assert page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone") == "America/New_York"
