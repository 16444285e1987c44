"""``billing-robot plan``: the admin note in, the Headway entry out as JSON."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app
from robot.rules.plan import PLAN_JSON_KEYS

NOTE = """For admin use only
Client: Maya Thompson <maya.thompson@example.com>
Therapist: Sana Qureshi, LCSW
Session date: 2026-11-03
Session time: 4:00 PM - 4:53 PM PST
Duration: 53 minutes
Session type: Video
CPT code: 90837
Diagnosis code: F41.1
Client state: California
"""

runner = CliRunner()


def plan(*args: str, stdin: str | None = None) -> tuple[int, dict[str, object] | None]:
    result = runner.invoke(app, ["plan", *args], input=stdin)
    try:
        body = json.loads(result.stdout)
    except json.JSONDecodeError:
        body = None
    return result.exit_code, body


@pytest.fixture
def note_file(tmp_path: Path) -> Path:
    path = tmp_path / "note.txt"
    path.write_text(NOTE, encoding="utf-8")
    return path


def test_billable_note_exits_0_with_the_plan(note_file: Path) -> None:
    code, body = plan(str(note_file), "--today", "2026-11-10", "--platform-minutes", "53")
    assert code == 0
    assert body is not None
    assert tuple(body) == PLAN_JSON_KEYS
    assert body["billable"] is True
    assert (body["calendar_date"], body["start"], body["end"]) == ("2026-11-03", "19:00", "19:53")
    assert body["payout_date"] == "2026-11-30"


def test_disagreeing_platform_minutes_exit_3(note_file: Path) -> None:
    code, body = plan(str(note_file), "--today", "2026-11-10", "--platform-minutes", "45")
    assert code == 3
    assert body is not None
    assert body["billable"] is False
    assert body["problems"] == [
        "the Ruh Platform's billed duration is 45 minutes but the note's duration is 53 minutes"
    ]


def test_session_over_thirty_days_old_exits_3(note_file: Path) -> None:
    code, body = plan(str(note_file), "--today", "2026-12-04")
    assert code == 3
    assert body is not None
    assert body["problems"] == [
        "session is 31 days old; Headway confirms sessions at most 30 days old"
    ]


def test_calendar_zone_may_be_an_abbreviation(note_file: Path) -> None:
    code, body = plan(str(note_file), "--today", "2026-11-10", "--calendar-tz", "CST")
    assert code == 0
    assert body is not None
    assert body["start"] == "18:00"


def test_note_on_stdin_is_read() -> None:
    code, body = plan("-", "--today", "2026-11-10", stdin=NOTE)
    assert code == 0
    assert body is not None
    assert body["client_email"] == "maya.thompson@example.com"


@pytest.mark.parametrize("text", ["", "Please call me back about my bill."])
def test_text_that_is_not_a_note_exits_2(text: str) -> None:
    code, body = plan("-", "--today", "2026-11-10", stdin=text)
    assert code == 2
    assert body is not None
    assert tuple(body) == PLAN_JSON_KEYS
    assert body["billable"] is False


def test_unknown_calendar_zone_exits_2(note_file: Path) -> None:
    code, body = plan(str(note_file), "--calendar-tz", "Mars/Olympus")
    assert code == 2
    assert body is not None
    assert body["problems"] == ["unknown calendar time zone 'Mars/Olympus'"]


def test_bad_today_exits_2(note_file: Path) -> None:
    code, _ = plan(str(note_file), "--today", "yesterday")
    assert code == 2


def test_missing_file_exits_2(tmp_path: Path) -> None:
    code, _ = plan(str(tmp_path / "absent.txt"))
    assert code == 2


def test_cli_start_does_not_load_the_icd10_code_set() -> None:
    code = "import cli.app, sys; assert 'simple_icd_10_cm' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
