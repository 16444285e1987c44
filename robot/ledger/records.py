"""The ledger's records, written once over SQL: steps, facts, resolutions, runs.

:class:`SqlLedger` completes :class:`~robot.ledger.engine.ClaimsLedger` into the whole
:class:`~robot.ledger.Ledger`; the backends subclass it and add only connections.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from robot.ledger.base import LedgerError
from robot.ledger.engine import ClaimsLedger
from robot.ledger.models import (
    REVIEWABLE_STATUSES,
    ItemStatus,
    JSONValue,
    Resolution,
    ResolutionAction,
    RunRecord,
    StepRecord,
    StepState,
)
from robot.ledger.sql import as_json, resolution_from_row, run_from_row, step_from_row

__all__ = ["SqlLedger"]

# An intent is only ever replaced by done or a new intent: a rehearsal's would_commit or
# an operator's skip must not erase the warning that a click may already have happened
# (such a write changes nothing). started_at keeps the first intent or would-commit.
_UPSERT_STEP: Final = (
    "INSERT INTO steps (item_id, step, state, evidence, run_id, found, started_at,"
    " created_at, updated_at) VALUES (:item_id, :step, :state, :evidence, :run_id, :found,"
    " :started_at, :now, :now)"
    " ON CONFLICT (item_id, step) DO UPDATE SET state = excluded.state,"
    " evidence = COALESCE(excluded.evidence, steps.evidence), run_id = excluded.run_id,"
    " found = excluded.found, started_at = COALESCE(steps.started_at, excluded.started_at),"
    " updated_at = excluded.updated_at"
    " WHERE steps.state <> 'intent' OR excluded.state IN ('intent', 'done')"
)

_RESOLVED_STATUS: Final = {
    ResolutionAction.RETRY: ItemStatus.PENDING,
    ResolutionAction.DONE_BY_HAND: ItemStatus.RESOLVED,
    ResolutionAction.DISMISS: ItemStatus.DISMISSED,
}

_RESOLUTION_COLUMNS: Final = (
    "item_id, action, resolved_by, reason, resolved_at, previous_status, previous_reason"
)
_RUN_COLUMNS: Final = "run_id, mode, host, pid, run_dir, started_at, ended_at, outcome"


class SqlLedger(ClaimsLedger):
    """The whole ledger over SQL; a backend adds its connections and dialect."""

    # --- steps -----------------------------------------------------------------------------

    def step_state(self, item_id: str, step: str) -> StepState | None:
        """Return the step's state, or None if never recorded."""
        with self._reading() as tx:
            row = tx.one(
                "SELECT state FROM steps WHERE item_id = :item_id AND step = :step",
                item_id=item_id,
                step=step,
            )
        return None if row is None else StepState(row["state"])

    def record_step(
        self,
        item_id: str,
        step: str,
        state: StepState,
        evidence: Path | None = None,
        *,
        found: bool = False,
    ) -> None:
        """Set the step's state; committed (durably) before this returns.

        ``found=True`` marks a ``done`` found on the site rather than clicked. An intent
        is only replaced by done or a new intent (a later would-commit or skip is
        ignored). While the item is in progress only its holder may write, and the write
        renews the lease; otherwise :class:`~robot.ledger.LeaseLost` is raised and
        nothing is written — so the click the intent announces must not happen.
        """
        state = StepState(state)
        if found and state is not StepState.DONE:
            raise ValueError("only a done step can have been found on the site")
        run_id = self.run_id
        with self._transaction() as tx:
            now = self._now(tx)
            self._guard_write(tx, item_id, now)
            first = state in (StepState.INTENT, StepState.WOULD_COMMIT)
            tx.run(
                _UPSERT_STEP,
                item_id=item_id,
                step=step,
                state=state.value,
                evidence=None if evidence is None else str(evidence),
                run_id=run_id,
                found=found,
                started_at=now if first else None,
                now=now,
            )

    def list_steps(self, item_id: str) -> list[StepRecord]:
        """Return the item's steps in the order they were first recorded."""
        with self._reading() as tx:
            rows = tx.all(
                "SELECT item_id, step, state, evidence, run_id, updated_at, found, started_at"
                " FROM steps WHERE item_id = :item_id ORDER BY {steps_order}",
                item_id=item_id,
            )
        return [step_from_row(row) for row in rows]

    # --- facts -----------------------------------------------------------------------------

    def record_facts(self, item_id: str, facts: Mapping[str, JSONValue]) -> None:
        """Merge ``facts`` into the item's facts (a key given again is replaced).

        Facts are what the report shows an operator (client, date of service, CPT,
        diagnosis, amounts): owner-only data, never logged. Values must be JSON
        (``TypeError`` otherwise: turn dates into ISO strings first). The same holder
        rule as :meth:`record_step` applies.
        """
        self._require_run_id()
        new = json.loads(json.dumps(dict(facts), allow_nan=False))  # validates, copies
        with self._transaction() as tx:
            now = self._now(tx)
            row = self._guard_write(tx, item_id, now)
            merged = {**as_json(row["facts"]), **new}
            tx.run(
                "UPDATE items SET facts = :facts{json_cast}, updated_at = :now WHERE id = :item_id",
                facts=json.dumps(merged, sort_keys=True),
                now=now,
                item_id=item_id,
            )

    # --- review -----------------------------------------------------------------------------

    def resolve(
        self, item_id: str, action: ResolutionAction, by: str, reason: str | None = None
    ) -> Resolution:
        """Record a reviewer's decision on an item in needs_review, failed or skipped.

        ``retry`` puts it back to pending with its attempts reset; ``done_by_hand`` makes
        it ``resolved`` (never worked again); ``dismiss`` makes it ``dismissed`` and needs
        a reason. Its steps are kept whatever the action (an open intent still warns the
        next run). Raises :class:`LedgerError` for any other status, or a missing
        ``by`` or dismissal reason. Needs no run id.
        """
        action = ResolutionAction(action)
        if not by.strip():
            raise LedgerError("a resolution must say who decided it")
        if action is ResolutionAction.DISMISS and not (reason and reason.strip()):
            raise LedgerError(f"dismissing {item_id} needs a reason")
        new_status = _RESOLVED_STATUS[action]
        with self._transaction() as tx:
            now = self._now(tx)
            row = self._locked_item(tx, item_id)
            previous = ItemStatus(row["status"])
            if previous not in REVIEWABLE_STATUSES:
                allowed = ", ".join(sorted(s.value for s in REVIEWABLE_STATUSES))
                raise LedgerError(
                    f"{item_id} is {previous.value}: only items in {allowed} can be resolved"
                )
            tx.run(
                "UPDATE items SET status = :status, reason = :reason, retiring = :no,"
                " attempts = CASE WHEN :reset THEN 0 ELSE attempts END, updated_at = :now"
                " WHERE id = :item_id",
                status=new_status.value,
                reason=None if action is ResolutionAction.RETRY else reason,
                no=False,
                reset=action is ResolutionAction.RETRY,
                now=now,
                item_id=item_id,
            )
            resolution = Resolution(item_id, action, by, reason, now, previous, row["reason"])
            tx.run(
                f"INSERT INTO resolutions ({_RESOLUTION_COLUMNS}) VALUES (:item_id, :action,"
                " :by, :reason, :at, :previous_status, :previous_reason)",
                item_id=item_id,
                action=action.value,
                by=by,
                reason=reason,
                at=now,
                previous_status=previous.value,
                previous_reason=row["reason"],
            )
        return resolution

    def list_resolutions(self, item_id: str) -> list[Resolution]:
        """Return the item's resolutions, oldest first."""
        with self._reading() as tx:
            rows = tx.all(
                f"SELECT {_RESOLUTION_COLUMNS} FROM resolutions WHERE item_id = :item_id"
                " ORDER BY id",
                item_id=item_id,
            )
        return [resolution_from_row(row) for row in rows]

    # --- runs ---------------------------------------------------------------------------------

    def start_run(self, run_id: str, mode: str, host: str, pid: int, run_dir: Path | str) -> None:
        """Record that a run started; raises :class:`LedgerError` if the id is taken."""
        with self._transaction() as tx:
            now = self._now(tx)
            added = tx.run(
                f"INSERT INTO runs ({_RUN_COLUMNS}) VALUES (:run_id, :mode, :host, :pid,"
                " :run_dir, :now, NULL, NULL) ON CONFLICT (run_id) DO NOTHING",
                run_id=run_id,
                mode=mode,
                host=host,
                pid=pid,
                run_dir=str(run_dir),
                now=now,
            )
        if added != 1:
            raise LedgerError(f"run {run_id} was already started")

    def end_run(self, run_id: str, outcome: str) -> None:
        """Record how a run ended (``outcome``: e.g. ``finished``, ``stopped: ...``)."""
        with self._transaction() as tx:
            now = self._now(tx)
            changed = tx.run(
                "UPDATE runs SET ended_at = :now, outcome = :outcome WHERE run_id = :run_id",
                now=now,
                outcome=outcome,
                run_id=run_id,
            )
        if changed != 1:
            raise LedgerError(f"run {run_id} was never started")

    def get_run(self, run_id: str) -> RunRecord | None:
        """Return one run, or None if it was never started."""
        with self._reading() as tx:
            row = tx.one(f"SELECT {_RUN_COLUMNS} FROM runs WHERE run_id = :run_id", run_id=run_id)
        return None if row is None else run_from_row(row)
