"""The Ruh Platform page objects against the mock platform; outcomes on the mock state."""

from __future__ import annotations

import re
from datetime import date, time
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from fixtures.scenario import Appointment, Payment
from fixtures.server import MockSites
from pages.login import LoginPage
from pages.ruh_platform import (
    AppointmentDetails,
    RuhAppointmentsPage,
    RuhClientProfilePage,
    RuhInvoicesPage,
    RuhSearchPage,
)
from robot.errors import ControlNotFound, TransientError
from tests.plugins.mock_sites import arm_fault, mock_state, public_id

EMAIL = "jonah.thompson1@example.com"  # small.json: cl-0001, ap-0001, inv-0001
LONG_STANDING = "cl-0005"  # generated:N: every fifth client has a year of history


@pytest.fixture
def ruh(page: Page, sites: MockSites) -> str:
    """Log in to the Ruh Platform; returns its base URL."""
    url = sites.urls["ruh_platform"]
    login = sites.logins["ruh_platform"]
    assert LoginPage(page, url).open().log_in(login.email, login.password).ok
    return url


def _invoice(sites: MockSites, invoice_id: str) -> dict[str, object]:
    return next(i for i in mock_state(sites, "ruh_platform")["invoices"] if i["id"] == invoice_id)


def _payment(sites: MockSites, payment_id: str) -> dict[str, object]:
    return next(p for p in mock_state(sites, "ruh_platform")["payments"] if p["id"] == payment_id)


def _add_payment(sites: MockSites) -> None:
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


def test_search_client_leads_to_the_billed_duration_and_diagnosis(
    page: Page, ruh: str, sites: MockSites
) -> None:
    profile = RuhSearchPage(page, ruh).open().find_client(EMAIL.upper())
    assert profile is not None
    assert profile.client_id() == public_id(sites, "client", "cl-0001")
    assert re.fullmatch(r"[0-9a-f-]{36}", profile.client_id()), "clients have opaque ids"
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
    overview = RuhClientProfilePage(page, ruh).open_overview()
    assert overview.client_id() == public_id(sites, "client", "cl-0001")


def test_search_works_from_any_page(page: Page, ruh: str, sites: MockSites) -> None:
    profile = RuhSearchPage(page, ruh).open().find_client(EMAIL)
    assert profile is not None
    invoices = profile.open_invoices()
    assert invoices.client_id() == public_id(sites, "client", "cl-0001")
    again = RuhSearchPage(page, ruh).find_client("owen.thompson3@example.com")
    assert again is not None
    assert again.client_name() == "Owen Thompson"
    assert again.client_id() == public_id(sites, "client", "cl-0003")


def test_an_unknown_email_finds_no_client(page: Page, ruh: str) -> None:
    search = RuhSearchPage(page, ruh).open()
    assert search.matching_clients("nobody@example.com") == []
    assert search.find_client("nobody@example.com") is None
    with pytest.raises(ControlNotFound, match="single client with the searched email"):
        search.search_client("nobody@example.com")


def test_write_off_then_zero_charge(page: Page, sites: MockSites, ruh: str) -> None:
    invoices = RuhInvoicesPage(page, ruh).open(public_id(sites, "client", "cl-0001"))
    [row] = invoices.invoices()
    assert (row.id, row.appointment_date, row.appointment_start, row.therapist) == (
        "inv-0001",
        date(2026, 11, 18),
        time(10, 0),
        "Priya Raman",
    )
    assert row.appointment_zone == "CST"  # the client's wall clock, as the invoice shows it
    assert (row.amount, row.balance, row.status) == (Decimal("150.00"), Decimal("150.00"), "Open")

    edit = invoices.edit_invoice("inv-0001")
    edit.choose_write_off_reason("Other")
    edit.write_off_entire_amount()
    assert edit.write_off_amount() == Decimal("150.00")
    edit.set_notes("Billed on Headway.")
    invoices = edit.save()
    assert edit.last_answer is not None
    assert edit.last_answer.message == "Invoice inv-0001 saved"
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


def test_toast_shows_then_vanishes(page: Page, sites: MockSites, ruh: str) -> None:
    with sites.world.lock:
        sites.world.state.latency.toast_ms = 600
    invoices = RuhInvoicesPage(page, ruh).open(public_id(sites, "client", "cl-0001"))
    edit = invoices.edit_invoice("inv-0001")
    edit.choose_write_off_reason("Other")
    edit.set_write_off_amount(Decimal("10"))
    edit.save()
    toast = page.get_by_role("region", name="Notifications").get_by_role("status")
    expect(toast).to_have_text("Invoice inv-0001 saved")
    expect(toast).to_have_count(0)


def test_partial_write_off_leaves_the_invoice_open(page: Page, sites: MockSites, ruh: str) -> None:
    invoices = RuhInvoicesPage(page, ruh).open(public_id(sites, "client", "cl-0001"))
    edit = invoices.edit_invoice("inv-0001")
    edit.choose_write_off_reason("Financial assistance")
    edit.set_write_off_amount(Decimal("50"))
    [row] = edit.save().invoices()
    assert (row.balance, row.status) == (Decimal("100.00"), "Open")
    assert _invoice(sites, "inv-0001")["write_off_amount"] == "50.00"


def test_declined_charge_reports_the_failure(page: Page, sites: MockSites, ruh: str) -> None:
    with sites.world.lock:
        sites.world.state.client("cl-0001").card = "declines"
    invoices = RuhInvoicesPage(page, ruh).open(public_id(sites, "client", "cl-0001"))
    result = invoices.charge_invoice("inv-0001").charge()
    assert (result.ok, result.message, result.confirmed) == (
        False,
        "Payment failed: card declined",
        True,
    )
    assert invoices.alert() == "Payment failed: card declined"
    assert [c["outcome"] for c in _invoice(sites, "inv-0001")["charges"]] == ["failed"]
    [row] = invoices.invoices()
    assert row.status == "Failed"


def test_charge_without_an_answer_is_transient(page: Page, sites: MockSites, ruh: str) -> None:
    arm_fault(sites, "ruh_platform", kind="lose_response", path=r"/charges$")
    invoices = RuhInvoicesPage(page, ruh).open(public_id(sites, "client", "cl-0001"))
    with pytest.raises(TransientError, match="may or may not have been applied"):
        invoices.charge_invoice("inv-0001").charge()
    # The answer was lost, not the charge: the flow must look before charging again.
    assert [c["outcome"] for c in _invoice(sites, "inv-0001")["charges"]] == ["succeeded"]


def test_a_charge_above_the_balance_goes_through(page: Page, sites: MockSites, ruh: str) -> None:
    """The platform does not stop an overcharge: only the robot may."""
    invoices = RuhInvoicesPage(page, ruh).open(public_id(sites, "client", "cl-0001"))
    charge = invoices.charge_invoice("inv-0001")
    charge.set_amount(Decimal("200.00"))
    assert charge.charge().ok
    [row] = invoices.invoices()
    assert row.balance == Decimal("-50.00")
    assert [c["amount"] for c in _invoice(sites, "inv-0001")["charges"]] == ["200.00"]


def _late_cancellation(sites: MockSites) -> None:
    with sites.world.lock:
        sites.world.state.appointments.append(
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


def test_create_invoice_for_a_late_cancellation(page: Page, sites: MockSites, ruh: str) -> None:
    _late_cancellation(sites)
    invoices = RuhInvoicesPage(page, ruh).open(public_id(sites, "client", "cl-0001"))
    create = invoices.create_new_invoice()
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


def test_a_second_invoice_for_the_same_appointment_is_accepted(
    page: Page, sites: MockSites, ruh: str
) -> None:
    _late_cancellation(sites)
    invoices = RuhInvoicesPage(page, ruh).open(public_id(sites, "client", "cl-0001"))
    for _ in range(2):
        create = invoices.create_new_invoice()
        create.choose_type("Appointment")
        create.choose_therapist("Sana Qureshi")
        create.choose_appointment("Nov 17, 2026 · 2:00 PM EST · Late Cancellation")
        invoices = create.save()
    stored = [i for i in mock_state(sites)["invoices"] if i["appointment_id"] == "ap-late"]
    assert len(stored) == 2


def test_an_unknown_write_off_reason_is_named_at_once(
    page: Page, sites: MockSites, ruh: str
) -> None:
    edit = (
        RuhInvoicesPage(page, ruh)
        .open(public_id(sites, "client", "cl-0001"))
        .edit_invoice("inv-0001")
    )
    with pytest.raises(ControlNotFound, match="'Write-off Reason' option 'Goodwill'"):
        edit.choose_write_off_reason("Goodwill")


def test_refund_full_amount(page: Page, sites: MockSites, ruh: str) -> None:
    _add_payment(sites)
    profile = RuhClientProfilePage(page, ruh).open(public_id(sites, "client", "cl-0001"))
    payments = profile.open_payments()
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
    assert [r["amount"] for r in _payment(sites, "pay-1")["refunds"]] == ["150.00"]  # type: ignore[attr-defined]


def test_a_second_refund_of_the_same_payment_is_accepted(
    page: Page, sites: MockSites, ruh: str
) -> None:
    """The platform refunds twice if asked twice: only the robot may prevent it."""
    _add_payment(sites)
    payments = RuhClientProfilePage(page, ruh).open(public_id(sites, "client", "cl-0001"))
    payments = payments.open_payments()
    for _ in range(2):
        payments = payments.open_refund("pay-1").refund_full_amount()
    [row] = payments.payments()
    assert (row.refunded, row.status) == (Decimal("300.00"), "Refunded twice")
    refunds = _payment(sites, "pay-1")["refunds"]
    assert [r["amount"] for r in refunds] == ["150.00", "150.00"]  # type: ignore[attr-defined]


@pytest.mark.scenario("generated:65")
def test_profile_lists_are_read_across_every_page(page: Page, sites: MockSites, ruh: str) -> None:
    email = sites.world.state.client(LONG_STANDING).email
    profile = RuhSearchPage(page, ruh).open().find_client(email)
    assert profile is not None
    past = profile.past_appointments()
    assert len(past) == 18  # 10 a page
    assert len({row.id for row in past}) == 18
    oldest = past[-1].id
    assert profile.open_appointment(oldest).details().id == oldest  # paged to page 2
    invoices = profile.open_invoices()
    rows = invoices.invoices()
    assert len(rows) == 18
    paid = [row for row in rows if row.status == "Paid"]
    edit = invoices.edit_invoice(paid[-1].id)  # on page 2 again
    edit.choose_write_off_reason("Service recovery")
    edit.set_write_off_amount(Decimal("0"))
    edit.save()
    assert _invoice(sites, paid[-1].id)["write_off_reason"] == "Service recovery"
    assert len(profile.open_payments().payments()) == 11


@pytest.mark.scenario("generated:65")
def test_practice_appointments_are_read_to_the_end(page: Page, sites: MockSites, ruh: str) -> None:
    rows = RuhAppointmentsPage(page, ruh).open().appointments()
    assert len(rows) == len(sites.world.state.appointments)
    assert rows[0].client_id == public_id(sites, "client", rows[0].id.replace("ap-", "cl-")[:7])


def test_practice_appointments_filter_by_status(page: Page, sites: MockSites, ruh: str) -> None:
    _late_cancellation(sites)
    rows = (
        RuhAppointmentsPage(page, ruh).open().filter_by_status("Late Cancellation").appointments()
    )
    assert [(r.id, r.status, r.invoice_id) for r in rows] == [
        ("ap-late", "Late Cancellation", None)
    ]
    assert rows[0].client_id == public_id(sites, "client", "cl-0001")


def test_every_status_is_offered_even_with_none_in_the_data(page: Page, ruh: str) -> None:
    # No late cancellation in this practice today: the filter still offers the status,
    # and the list comes back empty (before, the option was missing and the robot waited
    # out three timeouts on every batch).
    rows = (
        RuhAppointmentsPage(page, ruh).open().filter_by_status("Late Cancellation").appointments()
    )
    assert rows == []


def test_a_status_the_filter_lacks_is_named_at_once(page: Page, ruh: str) -> None:
    listing = RuhAppointmentsPage(page, ruh).open()
    with pytest.raises(ControlNotFound, match="Status filter option 'Rescheduled'"):
        listing.filter_by_status("Rescheduled")
