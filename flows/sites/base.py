"""What every site gateway shares: where the app lives, logging in, getting to a page.

A gateway is the flows' one door to a web app. It owns the app's base URL (from the
settings), its login and re-login, and the way to a record; it hands back page objects.
Flows never build URLs, never log in and never read site settings themselves.
"""

from __future__ import annotations

from typing import ClassVar, Protocol

from playwright.sync_api import BrowserContext, Page, Request, Response
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from pages.intercom.popup import handle_popups
from pages.login import LoginPage
from pages.shell import wait_until_loaded
from pages.touch import act
from robot.errors import AuthError, TransientError
from robot.logging import get_logger
from robot.settings import Settings, SiteName, SiteSettings, env_var_name
from robot.tracing import ItemTracer

_log = get_logger("flows.sites")


class Tab(Protocol):
    """What a gateway works through: a worker's tabs, settings and tracer."""

    name: str
    settings: Settings
    tracer: ItemTracer
    last_site: SiteName | None
    """Set by the gateway on every visit: where a run of failures points."""
    shown: dict[SiteName, tuple[str, str]]
    """Set by a reusable visit: the page a site's tab shows, clean (see ``visit``)."""

    def tab(self, site: SiteName) -> Page:
        """The browser tab that ``site``'s pages are opened in."""
        ...


def open_site_tab(context: BrowserContext, site: SiteName) -> Page:
    """A new tab for ``site``'s pages (a worker and a reconciliation keep one per site).

    Intercom's popups can cover any of its pages right after a login: on its tab,
    Playwright dismisses them whenever one stands in the way of an action. Only that tab
    carries the handlers, because each is checked before every action on its tab.
    """
    page = context.new_page()
    if site == "intercom":
        handle_popups(page)
    return page


class SiteGateway:
    """One web app, as one worker's tab reaches it."""

    site: ClassVar[SiteName]
    """The settings name of the app."""
    title: ClassVar[str]
    """The app's name in messages ("Intercom")."""
    start_path: ClassVar[str] = "/"
    """The page a logged-in user lands on; the pre-flight opens it."""

    def __init__(self, worker: Tab) -> None:
        """Serve ``worker``'s tab with the settings of this gateway's site."""
        self._worker = worker
        self.settings: SiteSettings = worker.settings.site(self.site)

    @property
    def page(self) -> Page:
        """The tab this app is opened in."""
        return self._worker.tab(self.site)

    @property
    def base_url(self) -> str:
        """The app's origin, from the settings."""
        return self.settings.base_url

    def url(self, path: str) -> str:
        """The absolute address of ``path`` on this app."""
        return self.settings.url(path)

    def visit(self, path: str, *, reuse: bool = False) -> Page:
        """Load ``path``, logging in first if the app asks; fail transiently on an error page.

        A page that did not load properly (a 5xx or 4xx answer, no answer, the app's own
        error state) is a fault of the moment, never a verdict about the data: it raises
        :class:`TransientError`, and the step's retry starts again from here.

        ``reuse``: a record's own page (a conversation) that the app's tab already shows,
        as the app drew it after this robot's last read or commit there in this item, is
        not loaded again: a single-page app shows its server's answer after each save,
        and a reload costs a whole document. Never after an error, a rehearsed or
        skipped step (unsent input), or at the start of an item: the worker forgets its
        pages then (``forget_page``).
        """
        self._worker.last_site = self.site
        target = self.url(path)
        if reuse and self._worker.shown.get(self.site) == (target, self.page.url):
            wait_until_loaded(self.page, site=self.title, screen=path)
            return self.page
        self._worker.shown.pop(self.site, None)
        response = act(self.page).goto(target)
        if self._showing_login():
            response = self._log_in_and_land(target)
        self._check_answer(response, path)
        wait_until_loaded(self.page, site=self.title, screen=path)
        if reuse:
            self._worker.shown[self.site] = (target, self.page.url)
        return self.page

    def visit_current(self) -> Page:
        """Go on from the page this app's tab shows (check ``shows_a_clean_page`` first)."""
        self._worker.last_site = self.site
        wait_until_loaded(self.page, site=self.title, screen="page it shows")
        return self.page

    def shows_a_clean_page(self) -> bool:
        """True when this app's tab shows a page as the app drew it, nothing unsent.

        That is: a reusable visit in this item led there, and no error, rehearsal or
        skip happened since (each makes the worker forget its pages).
        """
        return self.site in self._worker.shown

    def route(self, name: str, **parts: str) -> str:
        """The path of one of the app's stable deep links (templates in the settings)."""
        return self.settings.route(self.site, name, **parts)

    def check_login(self) -> None:
        """The pre-flight: open the start page, logging in if needed (read-only)."""
        self.visit(self.start_path)
        _log.info("preflight_ok", site=self.site, worker=self._worker.name)

    def log_in(self) -> None:
        """Fill and submit the login form, outside any recorded trace.

        Raises :class:`AuthError` when the app rejects the credentials: never retried, a
        rejected password stays rejected and retrying may lock the account.
        """
        login = LoginPage(self.page, self.base_url)
        with self._worker.tracer.paused():
            if not login.is_showing():
                login.open()
            result = login.log_in(self.settings.username, self.settings.password.get_secret_value())
        if not result.ok:
            fields = " and ".join(env_var_name(self.site, f) for f in ("username", "password"))
            raise AuthError(
                f"{self.title} rejected the robot's login "
                f"({result.message or 'no reason given'}): check {fields}"
            )
        _log.info("logged_in", site=self.site, worker=self._worker.name)

    def _log_in_and_land(self, target: str) -> Response | None:
        """Log in from the login page the app sent us to; return ``target``'s answer.

        The login form sends the browser on to the page that asked for it, so that page
        is usually loaded already: loading it again cost a document per app and worker
        (four per run at the pre-flight). Its answer is kept for the usual status check;
        a login that lands anywhere else goes to ``target`` as before.
        """
        logged_in = False
        try:
            with self.page.expect_response(_is_a_page_load) as landing:
                self.log_in()
                logged_in = True
        except PlaywrightTimeoutError:
            if not logged_in:
                raise  # the login itself timed out: a fault of the moment, as before
            # Logged in without loading a page (a login drawn by script): go there.
            return act(self.page).goto(target)
        if _answers(landing.value, target):
            return landing.value
        return act(self.page).goto(target)

    def _showing_login(self) -> bool:
        return LoginPage(self.page, self.base_url).is_showing()

    def _check_answer(self, response: Response | None, path: str) -> None:
        if response is None:
            return  # same-document navigation: nothing was fetched, nothing to check
        if response.status >= 400:
            raise TransientError(f"{self.title} answered {response.status} for {path}")
        if self._showing_login():
            raise TransientError(f"{self.title} still shows its login page after logging in")


def _is_a_page_load(response: Response) -> bool:
    """A document the tab itself loaded (not a redirect on the way, not a frame's)."""
    request = response.request
    return (
        request.is_navigation_request()
        and request.frame.parent_frame is None
        and not 300 <= response.status < 400
    )


def _answers(response: Response, target: str) -> bool:
    """True when ``response`` is ``target``'s answer, at the end of any redirects from it.

    An app's start page may send the browser on ("/" to "/clients"): landing there after
    the login is the same answer a fresh load of ``target`` gives.
    """
    request: Request | None = response.request
    while request is not None:
        if request.url == target:
            return True
        request = request.redirected_from
    return False
