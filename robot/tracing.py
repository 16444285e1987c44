"""Per-item Playwright traces of what failed, that never hold a password or a cookie.

Recording DOM snapshots of every action costs the robot about a tenth of its CPU, and
a trace is only read when an item fails. So an item records nothing while all goes
well: recording starts when a unit of work is retried (:meth:`ItemTracer.record_from_here`),
and the trace of a failed item shows exactly the attempts that failed. Tracing is not
even armed before then: Playwright's tracing, once started, instruments every action
between chunks too (a fifth more CPU per page load and call, measured), so it is started
at the first retry and stopped when the item ends.

Traces are the artefact people send around, so two defences stand between a secret and
the file:

1. **Logins happen outside any recorded chunk.** The run's logins happen before any item;
   a login forced mid-item (a session that expired) runs inside :meth:`ItemTracer.paused`,
   which closes the chunk recorded so far and opens a new one after. The login form's
   typed values and the login POST's body are therefore never recorded.
2. **Every kept file is scrubbed before it is handed over** (:func:`scrub_trace`): each
   configured username and password and each cookie value the context holds is replaced,
   in every spelling a trace can carry it (as typed, URL-encoded, JSON-escaped,
   HTML-escaped), and the ``Cookie``, ``Set-Cookie`` and ``Authorization`` headers and
   the parsed cookies of the network log are blanked. A file in which a secret survives
   is deleted, not kept.

The first defence makes the second one rarely matter; the second makes a slip in the
first (a site that echoes the login name in its header, a cookie in a request log) safe.
"""

from __future__ import annotations

import html
import json
import os
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final
from urllib.parse import quote, quote_plus

from playwright.sync_api import BrowserContext

from robot import browser_options
from robot.logging import get_logger

__all__ = ["REDACTED", "ItemTracer", "scrub_trace", "secret_spellings"]

REDACTED: Final = "[redacted]"
"""What a scrubbed secret reads as inside a trace."""

_SECRET_HEADERS: Final = frozenset({"cookie", "set-cookie", "authorization", "proxy-authorization"})

_log = get_logger("robot.tracing")


def secret_spellings(secret: str) -> set[str]:
    """Every form ``secret`` can take inside a trace: raw, URL-, JSON- and HTML-encoded."""
    if not secret:
        return set()
    return {
        secret,
        quote(secret, safe=""),
        quote_plus(secret),
        json.dumps(secret)[1:-1],
        html.escape(secret, quote=True),
    }


def _scrub_bytes(data: bytes, needles: list[bytes]) -> bytes:
    for needle in needles:
        data = data.replace(needle, REDACTED.encode())
    return data


def _blank_secret_headers(line: bytes) -> bytes:
    """Blank credential headers and cookies in one JSON line of the network log."""
    try:
        event = json.loads(line)
    except ValueError:
        return line
    changed = False
    for side in ("request", "response"):
        message = event.get("snapshot", {}).get(side, {})
        if not isinstance(message, dict):
            continue
        for header in message.get("headers") or []:
            if isinstance(header, dict) and str(header.get("name", "")).lower() in _SECRET_HEADERS:
                header["value"] = REDACTED
                changed = True
        # The network log is HAR: cookies are listed again, parsed, beside the headers.
        for cookie in message.get("cookies") or []:
            if isinstance(cookie, dict) and "value" in cookie:
                cookie["value"] = REDACTED
                changed = True
    return json.dumps(event).encode() if changed else line


def scrub_trace(path: Path, secrets: Iterable[str]) -> bool:
    """Rewrite the trace at ``path`` without ``secrets``; delete it if one survives.

    Returns True when the scrubbed file is kept, False when it had to be deleted.
    """
    needles = sorted(
        {spelling.encode() for secret in secrets for spelling in secret_spellings(secret)},
        key=len,
        reverse=True,  # longest first, so an encoded form is not half-replaced by a shorter one
    )
    scrubbed = path.with_name(path.name + ".scrubbing")
    with (
        zipfile.ZipFile(path) as source,
        zipfile.ZipFile(scrubbed, "w", compression=zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            data = source.read(member)
            if member.filename.endswith(".network"):
                data = b"\n".join(_blank_secret_headers(line) for line in data.split(b"\n"))
            target.writestr(member, _scrub_bytes(data, needles))
    os.chmod(scrubbed, 0o600)
    if _still_holds(scrubbed, needles):
        scrubbed.unlink()
        path.unlink()
        _log.error("trace_dropped", reason="a secret survived scrubbing")
        return False
    scrubbed.replace(path)
    return True


def _still_holds(path: Path, needles: list[bytes]) -> bool:
    with zipfile.ZipFile(path) as archive:
        return any(
            needle in archive.read(member) for member in archive.infolist() for needle in needles
        )


class ItemTracer:
    """Record one context's actions per work item; keep (scrubbed) only what failed.

    ``secrets`` returns the values to scrub (usernames, passwords); the context's cookie
    values are added at save time. With ``enabled=False`` every method is a no-op.
    """

    def __init__(
        self,
        context: BrowserContext,
        secrets: Callable[[], Iterable[str]],
        *,
        enabled: bool = browser_options.TRACE_ON_FAILURE,
    ) -> None:
        """Trace ``context`` per item; nothing is armed or recorded until a retry."""
        self._context = context
        self._secrets = secrets
        self._enabled = enabled
        self._armed = False
        self._recording = False
        self._parts: list[Path] = []
        self._folder: Path | None = None

    def start_item(self, folder: Path) -> None:
        """A new item begins (nothing is recorded yet); a kept trace goes into ``folder``."""
        self._folder = folder
        self._parts = []

    def record_from_here(self) -> None:
        """Start recording the item's actions (when a unit of work is tried again)."""
        if self._enabled and self._folder is not None and not self._recording:
            # Armed only now: Playwright's tracing, once started, instruments every
            # action even between chunks (about a fifth more CPU, measured), and most
            # items are never retried. start() opens the first chunk at once.
            options = browser_options.TRACING_OPTIONS
            self._context.tracing.start(
                screenshots=options.get("screenshots", False),
                snapshots=options.get("snapshots", True),
                sources=False,
            )
            self._armed = True
            self._recording = True

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Record nothing inside the block (a login mid-item); the item's trace goes on after."""
        if not (self._enabled and self._recording):
            yield
            return
        self._parts.append(self._stop_into_part())
        self._recording = False
        try:
            yield
        finally:
            self._context.tracing.start_chunk()
            self._recording = True

    def end_item(self, *, keep: bool) -> list[Path]:
        """Stop recording; when ``keep``, scrub and return the item's trace files."""
        if self._recording and keep:
            self._parts.append(self._stop_into_part())
        self._recording = False
        if self._armed:
            # Disarmed between items; an unsaved chunk still open is discarded here.
            self._armed = False
            self._context.tracing.stop()
        self._folder = None
        kept: list[Path] = []
        secrets = [*self._secrets(), *(cookie["value"] for cookie in self._context.cookies())]
        for part in self._parts:
            if keep and scrub_trace(part, secrets):
                kept.append(part)
            else:
                part.unlink(missing_ok=True)
        self._parts = []
        return kept

    def _stop_into_part(self) -> Path:
        assert self._folder is not None  # set by start_item
        number = len(self._parts) + 1
        name = "trace.zip" if number == 1 else f"trace-{number}.zip"
        path = self._folder / name
        self._context.tracing.stop_chunk(path=str(path))
        os.chmod(path, 0o600)  # inside a 0700 item folder; tighten the file as well
        return path
