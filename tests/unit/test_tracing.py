"""Traces that never hold a secret: scrubbing, and logins kept out of the recording."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Playwright

from robot.browser import BrowserRuntime
from robot.settings import Settings
from robot.tracing import REDACTED, ItemTracer, scrub_trace, secret_spellings

PASSWORD = "s3cret pass/word&more"
USER = "robot@ruhcare.example"


def _trace(tmp_path: Path, members: dict[str, str]) -> Path:
    path = tmp_path / "trace.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return path


def _text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return "".join(archive.read(m).decode() for m in archive.namelist())


def test_every_spelling_of_a_secret_is_scrubbed(tmp_path: Path) -> None:
    spellings = sorted(secret_spellings(PASSWORD))
    path = _trace(
        tmp_path,
        {
            "trace.trace": json.dumps({"method": "fill", "params": {"value": PASSWORD}}),
            "resources/abc": "email=robot%40ruhcare.example&password=" + spellings[0],
            "resources/def.html": "<p>Signed in as robot@ruhcare.example</p>" + " ".join(spellings),
        },
    )
    assert scrub_trace(path, [PASSWORD, USER])
    text = _text(path)
    for secret in (PASSWORD, USER):
        for spelling in secret_spellings(secret):
            assert spelling not in text
    assert REDACTED in text


def test_cookie_headers_of_the_network_log_are_blanked(tmp_path: Path) -> None:
    entry = {
        "type": "resource-snapshot",
        "snapshot": {
            "request": {
                "headers": [{"name": "Cookie", "value": "headway_session=abc123"}],
                "cookies": [{"name": "headway_session", "value": "abc123"}],
            },
            "response": {
                "headers": [{"name": "Set-Cookie", "value": "sid=zzz; HttpOnly"}],
                "cookies": [{"name": "sid", "value": "zzz"}],
            },
        },
    }
    path = _trace(tmp_path, {"trace.network": json.dumps(entry)})
    assert scrub_trace(path, [])
    text = _text(path)
    assert "abc123" not in text
    assert "zzz" not in text


FORM = "data:text/html,<label>Password<input type=password></label><p>step</p>"
AFTER = "data:text/html,<p>signed in</p>"


@pytest.mark.browser
def test_a_login_while_paused_is_not_recorded(playwright: Playwright, tmp_path: Path) -> None:
    """Typed passwords never reach a kept trace, even without the scrubbing."""
    with BrowserRuntime(Settings(), playwright=playwright) as runtime:
        context = runtime.new_context()
        tracer = ItemTracer(context, lambda: [], enabled=True)
        page = context.new_page()
        tracer.start_item(tmp_path)
        tracer.record_from_here()
        page.goto(FORM)
        with tracer.paused():  # a login: type, submit, land on the next page
            page.get_by_label("Password").fill(PASSWORD)
            page.goto(AFTER)
        page.get_by_text("signed in").click()
        kept = tracer.end_item(keep=True)
        context.close()
    assert [p.name for p in kept] == ["trace.zip", "trace-2.zip"]
    for part in kept:
        assert PASSWORD not in _text_bytes(part)


@pytest.mark.browser
def test_a_secret_left_on_the_page_is_scrubbed_from_the_kept_trace(
    playwright: Playwright, tmp_path: Path
) -> None:
    """The second defence: a value still in the DOM's snapshots is replaced on save."""
    with BrowserRuntime(Settings(), playwright=playwright) as runtime:
        context = runtime.new_context()
        tracer = ItemTracer(context, lambda: [PASSWORD], enabled=True)
        page = context.new_page()
        tracer.start_item(tmp_path)
        tracer.record_from_here()
        page.goto(FORM)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_text("step").click()
        [kept] = tracer.end_item(keep=True)
        context.close()
    text = _text_bytes(kept)
    assert PASSWORD not in text
    assert REDACTED in text


def _text_bytes(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return "".join(archive.read(m).decode("utf-8", "replace") for m in archive.namelist())


@pytest.mark.browser
def test_an_item_that_goes_well_records_nothing(playwright: Playwright, tmp_path: Path) -> None:
    with BrowserRuntime(Settings(), playwright=playwright) as runtime:
        context = runtime.new_context()
        tracer = ItemTracer(context, lambda: [], enabled=True)
        page = context.new_page()
        tracer.start_item(tmp_path)
        page.goto(AFTER)
        assert tracer.end_item(keep=True) == []
        context.close()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.browser
def test_each_retried_item_gets_its_own_trace(playwright: Playwright, tmp_path: Path) -> None:
    """Tracing is armed at a retry and stopped when the item ends, item after item."""
    with BrowserRuntime(Settings(), playwright=playwright) as runtime:
        context = runtime.new_context()
        tracer = ItemTracer(context, lambda: [], enabled=True)
        page = context.new_page()
        kept: dict[str, list[Path]] = {}
        for item in ("first", "well", "second"):
            folder = tmp_path / item
            folder.mkdir()
            tracer.start_item(folder)
            if item != "well":
                tracer.record_from_here()
            page.goto(AFTER)
            kept[item] = tracer.end_item(keep=True)
        context.close()
    assert {item: [p.name for p in paths] for item, paths in kept.items()} == {
        "first": ["trace.zip"],
        "well": [],
        "second": ["trace.zip"],
    }
    assert "signed in" in _text_bytes(kept["second"][0])
