"""Headway's practice-wide pages: Patients (insurance status) and Payments (payouts)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time
from typing import Self

from playwright.sync_api import Page

from pages.headway.text import parse_clock, parse_iso_date


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
    """A row of the Payments table: one confirmed session and when it will be paid."""

    session_date: date | None
    session_start: time | None
    provider: str
    client_name: str
    cpt_codes: tuple[str, ...]
    confirmed_on: date | None
    expected_payout: date | None


class HeadwayPatientsPage:
    """``/patients``: every client, with insurance and payment-method status."""

    def __init__(self, page: Page, base_url: str) -> None:
        """Bind to ``page``; ``base_url`` is Headway's origin."""
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.table = page.get_by_role("table", name="Patients", exact=True)

    def open(self) -> Self:
        """Go to the Patients page."""
        self.page.goto(f"{self.base_url}/patients")
        return self

    def patients(self) -> list[PatientRow]:
        """Every row of the table (after it has loaded)."""
        self.table.wait_for()
        rows = []
        for row in self.table.get_by_role("row").all()[1:]:
            cells = [c.strip() for c in row.get_by_role("cell").all_inner_texts()]
            if len(cells) < 6:  # the "No patients yet." row
                continue
            rows.append(
                PatientRow(
                    name=cells[0],
                    email=cells[1],
                    provider=cells[2],
                    insurer=cells[3],
                    insurance_verified=cells[4] == "Verified",
                    payment_on_file=cells[5] == "On file",
                )
            )
        return rows


class HeadwayPaymentsPage:
    """``/payments`` (admins only): confirmed sessions and their expected payout dates."""

    def __init__(self, page: Page, base_url: str) -> None:
        """Bind to ``page``; ``base_url`` is Headway's origin."""
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.table = page.get_by_role("table", name="Payments", exact=True)

    def open(self) -> Self:
        """Go to the Payments page."""
        self.page.goto(f"{self.base_url}/payments")
        return self

    def payments(self) -> list[PayoutRow]:
        """Every row of the table (after it has loaded)."""
        self.table.wait_for()
        rows = []
        for row in self.table.get_by_role("row").all()[1:]:
            cells = [c.strip() for c in row.get_by_role("cell").all_inner_texts()]
            if len(cells) < 6:  # the "No confirmed sessions yet." row
                continue
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
                )
            )
        return rows
