"""Page objects of the Programs Sheet: the "Programs" grid and its "New entry" dialog."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Self

from playwright.sync_api import Page

from pages.shell import CommitAnswer, require, submit_and_wait, text_of
from pages.touch import act
from pages.widgets import Where, cells_of, choose_option, dialog, exact

SITE = "Programs Sheet"
ADD_ROW_ENDPOINT = re.compile(r"^/d/[^/]+/api/rows$")

# People (and the procedure) write the program with a hyphen or an en/em dash.
_DASHES = "-–—"


@dataclass(frozen=True)
class ProgramSheetRow:
    """One row of the Programs grid (``row_number`` as the sheet numbers it)."""

    row_number: int
    name: str
    program: str
    session_charge: Decimal
    amount_client_will_pay: Decimal
    sessions_approved: int
    status: str


def _money(text: str) -> Decimal:
    return Decimal(text.strip().replace("$", "").replace(",", ""))


def _program_pattern(program: str) -> re.Pattern[str]:
    # Exactly this program, whichever dash each side happened to type.
    escaped = "".join(f"[{_DASHES}]" if ch in _DASHES else re.escape(ch) for ch in program)
    return re.compile(rf"^\s*{escaped}\s*$")


class ProgramsSheetPage:
    """The Programs sheet (``/d/<document>/edit``; the app's home leads there)."""

    def __init__(self, page: Page, base_url: str) -> None:
        """Bind to ``page``; ``base_url`` is the Programs Sheet's origin."""
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.grid = page.get_by_role("grid", name="Programs")
        self.new_entry_button = page.get_by_role("button", name="New entry")

    def open(self) -> Self:
        """Go to the sheet (the app's home opens the practice's document)."""
        act(self.page).goto(f"{self.base_url}/")
        require(self.page, self.grid, site=SITE, screen="Programs sheet")
        return self

    def rows(self) -> list[ProgramSheetRow]:
        """Every filled row of the sheet, top to bottom."""
        require(self.page, self.grid, site=SITE, screen="Programs sheet")
        result = []
        # Blank spreadsheet rows have no gridcells (and are hidden from the tree).
        for row in self.grid.get_by_role("row").filter(has=self.page.get_by_role("gridcell")).all():
            number = text_of(row.get_by_role("rowheader"))
            name, program, charge, willing, sessions, status = cells_of(row, role="gridcell")
            result.append(
                ProgramSheetRow(
                    row_number=int(number),
                    name=name,
                    program=program,
                    session_charge=_money(charge),
                    amount_client_will_pay=_money(willing),
                    sessions_approved=int(sessions),
                    status=status,
                )
            )
        return result

    def start_new_entry(self) -> NewEntryForm:
        """Click "New entry"."""
        require(self.page, self.new_entry_button, site=SITE, screen="Programs sheet")
        act(self.new_entry_button).click()
        return NewEntryForm(self.page, self.base_url)


class NewEntryForm:
    """The "New entry" dialog: one field per column, then "Save"."""

    def __init__(self, page: Page, base_url: str) -> None:
        """Bind to the open dialog."""
        self.page = page
        self.base_url = base_url
        self.dialog = dialog(page, "New entry")
        self.name = self.dialog.get_by_label("Name", exact=True)
        self.session_charge = self.dialog.get_by_label("Session charge", exact=True)
        self.amount_client_will_pay = self.dialog.get_by_label(
            "Amount the client is willing to pay", exact=True
        )
        self.sessions_approved = self.dialog.get_by_label("Number of sessions approved", exact=True)
        self.save_button = self.dialog.get_by_role("button", name="Save", exact=True)
        self.where = Where(SITE, "New entry dialog")
        self.last_answer: CommitAnswer | None = None

    def fill(
        self,
        name: str,
        program: str,
        session_charge: Decimal,
        amount_client_will_pay: Decimal,
        sessions_approved: int,
        status: str,
    ) -> None:
        """Fill every field of the entry (nothing is saved until ``save``)."""
        act(self.name).fill(name)
        # Type the part before any dash: it is the same whichever dash the option uses.
        search = re.split(f"[{_DASHES}]", program, maxsplit=1)[0].strip()
        choose_option(self.dialog, "Program", search, _program_pattern(program), self.where)
        act(self.session_charge).fill(f"{session_charge:.2f}")
        act(self.amount_client_will_pay).fill(f"{amount_client_will_pay:.2f}")
        act(self.sessions_approved).fill(str(sessions_approved))
        choose_option(self.dialog, "Status", status, exact(status), self.where)

    def save(self) -> ProgramsSheetPage:
        """Click "Save" (IRREVERSIBLE: adds the row to the shared sheet).

        Clicked again, it adds the row again. The app's answer is in ``last_answer``.
        """
        self.last_answer = submit_and_wait(
            self.page,
            self.save_button,
            site=SITE,
            action="add the entry",
            endpoint=ADD_ROW_ENDPOINT,
        )
        return ProgramsSheetPage(self.page, self.base_url)
