"""The browser: one Chromium per runtime (a worker thread's), contexts, copied logins.

Launch and context options come from :mod:`robot.browser_options` (the one source, which
``playwright.config.py`` re-exports); the executable only from the settings
(``browser_executable``) or, unset, from discovery. Logging in is a page-object action
driven by the flows' site gateways; this module only offers the mechanics: a runtime
that starts Chromium and hands out contexts. Logins are never saved to disk: a file of
session cookies is a credential lying in the runs folder. They are copied in memory
instead (:data:`Logins`): the pre-flight logs in once per site and run, and every other
context of the run starts from a copy of those sessions.

Playwright's sync API ties every object to the thread that started it: a
:class:`BrowserRuntime` belongs to the thread that entered it, so worker *threads* each
need their own runtime, and each launches its own Chromium. Sharing one browser between
threads is only possible over the DevTools protocol (``connect_over_cdp``), and measured
it cost more than it saved: a driver that joins over it attaches to every page in the
browser, the other workers' too, so each of those pages is watched twice (about twice
the CPU per request against the real apps; the figures are in the README, "How many
workers"). It also left a debugging port open on loopback for the run's length.
"""

from __future__ import annotations

import os
import threading
from contextlib import AbstractContextManager
from pathlib import Path
from types import TracebackType

from playwright.sync_api import Browser, BrowserContext, Playwright, StorageState, sync_playwright

from robot import browser_options
from robot.errors import ConfigError
from robot.logging import get_logger
from robot.settings import Settings, env_var_name

__all__ = ["BrowserRuntime", "Logins", "resolve_executable"]

_log = get_logger("robot.browser")

Logins = StorageState
"""A context's sessions (cookies and storage), copied in memory: a credential, never
written to a file or a log. Take it with ``context.storage_state()`` on the context's
own thread; it is plain data, so any thread's runtime can open a context with it."""


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
    """One Playwright and one launched Chromium for the thread that enters it.

    Use as a context manager; :meth:`new_context` gives each worker its own isolated
    context with the settings' timeouts. Pass ``playwright`` to reuse a running instance
    (pytest-playwright's ``playwright`` fixture): the sync API allows only one per thread.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        playwright: Playwright | None = None,
    ) -> None:
        """Prepare (not start) a runtime for ``settings``."""
        self._settings = settings
        self._playwright = playwright
        self._manager: AbstractContextManager[Playwright] | None = None
        self._browser: Browser | None = None
        self._thread = threading.get_ident()

    def __enter__(self) -> BrowserRuntime:
        """Start Playwright if needed and launch Chromium with the shared options."""
        self._thread = threading.get_ident()
        executable = resolve_executable(self._settings)
        if self._playwright is None:
            self._manager = sync_playwright()
            self._playwright = self._manager.__enter__()
        try:
            options = browser_options.launch_options(self._settings.headless, executable)
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

    def new_context(self, logins: Logins | None = None) -> BrowserContext:
        """Open an isolated context (a worker's cookies and tabs), with the settings' timeouts.

        ``logins``: sessions the new context carries on (another context's
        ``storage_state()``), so the apps do not see a login again.
        """
        options = browser_options.context_options(timezone_id=self._settings.practice_timezone)
        if logins is not None:
            options["storage_state"] = logins
        context = self.browser.new_context(**options)
        context.set_default_timeout(self._settings.action_timeout_ms)
        context.set_default_navigation_timeout(self._settings.navigation_timeout_ms)
        return context

