"""How the Ruh Platform writes dates, times and money, and what its pages share."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal

from playwright.sync_api import Locator

from pages.shell import not_busy, require
from pages.touch import act
from pages.widgets import Where, read_whole_list, rows_of

SITE = "Ruh Platform"
CREATE_INVOICE_ENDPOINT = re.compile(r"^/api/clients/[^/]+/invoices$")
SAVE_INVOICE_ENDPOINT = re.compile(r"^/api/invoices/[^/]+$")
CHARGE_ENDPOINT = re.compile(r"^/api/invoices/[^/]+/charges$")
REFUND_ENDPOINT = re.compile(r"^/api/payments/[^/]+/refunds$")


def where(screen: str) -> Where:
    """The Ruh Platform's ``screen`` (for ControlNotFound)."""
    return Where(SITE, screen)


def parse_date(text: str) -> date:
    """``Nov 8, 2026`` -> ``date(2026, 11, 8)``."""
    return datetime.strptime(text.strip(), "%b %d, %Y").date()


def parse_time_zone(text: str) -> tuple[time, str]:
    """``2:00 PM EST`` -> ``(time(14, 0), "EST")``."""
    clock, _, zone = text.strip().rpartition(" ")
    return datetime.strptime(clock, "%I:%M %p").time(), zone


def parse_money(text: str) -> Decimal:
    """``$1,150.00`` -> ``Decimal("1150.00")``; ``-$150.00`` -> ``Decimal("-150.00")``."""
    cleaned = text.strip().replace("$", "").replace(",", "")
    return Decimal(cleaned)


def optional(text: str) -> str | None:
    """The platform's dash for "nothing" as None."""
    value = text.strip()
    return None if value in ("", "—", "-") else value


def list_region(table: Locator) -> Locator:
    """The card holding ``table`` and its pager."""
    return table.page.get_by_role("region").filter(has=table)


def table_rows(table: Locator, *, screen: str) -> list[list[str]]:
    """Every body row of a paged list as cell texts, read page by page to the end."""
    require(table.page, table, site=SITE, screen=screen)

    return read_whole_list(list_region(table), table, lambda: rows_of(table))


def show_row(table: Locator, row: Locator, *, screen: str) -> bool:
    """Page the list until ``row`` is on screen (from page 1); False if it is on none."""
    require(table.page, table, site=SITE, screen=screen)
    region = list_region(table)
    loaded = not_busy(table)
    loaded.wait_for()
    if row.count():
        return True
    previous = region.get_by_role("button", name="Previous page", exact=True)
    following = region.get_by_role("button", name="Next page", exact=True)
    while previous.count() and previous.is_enabled():
        act(previous).click()
        loaded.wait_for()
    while not row.count():
        if not following.count() or not following.is_enabled():
            return False
        act(following).click()
        loaded.wait_for()
    return True


def path_part(url: str, after: str) -> str:
    """The URL path segment following ``after`` (``/clients/<id>`` -> ``<id>``)."""
    match = re.search(rf"/{re.escape(after)}/([^/?#]+)", url)
    if match is None:
        raise ValueError(f"no /{after}/ segment in the current URL")
    return match.group(1)
