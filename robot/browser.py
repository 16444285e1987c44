"""The browser: one Chromium per runtime, one context per worker, saved logins.

Launch and context options come from :mod:`robot.browser_options` (the one source, which
``playwright.config.py`` re-exports); the executable only from the settings
(``browser_executable``) or, unset, from discovery. Logging in is a page-object action
driven by the flows' site gateways; this module only offers the mechanics: a runtime
that starts Chromium and hands out contexts. Logins are never saved to disk: a file of
session cookies is a credential lying in the runs folder, and logging in once per site
per worker and run costs a second.

Playwright's sync API ties every object to the thread that started it: a
:class:`BrowserRuntime` belongs to the thread that entered it, so worker *threads* each
need their own runtime (a worker process has its own anyway).
"""

from __future__ import annotations

import os
import socket
import threading
from contextlib import AbstractContextManager
from pathlib import Path
from types import TracebackType

from playwright.sync_api import Browser, BrowserContext, Playwright, sync_playwright

from robot import browser_options
from robot.errors import ConfigError
from robot.logging import get_logger
from robot.settings import Settings, env_var_name

__all__ = ["BrowserRuntime", "resolve_executable"]

_log = get_logger("robot.browser")


def resolve_executable(settings: Settings) -> Path:
    """Return the browser binary to launch, or raise :class:`ConfigError` saying what to do."""
    configured = settings.browser_executable
    if configured is not None and not (configured.is_file() and os.access(configured, os.X_OK)):
        raise ConfigError(
            f"{env_var_name('browser_executable')}: no executable file at {configured}"
        )
    found = browser_options.find_browser_executable(configured, headless=settings.headless)
    if found is None:
        raise ConfigError(browser_options.BROWSER_MISSING_HELP)
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
            options = browser_options.launch_options(self._settings.headless, executable)
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
        _log.info("browser_started", version=self._browser.version)
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

    def new_context(self, sessions_of: BrowserContext | None = None) -> BrowserContext:
        """Open an isolated context (a worker's cookies and tabs), with the settings' timeouts.

        ``sessions_of``: a context whose logins the new one carries on (its cookies and
        storage, copied in memory, never to a file), so the apps do not see a login again.
        """
        options = browser_options.context_options(timezone_id=self._settings.practice_timezone)
        if sessions_of is not None:
            options["storage_state"] = sessions_of.storage_state()
        context = self.browser.new_context(**options)
        context.set_default_timeout(self._settings.action_timeout_ms)
        context.set_default_navigation_timeout(self._settings.navigation_timeout_ms)
        return context


def _free_port() -> int:
    # The OS picks a free loopback port; Chromium binds it a moment later. The window in
    # between is tiny and a clash fails the launch loudly rather than silently.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
