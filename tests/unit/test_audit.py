"""The audit trail: owner-only run folder, numbered screenshots, summary and report."""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from robot.audit import (
    ItemResult,
    PageEvidence,
    RunFolder,
    RunInfo,
    RunMode,
    collect_results,
    item_views,
    new_run_id,
    view_from_result,
)
from robot.ledger import ItemStatus, SqliteLedger, StepState
from robot.logging import configure_logging, get_logger

PNG = b"\x89PNG\r\n\x1a\n fake image"


class FakePage:
    """Stands in for a Playwright page: screenshot() returns bytes."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def screenshot(self, **options: Any) -> bytes:
        self.calls.append(options)
        return PNG

    def evaluate(self, script: str) -> None:
        """Scrolling before a capture: nothing to do without a real page."""


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A permissive umask, as on a badly set-up workstation."""
    old = os.umask(0)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def finish(run: RunFolder, results: list[ItemResult], mode: RunMode) -> Path:
    """The report of flat results (ids, states, screenshots) with no billing facts."""
    now = datetime.now(UTC)
    info = RunInfo(
        run_id=run.run_id,
        mode=mode,
        started_at=now,
        ended_at=now,
        ledger_location="ledger.sqlite3",
        exit_code=0,
        exit_meaning="test",
    )
    return run.finish(info, [view_from_result(run, result) for result in results])


def test_run_ids_sort_by_time_and_never_repeat() -> None:
    ids = [new_run_id() for _ in range(50)]
    assert len(set(ids)) == 50
    assert re.fullmatch(r"\d{8}T\d{6}Z-[0-9a-f]{6}", ids[0])


def test_run_folder_is_owner_only_even_with_open_umask(tmp_path: Path, open_umask: None) -> None:
    runs = tmp_path / "runs"
    run = RunFolder(runs, "20250101T000000Z-abcdef")
    configure_logging(run.path, console=False)
    get_logger("test").info("started")
    configure_logging(None, console=False)
    evidence = run.evidence(FakePage(), "intercom:conv-1")  # type: ignore[arg-type]
    shot = evidence.capture("participants-before")
    result = ItemResult("intercom:conv-1", "headway_billing", "done")
    report = finish(run, [result], "live")
    summary = run.summary_path

    assert mode(runs) == 0o700
    assert mode(run.path) == 0o700
    assert mode(shot.parent) == 0o700
    for file in (run.events_path, shot, summary, report):
        assert mode(file) == 0o600, file


def test_screenshots_are_numbered_across_the_pages_of_an_item(tmp_path: Path) -> None:
    run = RunFolder(tmp_path)
    intercom, headway = FakePage(), FakePage()
    first = run.evidence(intercom, "intercom:conv-1")  # type: ignore[arg-type]
    second = run.evidence(headway, "intercom:conv-1")  # type: ignore[arg-type]
    paths = [
        first.capture("participants-before"),
        second.capture("headway-confirm-before"),
        first.capture("participants-after"),
    ]
    assert [p.name for p in paths] == [
        "01-participants-before.jpg",
        "02-headway-confirm-before.jpg",
        "03-participants-after.jpg",
    ]
    assert paths[0].parent.name == "intercom_conv-1"
    assert paths[0].read_bytes() == PNG
    assert headway.calls[0]["type"] == "jpeg"  # options come from robot.browser_options


def test_numbering_continues_after_existing_screenshots(tmp_path: Path) -> None:
    run = RunFolder(tmp_path, "r1")
    run.evidence(FakePage(), "conv-1").capture("a")  # type: ignore[arg-type]
    again = RunFolder(tmp_path, "r1")  # e.g. a second worker process of the same run
    assert again.evidence(FakePage(), "conv-1").capture("b").name == "02-b.jpg"  # type: ignore[arg-type]


def test_page_evidence_sanitises_labels(tmp_path: Path) -> None:
    evidence = PageEvidence(FakePage(), tmp_path, iter(range(7, 9)))  # type: ignore[arg-type]
    assert evidence.capture("../../etc/passwd").name == "07-etc_passwd.jpg"


def test_summary_lists_items_with_screenshots_in_order(tmp_path: Path) -> None:
    run = RunFolder(tmp_path)
    evidence = run.evidence(FakePage(), "conv-1")  # type: ignore[arg-type]
    for label in ("a-before", "a-after", "b-before"):
        evidence.capture(label)
    (run.item_dir("conv-1") / "trace.zip").write_bytes(b"zip")
    results = [
        ItemResult(
            "conv-1", "headway_billing", "failed", "TimeoutError", 3, (("a", "done"), ("b", "intent"))
        ),
        ItemResult("conv-2", "headway_billing", "needs_review", "CPT 90837 vs 40 min"),
    ]
    finish(run, results, "live")
    data = json.loads(run.summary_path.read_text())
    assert data["counts"] == {"failed": 1, "needs_review": 1}
    first = data["items"][0]
    assert first["screenshots"] == [
        "conv-1/01-a-before.jpg",
        "conv-1/02-a-after.jpg",
        "conv-1/03-b-before.jpg",
    ]
    assert first["trace"] == "conv-1/trace.zip"
    assert data["items"][1]["screenshots"] == []


def test_report_shows_outcome_reason_and_screenshots_in_order(tmp_path: Path) -> None:
    run = RunFolder(tmp_path)
    evidence = run.evidence(FakePage(), "intercom:conv-1")  # type: ignore[arg-type]
    evidence.capture("charge-before")
    evidence.capture("charge-after")
    results = [
        ItemResult(
            "intercom:conv-1",
            "headway_billing",
            "done",
            steps=(("charge", "done"),),
        ),
        ItemResult("intercom:conv-3", "headway_billing", "rehearsed", steps=(("x", "would_commit"),)),
        ItemResult(
            "intercom:conv-2",
            "headway_billing",
            "needs_review",
            "duration 53 != billed 45 for jane@example.com <script>",
        ),
    ]
    html = finish(run, results, "dry_run").read_text()
    assert html.index("01-charge-before.jpg") < html.index("02-charge-after.jpg")
    assert '<img src="intercom_conv-1/01-charge-before.jpg"' in html
    assert "Needs review" in html
    assert "duration 53 != billed 45" in html
    assert "jane@example.com" not in html
    assert "<script>" not in html  # escaped
    assert "Dry run: nothing was clicked" in html


def test_results_are_collected_from_the_ledger(tmp_path: Path) -> None:
    ledger = SqliteLedger(tmp_path / "l.sqlite3", "run-9")
    ledger.add_item("conv-1", "headway_billing", "conv-1")
    ledger.add_item("conv-2", "headway_billing", "conv-2")
    ledger.claim_next("w1")
    ledger.record_step("conv-1", "participants", StepState.DONE)
    ledger.finish("conv-1", ItemStatus.DONE)
    (result,) = collect_results(ledger)  # conv-2 was never touched by this run
    assert result == ItemResult(
        "conv-1", "headway_billing", "done", None, 1, (("participants", "done"),)
    )


def test_views_from_the_ledger_carry_steps_screenshots_and_trace(tmp_path: Path) -> None:
    ledger = SqliteLedger(tmp_path / "l.sqlite3", "run-9")
    run = RunFolder(tmp_path / "runs", "run-9")
    ledger.add_item("conv-1", "headway_billing", "conv-1")
    ledger.claim_next("w1")
    evidence = run.evidence(FakePage(), "conv-1")  # type: ignore[arg-type]
    evidence.capture("intercom.add-client-found-done")
    ledger.record_step("conv-1", "intercom.add-client", StepState.DONE)
    evidence.capture("headway.confirm-before")
    ledger.record_step("conv-1", "headway.confirm", StepState.INTENT)
    evidence.capture("failed")
    run.trace_path("conv-1").write_bytes(b"zip")
    ledger.finish("conv-1", ItemStatus.FAILED, "TimeoutError")

    labels = {"intercom.add-client": "Add the client as a participant"}
    (view,) = item_views(ledger, run, step_labels=labels, kind_labels={"headway_billing": "Headway billing"})

    assert (view.status, view.reason, view.attempts) == ("failed", "TimeoutError", 1)
    found, confirm = view.steps
    assert (found.found, found.label) == (True, "Add the client as a participant")
    assert found.screenshots == ("conv-1/01-intercom.add-client-found-done.jpg",)
    assert (confirm.state, confirm.screenshots) == ("intent", ("conv-1/02-headway.confirm-before.jpg",))
    assert view.click_may_have_landed
    assert view.failed_step == "headway.confirm"
    assert view.problem_screenshot == "conv-1/03-failed.jpg"
    assert view.trace == "conv-1/trace.zip"
    assert view.kind_label == "Headway billing"


def test_a_step_done_by_an_earlier_run_is_not_this_runs_work(tmp_path: Path) -> None:
    db = tmp_path / "l.sqlite3"
    first = SqliteLedger(db, "run-1")
    first.add_item("conv-1", "headway_billing", "conv-1")
    first.claim_next("w1")
    first.record_step("conv-1", "headway.confirm", StepState.DONE)
    first.finish("conv-1", ItemStatus.FAILED, "TimeoutError")
    first.close()
    second = SqliteLedger(db, "run-2")
    second.claim_next("w1")
    second.finish("conv-1", ItemStatus.DONE)

    (view,) = item_views(second, RunFolder(tmp_path / "runs", "run-2"))

    (step,) = view.steps
    assert step.found
    assert not step.by_robot_now
    assert step.ended_at is None


def test_listing_views_creates_no_item_folders(tmp_path: Path) -> None:
    ledger = SqliteLedger(tmp_path / "l.sqlite3", "run-9")
    run = RunFolder(tmp_path / "runs", "run-9")
    ledger.add_item("conv-1", "headway_billing", "conv-1")
    ledger.claim_next("w1")
    ledger.finish("conv-1", ItemStatus.NEEDS_REVIEW, "mismatch")
    item_views(ledger, run)
    assert list(run.path.iterdir()) == []


def test_a_review_screenshot_is_the_items_problem_screenshot(tmp_path: Path) -> None:
    ledger = SqliteLedger(tmp_path / "l.sqlite3", "run-9")
    run = RunFolder(tmp_path / "runs", "run-9")
    ledger.add_item("conv-1", "headway_billing", "conv-1")
    ledger.claim_next("w1")
    run.evidence(FakePage(), "conv-1").capture("review")  # type: ignore[arg-type]
    ledger.finish("conv-1", ItemStatus.NEEDS_REVIEW, "mismatch")
    labels = {"intercom.add-client": "Add the client as a participant"}
    (view,) = item_views(ledger, run, step_labels=labels, kind_labels={"headway_billing": "Headway billing"})
    assert view.problem_screenshot == "conv-1/01-review.jpg"
