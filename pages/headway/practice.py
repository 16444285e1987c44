"""Headway's practice-wide pages: Patients (insurance status) and Payments (payouts)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal, InvalidOperation

from playwright.sync_api import Page

from pages.headway._common import SITE
from pages.headway.text import parse_clock, parse_iso_date
from pages.shell import require
from pages.widgets import read_whole_list, rows_of


@dataclass(frozen=True)
class PatientRow:
    """A row of the Patients table."""

    name: str
    email: str
    provider: str
    insurer: str
    insurance_verified: bool
    payment_on_file: bool


@dataclass(frozen=True)
class PayoutRow:
    """A row of the Payments table: one confirmed session and its payout.

    ``status``: "Paid" (on or before the expected date), "Paid late", "Pending" (not due
    yet) or "Missing" (due and not paid); ``paid_on`` is None until it is paid.
    """

    session_date: date | None
    session_start: time | None
    provider: str
    client_name: str
    cpt_codes: tuple[str, ...]
    confirmed_on: date | None
    expected_payout: date | None
    status: str = ""
    paid_on: date | None = None
    amount: Decimal | None = None


class _PracticeList:
    """A practice-wide list of Headway's: a card with a table that grows by "Show more"."""

    table_name = ""
    region_name = ""

    def __init__(self, page: Page, base_url: str) -> None:
        """Bind to ``page``; ``base_url`` is Headway's origin."""
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.table = page.get_by_role("table", name=self.table_name, exact=True)
        self.region = page.get_by_role("region", name=self.region_name, exact=True)

    def _rows(self) -> list[list[str]]:
        require(self.page, self.table, site=SITE, screen=self.table_name)

        return read_whole_list(self.region, self.table, lambda: rows_of(self.table))


class HeadwayPatientsPage(_PracticeList):
    """``/patients``: every client, with insurance and payment-method status."""

    table_name = "Patients"
    region_name = "All patients"

    def patients(self) -> list[PatientRow]:
        """Every patient, the list read to its end (it shows 25 at a time)."""
        return [
            PatientRow(
                name=cells[0],
                email=cells[1],
                provider=cells[2],
                insurer=cells[3],
                insurance_verified=cells[4] == "Verified",
                payment_on_file=cells[5] == "On file",
            )
            for cells in self._rows()
        ]


class HeadwayPaymentsPage(_PracticeList):
    """``/payments`` (admins only): confirmed sessions and their payouts."""

    table_name = "Payments"
    region_name = "Payouts"

    def payments(self) -> list[PayoutRow]:
        """Every confirmed session's payout, newest session first, read to the end."""
        rows = []
        for cells in self._rows():
            day, _, start = cells[0].partition(" ")
            rows.append(
                PayoutRow(
                    session_date=parse_iso_date(day),
                    session_start=parse_clock(start),
                    provider=cells[1],
                    client_name=cells[2],
                    cpt_codes=tuple(re.findall(r"\b\d{5}\b", cells[3])),
                    confirmed_on=parse_iso_date(cells[4]),
                    expected_payout=parse_iso_date(cells[5]),
                    status=cells[6],
                    paid_on=parse_iso_date(cells[7]),
                    amount=_money(cells[8]),
                )
            )
        return rows


def _money(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace("$", "").replace(",", "").strip())
    except InvalidOperation:
        return None
