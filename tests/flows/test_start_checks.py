"""Errors a person can cause, through the command a person types: one line, the right exit
code, and nothing changed on any site (issue 9, holes 2 and 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixtures.server import MockSites
from robot.settings import env_var_name
from tests.flows.conftest import robot_env, robot_settings, run_cli
from tests.plugins.mock_sites import arm_fault


def _one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert "Traceback" not in stderr
    return lines[-1]


@pytest.mark.scenario("demo")
def test_missing_programs_sheet_settings_stop_the_batch_before_anything(
    sites: MockSites, robot_dir: Path
) -> None:
    """A wrong charge older than 30 days needs the sheet: the batch must not start at all."""
    before = sites.world.snapshot()
    env = robot_env(robot_settings(sites, robot_dir))
    for field in ("base_url", "username", "password"):
        del env[env_var_name("programs_sheet", field)]
    result = run_cli(["batch"], env, robot_dir, timeout=60)
    assert result.returncode == 2
    assert "BILLING_ROBOT_PROGRAMS_SHEET__BASE_URL" in _one_line(result.stderr)
    assert sites.world.snapshot() == before
    assert not (robot_dir / "runs").exists()


@pytest.mark.scenario("demo")
@pytest.mark.parametrize("site", ["intercom", "programs_sheet"])
def test_a_refused_login_stops_the_run_before_any_click(
    sites: MockSites, robot_dir: Path, site: str
) -> None:
    """The pre-flight logs in everywhere first: even the last site's refusal changes nothing."""
    before = sites.world.snapshot()
    env = robot_env(robot_settings(sites, robot_dir))
    env[env_var_name(site, "password")] = "not-the-password"
    result = run_cli(["batch"], env, robot_dir, timeout=120)
    assert result.returncode == 4
    assert env_var_name(site, "password") in result.stderr
    assert "Traceback" not in result.stderr
    assert sites.world.snapshot() == before
    [report] = (robot_dir / "runs").glob("*/report.html")
    assert report.is_file()


@pytest.mark.scenario("generated:1")
def test_a_site_that_fails_once_during_the_pre_flight_is_tried_again(
    sites: MockSites, robot_dir: Path
) -> None:
    """A fault of the moment at start-up (all workers log in at once, the real apps take
    seconds) is retried like any read; only a refused login or a site that stays down
    stops the run before it starts."""
    arm_fault(sites, "ruh_platform", kind="fail", path=r"^/(clients)?$", method="GET", count=1)
    result = run_cli(["batch"], robot_env(robot_settings(sites, robot_dir)), robot_dir)
    assert result.returncode == 0, result.stderr
    assert [s["client_id"] for s in sites.world.snapshot()["headway_sessions"]] == ["cl-0001"]


@pytest.mark.scenario("generated:1")
def test_a_renamed_view_is_named_in_one_line_and_the_run_still_reports(
    sites: MockSites, robot_dir: Path
) -> None:
    views = sites.world.state.views
    sites.world.state.views = [
        "5. Insurance Billing" if name == "5. Insurance Billing View" else name for name in views
    ]
    result = run_cli(["batch"], robot_env(robot_settings(sites, robot_dir)), robot_dir)
    assert result.returncode == 6
    assert "Traceback" not in result.stderr
    assert "Intercom has no view named '5. Insurance Billing View'" in result.stderr
    assert list((robot_dir / "runs").glob("*/report.html"))


def test_supervised_without_a_display_says_how_to_run_it(
    robot_dir: Path, sites: MockSites, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = robot_env(robot_settings(sites, robot_dir))
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    result = run_cli(["run", "conv-0001", "--supervised"], env, robot_dir, timeout=60)
    assert result.returncode == 2
    assert "xvfb-run" in _one_line(result.stderr)


def test_a_bad_date_is_one_line_and_exit_2(robot_dir: Path, sites: MockSites) -> None:
    env = robot_env(robot_settings(sites, robot_dir))
    result = run_cli(["batch", "--today", "yesterday"], env, robot_dir, timeout=60)
    assert result.returncode == 2
    assert _one_line(result.stderr) == "--today must be YYYY-MM-DD, got 'yesterday'"
