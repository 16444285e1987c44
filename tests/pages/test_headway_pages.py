"""Each Headway page object against the mock Headway, in a real browser."""

from __future__ import annotations

import re
import time as clock
from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from fixtures.scenario import HeadwayPayout, HeadwaySession
from fixtures.server import MockSites
from pages.headway import (
    CalendarSession,
    HeadwayCalendarPage,
    HeadwayHomePage,
    HeadwaySessionDialog,
    PatientRow,
    SessionForm,
)
from pages.login import LoginPage
from robot.errors import ControlNotFound, TransientError
from tests.plugins.mock_sites import arm_fault, mock_state

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


def calendar_of(page: Page, headway: str, therapist: str = "Sana Qureshi") -> HeadwayCalendarPage:
    """The therapist's calendar on DAY's week, reached as a person does: menu, Calendar."""
    provider = HeadwayHomePage(page, headway).open().select_therapist(therapist)
    return provider.open_calendar().go_to_date(DAY)


def fill_for_owen(dialog: HeadwaySessionDialog) -> None:
    dialog.select_client("owen.thompson3@example.com", "Owen Thompson")
    dialog.choose_location("Virtual (my own telehealth link)")
    dialog.choose_client_join_from("New York")
    dialog.choose_recurrence("Does not repeat")
    dialog.add_cpt_code("90837")
    dialog.choose_diagnosis_code("F33.1")
    dialog.choose_session_location("Virtual (Telehealth)")
    dialog.choose_telehealth_type("Audiovisual")
    dialog.choose_joined_from_state("New York")
    dialog.check_attestation()
    dialog.next()
    dialog.confirm_without_note()
    dialog.next()
    dialog.check_final_attestation()


def test_select_therapist_then_open_calendar(page: Page, headway: str) -> None:
    provider = HeadwayHomePage(page, headway).open().select_therapist("Marcus Bell")
    assert provider.provider_name() == "Marcus Bell, LCPC"
    assert provider.licensed_state() == "Illinois"
    assert re.search(r"/providers/\d{6}$", page.url), "providers have opaque ids"
    calendar = provider.open_calendar()
    assert calendar.timezone_label() == "CST"


def test_a_missing_provider_is_named_at_once(page: Page, headway: str) -> None:
    with pytest.raises(ControlNotFound, match="Headway has no provider of that name"):
        HeadwayHomePage(page, headway).open().select_therapist("Nobody Here")


def test_home_opens_patients_and_payments(page: Page, headway: str) -> None:
    home = HeadwayHomePage(page, headway).open()
    assert len(home.open_patients().patients()) == 3
    assert home.open_payments().payments() == []


@pytest.mark.scenario("generated:65")
def test_patients_are_read_to_the_end_with_show_more(page: Page, headway: str) -> None:
    patients = HeadwayHomePage(page, headway).open().open_patients()
    table = page.get_by_role("table", name="Patients")
    expect(table.get_by_role("row")).to_have_count(26)  # header + the first 25
    rows = patients.patients()
    assert len(rows) == 65
    assert len({r.email for r in rows}) == 65


def test_calendar_week_days_run_monday_to_sunday(page: Page, headway: str) -> None:
    calendar = calendar_of(page, headway)
    assert calendar.go_to_date(date(2026, 11, 19)).week_days() == [
        date(2026, 11, 16 + i) for i in range(7)
    ]


def test_go_to_date_and_week_buttons_move_the_week(page: Page, headway: str) -> None:
    calendar = calendar_of(page, headway)
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
    calendar = calendar_of(page, headway)
    assert calendar.sessions_on(DAY) == [
        CalendarSession("Owen Thompson", DAY, time(9, 30), time(10, 15), "Scheduled",
                        ("90834", "90846")),
        CalendarSession("Owen Thompson", DAY, time(16), time(16, 53), "Confirmed", ("90837",)),
    ]  # fmt: skip
    assert calendar.sessions_on(date(2026, 11, 18)) == []


def test_dialog_prefills_the_slot_and_follows_edited_times(page: Page, headway: str) -> None:
    dialog = calendar_of(page, headway).open_slot(DAY, 16)
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
    calendar = calendar_of(page, headway)
    dialog = calendar.open_slot(DAY, 12)
    assert dialog.refusal_message() is None
    dialog.select_client("owen.thompson3@example.com", "Owen Thompson")
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
    assert dialog.sign_note_and_confirm().message == "Session confirmed"
    calendar.wait_until_shown()
    assert [s.client_name for s in calendar.sessions_on(DAY)] == ["Owen Thompson"]
    assert len(mock_state(sites, "headway")["headway_sessions"]) == 1


def test_the_same_session_can_be_confirmed_twice(
    page: Page, headway: str, sites: MockSites
) -> None:
    """Headway does not stop a second confirmation: only the robot may."""
    calendar = calendar_of(page, headway)
    for _ in range(2):
        dialog = calendar.open_slot(DAY, 12)
        fill_for_owen(dialog)
        assert dialog.sign_note_and_confirm().ok
    calendar.wait_until_shown()
    assert len(calendar.sessions_on(DAY)) == 2
    assert len(mock_state(sites, "headway")["headway_sessions"]) == 2


def test_typeahead_answers_out_of_order_still_pick_the_exact_code(
    page: Page, headway: str, sites: MockSites
) -> None:
    dialog = calendar_of(page, headway).open_slot(DAY, 12)
    arm_fault(sites, "headway", kind="latency_range", min_ms=0, max_ms=900)
    box = page.get_by_role("combobox", name="Diagnosis Code")
    box.click()
    box.press_sequentially("F41.", delay=200)  # each key a search, answered in any order
    dialog.choose_diagnosis_code("F41.1")
    assert dialog.read_form().diagnosis_code == "F41.1"


def test_a_missing_diagnosis_code_is_named_at_once(page: Page, headway: str) -> None:
    dialog = calendar_of(page, headway).open_slot(DAY, 12)
    started = clock.monotonic()
    with pytest.raises(ControlNotFound, match="Headway has no 'Diagnosis Code' option"):
        dialog.choose_diagnosis_code("Z99.99")
    assert clock.monotonic() - started < 5, "absence is a fact once the search answered"


def test_refusal_message_names_the_missing_payment_method(
    page: Page, headway: str, sites: MockSites
) -> None:
    with sites.world.lock:
        sites.world.state.client("cl-0003").headway.payment_on_file = False
    dialog = calendar_of(page, headway).open_slot(DAY, 12)
    dialog.select_client("owen", "Owen Thompson")
    message = dialog.refusal_message()
    assert message is not None
    assert "no payment method on file" in message


def test_confirm_refused_by_headway_leaves_the_dialog_with_its_reason(
    page: Page, headway: str, sites: MockSites
) -> None:
    dialog = calendar_of(page, headway).open_slot(DAY, 12)
    fill_for_owen(dialog)
    with sites.world.lock:  # insurance lapses while the form is being filled
        sites.world.state.client("cl-0003").headway.insurance_verified = False
    dialog.sign_note_and_confirm()
    assert dialog.last_answer is not None
    assert (dialog.last_answer.ok, dialog.last_answer.status) == (False, 409)
    assert "verified insurance" in dialog.last_answer.message
    assert dialog.is_open()
    assert mock_state(sites, "headway")["headway_sessions"] == []


def test_lost_confirm_answer_is_transient_and_the_session_stands(
    page: Page, headway: str, sites: MockSites
) -> None:
    dialog = calendar_of(page, headway).open_slot(DAY, 12)
    fill_for_owen(dialog)
    arm_fault(sites, "headway", kind="lose_response", path=r"^/api/providers/[^/]+/sessions$")
    with pytest.raises(TransientError):
        dialog.sign_note_and_confirm()
    assert len(mock_state(sites, "headway")["headway_sessions"]) == 1


def test_office_session_reads_no_telehealth_fields(page: Page, headway: str) -> None:
    dialog = calendar_of(page, headway).open_slot(DAY, 12)
    dialog.choose_session_location("Virtual (Telehealth)")
    dialog.choose_joined_from_state("New York")
    dialog.choose_session_location("Office")
    form = dialog.read_form()
    assert (form.session_location, form.telehealth_type, form.joined_from_state) == (
        "Office", "", ""
    )  # fmt: skip


def test_close_leaves_the_calendar_unchanged(page: Page, headway: str, sites: MockSites) -> None:
    dialog = calendar_of(page, headway).open_slot(DAY, 12)
    dialog.close()
    assert not dialog.is_open()
    assert mock_state(sites, "headway")["headway_sessions"] == []


def test_error_message_is_none_on_a_plain_calendar(page: Page, headway: str) -> None:
    calendar = calendar_of(page, headway)
    assert calendar.error_message() is None


def test_patients_reads_insurance_and_payment_status(
    page: Page, headway: str, sites: MockSites
) -> None:
    with sites.world.lock:
        sites.world.state.client("cl-0002").headway.insurance_verified = False
    rows = HeadwayHomePage(page, headway).open().open_patients().patients()
    assert rows[1] == PatientRow(
        name="Leila Thompson",
        email="leila.thompson2@example.com",
        provider="Marcus Bell, LCPC",
        insurer="Aetna",
        insurance_verified=False,
        payment_on_file=True,
    )


def test_payments_read_payout_dates_and_states(page: Page, headway: str, sites: MockSites) -> None:
    seed_session(sites)  # confirmed Nov 20: due Dec 15, not paid yet
    seed_session(sites, id="hw-old", date=date(2026, 10, 5),
                 created_at=datetime(2026, 10, 6, 15, tzinfo=UTC))  # fmt: skip
    seed_session(sites, id="hw-late", date=date(2026, 10, 12),
                 created_at=datetime(2026, 10, 13, 15, tzinfo=UTC))  # fmt: skip
    seed_session(sites, id="hw-missing", date=date(2026, 10, 19),
                 created_at=datetime(2026, 10, 20, 15, tzinfo=UTC))  # fmt: skip
    with sites.world.lock:
        sites.world.state.headway_payouts += [
            HeadwayPayout(id="po-1", session_id="hw-old", amount=Decimal("135.00"),
                          paid_on=date(2026, 10, 31)),
            HeadwayPayout(id="po-2", session_id="hw-late", amount=Decimal("135.00"),
                          paid_on=date(2026, 11, 6)),
        ]  # fmt: skip
    rows = HeadwayHomePage(page, headway).open().open_payments().payments()
    by_day = {row.session_date: row for row in rows}
    assert [(r.session_date, r.status) for r in rows] == [
        (DAY, "Pending"),
        (date(2026, 10, 19), "Missing"),
        (date(2026, 10, 12), "Paid late"),
        (date(2026, 10, 5), "Paid"),
    ]
    assert (by_day[DAY].confirmed_on, by_day[DAY].expected_payout) == (
        date(2026, 11, 20), date(2026, 12, 15)
    )  # fmt: skip
    assert by_day[date(2026, 10, 12)].paid_on == date(2026, 11, 6)
    assert by_day[date(2026, 10, 5)].amount == Decimal("135.00")


@pytest.mark.scenario("small")
def test_headway_says_when_a_plan_does_not_pay_for_audio_only(
    page: Page, headway: str, sites: MockSites
) -> None:
    """The dialog tells as soon as the client and Audio-only are chosen; the server agrees."""
    owen = next(c for c in sites.world.state.clients if c.name == "Owen Thompson")
    with sites.world.lock:
        owen.headway.audio_only_covered = False
    dialog = calendar_of(page, headway).open_slot(DAY, 12)
    dialog.select_client("owen", "Owen Thompson")
    dialog.choose_session_location("Virtual (Telehealth)")
    assert dialog.refusal_message() is None
    dialog.choose_telehealth_type("Audio-only")
    assert "doesn't cover audio-only" in (dialog.refusal_message() or "")
    dialog.choose_telehealth_type("Audiovisual")
    assert dialog.refusal_message() is None
