"""The audit trail: one owner-only folder per run with screenshots, traces and a report.

Layout of ``<runs_dir>/<run-id>/`` (folders 0700, files 0600 whatever the umask, since it
holds health information)::

    events.jsonl            structured log (robot.logging)
    <item>/01-<step>-before.png, 02-<step>-after.png, ...   numbered, in order
    <item>/trace.zip        Playwright trace, kept only for a failed item
    summary.json            every item: status, reason, attempts, screenshots
    report.html             the same, for a person to read

Nothing here names a client or therapist: items are shown by id, kind, status and
reason (reasons are written with codes and amounts; email addresses are cut regardless).
"""

from __future__ import annotations

import html
import itertools
import json
import os
import re
import secrets
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from playwright.sync_api import Page

from robot.browser import load_playwright_config
from robot.ledger import Ledger, StepRecord, WorkItem
from robot.logging import EVENTS_FILE, scrub_text

__all__ = [
    "REPORT_FILE",
    "SUMMARY_FILE",
    "TRACE_FILE",
    "ItemResult",
    "PageEvidence",
    "RunFolder",
    "collect_results",
    "new_run_id",
    "private_dir",
    "write_private",
]

SUMMARY_FILE: Final = "summary.json"
"""Machine-readable run summary inside the run folder."""
REPORT_FILE: Final = "report.html"
"""The operator's report inside the run folder."""
TRACE_FILE: Final = "trace.zip"
"""A failed item's Playwright trace inside its folder."""

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_NUMBERED = re.compile(r"^(\d+)-")


def new_run_id() -> str:
    """Return a new run id: UTC time (sorts by start) plus randomness (never collides)."""
    return f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}-{secrets.token_hex(3)}"


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) as 0700 and return it; tighten it if it exists."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)  # mkdir's mode is filtered by the umask
    return path


def write_private(path: Path, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` as a 0600 file (created so from the start), return it."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)  # O_CREAT's mode is masked too, and an old file keeps its own
        view = memoryview(payload)
        while view:
            written = os.write(fd, view)
            view = view[written:]
    finally:
        os.close(fd)
    return path


def _safe_name(text: str) -> str:
    return _UNSAFE.sub("_", text).strip("._") or "item"


class PageEvidence:
    """The commit gate's :class:`~robot.gate.Evidence` for one page and one work item.

    ``counter`` numbers the screenshots; share one counter between the pages of an item
    (Intercom, Headway, ...) so its folder reads in order. :meth:`RunFolder.evidence`
    does that for you.
    """

    def __init__(self, page: Page, item_dir: Path, counter: Iterator[int]) -> None:
        """Screenshot ``page`` into ``item_dir``, numbering with ``counter``."""
        self.page = page
        self.item_dir = item_dir
        self._counter = counter

    def capture(self, label: str) -> Path:
        """Save a screenshot as ``NN-<label>.png`` (0600) and return its path."""
        options = load_playwright_config().SCREENSHOT_OPTIONS
        # A full-page capture draws sticky headers where the page is scrolled to; from
        # the top they sit where a reader expects them.
        self.page.evaluate("window.scrollTo(0, 0)")
        # Bytes first, then our own owner-only write: no moment where the file is 0644.
        image = self.page.screenshot(**options)
        path = self.item_dir / f"{next(self._counter):02d}-{_safe_name(label)}.png"
        return write_private(path, image)


@dataclass(frozen=True)
class ItemResult:
    """One row of the report: an item's outcome in this run."""

    item_id: str
    kind: str
    status: str
    reason: str | None = None
    attempts: int = 0
    steps: tuple[tuple[str, str], ...] = field(default=())
    """(step name, step state) in the order the steps were first recorded."""

    @classmethod
    def from_ledger(cls, item: WorkItem, steps: Sequence[StepRecord] = ()) -> ItemResult:
        """Build a result from the ledger's view of an item."""
        return cls(
            item_id=item.id,
            kind=item.kind,
            status=item.status.value,
            reason=item.reason,
            attempts=item.attempts,
            steps=tuple((step.step, step.state.value) for step in steps),
        )


def collect_results(ledger: Ledger, run_id: str | None = None) -> list[ItemResult]:
    """Return the results of every item ``run_id`` (default: the ledger's) claimed.

    Every item the run touched is there, even one a later run worked again (it shows
    its current status): a report rebuilt later never has fewer items.
    """
    wanted = run_id if run_id is not None else ledger.run_id
    return [
        ItemResult.from_ledger(item, ledger.list_steps(item.id))
        for item in ledger.list_items(run_id=wanted)
    ]


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

    def item_dir(self, item_id: str) -> Path:
        """Return (creating, 0700) the folder of one work item."""
        return private_dir(self.path / _safe_name(item_id))

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
        """Where to keep the item's Playwright trace when it fails."""
        return self.item_dir(item_id) / TRACE_FILE

    def screenshots(self, item_id: str) -> list[Path]:
        """The item's screenshots in the order they were taken (relative to the run)."""
        folder = self.path / _safe_name(item_id)
        if not folder.is_dir():
            return []
        shots = [entry for entry in folder.iterdir() if entry.suffix == ".png"]
        shots.sort(key=lambda entry: (_number(entry.name), entry.name))
        return [entry.relative_to(self.path) for entry in shots]

    def _trace(self, item_id: str) -> Path | None:
        path = self.path / _safe_name(item_id) / TRACE_FILE
        return path.relative_to(self.path) if path.is_file() else None

    # --- the summary and the report ----------------------------------------------------

    def write_summary(self, results: Iterable[ItemResult], *, mode: str) -> Path:
        """Write ``summary.json`` (0600) and return its path."""
        items = list(results)
        counts: dict[str, int] = {}
        for result in items:
            counts[result.status] = counts.get(result.status, 0) + 1
        document = {
            "run_id": self.run_id,
            "mode": mode,
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "counts": counts,
            "items": [
                {
                    "id": result.item_id,
                    "kind": result.kind,
                    "status": result.status,
                    "reason": _reason(result.reason),
                    "attempts": result.attempts,
                    "steps": [{"step": s, "state": st} for s, st in result.steps],
                    "screenshots": [str(p) for p in self.screenshots(result.item_id)],
                    "trace": _str_or_none(self._trace(result.item_id)),
                }
                for result in items
            ],
        }
        return write_private(self.path / SUMMARY_FILE, json.dumps(document, indent=2) + "\n")

    def write_report(self, results: Iterable[ItemResult], *, mode: str) -> Path:
        """Write ``report.html`` (0600) and return its path."""
        items = list(results)
        counts: dict[str, int] = {}
        for result in items:
            counts[result.status] = counts.get(result.status, 0) + 1
        badges = "".join(
            f'<span class="badge {_css(status)}">{_e(status)}: {count}</span>'
            for status, count in sorted(counts.items())
        )
        sections = "\n".join(self._item_section(result) for result in items) or (
            '<p class="empty">No work items in this run.</p>'
        )
        page = _REPORT_TEMPLATE.format(
            title=_e(f"Billing robot run {self.run_id}"),
            run_id=_e(self.run_id),
            mode=_e(mode),
            generated=_e(datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")),
            total=len(items),
            badges=badges,
            sections=sections,
            css=_REPORT_CSS,
        )
        return write_private(self.path / REPORT_FILE, page)

    def finish(self, results: Iterable[ItemResult], *, mode: str) -> Path:
        """Write the summary and the report; return the report's path."""
        items = list(results)
        self.write_summary(items, mode=mode)
        return self.write_report(items, mode=mode)

    def _item_section(self, result: ItemResult) -> str:
        reason = _reason(result.reason)
        steps = "".join(
            f'<li><code>{_e(step)}</code> <span class="state {_css(state)}">{_e(state)}</span></li>'
            for step, state in result.steps
        )
        shots = "".join(
            f'<figure><a href="{_e(path.as_posix())}"><img src="{_e(path.as_posix())}" '
            f'alt="{_e(path.stem)}" loading="lazy"></a><figcaption>{_e(path.stem)}</figcaption>'
            "</figure>"
            for path in self.screenshots(result.item_id)
        )
        trace = self._trace(result.item_id)
        trace_html = (
            f'<p class="trace">Playwright trace: <a href="{_e(trace.as_posix())}">'
            f"{_e(trace.as_posix())}</a> (open with <code>playwright show-trace</code>)</p>"
            if trace is not None
            else ""
        )
        return (
            f'<section class="item" id="{_e(_safe_name(result.item_id))}">'
            f"<header><h2><code>{_e(result.item_id)}</code></h2>"
            f'<span class="badge {_css(result.status)}">{_e(result.status)}</span></header>'
            f'<p class="meta">kind <code>{_e(result.kind)}</code> · attempts {result.attempts}</p>'
            + (f'<p class="reason">{_e(reason)}</p>' if reason else "")
            + (f'<ol class="steps">{steps}</ol>' if steps else "")
            + (f'<div class="shots">{shots}</div>' if shots else "")
            + trace_html
            + "</section>"
        )


def _number(name: str) -> int:
    match = _NUMBERED.match(name)
    return int(match.group(1)) if match else 0


def _reason(reason: str | None) -> str | None:
    return None if reason is None else scrub_text(reason)


def _str_or_none(path: Path | None) -> str | None:
    return None if path is None else path.as_posix()


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _css(status: str) -> str:
    return _UNSAFE.sub("-", status)


_REPORT_CSS: Final = """
:root { --fg:#1d2330; --muted:#667085; --line:#e4e7ec; --bg:#f7f8fa; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;
  color:var(--fg); background:var(--bg); }
main { max-width:1100px; margin:0 auto; padding:24px; }
h1 { font-size:22px; margin:0 0 4px; }
.sub { color:var(--muted); margin:0 0 16px; }
.badge { display:inline-block; padding:2px 10px; border-radius:999px; font-size:13px;
  margin:0 6px 6px 0; background:#eef2f6; border:1px solid var(--line); }
.done,.committed { background:#e7f6ec; border-color:#b7e4c7; }
.needs_review,.skipped { background:#fff4e5; border-color:#fedf89; }
.failed { background:#fdecec; border-color:#f5b5b5; }
.rehearsed,.would_commit { background:#eaf1fd; border-color:#b9cff7; }
.item { background:#fff; border:1px solid var(--line); border-radius:10px;
  padding:16px 20px; margin:16px 0; }
.item header { display:flex; align-items:center; gap:12px; }
.item h2 { font-size:17px; margin:0; }
.meta { color:var(--muted); margin:4px 0; }
.reason { background:#fffaf0; border-left:3px solid #f79009; padding:6px 10px; }
.steps { margin:8px 0; padding-left:22px; }
.state { font-size:12px; padding:0 6px; border-radius:6px; border:1px solid var(--line); }
.shots { display:grid; grid-template-columns:repeat(auto-fill,minmax(240px,1fr)); gap:12px; }
figure { margin:0; }
figure img { width:100%; border:1px solid var(--line); border-radius:6px; }
figcaption { font-size:12px; color:var(--muted); word-break:break-all; }
.empty { color:var(--muted); }
"""

_REPORT_TEMPLATE: Final = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
<main>
<h1>Billing robot run <code>{run_id}</code></h1>
<p class="sub">mode <strong>{mode}</strong> · {total} item(s) · generated {generated}</p>
<div class="counts">{badges}</div>
{sections}
</main>
</body>
</html>
"""
