"""How the Ruh Platform writes dates, times and money, read back into values."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal

from playwright.sync_api import Locator


def parse_date(text: str) -> date:
    """``Nov 8, 2026`` -> ``date(2026, 11, 8)``."""
    return datetime.strptime(text.strip(), "%b %d, %Y").date()


def parse_time_zone(text: str) -> tuple[time, str]:
    """``2:00 PM EST`` -> ``(time(14, 0), "EST")``."""
    clock, _, zone = text.strip().rpartition(" ")
    return datetime.strptime(clock, "%I:%M %p").time(), zone


def parse_money(text: str) -> Decimal:
    """``$1,150.00`` -> ``Decimal("1150.00")``."""
    return Decimal(text.strip().replace("$", "").replace(",", ""))


def optional(text: str) -> str | None:
    """The platform's dash for "nothing" as None."""
    value = text.strip()
    return None if value in ("", "—", "-") else value


def table_rows(table: Locator) -> list[list[str]]:
    """The body rows of ``table`` as lists of cell texts (header rows have no cells)."""
    # Lists arrive after a spinner: wait for the table itself, then read it in one pass.
    table.wait_for()
    rows = table.get_by_role("row").filter(has=table.page.get_by_role("cell"))
    return [
        [text.strip() for text in row.get_by_role("cell").all_inner_texts()] for row in rows.all()
    ]


def path_part(url: str, after: str) -> str:
    """The URL path segment following ``after`` (``/clients/<id>`` -> ``<id>``)."""
    match = re.search(rf"/{re.escape(after)}/([^/?#]+)", url)
    if match is None:
        raise ValueError(f"no /{after}/ segment in the current URL")
    return match.group(1)
