"""The audit trail: owner-only run folder, numbered screenshots, summary and report."""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from robot.audit import (
    ItemResult,
    PageEvidence,
    RunFolder,
    collect_results,
    new_run_id,
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
    summary = run.write_summary([result], mode="live")
    report = run.write_report([result], mode="live")

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
        ItemResult("conv-1", "headway_billing", "failed", "TimeoutError", 3),
        ItemResult("conv-2", "headway_billing", "needs_review", "CPT 90837 vs 40 min"),
    ]
    data = json.loads(run.write_summary(results, mode="live").read_text())
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
        ItemResult(
            "intercom:conv-2",
            "headway_billing",
            "needs_review",
            "duration 53 != billed 45 for jane@example.com <script>",
        ),
    ]
    html = run.write_report(results, mode="dry_run").read_text()
    assert html.index("01-charge-before.jpg") < html.index("02-charge-after.jpg")
    assert '<img src="intercom_conv-1/01-charge-before.jpg"' in html
    assert "needs_review" in html
    assert "duration 53 != billed 45" in html
    assert "jane@example.com" not in html
    assert "<script>" not in html  # escaped
    assert "dry_run" in html


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
