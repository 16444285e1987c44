from datetime import date

import pytest

from robot.rules.payout import last_day_of_month, payout_date


@pytest.mark.parametrize(
    ("confirmed", "paid"),
    [
        (date(2026, 11, 1), date(2026, 11, 30)),
        (date(2026, 11, 15), date(2026, 11, 30)),
        (date(2026, 11, 16), date(2026, 12, 15)),
        (date(2026, 11, 30), date(2026, 12, 15)),
        (date(2026, 10, 15), date(2026, 10, 31)),
        (date(2026, 10, 31), date(2026, 11, 15)),
        (date(2026, 12, 15), date(2026, 12, 31)),
        (date(2026, 12, 16), date(2027, 1, 15)),
        (date(2026, 12, 31), date(2027, 1, 15)),
        (date(2026, 1, 31), date(2026, 2, 15)),
        (date(2026, 2, 15), date(2026, 2, 28)),
        (date(2026, 2, 16), date(2026, 3, 15)),
        (date(2028, 2, 15), date(2028, 2, 29)),
        (date(2028, 2, 29), date(2028, 3, 15)),
        (date(2028, 1, 16), date(2028, 2, 15)),
        (date(2026, 4, 15), date(2026, 4, 30)),
    ],
)
def test_payout_is_month_end_or_the_next_fifteenth(confirmed: date, paid: date) -> None:
    assert payout_date(confirmed) == paid


@pytest.mark.parametrize(
    ("day", "last"),
    [
        (date(2026, 2, 3), date(2026, 2, 28)),
        (date(2028, 2, 3), date(2028, 2, 29)),
        (date(2100, 2, 3), date(2100, 2, 28)),
        (date(2000, 2, 3), date(2000, 2, 29)),
        (date(2026, 4, 30), date(2026, 4, 30)),
    ],
)
def test_last_day_of_month_knows_leap_years(day: date, last: date) -> None:
    assert last_day_of_month(day) == last
