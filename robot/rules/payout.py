"""Headway payout dates: providers are paid on the 15th and on the last day of each month."""

from __future__ import annotations

import calendar
from datetime import date


def last_day_of_month(day: date) -> date:
    """Return the last day of ``day``'s month (29 February in a leap year)."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def payout_date(confirmed_on: date) -> date:
    """Return when a session confirmed on ``confirmed_on`` is paid out.

    Confirmed on the 1st to the 15th: paid on the last day of that month; on the 16th
    or later: paid on the 15th of the next month.
    """
    if confirmed_on.day <= 15:
        return last_day_of_month(confirmed_on)
    if confirmed_on.month == 12:
        return date(confirmed_on.year + 1, 1, 15)
    return date(confirmed_on.year, confirmed_on.month + 1, 15)
