"""``summary.json``: the report's content for programs, from the same view model.

Dates are ISO 8601 text and amounts decimal text (``"150.00"``: no float rounding). The
file names clients like the report does, so it is written owner-only (0600).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from robot.audit import labels
from robot.audit.model import ItemView, RunInfo, StepView
from robot.audit.present import mask_password
from robot.audit.totals import PayoutDay, RunTotals, Tally, expected_payout, run_totals
from robot.logging import scrub_text

__all__ = ["render_summary", "summary_document"]

SCHEMA_VERSION = 2
"""Bumped when a field changes meaning (1: ids, statuses and screenshots only)."""


def summary_document(run: RunInfo, items: Sequence[ItemView]) -> dict[str, Any]:
    """The summary as plain JSON-ready data."""
    totals = run_totals(items)
    return {
        "schema": SCHEMA_VERSION,
        "run_id": run.run_id,
        "mode": run.mode,
        "started_at": run.started_at.isoformat(),
        "ended_at": run.ended_at.isoformat(),
        "ledger_location": mask_password(run.ledger_location),
        "exit_code": run.exit_code,
        "exit_meaning": run.exit_meaning,
        "stopped_because": _scrubbed(run.stopped_because),
        "counts": dict(totals.by_status),
        "totals": _totals(totals),
        "items": [_item(item) for item in items],
    }


def render_summary(run: RunInfo, items: Sequence[ItemView]) -> str:
    """``summary.json``'s text (indented, newline-terminated)."""
    return json.dumps(summary_document(run, items), indent=2, default=_plain) + "\n"


def _totals(totals: RunTotals) -> dict[str, Any]:
    return {
        "sessions_confirmed": totals.sessions_confirmed,
        "sessions_by_cpt": dict(totals.sessions_by_cpt),
        "invoices_written_off": _tally(totals.invoices_written_off),
        "fees_charged": _tally(totals.fees_charged),
        "fees_declined": _tally(totals.fees_declined),
        "fees_outcome_unknown": _tally(totals.fees_outcome_unknown),
        "refunds": _tally(totals.refunds),
        "sheet_write_offs": _tally(totals.sheet_write_offs),
        "payouts": [_payout(day) for day in totals.payouts],
        "steps_rehearsed": totals.steps_rehearsed,
    }


def _tally(tally: Tally) -> dict[str, Any]:
    return {
        "count": tally.count,
        "total": str(tally.total),
        "missing_amounts": tally.missing_amounts,
    }


def _payout(day: PayoutDay) -> dict[str, Any]:
    return {"paid_on": _iso(day.paid_on), "sessions": day.sessions}


def _item(item: ItemView) -> dict[str, Any]:
    return {
        "id": item.item_id,
        "kind": item.kind,
        "kind_label": item.kind_label or labels.kind_label(item.kind),
        "status": item.status,
        "reason": _scrubbed(item.reason),
        "next_step": labels.next_step(item),
        "attempts": item.attempts,
        "conversation_url": item.conversation_url,
        "facts": asdict(item.facts),
        "expected_payout": _iso(expected_payout(item)),
        "steps": [_step(step) for step in item.steps],
        "failed_step": item.failed_step,
        "click_may_have_landed": item.click_may_have_landed,
        "check_hint": labels.check_hint(item),
        "problem_screenshot": item.problem_screenshot,
        # Every screenshot of the item once, in step order (version 1 had this list).
        "screenshots": list(dict.fromkeys(s for step in item.steps for s in step.screenshots)),
        "trace": item.trace,
    }


def _step(step: StepView) -> dict[str, Any]:
    return {
        "step": step.name,
        "label": step.label or labels.step_label(step.name),
        "state": step.state,
        "found": step.found,
        "who": labels.who_did(step),
        "started_at": _iso(step.started_at),
        "ended_at": _iso(step.ended_at),
        "screenshots": list(step.screenshots),
    }


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _scrubbed(text: str | None) -> str | None:
    return None if text is None else scrub_text(text)


def _plain(value: object) -> str:
    """JSON for the facts' dates and amounts (``asdict`` keeps them as objects)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
