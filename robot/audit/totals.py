"""What a run did in money and work, added up from its items.

Only steps the robot did in this run count: state "done" and not found already done. A
step found done on the site (a person did it, or an earlier run whose answer was lost)
was not this run's work, and a rehearsed, skipped or unverified step changed nothing
that we know of. A click of this run whose answer was lost, and whose change the site
then showed, is this run's work: the gate records it as done now, and it counts.

Expected Headway payouts follow Headway's rule (:func:`robot.rules.payout.payout_date`):
sessions confirmed on the 1st-15th are paid on the last day of that month; on the 16th or
later, on the 15th of the next month. An item's ``payout_date`` fact wins; without it the
date the robot confirmed the session (in the practice's time zone) gives it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Final
from zoneinfo import ZoneInfo

from robot.audit.model import ITEM_STATUSES, ItemView
from robot.rules.payout import payout_date
from robot.rules.timezones import EASTERN

__all__ = ["PAYOUT_RULE", "PayoutDay", "RunTotals", "Tally", "expected_payout", "run_totals"]

PAYOUT_RULE: Final = (
    "Headway pays sessions confirmed on the 1st–15th of a month on the last day of that "
    "month, and sessions confirmed on the 16th or later on the 15th of the next month "
    "(the money can take a day or two more to arrive)."
)
"""The payout rule in words, as the report states it."""

CONFIRM: Final = "headway.confirm"
WRITE_OFF: Final = "ruh.write-off"
CHARGE_FEE: Final = "ruh.charge-full"
REFUND: Final = "ruh.refund"
SHEET_WRITE_OFF: Final = "sheet.write-off"

# The practice's zone: "confirmed on the 15th" means the 15th on the practice's calendar.
_PRACTICE_ZONE: Final = ZoneInfo(EASTERN)


@dataclass(frozen=True)
class Tally:
    """How many of something, and their total in dollars."""

    count: int = 0
    total: Decimal = Decimal("0.00")
    missing_amounts: int = 0
    """How many of ``count`` had no amount: ``total`` leaves them out."""

    def add(self, amount: Decimal | None) -> Tally:
        """Return the tally plus one more of ``amount`` (None: amount unknown)."""
        if amount is None:
            return Tally(self.count + 1, self.total, self.missing_amounts + 1)
        return Tally(self.count + 1, self.total + amount, self.missing_amounts)


@dataclass(frozen=True)
class PayoutDay:
    """Sessions confirmed in this run that Headway pays out on one day."""

    paid_on: date | None
    """None: the confirmation date is not known, so neither is the payout date."""
    sessions: int


@dataclass(frozen=True)
class RunTotals:
    """The run's work and money in one place (see the module docstring for what counts)."""

    items: int
    by_status: tuple[tuple[str, int], ...]
    """(status, count) for every status that occurs, in the report's status order."""
    sessions_confirmed: int
    sessions_by_cpt: tuple[tuple[str, int], ...]
    """(CPT code, sessions), by code; "unknown" when an item has no CPT fact."""
    invoices_written_off: Tally
    fees_charged: Tally
    fees_declined: Tally
    fees_outcome_unknown: Tally
    """Fee charges clicked and verified whose outcome the caller did not say."""
    refunds: Tally
    sheet_write_offs: Tally
    payouts: tuple[PayoutDay, ...]
    """By payout date, earliest first; an unknown date last."""
    steps_rehearsed: int
    """Steps a dry run stopped at (nothing clicked)."""


def run_totals(items: Sequence[ItemView]) -> RunTotals:
    """Add up what the robot did in this run across ``items``."""
    statuses: Counter[str] = Counter(item.status for item in items)
    by_cpt: Counter[str] = Counter()
    payouts: Counter[date | None] = Counter()
    write_offs = charged = declined = unknown_fee = refunds = sheet = Tally()
    for item in items:
        facts = item.facts
        done = {step.name: step for step in item.steps if step.by_robot_now}
        if CONFIRM in done:
            by_cpt[facts.cpt_code or "unknown"] += 1
            payouts[expected_payout(item)] += 1
        if WRITE_OFF in done:
            write_offs = write_offs.add(facts.written_off_amount)
        if CHARGE_FEE in done:
            if facts.fee_outcome == "charged":
                charged = charged.add(facts.fee_amount)
            elif facts.fee_outcome == "declined":
                declined = declined.add(facts.fee_amount)
            else:
                unknown_fee = unknown_fee.add(facts.fee_amount)
        if REFUND in done:
            refunds = refunds.add(facts.refund_amount)
        if SHEET_WRITE_OFF in done:
            sheet = sheet.add(facts.sheet_write_off_amount)
    return RunTotals(
        items=len(items),
        by_status=_in_status_order(statuses),
        sessions_confirmed=sum(by_cpt.values()),
        sessions_by_cpt=tuple(sorted(by_cpt.items())),
        invoices_written_off=write_offs,
        fees_charged=charged,
        fees_declined=declined,
        fees_outcome_unknown=unknown_fee,
        refunds=refunds,
        sheet_write_offs=sheet,
        payouts=tuple(
            PayoutDay(day, count)
            for day, count in sorted(payouts.items(), key=lambda pair: _date_last(pair[0]))
        ),
        steps_rehearsed=sum(
            1 for item in items for step in item.steps if step.state == "would_commit"
        ),
    )


def expected_payout(item: ItemView) -> date | None:
    """When Headway should pay the item's session, or None when that is not known.

    The item's ``payout_date`` fact wins; else the rule applied to the day the robot
    confirmed the session in this run (the card and the payout table then agree).
    """
    if item.facts.payout_date is not None:
        return item.facts.payout_date
    confirm = next((s for s in item.steps if s.name == CONFIRM and s.by_robot_now), None)
    if confirm is None or confirm.ended_at is None:
        return None
    return payout_date(_practice_day(confirm.ended_at))


def _practice_day(moment: datetime) -> date:
    # A naive time is taken as already local (the robot runs at the practice).
    return moment.astimezone(_PRACTICE_ZONE).date() if moment.tzinfo else moment.date()


def _date_last(day: date | None) -> tuple[bool, date]:
    return (day is None, day or date.min)


def _in_status_order(counts: Counter[str]) -> tuple[tuple[str, int], ...]:
    order: Iterable[str] = (*ITEM_STATUSES, *sorted(set(counts) - set(ITEM_STATUSES)))
    return tuple((status, counts[status]) for status in order if counts[status])
