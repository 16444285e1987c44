"""From the ledger and the run folder to the report's view model (facts left to the caller).

The ledger knows each item's status, reason, attempts and step states; the run folder
knows each step's screenshots (the gate names them ``NN-<step>-<phase>.jpg``), the page
when an item failed (``NN-failed.jpg``) or went to review (``NN-review.jpg``), and a
failed item's trace. :func:`item_views` joins the two. What the robot
read on the sites (client, amounts, payout date, the Intercom link) is not in the ledger:
the caller adds it with ``dataclasses.replace(view, facts=..., conversation_url=...)``.

:class:`ItemResult` and :func:`collect_results` are the older, flatter view still used by
callers that have not moved to :class:`~robot.audit.model.ItemView`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Final, cast

from robot.audit import labels
from robot.audit.files import safe_name
from robot.audit.model import (
    ITEM_STATUSES,
    STEP_STATES,
    ItemFacts,
    ItemStatusName,
    ItemView,
    StepStateName,
    StepView,
)
from robot.ledger import Ledger, StepRecord, WorkItem

if TYPE_CHECKING:
    from robot.audit.folder import RunFolder

__all__ = [
    "ItemResult",
    "collect_results",
    "facts_from",
    "item_view",
    "item_views",
    "view_from_result",
]

# "07-headway.confirm-before" -> step "headway.confirm", phase "before".
_STEP_SHOT: Final = re.compile(
    r"^\d+-(?P<step>.+)-(?P<phase>before|after|would-commit|found-done)$"
)
# The page when the item gave up ("failed", batch) or went to review ("review").
_PROBLEM_SHOT: Final = re.compile(r"^\d+-(failed|review)$")


@dataclass(frozen=True)
class ItemResult:
    """One row of the older report: an item's outcome in this run (ids and states only)."""

    item_id: str
    kind: str
    status: str
    reason: str | None = None
    attempts: int = 0
    steps: tuple[tuple[str, str], ...] = field(default=())
    """(step name, step state) in the order the steps were first recorded."""

    @classmethod
    def from_ledger(cls, item: WorkItem, steps: Sequence[StepRecord] = ()) -> ItemResult:
        """Build a result from the ledger's view of an item."""
        return cls(
            item_id=item.id,
            kind=item.kind,
            status=item.status.value,
            reason=item.reason,
            attempts=item.attempts,
            steps=tuple((step.step, step.state.value) for step in steps),
        )


def collect_results(ledger: Ledger, run_id: str | None = None) -> list[ItemResult]:
    """Return the results of every item last handled by ``run_id`` (default: the ledger's)."""
    wanted = run_id if run_id is not None else ledger.run_id
    return [
        ItemResult.from_ledger(item, ledger.list_steps(item.id))
        for item in ledger.list_items(run_id=wanted)
    ]


def item_views(
    ledger: Ledger,
    folder: RunFolder,
    run_id: str | None = None,
    *,
    step_labels: Mapping[str, str] | None = None,
    kind_labels: Mapping[str, str] | None = None,
) -> list[ItemView]:
    """Every item ``run_id`` touched (default: the folder's run), without facts.

    ``step_labels`` and ``kind_labels`` are the plain words the processes declare.
    """
    wanted = run_id if run_id is not None else folder.run_id
    views = [
        item_view(folder, item, ledger.list_steps(item.id), run_id=wanted)
        for item in ledger.list_items(run_id=wanted)
    ]
    return [_labelled(view, step_labels or {}, kind_labels or {}) for view in views]


def _labelled(
    view: ItemView, step_labels: Mapping[str, str], kind_labels: Mapping[str, str]
) -> ItemView:
    steps = [replace(step, label=step_labels.get(step.name, step.label)) for step in view.steps]
    return replace(view, steps=steps, kind_label=kind_labels.get(view.kind, view.kind_label))


def item_view(
    folder: RunFolder, item: WorkItem, steps: Sequence[StepRecord], *, run_id: str
) -> ItemView:
    """One item from its ledger rows and its folder; ``run_id`` is the run being reported.

    A step last recorded by another run was not done by this one: it shows as found
    already done, without times (its screenshots are in that run's folder).
    """
    shots = _ShotIndex(folder, item.id)
    views = []
    for record in steps:
        earlier = record.run_id is not None and record.run_id != run_id
        views.append(
            shots.step_view(
                record.step,
                record.state.value,
                earlier=earlier,
                found=record.found,
                started_at=None if earlier else record.started_at,
                ended_at=None if earlier else record.updated_at,
            )
        )
    return _item(folder, item.id, item.kind, item.status.value, item.reason, item.attempts, views)


def view_from_result(folder: RunFolder, result: ItemResult) -> ItemView:
    """An :class:`ItemResult` as a view: the older callers' path into the new report."""
    shots = _ShotIndex(folder, result.item_id)
    views = [
        shots.step_view(name, state, earlier=False, ended_at=None) for name, state in result.steps
    ]
    return _item(
        folder, result.item_id, result.kind, result.status, result.reason, result.attempts, views
    )


def _item(
    folder: RunFolder,
    item_id: str,
    kind: str,
    status: str,
    reason: str | None,
    attempts: int,
    steps: list[StepView],
) -> ItemView:
    problems = [p for p in folder.screenshots(item_id) if _PROBLEM_SHOT.match(p.stem)]
    trace = folder.trace(item_id)
    intent = next((step.name for step in steps if step.state == "intent"), None)
    return ItemView(
        item_id=item_id,
        kind=kind,
        kind_label=labels.kind_label(kind),
        status=_status(status),
        reason=reason,
        attempts=attempts,
        steps=steps,
        failed_step=intent,
        problem_screenshot=problems[-1].as_posix() if problems else None,
        trace=trace.as_posix() if trace is not None else None,
    )


class _ShotIndex:
    """An item's screenshots grouped by the step whose name they carry."""

    def __init__(self, folder: RunFolder, item_id: str) -> None:
        self._folder = folder
        self._by_step: dict[str, list[tuple[Path, str]]] = {}
        for path in folder.screenshots(item_id):
            match = _STEP_SHOT.match(path.stem)
            if match:
                self._by_step.setdefault(match["step"], []).append((path, match["phase"]))

    def step_view(
        self,
        name: str,
        state: str,
        *,
        earlier: bool,
        ended_at: datetime | None,
        started_at: datetime | None = None,
        found: bool = False,
    ) -> StepView:
        shots = [] if earlier else self._by_step.get(safe_name(name), [])
        times = [self._mtime(path) for path, _ in shots]
        # The ledger's start time when it has one (an intent or a rehearsal); else the
        # first screenshot stands in. A copied folder has new file times: a start after
        # the end means exactly that, and the duration is then left unknown.
        started = started_at or (min(times) if times else None)
        ended = ended_at or (max(times) if len(times) > 1 else None)
        if started is not None and ended is not None and started > ended:
            started = None
        return StepView(
            name=name,
            label=labels.step_label(name),
            state=_step_state(state),
            found=earlier or found or any(phase == "found-done" for _, phase in shots),
            started_at=started,
            ended_at=ended,
            screenshots=[path.as_posix() for path, _ in shots],
        )

    def _mtime(self, relative: Path) -> datetime:
        stamp = (self._folder.path / relative).stat().st_mtime
        return datetime.fromtimestamp(stamp, UTC)


def _status(value: str) -> ItemStatusName:
    # "pending" or "in_progress" at report time: the run ended before the item did.
    return cast(ItemStatusName, value) if value in ITEM_STATUSES else "stopped"


def _step_state(value: str) -> StepStateName:
    # An unknown state is treated as unverified: the safe reading for a person acting on it.
    return cast(StepStateName, value) if value in STEP_STATES else "intent"


def facts_from(recorded: Mapping[str, object]) -> ItemFacts:
    """The report's billing facts from what the flows recorded in the ledger (JSON)."""

    def text(key: str) -> str | None:
        value = recorded.get(key)
        return None if value is None else str(value)

    def day(key: str) -> date | None:
        value = text(key)
        return date.fromisoformat(value) if value else None

    def money(key: str) -> Decimal | None:
        value = text(key)
        return Decimal(value) if value else None

    outcome = text("fee_outcome")
    return ItemFacts(
        client_name=text("client_name"),
        date_of_service=day("date_of_service"),
        therapist=text("therapist"),
        cpt_code=text("cpt_code"),
        diagnosis_code=text("diagnosis_code"),
        amount=money("amount"),
        payout_date=day("payout_date"),
        written_off_amount=money("written_off_amount"),
        fee_amount=money("fee_amount"),
        fee_outcome="charged" if outcome == "charged" else "declined" if outcome else None,
        refund_amount=money("refund_amount"),
        sheet_write_off_amount=money("sheet_write_off_amount"),
    )
