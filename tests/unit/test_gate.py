"""The commit gate and the step engine in four situations: live, dry run, supervised,
and after a crash. Each irreversible step runs as the engine runs it in production:
look at the site first, then the gate (dry run / ask / intent, click, verify)."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from rich.console import Console

from robot.engine import CommitStep, ItemProgress, run_steps
from robot.errors import ConfigError, StopRequested, TransientError
from robot.gate import CommitGate, Evidence, GateMode, Outcome
from robot.ledger import ItemStatus, SqliteLedger, StepState
from robot.operator import ConfirmRequest, ConsoleOperator
from robot.retry import run_with_retry, transient_retry
from robot.settings import Settings

T = TypeVar("T")

ITEM = "intercom:conv-1001"
STEP = "headway-confirm"
SUMMARY = {"client_id": "cl-77", "date": "2025-03-04", "cpt": "90837", "icd10": "F41.1"}


class FakeEvidence:
    """Records screenshot labels instead of taking screenshots."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.labels: list[str] = []

    def capture(self, label: str) -> Path:
        self.labels.append(label)
        return self.folder / f"{len(self.labels):02d}-{label}.png"


class FakeSite:
    """A target system: ``act`` applies the change, ``already_done`` looks for it."""

    def __init__(self, *, verify_result: bool = True, lose_response: bool = False) -> None:
        self.clicks = 0
        self.applied = False
        self.checks = 0
        self.verify_result = verify_result
        self.lose_response = lose_response

    def act(self) -> None:
        self.clicks += 1
        self.applied = True
        if self.lose_response:
            self.lose_response = False
            raise TransientError("response lost after the change was applied")

    def verify(self) -> bool:
        return self.verify_result and self.applied

    def already_done(self) -> bool:
        self.checks += 1
        return self.applied


@pytest.fixture
def ledger(tmp_path: Path) -> SqliteLedger:
    ledger = SqliteLedger(tmp_path / "ledger.sqlite3", "run-1")
    ledger.add_item(ITEM, "headway_billing", "conv-1001")
    return ledger


@pytest.fixture
def evidence(tmp_path: Path) -> FakeEvidence:
    return FakeEvidence(tmp_path)


class FakeHost:
    """What the engine needs from a worker: the gate, evidence, a retry policy."""

    def __init__(self, gate: CommitGate, evidence: FakeEvidence, *, attempts: int = 1) -> None:
        self.gate = gate
        self._evidence = evidence
        self._attempts = attempts
        self.pages_forgotten = 0

    def evidence(self, item_id: str) -> Evidence:
        return self._evidence

    def forget_page(self) -> None:
        self.pages_forgotten += 1

    def retry(self, operation: str, unit: Callable[[], T]) -> T:
        return run_with_retry(unit, transient_retry(self._attempts, 0, 0))


def step_on(site: FakeSite) -> CommitStep[Any, FakeSite]:
    return CommitStep(
        name=STEP,
        label="Sign note & confirm the session",
        open=lambda _ctx: site,
        done=lambda shown, _ctx: shown.already_done(),
        click=lambda shown, _ctx: shown.act(),
        verify=lambda shown, _ctx: shown.verify(),
        details=lambda _shown, _ctx: SUMMARY,
    )


def commit(
    gate: CommitGate, site: FakeSite, evidence: FakeEvidence, *, attempts: int = 1
) -> Outcome:
    host = FakeHost(gate, evidence, attempts=attempts)
    progress = run_steps(host, ITEM, None, [step_on(site)], ItemProgress())
    return progress.outcomes[STEP]


def operator(answers: str) -> tuple[ConsoleOperator, io.StringIO]:
    shown = io.StringIO()
    console = Console(file=shown, width=120, color_system=None)
    return ConsoleOperator(io.StringIO(answers), console), shown


# --- live ---------------------------------------------------------------------------


def test_live_commit_clicks_once_verifies_and_records_done(
    ledger: SqliteLedger, evidence: FakeEvidence
) -> None:
    site = FakeSite()
    assert commit(CommitGate(ledger, GateMode.LIVE), site, evidence) is Outcome.COMMITTED
    assert site.clicks == 1
    assert ledger.step_state(ITEM, STEP) is StepState.DONE
    assert evidence.labels == [f"{STEP}-before", f"{STEP}-after"]
    assert ledger.list_steps(ITEM)[0].evidence == str(evidence.folder / f"02-{STEP}-after.png")


def test_step_done_in_ledger_is_skipped_without_asking(
    ledger: SqliteLedger, evidence: FakeEvidence
) -> None:
    gate = CommitGate(ledger, GateMode.LIVE)
    site = FakeSite()
    commit(gate, site, evidence)
    checks = site.checks
    assert commit(gate, site, evidence) is Outcome.ALREADY_DONE
    assert site.clicks == 1
    assert site.checks == checks  # the ledger answered: the site was not even opened


def test_unverified_commit_raises_transient_and_leaves_intent(
    ledger: SqliteLedger, evidence: FakeEvidence
) -> None:
    site = FakeSite(verify_result=False)
    with pytest.raises(TransientError):
        commit(CommitGate(ledger, GateMode.LIVE), site, evidence)
    assert ledger.step_state(ITEM, STEP) is StepState.INTENT


def test_intent_without_done_and_change_on_site_records_done_without_click(
    ledger: SqliteLedger, evidence: FakeEvidence
) -> None:
    ledger.record_step(ITEM, STEP, StepState.INTENT)
    site = FakeSite()
    site.applied = True  # the earlier click landed; we crashed before recording done
    assert commit(CommitGate(ledger, GateMode.LIVE), site, evidence) is Outcome.FOUND_DONE
    assert site.clicks == 0
    assert ledger.step_state(ITEM, STEP) is StepState.DONE


def test_intent_without_done_and_nothing_on_site_clicks_once(
    ledger: SqliteLedger, evidence: FakeEvidence
) -> None:
    ledger.record_step(ITEM, STEP, StepState.INTENT)
    site = FakeSite()
    assert commit(CommitGate(ledger, GateMode.LIVE), site, evidence) is Outcome.COMMITTED
    assert site.checks == 1
    assert site.clicks == 1


def test_lost_response_under_retry_is_never_clicked_twice(
    ledger: SqliteLedger, evidence: FakeEvidence
) -> None:
    site = FakeSite(lose_response=True)
    gate = CommitGate(ledger, GateMode.LIVE)
    outcome = commit(gate, site, evidence, attempts=3)
    assert outcome is Outcome.FOUND_DONE
    assert site.clicks == 1
    assert ledger.step_state(ITEM, STEP) is StepState.DONE
    # This run's click made the change: done now, with its before and after, not "found".
    [step] = ledger.list_steps(ITEM)
    assert step.found is False
    assert evidence.labels == [f"{STEP}-before", f"{STEP}-after"]


def test_a_click_an_earlier_run_lost_the_answer_to_is_found_not_counted_as_this_runs(
    tmp_path: Path, evidence: FakeEvidence
) -> None:
    """The intent is an earlier run's (it was killed after the click): this run did not
    make the change, so it records it as found, and its totals leave it out."""
    earlier = SqliteLedger(tmp_path / "ledger.sqlite3", "run-0")
    earlier.add_item(ITEM, "headway_billing", "conv-1001")
    earlier.record_step(ITEM, STEP, StepState.INTENT)
    earlier.close()
    site = FakeSite()
    site.applied = True
    this_run = SqliteLedger(tmp_path / "ledger.sqlite3", "run-1")
    assert commit(CommitGate(this_run, GateMode.LIVE), site, evidence) is Outcome.FOUND_DONE
    assert site.clicks == 0
    [step] = this_run.list_steps(ITEM)
    assert (step.state, step.found) == (StepState.DONE, True)
    assert evidence.labels == [f"{STEP}-found-done"]


def test_outcome_is_done_only_when_the_change_is_in_place() -> None:
    assert {o for o in Outcome if o.is_done} == {
        Outcome.COMMITTED,
        Outcome.ALREADY_DONE,
        Outcome.FOUND_DONE,
    }


def test_look_first_finds_a_change_made_without_the_ledger(
    ledger: SqliteLedger, evidence: FakeEvidence
) -> None:
    """No intent in this ledger (another ledger, a person): the site alone stops the click."""
    site = FakeSite()
    site.applied = True
    assert commit(CommitGate(ledger, GateMode.LIVE), site, evidence) is Outcome.FOUND_DONE
    assert site.clicks == 0
    assert [s.step for s in ledger.list_steps(ITEM)] == [STEP]


def test_bad_step_name_is_refused(ledger: SqliteLedger, evidence: FakeEvidence) -> None:
    site = FakeSite()
    with pytest.raises(ValueError, match="step name"):
        CommitGate(ledger, GateMode.LIVE).commit(
            ITEM,
            "Confirm Session!",
            request=ConfirmRequest(ITEM, "Confirm Session!"),
            evidence=evidence,
            act=site.act,
            verify=site.verify,
        )
    assert site.clicks == 0


# --- dry run ------------------------------------------------------------------------


def test_dry_run_screenshots_and_records_would_commit_without_click(
    ledger: SqliteLedger, evidence: FakeEvidence
) -> None:
    site = FakeSite()
    assert commit(CommitGate(ledger, GateMode.DRY_RUN), site, evidence) is Outcome.WOULD_COMMIT
    assert site.clicks == 0
    assert evidence.labels == [f"{STEP}-would-commit"]
    assert ledger.step_state(ITEM, STEP) is StepState.WOULD_COMMIT


@pytest.mark.parametrize(("mode", "forgotten"), [(GateMode.DRY_RUN, 1), (GateMode.LIVE, 0)])
def test_a_rehearsed_step_leaves_the_next_one_a_fresh_page(
    ledger: SqliteLedger, evidence: FakeEvidence, mode: GateMode, forgotten: int
) -> None:
    # A rehearsal leaves the form filled in and unsent: the next step must not reuse it.
    host = FakeHost(CommitGate(ledger, mode), evidence)
    run_steps(host, ITEM, None, [step_on(FakeSite())], ItemProgress())
    assert host.pages_forgotten == forgotten


def test_dry_run_does_not_count_as_done_for_a_live_run(
    ledger: SqliteLedger, evidence: FakeEvidence
) -> None:
    site = FakeSite()
    commit(CommitGate(ledger, GateMode.DRY_RUN), site, evidence)
    assert commit(CommitGate(ledger, GateMode.LIVE), site, evidence) is Outcome.COMMITTED
    assert site.clicks == 1


def test_dry_run_never_erases_an_intent(ledger: SqliteLedger, evidence: FakeEvidence) -> None:
    ledger.record_step(ITEM, STEP, StepState.INTENT)
    site = FakeSite()
    assert commit(CommitGate(ledger, GateMode.DRY_RUN), site, evidence) is Outcome.WOULD_COMMIT
    assert site.clicks == 0
    assert ledger.step_state(ITEM, STEP) is StepState.INTENT


def test_dry_run_item_finishes_rehearsed_and_a_live_run_claims_it(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    rehearsal = SqliteLedger(path, "run-dry", dry_run=True)
    rehearsal.add_item(ITEM, "headway_billing", "conv-1001")
    rehearsal.claim_next("w1")
    commit(CommitGate(rehearsal, GateMode.DRY_RUN), FakeSite(), FakeEvidence(tmp_path))
    rehearsal.finish(ITEM, ItemStatus.REHEARSED)
    live = SqliteLedger(path, "run-live")
    claimed = live.claim_next("w1")
    assert claimed is not None
    assert claimed.id == ITEM


def test_mode_from_settings_prefers_dry_run() -> None:
    assert GateMode.from_settings(Settings(dry_run=True, supervised=True)) is GateMode.DRY_RUN
    assert GateMode.from_settings(Settings(supervised=True)) is GateMode.SUPERVISED
    assert GateMode.from_settings(Settings()) is GateMode.LIVE


# --- supervised ---------------------------------------------------------------------


def test_supervised_needs_an_operator(ledger: SqliteLedger) -> None:
    with pytest.raises(ConfigError):
        CommitGate(ledger, GateMode.SUPERVISED)


def test_supervised_yes_commits(ledger: SqliteLedger, evidence: FakeEvidence) -> None:
    op, shown = operator("yes\n")
    site = FakeSite()
    gate = CommitGate(ledger, GateMode.SUPERVISED, operator=op)
    assert commit(gate, site, evidence) is Outcome.COMMITTED
    assert site.clicks == 1
    assert evidence.labels == [f"{STEP}-before", f"{STEP}-after"]
    text = shown.getvalue()
    assert ITEM in text
    assert "90837" in text
    assert f"01-{STEP}-before.png" in text  # the operator is told where the screenshot is


def test_supervised_skip_records_skipped_without_click(
    ledger: SqliteLedger, evidence: FakeEvidence
) -> None:
    op, _ = operator("skip\n")
    site = FakeSite()
    gate = CommitGate(ledger, GateMode.SUPERVISED, operator=op)
    assert commit(gate, site, evidence) is Outcome.SKIPPED
    assert site.clicks == 0
    assert ledger.step_state(ITEM, STEP) is StepState.SKIPPED


def test_supervised_stop_raises_and_clicks_nothing(
    ledger: SqliteLedger, evidence: FakeEvidence
) -> None:
    op, _ = operator("stop\n")
    site = FakeSite()
    gate = CommitGate(ledger, GateMode.SUPERVISED, operator=op)
    with pytest.raises(StopRequested):
        commit(gate, site, evidence)
    assert site.clicks == 0
    assert ledger.step_state(ITEM, STEP) is None


def test_supervised_reasks_until_a_valid_answer(
    ledger: SqliteLedger, evidence: FakeEvidence
) -> None:
    op, shown = operator("\ny\nmaybe\n  YES \n")
    site = FakeSite()
    assert commit(CommitGate(ledger, GateMode.SUPERVISED, operator=op), site, evidence) is (
        Outcome.COMMITTED
    )
    assert site.clicks == 1
    assert shown.getvalue().count("Please answer yes, skip or stop") == 3


def test_supervised_end_of_input_means_stop(ledger: SqliteLedger, evidence: FakeEvidence) -> None:
    op, _ = operator("")
    site = FakeSite()
    with pytest.raises(StopRequested):
        commit(CommitGate(ledger, GateMode.SUPERVISED, operator=op), site, evidence)
    assert site.clicks == 0


def test_supervised_does_not_ask_for_a_done_step(
    ledger: SqliteLedger, evidence: FakeEvidence
) -> None:
    ledger.record_step(ITEM, STEP, StepState.DONE)
    op, shown = operator("")  # any question would read end of input and stop
    gate = CommitGate(ledger, GateMode.SUPERVISED, operator=op)
    assert commit(gate, FakeSite(), evidence) is Outcome.ALREADY_DONE
    assert shown.getvalue() == ""


@pytest.mark.parametrize("mode", list(GateMode))
def test_found_on_the_site_is_recorded_done_once_with_proof(
    ledger: SqliteLedger, evidence: FakeEvidence, mode: GateMode
) -> None:
    operator = ConsoleOperator(stdin=io.StringIO(""), console=Console(file=io.StringIO()))
    gate = CommitGate(ledger, mode, operator=operator)
    assert gate.record_found(ITEM, STEP, evidence) is Outcome.FOUND_DONE
    assert ledger.step_state(ITEM, STEP) is StepState.DONE
    assert gate.record_found(ITEM, STEP, evidence) is Outcome.ALREADY_DONE
    assert evidence.labels == [f"{STEP}-found-done"]
