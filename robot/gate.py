"""The commit gate: the only way an irreversible click happens.

Every click that changes something outside the robot (participants, a form submit, an
attribute, closing a conversation, confirming a Headway session, saving or charging an
invoice, a refund, a macro, a sheet entry) is wrapped in :meth:`CommitGate.commit`, which:

1. skips the step if the ledger says it is done (``ALREADY_DONE``);
2. if the ledger shows an *intent* without *done* (a crash or a lost response after the
   click), asks the target site (``already_done``) before anything else, and records done
   without clicking if the site has it (``FOUND_DONE``);
3. in a dry run screenshots the filled form, records *would commit* (``WOULD_COMMIT``);
4. in supervised mode shows the operator the step and the screenshot: yes / skip / stop;
5. otherwise records *intent*, clicks, verifies on the page, screenshots the result and
   records *done* (``COMMITTED``). A failed verification raises
   :class:`~robot.errors.TransientError` and leaves the intent, so the retry goes through
   step 2.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
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
    """What :meth:`CommitGate.commit` did."""

    COMMITTED = "committed"
    """Clicked and verified just now."""
    ALREADY_DONE = "already_done"
    """The ledger said done: nothing asked, nothing clicked."""
    FOUND_DONE = "found_done"
    """An earlier click had landed (found on the site): recorded done, nothing clicked."""
    WOULD_COMMIT = "would_commit"
    """Dry run: the filled form was screenshotted, nothing clicked."""
    SKIPPED = "skipped"
    """The operator said skip: nothing clicked."""

    @property
    def is_done(self) -> bool:
        """True when the change is in place on the target site."""
        return self in (Outcome.COMMITTED, Outcome.ALREADY_DONE, Outcome.FOUND_DONE)


class Evidence(Protocol):
    """Takes numbered screenshots into a work item's folder (see ``robot.audit``)."""

    def capture(self, label: str) -> Path:
        """Screenshot the current page, save it as ``NN-<label>.png``, return its path."""


class CommitGate:
    """Runs irreversible steps safely; one gate may serve every worker of a run."""

    def __init__(self, ledger: Ledger, mode: GateMode, *, operator: Operator | None = None) -> None:
        """Use ``ledger`` for step states; supervised mode needs an ``operator``."""
        if mode is GateMode.SUPERVISED and operator is None:
            raise ConfigError("supervised mode needs an operator to ask")
        self.ledger = ledger
        self.mode = mode
        self.operator = operator

    def record_found(self, item_id: str, step: str, evidence: Evidence) -> Outcome:
        """Record ``step`` as done because the site already shows it; click nothing.

        The other half of "never twice": a change a person made, or whose answer an
        earlier run lost, is recorded with a screenshot of the proof.
        """
        if self.ledger.step_state(item_id, step) is StepState.DONE:
            return Outcome.ALREADY_DONE
        proof = evidence.capture(f"{step}-found-done")
        self.ledger.record_step(item_id, step, StepState.DONE, proof, found=True)
        _log.info("step_found_done", item_id=item_id, step=step, mode=self.mode.value)
        return Outcome.FOUND_DONE

    def commit(
        self,
        item_id: str,
        step: str,
        *,
        summary: Mapping[str, object],
        evidence: Evidence,
        act: Callable[[], object],
        verify: Callable[[], bool],
        already_done: Callable[[], bool],
    ) -> Outcome:
        """Run one irreversible step of ``item_id`` (see the module docstring).

        ``summary`` shows the operator what will change (ids, codes, dates, amounts —
        never names). ``act`` performs the click (its return value, e.g. the next page
        object, is ignored); ``verify`` reads the page or site after it; ``already_done``
        checks the target system for an earlier, unrecorded success.
        Raises :class:`StopRequested` when the operator says stop, and
        :class:`TransientError` when the click could not be verified.
        """
        if not _STEP_NAME.match(step):
            raise ValueError(f"step name {step!r} must match {_STEP_NAME.pattern}")
        log = _log.bind(item_id=item_id, step=step, mode=self.mode.value)
        state = self.ledger.step_state(item_id, step)

        if state is StepState.DONE:
            log.info("commit_skipped", outcome=Outcome.ALREADY_DONE.value)
            return Outcome.ALREADY_DONE

        if state is StepState.INTENT:
            # The click may have landed without us seeing it: the site decides, never a
            # blind second click (that would bill, charge or refund twice).
            if already_done():
                after = evidence.capture(f"{step}-found-done")
                self.ledger.record_step(item_id, step, StepState.DONE, after, found=True)
                log.info("commit_found_done", outcome=Outcome.FOUND_DONE.value)
                return Outcome.FOUND_DONE
            log.info("commit_intent_not_found")

        if self.mode is GateMode.DRY_RUN:
            shot = evidence.capture(f"{step}-would-commit")
            # record_step keeps an existing intent: a rehearsal must not erase that warning.
            self.ledger.record_step(item_id, step, StepState.WOULD_COMMIT, shot)
            log.info("commit_rehearsed", outcome=Outcome.WOULD_COMMIT.value, **_safe(summary))
            return Outcome.WOULD_COMMIT

        before = evidence.capture(f"{step}-before")

        if self.mode is GateMode.SUPERVISED:
            assert self.operator is not None  # checked in __init__
            decision = self.operator.confirm(
                ConfirmRequest(item_id=item_id, step=step, summary=summary, screenshot=before)
            )
            log.info("operator_decided", decision=decision.value)
            if decision is Decision.STOP:
                raise StopRequested(f"operator stopped the run at {item_id} / {step}")
            if decision is Decision.SKIP:
                self.ledger.record_step(item_id, step, StepState.SKIPPED, before)
                return Outcome.SKIPPED

        # Intent is durable before the click: if we die now, the next run asks the site.
        # If it cannot be written (database gone, lease taken over) this raises: no click.
        self.ledger.record_step(item_id, step, StepState.INTENT, before)
        act()
        if not verify():
            log.warning("commit_unverified")
            raise TransientError(f"{item_id} / {step}: the result could not be verified")
        after = evidence.capture(f"{step}-after")
        self.ledger.record_step(item_id, step, StepState.DONE, after)
        log.info("committed", outcome=Outcome.COMMITTED.value, **_safe(summary))
        return Outcome.COMMITTED


def _safe(summary: Mapping[str, object]) -> dict[str, object]:
    # Keys that collide with the log call's own fields are prefixed rather than lost.
    reserved = {"event", "item_id", "step", "mode", "outcome", "level", "timestamp", "logger"}
    return {
        (f"summary_{key}" if key in reserved else str(key)): value for key, value in summary.items()
    }
