"""The browser: one Chromium per runtime, one context per worker, saved logins.

Launch and context options come from ``playwright.config.py`` at the repository root
(:func:`load_playwright_config`), the same file the tests use. Logging in is a page-object
action (``pages/``), so this module only offers the mechanics: saved storage state per
worker (:class:`SessionStore`) and :func:`ensure_logged_in`, which a flow calls after
every navigation to a site with that site's login-page check and login action.

Playwright's sync API ties every object to the thread that started it: a
:class:`BrowserRuntime` belongs to the thread that entered it, so worker *threads* each
need their own runtime (a worker process has its own anyway).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import socket
import sys
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from functools import lru_cache
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, cast

from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    sync_playwright,
)

from robot.errors import ConfigError
from robot.logging import get_logger
from robot.settings import Settings, env_var_name

__all__ = [
    "CONFIG_FILE",
    "BrowserRuntime",
    "IsLoginPage",
    "LoginHook",
    "PlaywrightConfig",
    "SessionStore",
    "ensure_logged_in",
    "load_playwright_config",
    "resolve_executable",
]

CONFIG_FILE = Path(__file__).resolve().parent.parent / "playwright.config.py"
"""The shared launch/context options file at the repository root."""

_log = get_logger("robot.browser")

LoginHook = Callable[[Page, str], None]
"""A page object's login action: ``login(page, site)``. It fills and submits the site's
login form and returns once logged in, raising :class:`~robot.errors.AuthError` when the
site rejects the credentials."""

IsLoginPage = Callable[[Page], bool]
"""A page object's check: is this page the site's login form (we were logged out)?"""


class PlaywrightConfig(Protocol):
    """The typed face of ``playwright.config.py`` (a module loaded by path)."""

    BROWSER_MISSING_HELP: str
    ACTION_TIMEOUT_MS: int
    NAVIGATION_TIMEOUT_MS: int
    EXPECT_TIMEOUT_MS: int
    TRACE_ON_FAILURE: bool
    TRACING_OPTIONS: dict[str, bool]
    SCREENSHOT_OPTIONS: dict[str, Any]

    def find_browser_executable(self, configured: Path | None = None) -> Path | None:
        """See ``playwright.config.find_browser_executable``."""

    def playwright_chromium_path(self) -> Path | None:
        """See ``playwright.config.playwright_chromium_path``."""

    def launch_options(self, headless: bool, executable: Path | None) -> dict[str, Any]:
        """See ``playwright.config.launch_options``."""

    def context_options(self, *, timezone_id: str = ...) -> dict[str, Any]:
        """See ``playwright.config.context_options``."""


@lru_cache(maxsize=1)
def load_playwright_config() -> PlaywrightConfig:
    """Load ``playwright.config.py`` once per process and return it as a module.

    Its name holds a dot, so ``import playwright.config`` would look for a submodule of
    the ``playwright`` package: it is loaded from its path instead. It is registered in
    ``sys.modules`` so the robot and the tests share one module (and one cache).
    """
    name = "billing_robot_playwright_config"
    if name in sys.modules:
        return cast(PlaywrightConfig, sys.modules[name])
    spec = importlib.util.spec_from_file_location(name, CONFIG_FILE)
    if spec is None or spec.loader is None or not CONFIG_FILE.is_file():
        raise ConfigError(f"{CONFIG_FILE} is missing: run the robot from a source checkout")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return cast(PlaywrightConfig, module)


def resolve_executable(settings: Settings) -> Path:
    """Return the browser binary to launch, or raise :class:`ConfigError` saying what to do."""
    configured = settings.browser_executable
    if configured is not None and not (configured.is_file() and os.access(configured, os.X_OK)):
        raise ConfigError(
            f"{env_var_name('browser_executable')}: no executable file at {configured}"
        )
    config = load_playwright_config()
    found = config.find_browser_executable(configured)
    if found is None:
        raise ConfigError(config.BROWSER_MISSING_HELP)
    return found


class BrowserRuntime:
    """One Playwright and one Chromium (launched, or joined) for the thread that enters it.

    Use as a context manager; :meth:`new_context` gives each worker its own isolated
    context with the settings' timeouts. Pass ``playwright`` to reuse a running instance
    (pytest-playwright's ``playwright`` fixture): the sync API allows only one per thread.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        playwright: Playwright | None = None,
        shareable: bool = False,
        connect_to: str | None = None,
    ) -> None:
        """Prepare (not start) a runtime for ``settings``.

        ``shareable`` launches the browser with a local DevTools endpoint
        (:attr:`cdp_endpoint`) so worker threads can share it; ``connect_to`` connects to
        such an endpoint instead of launching: one browser per run, one context per worker,
        each thread with its own Playwright as the sync API requires.
        """
        self._settings = settings
        self._playwright = playwright
        self._shareable = shareable
        self._connect_to = connect_to
        self.cdp_endpoint: str | None = None
        """The DevTools endpoint of a shareable browser (set on entry)."""
        self._manager: AbstractContextManager[Playwright] | None = None
        self._browser: Browser | None = None
        self._thread = threading.get_ident()
        self._traced: set[int] = set()
        self.executable: Path | None = None
        """The binary that was launched (set on entry)."""

    def __enter__(self) -> BrowserRuntime:
        """Start Playwright if needed and launch Chromium with the shared options."""
        self._thread = threading.get_ident()
        executable = None if self._connect_to else resolve_executable(self._settings)
        if self._playwright is None:
            self._manager = sync_playwright()
            self._playwright = self._manager.__enter__()
        try:
            if self._connect_to is not None:
                self._browser = self._playwright.chromium.connect_over_cdp(
                    self._connect_to, timeout=self._settings.navigation_timeout_ms
                )
                return self
            options = load_playwright_config().launch_options(self._settings.headless, executable)
            if self._shareable:
                port = _free_port()
                # Loopback only (Chromium's default, stated so it cannot drift): the
                # endpoint controls a browser holding health data, for the run's length.
                options["args"] = [
                    *options.get("args", []),
                    f"--remote-debugging-port={port}",
                    "--remote-debugging-address=127.0.0.1",
                ]
                self.cdp_endpoint = f"http://127.0.0.1:{port}"
            self._browser = self._playwright.chromium.launch(**options)
        except BaseException:
            self._stop_playwright()
            raise
        self.executable = executable
        _log.info("browser_started", executable=str(executable), version=self._browser.version)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close the browser (and its contexts) and stop Playwright if we started it."""
        try:
            if self._browser is not None:
                self._browser.close()
        finally:
            self._browser = None
            self._stop_playwright()

    def _stop_playwright(self) -> None:
        if self._manager is not None:
            self._manager.__exit__(None, None, None)
            self._manager = None
            self._playwright = None

    @property
    def browser(self) -> Browser:
        """The launched browser (only inside the ``with`` block)."""
        if self._browser is None:
            raise RuntimeError("BrowserRuntime is not started: use it in a `with` block")
        if threading.get_ident() != self._thread:
            raise RuntimeError(
                "Playwright's sync API is bound to one thread: give each worker thread "
                "its own BrowserRuntime"
            )
        return self._browser

    def new_context(self, storage_state: Path | None = None) -> BrowserContext:
        """Open an isolated context (a worker's cookies and tabs), optionally logged in.

        ``storage_state`` is a file saved by :class:`SessionStore`; a missing file is
        ignored (the flow logs in instead).
        """
        config = load_playwright_config()
        options = config.context_options(timezone_id=self._settings.practice_timezone)
        if storage_state is not None and storage_state.is_file():
            options["storage_state"] = str(storage_state)
        context = self.browser.new_context(**options)
        context.set_default_timeout(self._settings.action_timeout_ms)
        context.set_default_navigation_timeout(self._settings.navigation_timeout_ms)
        if config.TRACE_ON_FAILURE:
            options = config.TRACING_OPTIONS
            context.tracing.start(
                screenshots=options.get("screenshots", True),
                snapshots=options.get("snapshots", True),
                sources=options.get("sources", False),
            )
            self._traced.add(id(context))
        return context

    def start_item_trace(self, context: BrowserContext) -> None:
        """Begin a trace chunk for one work item (no-op when tracing is off)."""
        if id(context) in self._traced:
            context.tracing.start_chunk()

    def end_item_trace(self, context: BrowserContext, keep_at: Path | None) -> Path | None:
        """End the item's trace chunk: save it owner-only at ``keep_at``, or discard it."""
        if id(context) not in self._traced:
            return None
        if keep_at is None:
            context.tracing.stop_chunk()
            return None
        context.tracing.stop_chunk(path=str(keep_at))
        keep_at.chmod(0o600)  # inside a 0700 item folder; tighten the file as well
        return keep_at


def _free_port() -> int:
    # The OS picks a free loopback port; Chromium binds it a moment later. The window in
    # between is tiny and a clash fails the launch loudly rather than silently.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class SessionStore:
    """Per-worker saved logins (Playwright storage state), readable by the owner only.

    One file per worker holds the cookies of every site that worker logged in to, so a
    worker logs in once per site and a later run can start logged in.
    """

    def __init__(self, directory: Path) -> None:
        """Use (and create, mode 0700) ``directory`` for the state files."""
        self.directory = directory
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        directory.chmod(0o700)  # mkdir's mode is masked by the umask; make sure

    def path(self, worker: str) -> Path:
        """Return the state file for ``worker`` (it may not exist yet)."""
        return self.directory / f"{_UNSAFE.sub('_', worker)}.json"

    def load(self, worker: str) -> Path | None:
        """Return the worker's saved state file, or ``None`` when there is none."""
        path = self.path(worker)
        return path if path.is_file() else None

    def save(self, context: BrowserContext, worker: str) -> Path:
        """Write the context's current storage state for ``worker`` (0600, atomically)."""
        path = self.path(worker)
        temporary = path.with_suffix(".tmp")
        data = json.dumps(context.storage_state()).encode("utf-8")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.fchmod(fd, 0o600)
            os.write(fd, data)
        finally:
            os.close(fd)
        # Replace in one step so a crash never leaves a half-written state file.
        temporary.replace(path)
        return path

    def clear(self, worker: str) -> None:
        """Forget the worker's saved state (e.g. after the site rejected it)."""
        self.path(worker).unlink(missing_ok=True)


def ensure_logged_in(
    page: Page,
    site: str,
    *,
    is_login_page: IsLoginPage,
    login: LoginHook,
    after_login: Callable[[], None] | None = None,
) -> bool:
    """Log in to ``site`` if ``page`` shows its login form; return True if it did.

    Call it after opening a site and whenever a step may have been redirected to the
    login page mid-run (an expired session). When it returns True the page is no longer
    where the flow left it: replay the unit from its known URL. ``after_login`` runs after
    a successful login, typically ``lambda: store.save(context, worker)``.
    """
    if not is_login_page(page):
        return False
    _log.info("logging_in", site=site)
    login(page, site)
    if after_login is not None:
        after_login()
    return True
