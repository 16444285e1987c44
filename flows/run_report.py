"""How a run ends: its report, its exit code, ``run.json``, and the ledger's run record.

Whatever ended the run, this writes ``report.html`` and ``summary.json`` listing every
item the run touched (from the ledger, with the billing facts the flows recorded), and
decides the exit code once, so the command and the report can never disagree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from flows.process import Process
from robot.audit import (
    ItemResult,
    ItemView,
    RunFolder,
    RunInfo,
    collect_results,
    facts_from,
    write_private,
)
from robot.audit import item_views as ledger_item_views
from robot.exit_codes import ExitCode, run_exit_code
from robot.gate import GateMode
from robot.ledger import Ledger, LedgerError, ledger_location
from robot.logging import get_logger
from robot.settings import Settings
from robot.stops import StopKind

_log = get_logger("flows.run_report")

RUN_INFO_FILE = "run.json"
"""The run's mode and ledger, so ``billing-robot report`` rebuilds from the right one."""


@dataclass(frozen=True)
class RunEnding:
    """What the end of a run produced."""

    report: Path
    results: list[ItemResult]
    exit_code: ExitCode


def write_run_info(
    folder: RunFolder, settings: Settings, mode: GateMode, items: int | None = None
) -> None:
    """``run.json``: the run's mode and ledger (never a password), and its item count."""
    info = {
        "run_id": folder.run_id,
        "mode": mode.value,
        "ledger": ledger_location(settings),
        "ledger_path": None if settings.ledger_url else str(settings.ledger_path.resolve()),
        "items": items,
    }
    write_private(folder.path / RUN_INFO_FILE, json.dumps(info, indent=2) + "\n")


def item_views(
    ledger: Ledger, folder: RunFolder, settings: Settings, processes: list[Process[Any]]
) -> list[ItemView]:
    """The report's items: the ledger's record of this run, with labels, facts and links."""
    step_labels = {step.name: step.label for process in processes for step in process.steps}
    kind_labels = {process.kind: process.label for process in processes}
    views = ledger_item_views(ledger, folder, step_labels=step_labels, kind_labels=kind_labels)
    finished = []
    for view in views:
        item = ledger.get_item(view.item_id)
        recorded = dict(item.facts) if item is not None else {}
        link = recorded.get("conversation_url")
        finished.append(
            replace(view, facts=facts_from(recorded), conversation_url=str(link) if link else None)
        )
    return finished


def end_run(
    *,
    ledger: Ledger | None,
    folder: RunFolder,
    settings: Settings,
    mode: GateMode,
    started: datetime,
    stopped: tuple[StopKind, str] | None,
    problems: list[str],
    processes: list[Process[Any]],
) -> RunEnding:
    """Write the report and run.json, close the ledger's run record; return the ending."""
    results: list[ItemResult] = []
    views: list[ItemView] = []
    if ledger is not None:
        try:
            results = collect_results(ledger, folder.run_id)
            views = item_views(ledger, folder, settings, processes)
        except LedgerError as error:
            # The ledger went away (usually why the run stopped): the report is still
            # written, saying why it lists no item and how to rebuild it later.
            _log.warning("report_items_unavailable", run_id=folder.run_id)
            results, views = [], []
            stopped = stopped or (StopKind.LEDGER, f"the ledger failed: {error}")
            problems = [
                *problems,
                f"this report lists no item: the ledger could not be read ({error}); once it"
                f" is back, `billing-robot report {folder.run_id}` rebuilds the report",
            ]
    code = run_exit_code(
        [result.status for result in results],
        stopped[0] if stopped else None,
        problems=bool(problems),
    )
    reasons = [*(f"problem: {p}" for p in problems)]
    if stopped:
        reasons.insert(0, stopped[1])
    info = RunInfo(
        run_id=folder.run_id,
        mode=mode.value,
        started_at=started,
        ended_at=datetime.now().astimezone(),
        ledger_location=ledger_location(settings),
        stopped_because="; ".join(reasons) or None,
        exit_code=int(code),
        exit_meaning=code.meaning,
    )
    report = folder.finish(info, views)
    write_run_info(folder, settings, mode, items=len(results))
    if ledger is not None:
        try:
            ledger.end_run(folder.run_id, stopped[0].value if stopped else "finished")
        except LedgerError:
            _log.warning("run_end_not_recorded", run_id=folder.run_id)
    return RunEnding(report=report, results=results, exit_code=code)
