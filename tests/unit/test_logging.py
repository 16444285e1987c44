"""Logging: JSON lines in the run folder, a console, and nothing personal in either."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from robot.errors import BusinessRuleError
from robot.logging import EVENTS_FILE, REDACTED, configure_logging, get_logger, scrub_text

EMAIL = "jane.doe@example.com"
NAME = "Jane Doe"


@pytest.fixture
def run_dir(tmp_path: Path) -> Iterator[Path]:
    configure_logging(tmp_path, console=False)
    yield tmp_path
    configure_logging(None, console=False)


def events(run_dir: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (run_dir / EVENTS_FILE).read_text().splitlines()]


def test_events_are_json_lines_with_ids_and_codes(run_dir: Path) -> None:
    get_logger("test").info("item_claimed", item_id="intercom:conv-1001", cpt="90837")
    (event,) = events(run_dir)
    assert event["event"] == "item_claimed"
    assert event["item_id"] == "intercom:conv-1001"
    assert event["cpt"] == "90837"
    assert event["level"] == "info"
    assert "timestamp" in event


def test_email_and_name_never_reach_the_events_file(run_dir: Path) -> None:
    log = get_logger("test")
    log.info(f"participant {EMAIL} added", client_name=NAME, email=EMAIL, item_id="conv-1")
    log.warning("lookup", therapist=NAME, detail={"client": NAME, "to": EMAIL}, ids=[EMAIL])
    text = (run_dir / EVENTS_FILE).read_text()
    assert EMAIL not in text
    assert NAME not in text
    assert "conv-1" in text


def test_free_text_under_note_keys_is_removed(run_dir: Path) -> None:
    get_logger("test").info("note_read", note="Client Jane Doe, 53 min", body="hi", code="F41.1")
    (event,) = events(run_dir)
    assert event["note"] == REDACTED
    assert event["body"] == REDACTED
    assert event["code"] == "F41.1"


def test_secrets_are_removed_by_type_and_by_key(run_dir: Path) -> None:
    get_logger("test").info(
        "login",
        site="headway",
        credential=SecretStr("hunter2"),
        password="hunter2",
        auth_token="tok-123",
        cookies=[{"name": "sid", "value": "abc"}],
    )
    text = (run_dir / EVENTS_FILE).read_text()
    for secret in ("hunter2", "tok-123", "abc"):
        assert secret not in text
    assert events(run_dir)[0]["site"] == "headway"


def test_our_exception_message_is_kept_without_emails(run_dir: Path) -> None:
    try:
        raise BusinessRuleError(f"CPT 90837 does not match 40 min for {EMAIL}")
    except BusinessRuleError:
        get_logger("test").exception("needs_review", item_id="conv-2")
    (event,) = events(run_dir)
    assert event["error_type"] == "BusinessRuleError"
    assert "CPT 90837" in event["error"]
    assert EMAIL not in json.dumps(event)
    assert event["frames"]


def test_foreign_exception_message_is_dropped(run_dir: Path) -> None:
    try:
        raise RuntimeError(f'locator get_by_text("{NAME}") not found')
    except RuntimeError:
        get_logger("test").exception("crashed")
    (event,) = events(run_dir)
    assert event["error_type"] == "RuntimeError"
    assert NAME not in json.dumps(event)


def test_console_output_is_redacted_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(tmp_path, console=True)
    try:
        get_logger("test").warning("hello", client_name=NAME, email=EMAIL, item_id="conv-3")
    finally:
        configure_logging(None, console=False)
    err = capsys.readouterr().err
    assert "conv-3" in err
    assert NAME not in err
    assert EMAIL not in err


def test_events_file_is_owner_only_even_with_open_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        path = configure_logging(tmp_path, console=False)
        get_logger("test").info("x")
    finally:
        os.umask(old)
        configure_logging(None, console=False)
    assert path is not None
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_reconfiguring_moves_events_to_the_new_run(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    configure_logging(first, console=False)
    get_logger("test").info("one")
    configure_logging(second, console=False)
    get_logger("test").info("two")
    configure_logging(None, console=False)
    assert [e["event"] for e in events(first)] == ["one"]
    assert [e["event"] for e in events(second)] == ["two"]


def test_scrub_text_replaces_every_address() -> None:
    assert scrub_text("to a.b+c@x.co.uk and z@y.org") == "to [email] and [email]"
