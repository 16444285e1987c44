"""The reconciliation's rules on made-up records, with no browser (flows.reconcile.matching).

Headway pays on the 15th and the last day of the month (robot.rules.payout): a session
confirmed on Nov 5 is due Nov 30, one confirmed on Nov 16 is due Dec 15.
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest

from flows.reconcile.matching import (
    on_day,
    outstanding,
    payout_of,
    reconcile,
    same_client,
    unmatched_requests,
    unwritten_invoices,
)
from flows.reconcile.model import (
    BilledRequest,
    ClientInvoice,
    ConfirmedSession,
    LateFee,
    PayoutState,
)

EAST = "America/New_York"
PACIFIC = "America/Los_Angeles"
TODAY = date(2026, 11, 20)


def session(
    day: date = date(2026, 11, 4),
    *,
    name: str = "Caleb Nguyen",
    email: str | None = "caleb.nguyen@example.com",
    start: time | None = time(13, 0),
    zone: str | None = EAST,
    confirmed_on: date | None = date(2026, 11, 5),
    paid_on: date | None = None,
) -> ConfirmedSession:
    return ConfirmedSession(
        client_name=name,
        client_email=email,
        provider="Sana Qureshi, LCSW",
        date=day,
        start=start,
        zone=zone,
        cpt_codes=("90837",),
        confirmed_on=confirmed_on,
        paid_on=paid_on,
        amount=Decimal("135.00"),
        headway_status="",
    )


def request(
    day: date | None = date(2026, 11, 4),
    *,
    name: str = "Caleb Nguyen",
    email: str | None = "caleb.nguyen@example.com",
    start: time | None = time(13, 0),
    zone: str | None = EAST,
    conversation: str = "conv-1",
) -> BilledRequest:
    return BilledRequest(
        conversation_id=conversation,
        client_name=name,
        client_email=email,
        date=day,
        start=start,
        zone=zone,
        status="closed",
    )


def invoice(
    day: date = date(2026, 11, 4), status: str = "Written off", *, zone: str | None = EAST
) -> ClientInvoice:
    balance = Decimal("0.00") if status in ("Written off", "Paid") else Decimal("150.00")
    return ClientInvoice(
        invoice_id=f"inv-{day:%m%d}",
        date=day,
        start=time(13, 0),
        zone=zone,
        status=status,
        amount=Decimal("150.00"),
        balance=balance,
    )


def fee(status: str | None, balance: str | None = None, key: str = "lc1") -> LateFee:
    return LateFee(
        appointment_id=f"ap-{key}",
        client_name="Felix Brooks",
        date=date(2026, 11, 9),
        invoice_id=f"inv-{key}",
        status=status,
        amount=Decimal("150.00"),
        balance=Decimal(balance) if balance is not None else None,
    )


# ---- Payouts --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("confirmed", "paid", "expected", "state"),
    [
        (date(2026, 11, 5), date(2026, 11, 30), date(2026, 11, 30), PayoutState.PAID),
        (date(2026, 11, 5), date(2026, 11, 12), date(2026, 11, 30), PayoutState.PAID),
        (date(2026, 10, 6), date(2026, 11, 3), date(2026, 10, 31), PayoutState.PAID_LATE),
        (date(2026, 10, 20), date(2026, 11, 16), date(2026, 11, 15), PayoutState.PAID_LATE),
        (date(2026, 11, 5), None, date(2026, 11, 30), PayoutState.NOT_YET_DUE),
        (date(2026, 11, 3), None, date(2026, 11, 30), PayoutState.NOT_YET_DUE),
        (date(2026, 10, 13), None, date(2026, 10, 31), PayoutState.MISSING),
        (date(2026, 10, 16), None, date(2026, 11, 15), PayoutState.MISSING),
    ],
)
def test_a_payout_is_judged_against_the_date_the_schedule_gives(
    confirmed: date, paid: date | None, expected: date, state: PayoutState
) -> None:
    payout = payout_of(session(confirmed_on=confirmed, paid_on=paid), TODAY)
    assert payout.expected_payout == expected
    assert payout.state is state
    assert payout.needs_a_person is (state in (PayoutState.PAID_LATE, PayoutState.MISSING))


def test_an_unpaid_session_is_not_missing_on_its_payout_day_only_after_it() -> None:
    unpaid = session(confirmed_on=date(2026, 11, 16))  # due Dec 15
    assert payout_of(unpaid, date(2026, 12, 15)).state is PayoutState.NOT_YET_DUE
    assert payout_of(unpaid, date(2026, 12, 16)).state is PayoutState.MISSING


def test_a_december_confirmation_is_paid_on_january_15th() -> None:
    payout = payout_of(session(date(2026, 12, 17), confirmed_on=date(2026, 12, 18)), TODAY)
    assert payout.expected_payout == date(2027, 1, 15)


def test_without_a_confirmation_day_the_session_day_sets_the_payout() -> None:
    payout = payout_of(session(date(2026, 10, 16), confirmed_on=None), TODAY)
    assert payout.expected_payout == date(2026, 11, 15)
    assert payout.state is PayoutState.MISSING


# ---- Same client, same day --------------------------------------------------------------


def test_the_same_client_is_the_same_email_whatever_the_case() -> None:
    assert same_client(
        "Caleb Nguyen", "Caleb.Nguyen@Example.com", "C. Nguyen", "caleb.nguyen@example.com"
    )
    assert not same_client("Caleb Nguyen", "caleb@example.com", "Caleb Nguyen", "other@example.com")


def test_without_both_emails_the_same_client_is_the_same_name() -> None:
    assert same_client("Caleb  Nguyen", None, "caleb nguyen", "caleb.nguyen@example.com")
    assert not same_client("Caleb Nguyen", None, "Iris Kim", "caleb.nguyen@example.com")


def test_a_late_pacific_session_falls_on_the_next_eastern_day() -> None:
    late = session(date(2026, 11, 4), start=time(21, 30), zone=PACIFIC)
    assert on_day(late, date(2026, 11, 5), EAST)
    assert not on_day(late, date(2026, 11, 4), EAST)
    assert on_day(late, date(2026, 11, 4), PACIFIC)


def test_without_a_zone_the_dates_are_compared_as_written() -> None:
    late = session(date(2026, 11, 4), start=time(21, 30), zone=None)
    assert on_day(late, date(2026, 11, 4), EAST)
    assert not on_day(late, date(2026, 11, 5), EAST)


def test_a_time_in_the_daylight_saving_gap_compares_dates_as_written() -> None:
    gap = session(date(2026, 3, 8), start=time(2, 30), zone=EAST)  # clocks jump 2 -> 3 AM
    assert on_day(gap, date(2026, 3, 8), PACIFIC)


# ---- Requests marked Billed ------------------------------------------------------------


def test_a_billed_request_with_its_session_is_not_listed() -> None:
    assert unmatched_requests([request()], [session()]) == []


def test_a_billed_request_without_a_session_that_day_is_listed_once() -> None:
    lonely = request(date(2026, 11, 2), name="Iris Kim", email="iris.kim@example.com")
    [found] = unmatched_requests([lonely, request()], [session()])
    assert found.request is lonely
    assert found.reason == "no confirmed Headway session that day"


def test_another_clients_session_that_day_does_not_count() -> None:
    other = session(name="Iris Kim", email="iris.kim@example.com")
    [found] = unmatched_requests([request()], [other])
    assert found.request.client_name == "Caleb Nguyen"


def test_a_request_matches_a_session_across_zones() -> None:
    """9:30 PM Pacific on Nov 4 is the Eastern note's Nov 5, 12:30 AM."""
    pacific = session(date(2026, 11, 4), start=time(21, 30), zone=PACIFIC)
    assert unmatched_requests([request(date(2026, 11, 5), start=time(0, 30))], [pacific]) == []
    [found] = unmatched_requests([request(date(2026, 11, 4))], [pacific])
    assert found.request.date == date(2026, 11, 4)


def test_a_request_whose_note_has_no_date_is_listed_with_that_reason() -> None:
    [found] = unmatched_requests([request(None)], [session()])
    assert found.reason == "the admin note gives no readable date"


# ---- Invoices --------------------------------------------------------------------------


def _invoices(*found: ClientInvoice) -> dict[str, list[ClientInvoice] | None]:
    return {"caleb.nguyen@example.com": list(found)}


def test_a_written_off_invoice_that_day_is_what_the_procedure_wants() -> None:
    assert unwritten_invoices([session()], _invoices(invoice(status="Written off"))) == []


@pytest.mark.parametrize("status", ["Open", "Paid", "Failed"])
def test_an_invoice_not_written_off_is_listed_with_its_status(status: str) -> None:
    open_one = invoice(status=status)
    [found] = unwritten_invoices([session()], _invoices(open_one))
    assert found.invoice == open_one
    assert found.reason == f"invoice {status}"


def test_another_days_written_off_invoice_does_not_count() -> None:
    [found] = unwritten_invoices([session()], _invoices(invoice(date(2026, 11, 11))))
    assert found.invoice is None
    assert found.reason == "no invoice for that day"


def test_the_invoice_of_a_late_session_is_on_the_clients_day() -> None:
    """A 9:30 PM Pacific calendar session, shown 12:30 AM Eastern on the client's invoice."""
    pacific = session(date(2026, 11, 4), start=time(21, 30), zone=PACIFIC)
    assert unwritten_invoices([pacific], _invoices(invoice(date(2026, 11, 5)))) == []


def test_a_client_the_platform_does_not_know_is_listed() -> None:
    """No single client with that email on the platform, or no email known at all."""
    not_found: dict[str, list[ClientInvoice] | None] = {"caleb.nguyen@example.com": None}
    found = unwritten_invoices([session(), session(email=None)], not_found)
    assert [u.reason for u in found] == ["client not found on the Ruh Platform"] * 2


# ---- Late-cancellation fees ------------------------------------------------------------


def test_open_failed_and_unlisted_fees_are_outstanding_paid_and_forgiven_ones_are_not() -> None:
    fees = [
        fee("Open", "150.00", "open"),
        fee("Failed", "150.00", "failed"),
        fee(None, None, "unlisted"),
        fee("Paid", "0.00", "paid"),
        fee("Written off", "0.00", "forgiven"),
        fee("Paid", "40.00", "partly"),
    ]
    assert [f.appointment_id for f in outstanding(fees)] == [
        "ap-open",
        "ap-failed",
        "ap-unlisted",
        "ap-partly",
    ]


# ---- The whole reconciliation ----------------------------------------------------------


NADIA = "nadia.alvarez@example.com"
# Two clients: Caleb's Nov 4 session is in order (not yet due), Nadia's Sep 21 payout came
# three days late and her Oct 12 one never came.
SESSIONS = [
    session(),
    session(date(2026, 10, 12), name="Nadia Alvarez", email=NADIA, confirmed_on=date(2026, 10, 13)),
    session(
        date(2026, 9, 21),
        name="Nadia Alvarez",
        email=NADIA,
        confirmed_on=date(2026, 9, 22),
        paid_on=date(2026, 10, 18),
    ),
]
INVOICES: dict[str, list[ClientInvoice] | None] = {
    "caleb.nguyen@example.com": [invoice()],
    NADIA: [invoice(date(2026, 10, 12)), invoice(date(2026, 9, 21))],
}


def test_a_practice_in_order_but_for_late_payouts_lists_only_those() -> None:
    found = reconcile(
        sessions=SESSIONS, requests=[request()], invoices=INVOICES, fees=[fee("Paid", "0.00")],
        today=TODAY,
    )  # fmt: skip
    assert [(p.session.date, p.state) for p in found.sessions] == [
        (date(2026, 9, 21), PayoutState.PAID_LATE),
        (date(2026, 10, 12), PayoutState.MISSING),
        (date(2026, 11, 4), PayoutState.NOT_YET_DUE),
    ]
    assert [p.session.date for p in found.late_payouts] == [date(2026, 9, 21), date(2026, 10, 12)]
    assert found.counts() == {
        "sessions": 3,
        "late_payouts": 2,
        "billed_without_session": 0,
        "invoices_not_written_off": 0,
        "outstanding_fees": 0,
    }
    assert found.needs_a_person


def test_since_leaves_out_older_dates_of_service() -> None:
    found = reconcile(
        sessions=SESSIONS, requests=[request()], invoices=INVOICES, fees=[], today=TODAY,
        since=date(2026, 10, 1),
    )  # fmt: skip
    assert [p.session.date for p in found.sessions] == [date(2026, 10, 12), date(2026, 11, 4)]
    assert [p.session.date for p in found.late_payouts] == [date(2026, 10, 12)]


def test_a_request_just_inside_since_still_finds_its_session_just_outside() -> None:
    """Nov 1, 12:30 AM Eastern is Oct 31, 9:30 PM on a Pacific calendar."""
    pacific = session(date(2026, 10, 31), start=time(21, 30), zone=PACIFIC)
    early = request(date(2026, 11, 1), start=time(0, 30))
    found = reconcile(
        sessions=[pacific], requests=[early], invoices={}, fees=[], today=TODAY,
        since=date(2026, 11, 1),
    )  # fmt: skip
    assert found.billed_without_session == []
    assert found.sessions == []


def test_nothing_needs_a_person_when_everything_matches() -> None:
    paid = session(confirmed_on=date(2026, 11, 5), paid_on=date(2026, 11, 30))
    found = reconcile(
        sessions=[paid],
        requests=[request()],
        invoices=_invoices(invoice()),
        fees=[fee("Paid", "0.00")],
        today=date(2026, 12, 1),
    )
    assert found.counts() == {
        "sessions": 1,
        "late_payouts": 0,
        "billed_without_session": 0,
        "invoices_not_written_off": 0,
        "outstanding_fees": 0,
    }
    assert not found.needs_a_person


def test_every_case_lands_in_its_own_section_once() -> None:
    """The demo's kinds of trouble, one each, in one practice."""
    sessions = [
        session(paid_on=None),  # Caleb: invoice still Open
        session(
            date(2026, 10, 12),
            name="Nadia Alvarez",
            email="nadia.alvarez@example.com",
            confirmed_on=date(2026, 10, 13),
        ),  # payout missing
    ]
    requests = [
        request(),
        request(date(2026, 11, 2), name="Iris Kim", email="iris.kim@example.com",
                conversation="conv-rc1"),
    ]  # fmt: skip
    invoices: dict[str, list[ClientInvoice] | None] = {
        "caleb.nguyen@example.com": [invoice(status="Open")],
        "nadia.alvarez@example.com": [invoice(date(2026, 10, 12))],
    }
    fees = [
        fee("Open", "150.00", "lc5"),
        fee("Failed", "150.00", "lc6"),
        fee("Paid", "0.00", "lc7"),
    ]
    found = reconcile(
        sessions=sessions, requests=requests, invoices=invoices, fees=fees, today=TODAY
    )
    assert [p.session.client_name for p in found.late_payouts] == ["Nadia Alvarez"]
    assert [u.request.conversation_id for u in found.billed_without_session] == ["conv-rc1"]
    assert [(u.session.client_name, u.reason) for u in found.invoices_not_written_off] == [
        ("Caleb Nguyen", "invoice Open")
    ]
    assert sorted(f.appointment_id for f in found.outstanding_fees) == ["ap-lc5", "ap-lc6"]
