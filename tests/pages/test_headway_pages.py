"""Each Headway page object against the mock Headway, in a real browser."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from playwright.sync_api import Page, expect

from fixtures.scenario import HeadwaySession
from fixtures.server import MockSites
from pages.headway import (
    CalendarSession,
    HeadwayCalendarPage,
    HeadwayHomePage,
    HeadwayPatientsPage,
    HeadwayPaymentsPage,
    HeadwayProviderPage,
    PatientRow,
    SessionForm,
)
from pages.login import LoginPage
from tests.plugins.mock_sites import mock_state

pytestmark = pytest.mark.browser

DAY = date(2026, 11, 16)  # a Monday; Owen Thompson (cl-0003) is Sana Qureshi's client
NY_OPTION = "New York: Ruh Care, 245 Park Ave, New York, NY 10167"


@pytest.fixture
def headway(page: Page, sites: MockSites) -> str:
    url = sites.urls["headway"]
    login = sites.logins["headway"]
    assert LoginPage(page, url).open().log_in(login.email, login.password).ok
    return url


def seed_session(sites: MockSites, **changes: object) -> None:
    fields: dict[str, object] = {
        "id": "hw-seed",
        "therapist_id": "th-sana",
        "client_id": "cl-0003",
        "date": DAY,
        "start": time(16),
        "end": time(16, 53),
        "cpt_codes": ["90837"],
        "created_at": datetime(2026, 11, 20, 15, tzinfo=UTC),
    }
    with sites.world.lock:
        sites.world.state.headway_sessions.append(HeadwaySession.model_validate(fields | changes))


def test_select_therapist_then_open_calendar(page: Page, headway: str) -> None:
    provider = HeadwayHomePage(page, headway).open().select_therapist("Marcus Bell")
    assert provider.provider_name() == "Marcus Bell, LCPC"
    calendar = provider.open_calendar()
    assert calendar.timezone_label() == "CST"


def test_provider_page_opens_by_id(page: Page, headway: str) -> None:
    provider = HeadwayProviderPage(page, headway).open("th-daniel")
    assert provider.provider_name() == "Daniel Okafor, LMFT"


def test_home_opens_patients_and_payments(page: Page, headway: str) -> None:
    home = HeadwayHomePage(page, headway).open()
    assert len(home.open_patients().patients()) == 3
    assert home.open_payments().payments() == []


def test_calendar_week_days_run_monday_to_sunday(page: Page, headway: str) -> None:
    calendar = HeadwayCalendarPage(page, headway).open("th-sana", date(2026, 11, 19))
    assert calendar.week_days() == [date(2026, 11, 16 + i) for i in range(7)]


def test_go_to_date_and_week_buttons_move_the_week(page: Page, headway: str) -> None:
    calendar = HeadwayCalendarPage(page, headway).open("th-sana", DAY)
    assert calendar.go_to_date(date(2027, 1, 1)).week_days()[0] == date(2026, 12, 28)
    assert calendar.next_week().week_days()[0] == date(2027, 1, 4)
    assert calendar.previous_week().previous_week().week_days()[0] == date(2026, 12, 21)


def test_sessions_on_reads_each_session_of_the_day(
    page: Page, headway: str, sites: MockSites
) -> None:
    seed_session(sites)
    seed_session(sites, id="hw-seed-2", start=time(9, 30), end=time(10, 15),
                 status="Scheduled", cpt_codes=["90834", "90846"])  # fmt: skip
    seed_session(sites, id="hw-seed-3", date=date(2026, 11, 17))
    calendar = HeadwayCalendarPage(page, headway).open("th-sana", DAY)
    assert calendar.sessions_on(DAY) == [
        CalendarSession("Owen Thompson", DAY, time(9, 30), time(10, 15), "Scheduled",
                        ("90834", "90846")),
        CalendarSession("Owen Thompson", DAY, time(16), time(16, 53), "Confirmed", ("90837",)),
    ]  # fmt: skip
    assert calendar.sessions_on(date(2026, 11, 18)) == []


def test_dialog_prefills_the_slot_and_follows_edited_times(page: Page, headway: str) -> None:
    dialog = HeadwayCalendarPage(page, headway).open("th-sana", DAY).open_slot(DAY, 16)
    assert dialog.is_open()
    form = dialog.read_form()
    assert (form.date, form.start, form.end, form.duration_minutes) == (
        DAY, time(16), time(17), 60
    )  # fmt: skip
    dialog.set_date(date(2026, 11, 17))
    dialog.set_start_time(time(16, 5))
    dialog.set_end_time(time(16, 58))
    assert dialog.duration_minutes() == 53
    assert dialog.read_form().date == date(2026, 11, 17)
    dialog.set_end_time(time(16))
    assert dialog.duration_minutes() is None


def test_full_dialog_reads_back_and_confirms(page: Page, headway: str, sites: MockSites) -> None:
    calendar = HeadwayCalendarPage(page, headway).open("th-sana", DAY)
    dialog = calendar.open_slot(DAY, 12)
    assert dialog.refusal_message() is None
    dialog.select_client("owen.thompson3@", "Owen Thompson")
    dialog.choose_location("Virtual (my own telehealth link)")
    dialog.choose_client_join_from("New York")
    dialog.choose_recurrence("Does not repeat")
    dialog.add_cpt_code("90837")
    dialog.choose_diagnosis_code("F33.1")
    dialog.choose_session_location("Virtual (Telehealth)")
    dialog.choose_telehealth_type("Audiovisual")
    dialog.choose_joined_from_state("New York")
    assert not dialog.can_go_next()
    dialog.check_attestation()
    assert dialog.can_go_next()
    expected = SessionForm(
        client_name="Owen Thompson",
        client_email="owen.thompson3@example.com",
        date=DAY,
        start=time(12),
        end=time(13),
        duration_minutes=60,
        location="Virtual (my own telehealth link)",
        client_join_from=NY_OPTION,
        recurrence="Does not repeat",
        cpt_codes=("90837",),
        diagnosis_code="F33.1",
        session_location="Virtual (Telehealth)",
        telehealth_type="Audiovisual",
        joined_from_state="New York",
    )
    assert dialog.read_form() == expected
    dialog.next()
    dialog.confirm_without_note()
    dialog.next()
    assert not dialog.can_sign_and_confirm()
    dialog.check_final_attestation()
    assert dialog.can_sign_and_confirm()
    assert dialog.read_form() == expected  # now read from the step-3 summary
    calendar = dialog.sign_note_and_confirm()
    assert [s.client_name for s in calendar.sessions_on(DAY)] == ["Owen Thompson"]
    assert len(mock_state(sites, "headway")["headway_sessions"]) == 1


def test_refusal_message_names_the_missing_payment_method(
    page: Page, headway: str, sites: MockSites
) -> None:
    with sites.world.lock:
        sites.world.state.client("cl-0003").headway.payment_on_file = False
    dialog = HeadwayCalendarPage(page, headway).open("th-sana", DAY).open_slot(DAY, 12)
    dialog.select_client("owen", "Owen Thompson")
    message = dialog.refusal_message()
    assert message is not None
    assert "no payment method on file" in message


def test_office_session_reads_no_telehealth_fields(page: Page, headway: str) -> None:
    dialog = HeadwayCalendarPage(page, headway).open("th-sana", DAY).open_slot(DAY, 12)
    dialog.choose_session_location("Virtual (Telehealth)")
    dialog.choose_joined_from_state("New York")
    dialog.choose_session_location("Office")
    form = dialog.read_form()
    assert (form.session_location, form.telehealth_type, form.joined_from_state) == (
        "Office", "", ""
    )  # fmt: skip


def test_close_leaves_the_calendar_unchanged(page: Page, headway: str, sites: MockSites) -> None:
    dialog = HeadwayCalendarPage(page, headway).open("th-sana", DAY).open_slot(DAY, 12)
    dialog.close()
    assert not dialog.is_open()
    assert mock_state(sites, "headway")["headway_sessions"] == []


def test_error_message_is_none_on_a_plain_calendar(page: Page, headway: str) -> None:
    calendar = HeadwayCalendarPage(page, headway).open("th-sana", DAY)
    expect(page.get_by_role("table")).to_be_visible()
    assert calendar.error_message() is None


def test_patients_reads_insurance_and_payment_status(
    page: Page, headway: str, sites: MockSites
) -> None:
    with sites.world.lock:
        sites.world.state.client("cl-0002").headway.insurance_verified = False
    rows = HeadwayPatientsPage(page, headway).open().patients()
    assert rows[1] == PatientRow(
        name="Leila Thompson",
        email="leila.thompson2@example.com",
        provider="Marcus Bell, LCPC",
        insurer="Aetna",
        insurance_verified=False,
        payment_on_file=True,
    )


def test_payments_reads_payout_dates(page: Page, headway: str, sites: MockSites) -> None:
    seed_session(sites)
    [row] = HeadwayPaymentsPage(page, headway).open().payments()
    assert (row.session_date, row.session_start, row.cpt_codes) == (DAY, time(16), ("90837",))
    assert (row.confirmed_on, row.expected_payout) == (date(2026, 11, 20), date(2026, 12, 15))
