"""One worker: a browser context with a tab per site, its site gateways, and the run's tools.

A batch runs several workers, each on its own thread with its own context; a supervised
run has one. Everything a process needs to act safely hangs off the worker: the site
gateways (``worker.intercom``, ``worker.headway``, ``worker.ruh``, ``worker.sheet``),
the commit gate and ledger, the run folder for evidence, the retry policy, the item
tracer, and "today" (passed in, never read from a clock inside a flow, so a rehearsal of
last week's batch decides exactly as that batch did).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from playwright.sync_api import BrowserContext, Page, Request

from flows.sites import (
    HeadwayGateway,
    IntercomGateway,
    ProgramsSheetGateway,
    RuhPlatformGateway,
    SiteGateway,
)
from flows.sites.base import open_site_tab
from robot.audit import RunFolder
from robot.gate import CommitGate, Evidence
from robot.ledger import Ledger
from robot.retry import policy_from_settings, run_with_retry
from robot.settings import SITE_NAMES, Settings, SiteName
from robot.tracing import ItemTracer

T = TypeVar("T")


@dataclass
class Worker:
    """Logged-in browser tabs (one per site) plus the run's gate, evidence and retry policy.

    A tab per site, not one tab going back and forth: a request moves between the apps
    several times (Intercom, Headway, Intercom again), and with one tab every return was
    a whole document load of a page the robot had just left. Each tab now stays on its
    app, so a return finds the page as the app last drew it (see ``SiteGateway.visit``).
    """

    name: str
    context: BrowserContext
    settings: Settings
    gate: CommitGate
    run: RunFolder
    today: date
    tabs: dict[SiteName, Page] = field(init=False, default_factory=dict)
    """Each site's tab, opened on the first visit to that site."""
    tracer: ItemTracer = field(init=False)
    intercom: IntercomGateway = field(init=False)
    headway: HeadwayGateway = field(init=False)
    ruh: RuhPlatformGateway = field(init=False)
    sheet: ProgramsSheetGateway = field(init=False)
    last_site: SiteName | None = field(init=False, default=None)
    """The site the tab went to last: where a run of failures points."""
    loads: Counter[str] = field(init=False, default_factory=Counter)
    """Documents and fetch/XHR calls the tabs made, and retried units of work, since the
    last ``take_loads``."""
    shown: dict[SiteName, tuple[str, str]] = field(init=False, default_factory=dict)
    """Per site: (address asked for, address reached) of the page its tab shows as the
    app drew it, with nothing typed and unsent; no entry when the next visit must load
    afresh."""

    def __post_init__(self) -> None:
        """Arm the tracer and build the gateways; tabs open on first use."""
        self.tracer = ItemTracer(self.context, self._credentials)
        configured = [site for site in SITE_NAMES if getattr(self.settings, site) is not None]
        # A gateway exists for each configured site; a process that needs one that is not
        # configured was refused at start-up (run plan), before any click.
        if "intercom" in configured:
            self.intercom = IntercomGateway(self)
        if "headway" in configured:
            self.headway = HeadwayGateway(self)
        if "ruh_platform" in configured:
            self.ruh = RuhPlatformGateway(self)
        if "programs_sheet" in configured:
            self.sheet = ProgramsSheetGateway(self)

    def start_afresh(self, context: BrowserContext) -> None:
        """Work on in ``context`` (a new one) and close the old: between items only.

        A context keeps every request it made until it is closed (Playwright's driver
        and the Python side both hold them), and the apps' tabs grow as they are used:
        over a long batch that was several MB per item. So a worker moves to a fresh
        context every ``items_per_context`` items, opened with the old one's sessions
        (``BrowserRuntime.new_context(logins)``); its tabs open again on first
        use. A session that expired meanwhile asks for a login as it would anyway.
        """
        old = self.context
        self.context = context
        self.tabs.clear()
        self.shown.clear()
        self.last_site = None
        self.tracer = ItemTracer(context, self._credentials)
        old.close()

    def tab(self, site: SiteName) -> Page:
        """``site``'s tab, opened (and watched) on first use."""
        page = self.tabs.get(site)
        if page is None:
            page = self.tabs[site] = open_site_tab(self.context, site)
            # What each item costs in page loads (the benchmark and the log read it).
            page.on("request", self._count_load)
        return page

    @property
    def page(self) -> Page:
        """The tab of the site the worker went to last: what a screenshot shows."""
        if self.last_site is not None:
            return self.tab(self.last_site)
        return next(iter(self.tabs.values()), None) or self.tab("intercom")

    @property
    def ledger(self) -> Ledger:
        """The run's ledger."""
        return self.gate.ledger

    def gateway(self, site: SiteName) -> SiteGateway:
        """The gateway of ``site``."""
        gateways: dict[SiteName, SiteGateway] = {
            "intercom": self.intercom,
            "headway": self.headway,
            "ruh_platform": self.ruh,
            "programs_sheet": self.sheet,
        }
        return gateways[site]

    def last_site_title(self) -> str:
        """The name of the site the tab went to last ("a site" before any)."""
        return self.gateway(self.last_site).title if self.last_site else "a site"

    def preflight(self, sites: Iterable[SiteName]) -> None:
        """Log in to every site the run will use (read-only) before anything is clicked.

        Worker 0 runs it for the whole run; the other workers start from copies of its
        sessions. Under the retry policy like any read: a login page that loads slowly
        (the real apps take seconds) is a fault of the moment, not a reason to stop the
        run. A refused login (``AuthError``) is never retried.
        """
        for site in sites:
            self.retry(f"preflight-{site}", self.gateway(site).check_login)

    def evidence(self, item_id: str) -> Evidence:
        """Screenshots of this worker's tab into ``item_id``'s folder."""
        return self.run.evidence(self.page, item_id)

    def forget_page(self) -> None:
        """A tab may show unsent input or an error: every next visit loads its page afresh."""
        self.shown.clear()

    def retry(self, operation: str, unit: Callable[[], T]) -> T:
        """Run one unit of work under the retry policy; it must start from a known page.

        A second attempt starts the item's trace: what a failure needs is a record of
        the attempts that failed, and nothing is recorded while all goes well.
        """
        attempts = 0

        def attempt() -> T:
            nonlocal attempts
            attempts += 1
            if attempts > 1:
                self.tracer.record_from_here()
                # A retry starts from pages loaded afresh: the item's load count says why.
                self.loads["retry"] += 1
            try:
                return unit()
            except BaseException:
                # Whatever the tab shows after a failure is not to be trusted: a retry
                # starts from a page loaded afresh, never from what the error left.
                self.forget_page()
                raise

        return run_with_retry(attempt, policy_from_settings(self.settings, operation=operation))

    def take_loads(self) -> dict[str, int]:
        """The documents, fetches and retries counted since the last call, and start again."""
        counted = {
            "documents": self.loads["document"],
            "fetches": self.loads["fetch"],
            "retries": self.loads["retry"],
        }
        self.loads.clear()
        return counted

    def _count_load(self, request: Request) -> None:
        kind = request.resource_type
        if kind == "document" and request.frame.parent_frame is None:
            self.loads["document"] += 1
        elif kind in ("xhr", "fetch"):
            self.loads["fetch"] += 1

    def _credentials(self) -> list[str]:
        # What a kept trace must never show: every configured login.
        values: list[str] = []
        for site in SITE_NAMES:
            configured = getattr(self.settings, site)
            if configured is not None:
                values += [configured.username, configured.password.get_secret_value()]
        return values
