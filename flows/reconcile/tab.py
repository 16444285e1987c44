"""Browser tabs that can only read: three site gateways, the retry policy, no commit gate.

A reconciliation changes nothing anywhere. It has no :class:`robot.gate.CommitGate` and
no ledger, so no irreversible step can run through it; what it clicks are links, tabs,
"Show more" and the search box.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final, TypeVar

from playwright.sync_api import BrowserContext, Page

from flows.sites import HeadwayGateway, IntercomGateway, RuhPlatformGateway, SiteGateway
from flows.sites.base import open_site_tab
from robot.retry import policy_from_settings, run_with_retry
from robot.settings import Settings, SiteName
from robot.tracing import ItemTracer

T = TypeVar("T")

SITES: Final[tuple[SiteName, ...]] = ("intercom", "headway", "ruh_platform")
"""The sites a reconciliation reads (the Programs Sheet holds nothing it checks)."""


@dataclass
class ReadingTab:
    """The logged-in tabs of a reconciliation (one per site) and its gateways."""

    context: BrowserContext
    settings: Settings
    name: str = "reconcile"
    tabs: dict[SiteName, Page] = field(init=False, default_factory=dict)
    """Each site's tab, opened on first use (as a worker's)."""
    tracer: ItemTracer = field(init=False)
    last_site: SiteName | None = field(init=False, default=None)
    """The site the tab went to last: the one to name when reading fails."""
    shown: dict[SiteName, tuple[str, str]] = field(init=False, default_factory=dict)
    """The page the tab shows as the app drew it (a reconciliation only reads)."""
    intercom: IntercomGateway = field(init=False)
    headway: HeadwayGateway = field(init=False)
    ruh: RuhPlatformGateway = field(init=False)

    def __post_init__(self) -> None:
        """Build the gateways and the (disabled) tracer; tabs open on first use."""
        # Nothing is traced: a reconciliation has no item whose failure a trace explains,
        # and an unrecorded tab can hold no login.
        self.tracer = ItemTracer(self.context, list, enabled=False)
        self.intercom = IntercomGateway(self)
        self.headway = HeadwayGateway(self)
        self.ruh = RuhPlatformGateway(self)

    def tab(self, site: SiteName) -> Page:
        """``site``'s tab; Intercom's dismisses its popups whenever they cover it."""
        page = self.tabs.get(site)
        if page is None:
            page = self.tabs[site] = open_site_tab(self.context, site)
        return page

    def gateway(self, site: SiteName) -> SiteGateway:
        """The gateway of ``site`` (one of :data:`SITES`)."""
        gateways: dict[SiteName, SiteGateway] = {
            "intercom": self.intercom,
            "headway": self.headway,
            "ruh_platform": self.ruh,
        }
        return gateways[site]

    def site_title(self) -> str:
        """The name of the site the tab went to last ("a site" before any)."""
        return self.gateway(self.last_site).title if self.last_site else "a site"

    def preflight(self) -> None:
        """Log in to every site read, as a run's pre-flight does, before reading anything."""
        for site in SITES:
            self.gateway(site).check_login()

    def retry(self, operation: str, unit: Callable[[], T]) -> T:
        """Run one unit of reading under the retry policy; it starts from a known page.

        After a failure no tab is trusted: the next attempt loads its pages afresh.
        """

        def attempt() -> T:
            try:
                return unit()
            except BaseException:
                self.shown.clear()
                raise

        return run_with_retry(attempt, policy_from_settings(self.settings, operation=operation))
