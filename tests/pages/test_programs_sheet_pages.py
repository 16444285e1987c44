"""The Programs Sheet page objects against the mock sheet; outcomes on the mock state."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Page

from fixtures.scenario import ProgramRow
from fixtures.server import MockSites
from pages.login import LoginPage
from pages.programs_sheet import ProgramSheetRow, ProgramsSheetPage
from tests.plugins.mock_sites import mock_state


@pytest.fixture
def sheet(page: Page, sites: MockSites) -> ProgramsSheetPage:
    """Log in to the Programs Sheet; returns its page object, opened."""
    url = sites.urls["programs_sheet"]
    login = sites.logins["programs_sheet"]
    assert LoginPage(page, url).open().log_in(login.email, login.password).ok
    return ProgramsSheetPage(page, url).open()


def test_new_entry_records_a_headway_write_off(sheet: ProgramsSheetPage, sites: MockSites) -> None:
    with sites.world.lock:
        sites.world.state.program_rows.append(
            ProgramRow(
                id="prog-1",
                name="Iris Diaz Financial Assistance",
                program="Ruh USD (Financial Assistance)",
                session_charge=Decimal("150"),
                amount_client_will_pay=Decimal("60"),
                sessions_approved=6,
                status="Active",
            )
        )
    form = sheet.open().start_new_entry()
    # The procedure writes an en dash where the sheet's program has a hyphen.
    form.fill(
        name="Jonah Thompson Headway Write-Off",
        program="Ruh USD (Internal Write-offs – Not Through Financial Assistance)",
        session_charge=Decimal("150.00"),
        amount_client_will_pay=Decimal("0"),
        sessions_approved=1,
        status="Inactive",
    )
    rows = form.save().rows()
    assert rows[-1] == ProgramSheetRow(
        row_number=3,
        name="Jonah Thompson Headway Write-Off",
        program="Ruh USD (Internal Write-offs - Not Through Financial Assistance)",
        session_charge=Decimal("150.00"),
        amount_client_will_pay=Decimal("0.00"),
        sessions_approved=1,
        status="Inactive",
    )
    assert rows[0].name == "Iris Diaz Financial Assistance"
    stored = mock_state(sites, "programs_sheet")["program_rows"][-1]
    assert (stored["program"], stored["session_charge"], stored["status"]) == (
        "Ruh USD (Internal Write-offs - Not Through Financial Assistance)",
        "150.00",
        "Inactive",
    )


def test_the_same_entry_saved_twice_makes_two_rows(
    sheet: ProgramsSheetPage, sites: MockSites
) -> None:
    """The sheet keeps whatever is added: only the robot may look first."""
    for _ in range(2):
        form = sheet.start_new_entry()
        form.fill(
            name="Jonah Thompson Headway Write-Off",
            program="Ruh USD (Internal Write-offs - Not Through Financial Assistance)",
            session_charge=Decimal("150.00"),
            amount_client_will_pay=Decimal("0"),
            sessions_approved=1,
            status="Inactive",
        )
        sheet = form.save()
        assert form.last_answer is not None
        assert form.last_answer.message == "Entry added"
    assert [r.name for r in sheet.rows()] == ["Jonah Thompson Headway Write-Off"] * 2
    assert len(mock_state(sites, "programs_sheet")["program_rows"]) == 2
