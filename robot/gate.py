"""The commit gate: the only way an irreversible click happens.

Every click that changes something outside the robot (participants, a form submit, an
attribute, closing a conversation, confirming a Headway session, saving or charging an
invoice, a refund, a macro, a sheet entry) reaches the site through
:meth:`CommitGate.commit`, called by one caller only: the step engine
(:mod:`robot.engine`), which has just looked at the site and found the change absent.
The gate then:

1. skips the step if the ledger says it is done (``ALREADY_DONE``);
2. in a dry run screenshots the filled form, records *would commit* (``WOULD_COMMIT``);
   a supervised rehearsal asks the operator at each one (yes walks on, skip ends the
   item, stop ends the run);
3. in supervised mode shows the operator the step, its values and the screenshot, and
   waits for yes / skip / stop;
4. otherwise records *intent* (durably, before the click), clicks, verifies on the page,
   screenshots the result and records *done* (``COMMITTED``). A failed verification
   raises :class:`~robot.errors.TransientError` and leaves the intent: the retry looks
   at the site again before anything is clicked.

The structured log gets ids, step names and outcomes only: the values an operator is
shown (addresses, codes, amounts) never reach it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from robot.errors import ConfigError, StopRequested, TransientError
from robot.ledger import Ledger, StepState
from robot.logging import get_logger
from robot.operator import ConfirmRequest, Decision, Operator

if TYPE_CHECKING:
    from robot.settings import Settings

__all__ = ["CommitGate", "Evidence", "GateMode", "Outcome"]

_log = get_logger("robot.gate")

# Step names become file names and ledger keys: keep them short and plain.
_STEP_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")


class GateMode(StrEnum):
    """How irreversible clicks are handled in this run."""

    LIVE = "live"
    """Click (after recording intent), verify, record done."""
    DRY_RUN = "dry_run"
    """Never click: screenshot the filled form and record would-commit."""
    SUPERVISED = "supervised"
    """Ask the operator before each click."""

    @classmethod
    def from_settings(cls, settings: Settings) -> GateMode:
        """Dry run wins over supervised (a supervised rehearsal still clicks nothing)."""
        if settings.dry_run:
            return cls.DRY_RUN
        if settings.supervised:
            return cls.SUPERVISED
        return cls.LIVE


class Outcome(StrEnum):
    """What happened to one step."""

    COMMITTED = "committed"
    """Clicked and verified just now."""
    ALREADY_DONE = "already_done"
    """The ledger said done: nothing asked, nothing clicked."""
    FOUND_DONE = "found_done"
    """The site already showed it (an earlier run, a person, or this run's click whose
    answer was lost): recorded done, and the ledger says which (``found``)."""
    WOULD_COMMIT = "would_commit"
    """Dry run: the filled form was screenshotted, nothing clicked."""
    SKIPPED = "skipped"
    """The operator said skip: nothing clicked."""
    NOT_APPLICABLE = "not_applicable"
    """The step does not apply to this item (e.g. no failed charge to chase)."""

    @property
    def is_done(self) -> bool:
        """True when the change is in place on the target site."""
        return self in (Outcome.COMMITTED, Outcome.ALREADY_DONE, Outcome.FOUND_DONE)


class Evidence(Protocol):
    """Takes numbered screenshots into a work item's folder (see ``robot.audit``)."""

    def capture(self, label: str) -> Path:
        """Screenshot the current page, save it as ``NN-<label>.<ext>``, return its path."""


class CommitGate:
    """Runs irreversible steps safely; one gate may serve every worker of a run."""

    def __init__(self, ledger: Ledger, mode: GateMode, *, operator: Operator | None = None) -> None:
        """Use ``ledger`` for step states; supervised mode needs an ``operator``."""
        if mode is GateMode.SUPERVISED and operator is None:
            raise ConfigError("supervised mode needs an operator to ask")
        self.ledger = ledger
        self.mode = mode
        self.operator = operator

    def is_done(self, item_id: str, step: str) -> bool:
        """True when the ledger already records ``step`` of ``item_id`` as done."""
        return self.ledger.step_state(item_id, step) is StepState.DONE

    def _approved(self, item_id: str, step: str, request: ConfirmRequest) -> bool:
        """Ask the operator: True on yes, False on skip; stop raises StopRequested."""
        assert self.operator is not None  # supervised mode checked it in __init__
        decision = self.operator.confirm(request)
        _log.info("operator_decided", item_id=item_id, step=step, decision=decision.value)
        if decision is Decision.STOP:
            raise StopRequested(f"the operator stopped the run at {item_id} / {step}")
        return decision is Decision.YES

    def record_found(self, item_id: str, step: str, evidence: Evidence) -> Outcome:
        """Record ``step`` as done because the site already shows it; click nothing.

        The other half of "never twice": a change a person made, or whose answer an
        earlier run lost, is recorded as found, with a screenshot of the proof. A change
        whose answer this run's own click lost is this run's work: its intent is this
        run's, the site shows the change, so it is recorded as done now (the screenshot is
        the click's "after") and the run's totals count the money it moved.
        """
        _check_name(step)
        if self.is_done(item_id, step):
            return Outcome.ALREADY_DONE
        own_click = self._clicked_in_this_run(item_id, step)
        proof = evidence.capture(f"{step}-after" if own_click else f"{step}-found-done")
        self.ledger.record_step(item_id, step, StepState.DONE, proof, found=not own_click)
        _log.info(
            "step_found_done",
            item_id=item_id,
            step=step,
            mode=self.mode.value,
            own_click=own_click,
        )
        return Outcome.FOUND_DONE

    def _clicked_in_this_run(self, item_id: str, step: str) -> bool:
        """True when this run recorded the intent to click ``step`` and no outcome since."""
        return any(
            record.step == step
            and record.state is StepState.INTENT
            and record.run_id == self.ledger.run_id
            for record in self.ledger.list_steps(item_id)
        )

    def commit(
        self,
        item_id: str,
        step: str,
        *,
        request: ConfirmRequest,
        evidence: Evidence,
        act: Callable[[], object],
        verify: Callable[[], bool],
    ) -> Outcome:
        """Run one irreversible step of ``item_id`` (see the module docstring).

        The caller has looked at the site and found the change absent. ``request`` is what
        the operator is shown; ``act`` performs the click (its return value is ignored);
        ``verify`` reads the page after it. Raises :class:`StopRequested` when the
        operator says stop, and :class:`TransientError` when the click is unverified.
        """
        _check_name(step)
        log = _log.bind(item_id=item_id, step=step, mode=self.mode.value)
        if self.is_done(item_id, step):
            log.info("commit_skipped", outcome=Outcome.ALREADY_DONE.value)
            return Outcome.ALREADY_DONE

        if self.mode is GateMode.DRY_RUN:
            shot = evidence.capture(f"{step}-would-commit")
            # A supervised rehearsal walks every would-commit with the operator.
            if self.operator is not None and not self._approved(
                item_id, step, replace(request, rehearsal=True).with_screenshot(shot)
            ):
                return Outcome.SKIPPED
            # record_step keeps an existing intent: a rehearsal must not erase that warning.
            self.ledger.record_step(item_id, step, StepState.WOULD_COMMIT, shot)
            log.info("commit_rehearsed", outcome=Outcome.WOULD_COMMIT.value)
            return Outcome.WOULD_COMMIT

        before = evidence.capture(f"{step}-before")

        if self.mode is GateMode.SUPERVISED and not self._approved(
            item_id, step, request.with_screenshot(before)
        ):
            self.ledger.record_step(item_id, step, StepState.SKIPPED, before)
            return Outcome.SKIPPED

        # Intent is durable before the click: if we die now, the next run asks the site.
        self.ledger.record_step(item_id, step, StepState.INTENT, before)
        act()
        if not verify():
            log.warning("commit_unverified")
            raise TransientError(f"{step}: the result could not be seen on the site")
        after = evidence.capture(f"{step}-after")
        self.ledger.record_step(item_id, step, StepState.DONE, after)
        log.info("committed", outcome=Outcome.COMMITTED.value)
        return Outcome.COMMITTED


def _check_name(step: str) -> None:
    if not _STEP_NAME.match(step):
        raise ValueError(f"step name {step!r} must match {_STEP_NAME.pattern}")
