"""report.html and summary.json rendered from the view model (no browser: the HTML text)."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path

import pytest

from robot.audit import ItemFacts, ItemView, RunInfo, StepView, render_report
from robot.audit.report import card_for
from tests.audit.fabricated import LANDED_HINT, Fabricated, fabricate


@pytest.fixture
def fab(tmp_path: Path) -> Fabricated:
    return fabricate(tmp_path / "runs")


@pytest.fixture
def open_umask() -> Iterator[None]:
    old = os.umask(0)
    yield
    os.umask(old)


def run_info(**changes: object) -> RunInfo:
    base = RunInfo(
        run_id="r1", mode="live", started_at=datetime(2026, 11, 16, 14, tzinfo=UTC),
        ended_at=datetime(2026, 11, 16, 15, tzinfo=UTC), ledger_location="ledger.sqlite3",
        exit_code=0, exit_meaning="every item done or sent to review",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_finish_writes_both_files_owner_only(fab: Fabricated, open_umask: None) -> None:
    report = fab.folder.finish(fab.run, fab.items)
    assert report == fab.folder.report_path
    for path in (report, fab.folder.summary_path):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_the_template_ships_inside_the_package() -> None:
    """Loaded through the package, so an installed wheel finds it (see pyproject)."""
    assert (files("robot.audit") / "templates" / "report.html.j2").is_file()


def test_a_step_lists_each_screenshot_once() -> None:
    shot = StepView(name="headway.confirm", state="done", screenshots=["a.png", "b.png", "a.png"])
    assert shot.screenshots == ("a.png", "b.png")


def test_a_card_shows_each_screenshot_file_once_across_its_steps() -> None:
    item = ItemView(
        item_id="i1", kind="headway_billing", status="done",
        steps=[
            StepView(name="intercom.billed", state="done", screenshots=["x/1.png", "x/2.png"]),
            StepView(name="intercom.close", state="done", screenshots=["x/2.png", "x/3.png"]),
        ],
        problem_screenshot="x/3.png",
    )
    card = card_for(item)
    assert [row.screenshots for row in card.rows] == [("x/1.png", "x/2.png"), ("x/3.png",)]
    assert card.screenshots == 3
    assert card.problem_screenshot is None  # already shown with its step
    html = render_report(run_info(), [item])
    for name in ("x/1.png", "x/2.png", "x/3.png"):
        assert html.count(f'<img src="{name}"') == 1


def test_the_fabricated_doubled_screenshots_render_once(fab: Fabricated) -> None:
    html = fab.folder.finish(fab.run, fab.items).read_text()
    doubled = fab.item("intercom:conv-102").steps[2].screenshots
    assert len(doubled) == 2
    for shot in doubled:
        assert html.count(f'src="{shot}"') == 1


def test_an_intent_step_shows_the_check_hint_in_bold(fab: Fabricated) -> None:
    html = render_report(fab.run, fab.items)
    assert html.count(f"<strong>{LANDED_HINT}</strong>") == 2  # the alert and the failed table
    assert "click may have landed — unverified" in html


def test_without_a_hint_one_is_made_from_the_step_and_facts() -> None:
    item = ItemView(
        item_id="i1", kind="wrong_charge", status="failed",
        facts=ItemFacts(client_name="Grace Kim", date_of_service=datetime(2026, 9, 28).date()),
        steps=[StepView(name="ruh.refund", state="intent")],
    )
    html = render_report(run_info(), [item])
    assert (
        "<strong>check the Ruh Platform payments for Grace Kim on Sep 28, 2026 for a refund "
        "before doing this by hand</strong>"
    ) in html


def test_no_warning_without_an_intent_step(fab: Fabricated) -> None:
    calm = [i for i in fab.items if not i.click_may_have_landed]
    html = render_report(fab.run, calm)
    assert "a click may have landed" not in html
    assert "click may have landed — unverified" not in html


def test_client_data_is_escaped_and_emails_in_reasons_are_cut() -> None:
    item = ItemView(
        item_id="i1", kind="headway_billing", status="needs_review",
        reason="no match for jane@example.com",
        facts=ItemFacts(client_name="<script>alert(1)</script>"),
    )
    html = render_report(run_info(), [item])
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "jane@example.com" not in html


def test_a_password_in_the_ledger_location_is_masked(fab: Fabricated) -> None:
    run = replace(fab.run, ledger_location="postgresql://robot:s3cret@db.internal:5432/ledger")
    fab.folder.finish(run, fab.items)
    for path in (fab.folder.report_path, fab.folder.summary_path):
        text = path.read_text()
        assert "s3cret" not in text
        assert "postgresql://robot:***@db.internal:5432/ledger" in text


def test_empty_sections_say_so_in_one_line() -> None:
    html = render_report(run_info(), [])
    assert '<p class="empty">Nothing needs review.</p>' in html
    assert '<p class="empty">Nothing failed.</p>' in html
    assert "No session was confirmed on Headway in this run." in html
    assert "No work items in this run." in html


def test_stopped_because_is_shown(fab: Fabricated) -> None:
    run = replace(fab.run, stopped_because="Headway rejected the login")
    html = render_report(run, fab.items)
    assert html.count("Headway rejected the login") == 2  # the banner and the run panel


def test_links_are_relative_to_the_run_folder(fab: Fabricated) -> None:
    shot = fab.folder.path / "intercom_conv-101" / "01-intercom.add-client-before.png"
    given = replace(
        fab.item("intercom:conv-101"),
        steps=[StepView(name="intercom.add-client", state="done", screenshots=[str(shot)])],
        trace=str(fab.folder.path / "intercom_conv-101" / "trace.zip"),
    )
    html = fab.folder.finish(fab.run, [given]).read_text()
    assert 'src="intercom_conv-101/01-intercom.add-client-before.png"' in html
    assert 'href="intercom_conv-101/trace.zip"' in html
    assert str(fab.folder.path) not in html


def test_summary_json_carries_totals_facts_and_steps(fab: Fabricated) -> None:
    fab.folder.finish(fab.run, fab.items)
    data = json.loads(fab.folder.summary_path.read_text())
    assert data["totals"]["invoices_written_off"] == {
        "count": 3, "total": "450.00", "missing_amounts": 0
    }
    assert data["totals"]["payouts"] == [
        {"paid_on": "2026-11-30", "sessions": 1}, {"paid_on": "2026-12-15", "sessions": 2}
    ]
    failed = next(i for i in data["items"] if i["id"] == "intercom:conv-107")
    assert failed["click_may_have_landed"] is True
    assert failed["check_hint"] == LANDED_HINT
    assert failed["facts"]["amount"] == "150.00"
    assert failed["facts"]["date_of_service"] == "2026-11-20"
    assert failed["steps"][2]["who"] == "click may have landed — unverified"


def test_a_total_without_any_amount_says_so_rather_than_zero() -> None:
    item = ItemView(
        item_id="i1", kind="headway_billing", status="done",
        steps=[StepView(name="ruh.write-off", state="done")],
    )
    html = render_report(run_info(), [item])
    assert "amount not recorded" in html
