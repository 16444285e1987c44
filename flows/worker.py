"""One worker: a browser context with one tab, logged in once per site, and its tools.

A batch runs several workers, each on its own thread with its own context; a supervised
run has one. Everything a flow needs to act safely hangs off the worker: the tab, the
site URLs and logins, the commit gate, the run folder for evidence, the retry policy and
"today" (passed in, never read from a clock inside a flow, so a rehearsal of last week's
batch decides exactly as that batch did).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from playwright.sync_api import BrowserContext, Page

from pages.intercom.popup import handle_whats_new
from pages.login import LoginPage
from robot.audit import RunFolder
from robot.browser import BrowserRuntime, SessionStore, ensure_logged_in
from robot.errors import AuthError
from robot.gate import CommitGate, Evidence
from robot.logging import get_logger
from robot.retry import policy_from_settings, run_with_retry
from robot.settings import Settings, SiteName

T = TypeVar("T")

_log = get_logger("flows.worker")


@dataclass
class Worker:
    """A logged-in browser tab plus the run's gate, evidence folder and retry policy."""

    name: str
    context: BrowserContext
    settings: Settings
    gate: CommitGate
    run: RunFolder
    today: date
    store: SessionStore | None = None
    runtime: BrowserRuntime | None = None
    """The runtime that opened ``context`` (it keeps a failed item's trace)."""
    page: Page = field(init=False)

    def __post_init__(self) -> None:
        """Open the worker's tab and arm the handler for Intercom's "What's new" popup."""
        self.page = self.context.new_page()
        # The popup can cover any page right after a login: Playwright dismisses it
        # whenever it stands in the way of an action, wherever the flow is.
        handle_whats_new(self.page)

    def url(self, site: SiteName, path: str = "/") -> str:
        """The absolute URL of ``path`` on ``site``."""
        return self.settings.site(site).url(path)

    def open(self, site: SiteName, path: str = "/") -> Page:
        """Go to ``path`` on ``site``, logging in first if the site asks (once per worker)."""
        self.page.goto(self.url(site, path))
        self.ensure_logged_in(site)
        return self.page

    def ensure_logged_in(self, site: SiteName) -> bool:
        """Log in if the tab shows ``site``'s login page (e.g. after a session expired)."""
        base_url = self.settings.site(site).base_url
        return ensure_logged_in(
            self.page,
            site,
            is_login_page=lambda page: LoginPage(page, base_url).is_showing(),
            login=lambda page, name: self._log_in(page, site),
            after_login=self._save_session,
        )

    def _log_in(self, page: Page, site: SiteName) -> None:
        credentials = self.settings.site(site)
        result = LoginPage(page, credentials.base_url).log_in(
            credentials.username, credentials.password.get_secret_value()
        )
        if not result.ok:
            # Never retried: a rejected password stays rejected, and retrying may lock
            # the account.
            raise AuthError(f"{site} rejected the robot's login: {result.message}")
        _log.info("logged_in", site=site, worker=self.name)

    def _save_session(self) -> None:
        if self.store is not None:
            self.store.save(self.context, self.name)

    def evidence(self, item_id: str) -> Evidence:
        """Screenshots of this worker's tab into ``item_id``'s folder."""
        return self.run.evidence(self.page, item_id)

    def retry(self, operation: str, unit: Callable[[], T]) -> T:
        """Run one unit of work under the retry policy; it must start from a known URL."""
        return run_with_retry(unit, policy_from_settings(self.settings, operation=operation))
