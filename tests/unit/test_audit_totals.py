"""What a run did in money and work: only this run's own clicks count."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from robot.audit import ItemFacts, ItemView, StepView, run_totals
from robot.audit.model import StepStateName
from robot.audit.totals import PayoutDay, Tally
from tests.audit.fabricated import fabricate


def step(name: str, state: StepStateName = "done", *, found: bool = False,
         ended_at: datetime | None = None) -> StepView:
    return StepView(name=name, state=state, found=found, ended_at=ended_at)


def item(*steps: StepView, **facts: object) -> ItemView:
    return ItemView(
        item_id=f"i-{id(steps)}", kind="headway_billing", status="done",
        facts=ItemFacts(**facts),  # type: ignore[arg-type]
        steps=steps,
    )


def test_the_fabricated_run_adds_up(tmp_path: Path) -> None:
    totals = run_totals(fabricate(tmp_path).items)
    assert totals.sessions_confirmed == 3
    assert totals.sessions_by_cpt == (("90834", 1), ("90837", 2))
    assert totals.invoices_written_off == Tally(3, Decimal("450.00"))
    assert totals.fees_charged == Tally(1, Decimal("75.00"))
    assert totals.fees_declined == Tally(1, Decimal("95.00"))
    assert totals.refunds == Tally(1, Decimal("120.00"))
    assert totals.sheet_write_offs == Tally(1, Decimal("120.00"))
    assert totals.payouts == (PayoutDay(date(2026, 11, 30), 1), PayoutDay(date(2026, 12, 15), 2))
    assert dict(totals.by_status) == {
        "done": 7, "needs_review": 2, "failed": 2, "rehearsed": 1, "skipped": 1
    }


def test_found_rehearsed_skipped_and_unverified_steps_do_not_count() -> None:
    totals = run_totals([
        item(step("headway.confirm", found=True), cpt_code="90837"),
        item(step("headway.confirm", "would_commit"), cpt_code="90837"),
        item(step("headway.confirm", "skipped"), cpt_code="90837"),
        item(step("headway.confirm", "intent"), step("ruh.write-off", "intent"),
             written_off_amount=Decimal("150")),
    ])
    assert totals.sessions_confirmed == 0
    assert totals.invoices_written_off == Tally()
    assert totals.payouts == ()
    assert totals.steps_rehearsed == 1


def test_payout_dates_group_across_the_15th_and_a_year_end() -> None:
    """Without a payout fact, the day the robot confirmed (practice time) decides."""
    eastern_late_on_the_15th = datetime(2026, 12, 16, 4, 30, tzinfo=UTC)  # 11:30 PM Dec 15 EST
    totals = run_totals([
        item(step("headway.confirm", ended_at=datetime(2026, 11, 1, 15, tzinfo=UTC))),
        item(step("headway.confirm", ended_at=datetime(2026, 11, 15, 15, tzinfo=UTC))),
        item(step("headway.confirm", ended_at=datetime(2026, 11, 16, 15, tzinfo=UTC))),
        item(step("headway.confirm", ended_at=eastern_late_on_the_15th)),
        item(step("headway.confirm", ended_at=datetime(2026, 12, 31, 15, tzinfo=UTC))),
        item(step("headway.confirm")),  # no time, no fact: date unknown, listed last
    ])
    assert totals.payouts == (
        PayoutDay(date(2026, 11, 30), 2),
        PayoutDay(date(2026, 12, 15), 1),
        PayoutDay(date(2026, 12, 31), 1),
        PayoutDay(date(2027, 1, 15), 1),
        PayoutDay(None, 1),
    )


def test_a_payout_fact_wins_over_the_confirmation_time() -> None:
    confirmed = step("headway.confirm", ended_at=datetime(2026, 11, 20, 15, tzinfo=UTC))
    totals = run_totals([item(confirmed, payout_date=date(2026, 11, 30))])
    assert totals.payouts == (PayoutDay(date(2026, 11, 30), 1),)


def test_the_fabricated_payout_facts_match_the_rule(tmp_path: Path) -> None:
    """The same dates come out of the confirmation times alone (11:52 PM on the 15th)."""
    items = [replace(i, facts=replace(i.facts, payout_date=None)) for i in fabricate(tmp_path).items]
    assert run_totals(items).payouts == (
        PayoutDay(date(2026, 11, 30), 1), PayoutDay(date(2026, 12, 15), 2)
    )


def test_fees_are_split_by_outcome_and_missing_amounts_are_counted() -> None:
    fee = step("ruh.charge-full")
    totals = run_totals([
        item(fee, fee_amount=Decimal("75"), fee_outcome="charged"),
        item(fee, fee_amount=Decimal("95"), fee_outcome="declined"),
        item(fee, fee_outcome="charged"),
        item(fee, fee_amount=Decimal("50")),
    ])
    assert totals.fees_charged == Tally(2, Decimal("75"), missing_amounts=1)
    assert totals.fees_declined == Tally(1, Decimal("95"))
    assert totals.fees_outcome_unknown == Tally(1, Decimal("50"))


def test_a_session_without_a_cpt_fact_is_counted_as_unknown() -> None:
    totals = run_totals([item(step("headway.confirm"))])
    assert totals.sessions_by_cpt == (("unknown", 1),)


def test_a_card_shows_the_payout_date_the_table_counts(tmp_path: Path) -> None:
    """Without a payout fact the card falls back to the same rule as the payout table."""
    from robot.audit.report import card_for

    confirmed = step("headway.confirm", ended_at=datetime(2026, 11, 16, 15, tzinfo=UTC))
    facts = dict(card_for(item(confirmed, cpt_code="90837")).facts)
    assert facts["Payout date"] == "Dec 15, 2026"
