"""The Ruh Platform page objects against the mock platform; outcomes on the mock state."""

from __future__ import annotations

import re
from datetime import date, time
from decimal import Decimal

import pytest
from playwright.sync_api import Page

from fixtures.scenario import Appointment, Payment
from fixtures.server import MockSites
from pages.login import LoginPage
from pages.ruh_platform import (
    AppointmentDetails,
    RuhClientProfilePage,
    RuhInvoicesPage,
    RuhSearchPage,
)
from robot.errors import BusinessRuleError
from tests.plugins.mock_sites import arm_fault, mock_state

EMAIL = "jonah.thompson1@example.com"  # small.json: cl-0001, ap-0001, inv-0001


@pytest.fixture
def ruh(page: Page, sites: MockSites) -> str:
    """Log in to the Ruh Platform; returns its base URL."""
    url = sites.urls["ruh_platform"]
    login = sites.logins["ruh_platform"]
    assert LoginPage(page, url).open().log_in(login.email, login.password).ok
    return url


def _invoice(sites: MockSites, invoice_id: str) -> dict[str, object]:
    return next(i for i in mock_state(sites, "ruh_platform")["invoices"] if i["id"] == invoice_id)


def test_search_client_leads_to_the_billed_duration_and_diagnosis(page: Page, ruh: str) -> None:
    profile = RuhSearchPage(page, ruh).open().search_client(EMAIL.upper())
    assert profile.client_id() == "cl-0001"
    assert profile.upcoming_appointments() == []
    [row] = profile.past_appointments()
    assert (row.id, row.date, row.start, row.zone, row.status) == (
        "ap-0001",
        date(2026, 11, 18),
        time(10, 0),
        "CST",
        "Completed",
    )
    assert profile.diagnosis() == "F32.1"
    details = profile.open_appointment("ap-0001").details()
    assert details == AppointmentDetails(
        id="ap-0001",
        date=date(2026, 11, 18),
        start=time(10, 0),
        end=time(10, 45),
        zone="CST",
        therapist="Priya Raman",
        status="Completed",
        session_type="Video",
        duration_minutes=45,
        fee=Decimal("150.00"),
        invoice_id="inv-0001",
    )
    assert RuhClientProfilePage(page, ruh).open_overview().client_id() == "cl-0001"


def test_search_client_without_a_match_is_a_business_error(page: Page, ruh: str) -> None:
    with pytest.raises(BusinessRuleError, match="0 matches"):
        RuhSearchPage(page, ruh).open().search_client("nobody@example.com")


def test_write_off_then_zero_charge(page: Page, sites: MockSites, ruh: str) -> None:
    invoices = RuhClientProfilePage(page, ruh).open("cl-0001").open_invoices()
    [row] = invoices.invoices()
    assert (row.id, row.appointment_date, row.appointment_start, row.therapist) == (
        "inv-0001",
        date(2026, 11, 18),
        time(10, 0),
        "Priya Raman",
    )
    assert (row.amount, row.balance, row.status) == (Decimal("150.00"), Decimal("150.00"), "Open")

    edit = invoices.edit_invoice("inv-0001")
    edit.choose_write_off_reason("Other")
    edit.write_off_entire_amount()
    assert edit.write_off_amount() == Decimal("150.00")
    edit.set_notes("Billed on Headway.")
    invoices = edit.save()
    [row] = invoices.invoices()
    assert (row.written_off, row.balance, row.status) == (Decimal("150.00"), 0, "Written off")

    charge = invoices.charge_invoice("inv-0001")
    assert charge.current_amount() == 0
    charge.set_amount(Decimal("0"))
    result = charge.charge()
    assert (result.ok, result.message, result.confirmed) == (True, "Charged $0.00", True)
    invoice = _invoice(sites, "inv-0001")
    assert (invoice["write_off_reason"], invoice["notes"]) == ("Other", "Billed on Headway.")
    assert [c["amount"] for c in invoice["charges"]] == ["0.00"]


def test_partial_write_off_leaves_the_invoice_open(page: Page, sites: MockSites, ruh: str) -> None:
    edit = RuhInvoicesPage(page, ruh).open("cl-0001").edit_invoice("inv-0001")
    edit.choose_write_off_reason("Financial assistance")
    edit.set_write_off_amount(Decimal("50"))
    [row] = edit.save().invoices()
    assert (row.balance, row.status) == (Decimal("100.00"), "Open")
    assert _invoice(sites, "inv-0001")["write_off_amount"] == "50.00"


def test_declined_charge_reports_the_failure(page: Page, sites: MockSites, ruh: str) -> None:
    with sites.world.lock:
        sites.world.state.client("cl-0001").card = "declines"
    invoices = RuhInvoicesPage(page, ruh).open("cl-0001")
    result = invoices.charge_invoice("inv-0001").charge()
    assert (result.ok, result.message, result.confirmed) == (
        False,
        "Payment failed: card declined",
        True,
    )
    assert invoices.alert() == "Payment failed: card declined"
    assert [c["outcome"] for c in _invoice(sites, "inv-0001")["charges"]] == ["failed"]


def test_charge_without_an_answer_is_unconfirmed(page: Page, sites: MockSites, ruh: str) -> None:
    arm_fault(sites, "ruh_platform", kind="lose_response", path=r"/charge$")
    result = RuhInvoicesPage(page, ruh).open("cl-0001").charge_invoice("inv-0001").charge()
    assert (result.ok, result.confirmed) == (False, False)
    # The answer was lost, not the charge: the flow must look before charging again.
    assert [c["outcome"] for c in _invoice(sites, "inv-0001")["charges"]] == ["succeeded"]


def test_create_invoice_for_a_late_cancellation(page: Page, sites: MockSites, ruh: str) -> None:
    with sites.world.lock:
        state = sites.world.state
        state.appointments.append(
            Appointment(
                id="ap-late",
                client_id="cl-0001",
                therapist_id="th-sana",
                date=date(2026, 11, 17),
                start=time(14, 0),
                timezone="America/New_York",
                duration_minutes=53,
                status="Late Cancellation",
            )
        )
    create = RuhInvoicesPage(page, ruh).open("cl-0001").create_new_invoice()
    create.choose_type("Appointment")
    assert create.therapist() == "Priya Raman"
    create.choose_therapist("Sana Qureshi")
    assert create.amount() is None
    create.choose_appointment(re.compile(r"Nov 17, 2026 .* Late Cancellation"))
    assert create.amount() == Decimal("150.00")
    create.choose_appointment("Nov 17, 2026 · 2:00 PM EST · Late Cancellation")
    invoices = create.save()
    created = [i for i in invoices.invoices() if i.appointment_date == date(2026, 11, 17)]
    assert [(i.therapist, i.status) for i in created] == [("Sana Qureshi", "Open")]
    [stored] = [i for i in mock_state(sites)["invoices"] if i["appointment_id"] == "ap-late"]
    assert (stored["therapist_id"], stored["amount"]) == ("th-sana", "150.00")


def test_refund_full_amount(page: Page, sites: MockSites, ruh: str) -> None:
    with sites.world.lock:
        sites.world.state.payments.append(
            Payment(
                id="pay-1",
                client_id="cl-0001",
                invoice_id="inv-0001",
                amount=Decimal("150.00"),
                date=date(2026, 10, 6),
                method="Card ending 4242",
            )
        )
    payments = RuhClientProfilePage(page, ruh).open("cl-0001").open_payments()
    [row] = payments.payments()
    assert (row.id, row.date, row.invoice_id, row.amount, row.status) == (
        "pay-1",
        date(2026, 10, 6),
        "inv-0001",
        Decimal("150.00"),
        "Paid",
    )
    payments = payments.open_refund("pay-1").refund_full_amount()
    [row] = payments.payments()
    assert (row.refunded, row.status) == (Decimal("150.00"), "Refunded")
    assert payments.alert() is None
    assert [r["amount"] for r in mock_state(sites)["payments"][0]["refunds"]] == ["150.00"]
