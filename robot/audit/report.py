"""``report.html``: the run as a billing person reads it, rendered from the view model.

The page (``templates/report.html.j2``) puts first what needs a person: a click that may
have landed, then what the run did in money and work, then the review and failed tables,
then one card per item. The template is loaded from the installed package (not a path in
the repository) and rendered with autoescape on: client names and reasons are data, never
markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

import jinja2

from robot.audit import labels, present
from robot.audit.files import safe_name
from robot.audit.model import ItemView, RunInfo, StepView
from robot.audit.totals import PAYOUT_RULE, RunTotals, Tally, expected_payout, run_totals
from robot.logging import scrub_text

__all__ = ["Card", "CardStep", "card_facts", "card_for", "money_rows", "render_report"]

TEMPLATE = "report.html.j2"
"""The page's template inside ``robot/audit/templates``."""

HEADWAY_KIND = "headway_billing"
"""The kind whose cards always list CPT, diagnosis and payout date (known or not)."""

# Cards of these statuses start with their steps folded: nothing there needs a person.
_FOLDED = frozenset({"done", "resolved", "dismissed"})


@dataclass(frozen=True)
class CardStep:
    """One row of an item card's step table: the step and the screenshots shown with it."""

    step: StepView
    label: str
    who: str
    screenshots: tuple[str, ...]
    """The step's screenshots minus any already shown with an earlier step of the item."""


@dataclass(frozen=True)
class Card:
    """One item, resolved for the page: words chosen, defaults filled, duplicates gone."""

    item: ItemView
    anchor: str
    """The card's HTML id, for links from the tables at the top."""
    title: str
    """The client when known (that is how staff look work up), else the item id."""
    kind: str
    status: str
    next_step: str | None
    check_hint: str | None
    problem_step: str | None
    """The failed step in plain words: the caller's, else the step left in "intent"."""
    rows: tuple[CardStep, ...]
    robot_steps: int
    screenshots: int
    problem_screenshot: str | None
    """The problem screenshot when no step row already shows it."""
    folded: bool
    """Start with the steps folded away (nothing there needs a person)."""
    facts: tuple[tuple[str, str], ...]
    """(label, value) of the billing facts worth a line on this card, values formatted."""


def card_for(item: ItemView) -> Card:
    """Resolve ``item`` for the page (see :class:`Card`)."""
    seen: set[str] = set()
    rows = []
    for step in item.steps:
        fresh = tuple(shot for shot in step.screenshots if shot not in seen)
        seen.update(fresh)
        label = step.label or labels.step_label(step.name)
        rows.append(CardStep(step, label, labels.who_did(step), fresh))
    problem = item.problem_screenshot
    return Card(
        item=item,
        anchor=f"item-{safe_name(item.item_id)}",
        title=item.facts.client_name or item.item_id,
        kind=item.kind_label or labels.kind_label(item.kind),
        status=labels.status_label(item.status),
        next_step=labels.next_step(item),
        check_hint=labels.check_hint(item),
        problem_step=_problem_step(item),
        rows=tuple(rows),
        robot_steps=sum(1 for step in item.steps if step.by_robot_now),
        screenshots=len(seen),
        problem_screenshot=problem if problem not in seen else None,
        folded=item.status in _FOLDED,
        facts=card_facts(item),
    )


def card_facts(item: ItemView) -> tuple[tuple[str, str], ...]:
    """The facts a card lists: the core ones always, the rest when they apply.

    A dash says "not known"; CPT, diagnosis and payout date only matter for Headway, so
    other kinds list them only when known. Amounts of steps that did not happen are left out.
    """
    facts = item.facts
    payout = expected_payout(item)  # the same date the payout table counts it under
    headway = item.kind == HEADWAY_KIND or facts.cpt_code is not None
    rows: list[tuple[str, str | None]] = [
        ("Date of service", present.long_day(facts.date_of_service)),
        ("Therapist", facts.therapist or present.NOT_KNOWN),
        ("CPT", facts.cpt_code or (present.NOT_KNOWN if headway else None)),
        ("Diagnosis", facts.diagnosis_code or (present.NOT_KNOWN if headway else None)),
        ("Amount", present.money(facts.amount)),
        ("Payout date", _known_or(present.long_day(payout), payout, headway)),
        ("Written off", _amount(facts.written_off_amount)),
        ("Late-cancellation fee", _fee(item)),
        ("Refunded", _amount(facts.refund_amount)),
        ("Sheet write-off", _amount(facts.sheet_write_off_amount)),
    ]
    return tuple((label, value) for label, value in rows if value is not None)


def _known_or(text: str, value: object, always: bool) -> str | None:
    return text if value is not None or always else None


def _amount(amount: Decimal | None) -> str | None:
    return None if amount is None else present.money(amount)


def _fee(item: ItemView) -> str | None:
    fee = item.facts.fee_amount
    if fee is None:
        return None
    outcome = item.facts.fee_outcome
    return f"{present.money(fee)} ({outcome})" if outcome else present.money(fee)


def money_rows(totals: RunTotals) -> list[tuple[str, Tally]]:
    """The money lines of "What this run did", in the procedure's order."""
    rows = [
        ("Invoices written off on the Ruh Platform", totals.invoices_written_off),
        ("Late-cancellation fees charged", totals.fees_charged),
        ("Late-cancellation fees declined", totals.fees_declined),
        ("Refunds", totals.refunds),
        ("Programs Sheet write-offs", totals.sheet_write_offs),
    ]
    if totals.fees_outcome_unknown.count:
        # Only when a caller left the outcome out: a line of zeros would only confuse.
        unknown = ("Late-cancellation fees, outcome not recorded", totals.fees_outcome_unknown)
        rows.insert(3, unknown)
    return rows


def render_report(run: RunInfo, items: Sequence[ItemView]) -> str:
    """The whole ``report.html`` page for ``run`` and its ``items``."""
    cards = [card_for(item) for item in items]
    totals = run_totals(items)
    return (
        _environment()
        .get_template(TEMPLATE)
        .render(
            run=run,
            cards=cards,
            totals=totals,
            money_rows=money_rows(totals),
            payout_rule=PAYOUT_RULE,
            review=[card for card in cards if card.item.status == "needs_review"],
            failed=[card for card in cards if card.item.status in ("failed", "stopped")],
            landed=[card for card in cards if card.item.click_may_have_landed],
            mode=labels.mode_label(run.mode),
            ledger_location=present.mask_password(run.ledger_location),
        )
    )


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        # From the installed package: works from a wheel, not only from a checkout.
        loader=jinja2.PackageLoader("robot.audit", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,  # a typo in the template fails loudly in tests
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        money=present.money,
        day=present.long_day,
        moment=present.moment,
        phase=present.shot_phase,
        # Reasons can quote a site's error text: keep email addresses out as the log does.
        scrub=scrub_text,
    )
    env.globals.update(duration=present.duration, status_label=labels.status_label)
    return env


def _problem_step(item: ItemView) -> str | None:
    name = item.failed_step
    if name is None and item.intent_step is not None:
        name = item.intent_step.name
    if name is None:
        return None
    for step in item.steps:
        if step.name == name and step.label:
            return step.label
    return labels.step_label(name)
