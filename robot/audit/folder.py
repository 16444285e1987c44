"""``<runs_dir>/<run-id>/``: the run's owner-only folder, its evidence and its two reports.

Layout (folders 0700, files 0600 whatever the umask, since it holds health information)::

    events.jsonl            structured log (robot.logging)
    <item>/01-<step>-before.jpg, 02-<step>-after.jpg, ...   numbered, in order
    <item>/NN-failed.jpg    the page when a failed item gave up
    <item>/trace.zip        Playwright trace, kept only for a failed item
    summary.json            the report's content for programs
    report.html             the report for a billing person
"""

from __future__ import annotations

import itertools
import re
import secrets
import threading
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from playwright.sync_api import Page

from robot.audit.evidence import PageEvidence
from robot.audit.files import private_dir, safe_name, write_private
from robot.audit.model import ItemView, RunInfo
from robot.audit.report import render_report
from robot.audit.summary import render_summary
from robot.logging import EVENTS_FILE

__all__ = ["REPORT_FILE", "SUMMARY_FILE", "TRACE_FILE", "RunFolder", "new_run_id"]

SUMMARY_FILE: Final = "summary.json"
"""Machine-readable run summary inside the run folder."""
REPORT_FILE: Final = "report.html"
"""The operator's report inside the run folder."""
TRACE_FILE: Final = "trace.zip"
"""A failed item's Playwright trace inside its folder."""

_RUN_ID_TIME: Final = "%Y%m%dT%H%M%SZ"
_IMAGE_SUFFIXES: Final = frozenset({".jpg", ".png"})
_NUMBERED: Final = re.compile(r"^(\d+)-")


def new_run_id() -> str:
    """Return a new run id: UTC time (sorts by start) plus randomness (never collides)."""
    return f"{datetime.now(UTC).strftime(_RUN_ID_TIME)}-{secrets.token_hex(3)}"


class RunFolder:
    """``<runs_dir>/<run-id>/``: created owner-only; hands out item folders and evidence."""

    def __init__(self, runs_dir: Path, run_id: str | None = None) -> None:
        """Create the folder for ``run_id`` (a new id if none) under ``runs_dir``."""
        self.run_id = run_id if run_id is not None else new_run_id()
        if not runs_dir.exists():
            private_dir(runs_dir)
        self.path = private_dir(runs_dir / self.run_id)
        self._counters: dict[str, Iterator[int]] = {}
        self._lock = threading.Lock()

    @property
    def events_path(self) -> Path:
        """Where :func:`robot.logging.configure_logging` writes the JSON lines."""
        return self.path / EVENTS_FILE

    @property
    def report_path(self) -> Path:
        """Where :meth:`finish` writes ``report.html``."""
        return self.path / REPORT_FILE

    @property
    def summary_path(self) -> Path:
        """Where :meth:`finish` writes ``summary.json``."""
        return self.path / SUMMARY_FILE

    def item_dir(self, item_id: str) -> Path:
        """Return (creating, 0700) the folder of one work item."""
        return private_dir(self.path / safe_name(item_id))

    def counter(self, item_id: str) -> Iterator[int]:
        """The item's screenshot counter, continuing after any screenshot already there."""
        with self._lock:
            if item_id not in self._counters:
                taken = [
                    int(match.group(1))
                    for entry in self.item_dir(item_id).iterdir()
                    if (match := _NUMBERED.match(entry.name))
                ]
                self._counters[item_id] = itertools.count(max(taken, default=0) + 1)
            return self._counters[item_id]

    def evidence(self, page: Page, item_id: str) -> PageEvidence:
        """Evidence for ``page`` in the item's folder, numbered across all its pages."""
        return PageEvidence(page, self.item_dir(item_id), self.counter(item_id))

    def trace_path(self, item_id: str) -> Path:
        """Where to keep the item's Playwright trace when it fails (creates its folder)."""
        return self.item_dir(item_id) / TRACE_FILE

    def trace(self, item_id: str) -> Path | None:
        """The item's kept trace relative to the run, or None (creates nothing)."""
        path = self.path / safe_name(item_id) / TRACE_FILE
        return path.relative_to(self.path) if path.is_file() else None

    def screenshots(self, item_id: str) -> list[Path]:
        """The item's screenshots in the order they were taken (relative to the run)."""
        folder = self.path / safe_name(item_id)
        if not folder.is_dir():
            return []
        shots = [entry for entry in folder.iterdir() if entry.suffix in _IMAGE_SUFFIXES]
        shots.sort(key=lambda entry: (_number(entry.name), entry.name))
        return [entry.relative_to(self.path) for entry in shots]

    def relative(self, path: str | Path) -> str:
        """``path`` as the report links it: relative to the run folder, ``/``-separated.

        Accepts what callers have at hand: an absolute path, a path under the runs folder
        as the gate records it (``runs/<run-id>/<item>/...``), or one already relative.
        """
        given = Path(path)
        for base in (self.path.absolute(), self.path.resolve(), self.path):
            if given.is_relative_to(base):
                return given.relative_to(base).as_posix()
        return given.as_posix()

    # --- the summary and the report ----------------------------------------------------

    def write_summary(self, run: RunInfo, items: Sequence[ItemView]) -> Path:
        """Write ``summary.json`` (0600) and return its path."""
        return write_private(self.summary_path, render_summary(run, self._linked(items)))

    def write_report(self, run: RunInfo, items: Sequence[ItemView]) -> Path:
        """Write ``report.html`` (0600) and return its path."""
        return write_private(self.report_path, render_report(run, self._linked(items)))

    def finish(self, run: RunInfo, items: Sequence[ItemView]) -> Path:
        """Write ``summary.json`` and ``report.html``; return the report's path."""
        views = list(items)
        self.write_summary(run, views)
        return self.write_report(run, views)

    def _linked(self, items: Sequence[ItemView]) -> list[ItemView]:
        """The items with every file path made relative to the run folder."""
        return [
            replace(
                item,
                steps=[
                    replace(step, screenshots=[self.relative(s) for s in step.screenshots])
                    for step in item.steps
                ],
                problem_screenshot=self._maybe_relative(item.problem_screenshot),
                trace=self._maybe_relative(item.trace),
            )
            for item in items
        ]

    def _maybe_relative(self, path: str | None) -> str | None:
        return None if path is None else self.relative(path)


def _number(name: str) -> int:
    match = _NUMBERED.match(name)
    return int(match.group(1)) if match else 0
