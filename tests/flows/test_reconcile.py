"""``billing-robot reconcile`` through the door a person uses: a subprocess, settings from an
env file or the environment, the folder on stdout, the exit code (issue 12, part 3).

One reconciliation of the demo practice (today 2026-11-20) is shared by the module: its
cases are seeded by ``fixtures.scenarios.demo_reconcile`` (Iris Kim billed without a
session, Caleb Nguyen's invoice, Felix Brooks's and Leila Patel's fees) and by the demo's
long-standing Headway clients (three payouts paid late, two missing).
"""

from __future__ import annotations

import csv
import os
import stat
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from cli.mock_sites import mock_site_overrides
from fixtures.scenarios.build import write
from fixtures.scenarios.demo_reconcile import reconciled_scenario
from fixtures.server import MockSites
from robot.browser_options import ACTION_TIMEOUT_MS
from robot.settings import env_var_name, settings_env_lines
from tests.flows.conftest import robot_env, robot_settings, run_cli
from tests.plugins.mock_sites import arm_fault

pytestmark = pytest.mark.browser

TODAY = "2026-11-20"
# Retries need not wait on a mock; the action timeout stays the robot's own (nothing is
# meant to be missing here, and a loaded CI machine can be slow to draw a page).
QUICK = (("retry_initial_wait_s", "0"), ("retry_max_wait_s", "0"))

# Every line of the demo's sections 2-5 (what needs a person), in the CSV's order.
DEMO_CASES = [
    ("late_payouts", "missing", "Ruth Chen", "2026-09-14"),
    ("late_payouts", "paid late", "Nadia Alvarez", "2026-09-21"),
    ("late_payouts", "paid late", "Owen Diaz", "2026-10-05"),
    ("late_payouts", "missing", "Nadia Alvarez", "2026-10-12"),
    ("late_payouts", "paid late", "Owen Diaz", "2026-10-19"),
    ("billed_without_session", "billed without session", "Iris Kim", "2026-11-02"),
    ("invoice_not_written_off", "invoice not written off", "Caleb Nguyen", "2026-11-04"),
    ("outstanding_fee", "outstanding balance", "Leila Patel", "2026-11-05"),
    ("outstanding_fee", "outstanding balance", "Felix Brooks", "2026-11-09"),
]


@dataclass(frozen=True)
class Reconciled:
    """One ``reconcile`` command, what it printed and the folder it wrote."""

    result: subprocess.CompletedProcess[str]
    runs_dir: Path
    changed: bool
    """Whether any site's state differed after the command (it must not)."""

    @property
    def folder(self) -> Path:
        """The folder the command printed on stdout."""
        return Path(self.result.stdout.strip())

    def rows(self) -> list[dict[str, str]]:
        """The CSV's rows."""
        with (self.folder / "reconciliation.csv").open(encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("BILLING_ROBOT_")}


def _practice(sites: MockSites) -> dict[str, Any]:
    """The practice's records on the sites (the test's armed faults are not among them)."""
    return {k: v for k, v in sites.world.snapshot().items() if k != "faults"}


def _reconcile(sites: MockSites, env: dict[str, str], args: list[str], cwd: Path) -> Reconciled:
    before = _practice(sites)
    result = run_cli(["reconcile", "--today", TODAY, *args], env, cwd, timeout=240)
    return Reconciled(result, cwd / "runs", changed=_practice(sites) != before)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Reconciled:
    """The demo practice reconciled once, with its settings in an ``--env-file``."""
    folder = tmp_path_factory.mktemp("reconcile-demo")
    with MockSites.start("demo") as sites:
        extra = [("runs_dir", str(folder / "runs")), *QUICK]
        env_file = folder / "mock.env"
        env_file.write_text("\n".join(settings_env_lines(mock_site_overrides(sites), extra)))
        return _reconcile(sites, _clean_env(), ["--env-file", str(env_file)], folder)


def test_the_demo_needs_a_person_exit_3_and_the_folder_on_stdout(demo: Reconciled) -> None:
    assert demo.result.returncode == 3, demo.result.stderr
    assert "Traceback" not in demo.result.stderr
    assert demo.folder.parent == demo.runs_dir
    assert demo.folder.name.startswith("reconcile-")
    assert demo.result.stdout.count("\n") == 1  # the path alone: what a script reads
    assert not demo.changed


def test_each_demo_case_is_one_csv_row_and_nothing_else_needs_a_person(demo: Reconciled) -> None:
    rows = demo.rows()
    cases = [(r["section"], r["case"], r["client"], r["date_of_service"]) for r in rows]
    assert [c for c in cases if c[0] != "sessions"] == DEMO_CASES
    by_key = {(r["section"], r["client"], r["date_of_service"]): r for r in rows}
    late = by_key[("late_payouts", "Owen Diaz", "2026-10-19")]
    assert (late["expected_payout"], late["paid_on"], late["amount"]) == (
        "2026-11-15",
        "2026-11-18",
        "92.00",
    )
    invoice = by_key[("invoice_not_written_off", "Caleb Nguyen", "2026-11-04")]
    assert (invoice["reference"], invoice["amount"], invoice["detail"]) == (
        "inv-rc2-20261104",
        "150.00",
        "invoice Open",
    )
    fees = {
        r["client"]: (r["reference"], r["amount"], r["detail"])
        for r in rows
        if r["section"] == "outstanding_fee"
    }
    assert fees == {
        "Leila Patel": ("inv-lc6", "150.00", "invoice Failed"),
        "Felix Brooks": ("inv-lc5", "150.00", "invoice Open"),
    }
    assert by_key[("billed_without_session", "Iris Kim", "2026-11-02")]["reference"] == "conv-rc1"


def test_every_confirmed_session_has_its_payout_state(demo: Reconciled) -> None:
    """24 sessions of the three long-standing clients, Caleb's and Owen Nguyen's (d14)."""
    sessions = [r for r in demo.rows() if r["section"] == "sessions"]
    assert Counter(r["case"] for r in sessions) == {
        "paid": 19,
        "paid late": 3,
        "missing": 2,
        "not yet due": 2,
    }
    not_due = {
        (r["client"], r["date_of_service"], r["expected_payout"])
        for r in sessions
        if r["case"] == "not yet due"
    }
    assert not_due == {
        ("Caleb Nguyen", "2026-11-04", "2026-11-30"),
        ("Owen Nguyen", "2026-11-10", "2026-11-30"),
    }


def test_the_summary_on_stderr_counts_each_section(demo: Reconciled) -> None:
    for line in (
        "26 confirmed sessions checked",
        "5 paid late or not at all",
        "1 marked Billed without a Headway session",
        "1 invoices not written off",
        "2 late-cancellation fees unpaid",
    ):
        assert line in demo.result.stderr


def test_the_folder_and_its_files_are_owner_only(demo: Reconciled) -> None:
    assert stat.S_IMODE(demo.folder.stat().st_mode) == 0o700
    for name in ("reconciliation.html", "reconciliation.csv", "events.jsonl"):
        assert stat.S_IMODE((demo.folder / name).stat().st_mode) == 0o600, name


def test_the_log_holds_counts_never_names(demo: Reconciled) -> None:
    events = (demo.folder / "events.jsonl").read_text("utf-8")
    assert '"billed_without_session": 1' in events
    for name in ("Iris Kim", "Caleb", "iris.kim@", "Leila", "F41.1"):
        assert name not in events


def _section(page: Page, heading: str) -> Locator:
    """The table of the section under ``heading`` (the table is named by it)."""
    return page.get_by_role("region", name=heading).get_by_role("table", name=heading)


def _lines(table: Locator) -> Locator:
    return table.get_by_role("rowgroup").last.get_by_role("row")


def test_the_page_lists_each_case_under_its_heading(page: Page, demo: Reconciled) -> None:
    page.goto((demo.folder / "reconciliation.html").as_uri())
    expect(page.get_by_role("heading", level=1)).to_have_text("Reconciliation of Nov 20, 2026")
    expect(page.get_by_role("heading", level=2, name="What needs a person")).to_be_visible()
    expected = {
        "Paid late or not at all": [
            ("Ruth Chen", "Sep 14, 2026"),
            ("Nadia Alvarez", "Sep 21, 2026"),
            ("Owen Diaz", "Oct 5, 2026"),
            ("Nadia Alvarez", "Oct 12, 2026"),
            ("Owen Diaz", "Oct 19, 2026"),
        ],
        "Marked Billed without a Headway session": [("Iris Kim", "Nov 2, 2026")],
        "Invoices not written off": [("Caleb Nguyen", "Nov 4, 2026")],
        "Late-cancellation fees unpaid": [
            ("Leila Patel", "Nov 5, 2026"),
            ("Felix Brooks", "Nov 9, 2026"),
        ],
    }
    for heading, lines in expected.items():
        rows = _lines(_section(page, heading))
        expect(rows).to_have_count(len(lines))
        for index, (client, day) in enumerate(lines):
            expect(rows.nth(index).get_by_role("rowheader")).to_have_text(client)
            expect(rows.nth(index)).to_contain_text(day)
    fees = _lines(_section(page, "Late-cancellation fees unpaid"))
    expect(fees.first).to_contain_text("Failed")
    expect(fees.last).to_contain_text("Open")
    expect(_lines(_section(page, "Confirmed sessions and their payouts"))).to_have_count(26)


def test_a_practice_in_order_exits_0_and_a_page_that_fails_once_is_read_again(
    tmp_path: Path,
) -> None:
    """Payouts on time, the Billed request's session confirmed, its invoice written off:
    exit 0, with the settings from the environment. On the way, Headway's Payments page
    answers 503 once and the app shows its error state: the retry never goes on from the
    page the failure left, it loads Headway afresh. (One run for both: each costs a whole
    reconciliation.)"""
    scenario = tmp_path / "reconciled.json"
    write(reconciled_scenario(), scenario)
    with MockSites.start(scenario) as sites:
        arm_fault(sites, "headway", kind="fail", path=r"^/payments$", method="GET", count=1)
        settings = robot_settings(sites, tmp_path, action_timeout_ms=ACTION_TIMEOUT_MS)
        done = _reconcile(sites, robot_env(settings), [], tmp_path)
        faults_left = sites.world.snapshot()["faults"]
    assert done.result.returncode == 0, done.result.stderr
    assert faults_left == []  # the Payments page did fail once
    assert not done.changed
    assert [(r["section"], r["case"], r["date_of_service"]) for r in done.rows()] == [
        ("sessions", "paid", "2026-10-05"),
        ("sessions", "paid", "2026-10-19"),
        ("sessions", "not yet due", "2026-11-10"),
    ]
    assert "0 marked Billed without a Headway session" in done.result.stderr


def test_a_missing_setting_is_one_line_exit_2_and_no_folder(tmp_path: Path) -> None:
    env: dict[str, Any] = _clean_env()
    env[env_var_name("intercom", "base_url")] = "http://127.0.0.1:9"
    env[env_var_name("intercom", "username")] = "billing@ruhcare.example"
    env[env_var_name("intercom", "password")] = "x"
    env[env_var_name("runs_dir")] = str(tmp_path / "runs")
    result = run_cli(["reconcile"], env, tmp_path, timeout=60)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert env_var_name("headway", "base_url") in lines[0]
    assert env_var_name("ruh_platform", "base_url") in lines[0]
    assert result.stdout == ""
    assert not (tmp_path / "runs").exists()
