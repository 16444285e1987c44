"""Running work: the headless batch (N workers) and one named item (``run``, commands).

A run, whatever ends it (done, Ctrl-C, a rejected login, a site that is down, a lost
ledger, a bug), always leaves its run folder with ``summary.json`` and ``report.html``
listing every item it touched, and an exit code decided once. In order:

1. the settings every process of the run needs, and a browser, are checked before
   anything is created or opened (``check_settings``);
2. the run folder, the structured log, the ledger and its lease keeper;
3. the workers (``flows.workers``): pre-flight logins, discovery or the named item,
   then items claimed one at a time;
4. the ending (``flows.run_report``): the report, ``run.json``, the ledger's run record.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from flows.process import Process
from flows.processes import ALL_PROCESSES, BATCH_PROCESSES, process_for
from flows.run_report import end_run, write_run_info
from flows.workers import NamedWork, ProgressCallback, RunState, sites_needed, work
from robot.audit import ItemResult, RunFolder
from robot.browser import resolve_executable
from robot.errorlog import ErrorLog
from robot.exit_codes import ExitCode
from robot.gate import CommitGate, GateMode
from robot.ledger import ItemStatus, LeaseKeeper, Ledger, LedgerError, open_ledger
from robot.logging import configure_logging, get_logger
from robot.operator import Operator
from robot.settings import Settings
from robot.stops import StopKind

__all__ = [
    "NamedItem",
    "RunSummary",
    "check_settings",
    "run_batch",
    "run_named",
    "sites_needed",
]

_log = get_logger("flows.run")

NamedItem = NamedWork
"""One named work item to run outside the queue (``run``, the special-case commands)."""


@dataclass
class RunSummary:
    """What a run did: its folder, report, each item's result, why it stopped, its code."""

    run_id: str
    run_dir: Path
    report: Path
    results: list[ItemResult]
    mode: GateMode
    exit_code: ExitCode
    stopped_because: str | None = None
    stop_kind: StopKind | None = None
    problems: list[str] = field(default_factory=list)
    """Run-level problems that stopped no item but a person must see (a discovery)."""
    notes: list[str] = field(default_factory=list)
    """Things a person should read that are no problem (a named item already done)."""

    def count(self, status: ItemStatus) -> int:
        """How many items ended with ``status``."""
        return sum(1 for result in self.results if result.status == status.value)


def run_batch(
    settings: Settings,
    *,
    today: date,
    processes: Sequence[Process[Any]] = BATCH_PROCESSES,
    operator: Operator | None = None,
    on_queued: Callable[[int], None] | None = None,
    on_item_done: ProgressCallback | None = None,
) -> RunSummary:
    """Discover the pending work of ``processes`` and work through the queue."""
    return _execute(
        settings, today, tuple(processes), operator, on_queued, on_item_done, named=None
    )


def run_named(
    settings: Settings,
    item: NamedItem,
    *,
    today: date,
    operator: Operator | None = None,
    on_item_done: ProgressCallback | None = None,
) -> RunSummary:
    """Work one named item with one worker (supervised, dry run or live)."""
    process = process_for(item.kind)
    return _execute(settings, today, (process,), operator, None, on_item_done, named=item)


def check_settings(settings: Settings, processes: Sequence[Process[Any]]) -> None:
    """Refuse to start (ConfigError saying what to set) before anything is created or opened.

    Every site any of the processes may need must be configured, and a browser must be
    there to launch: a batch must never refund a payment and only then find out that it
    cannot reach the Programs Sheet.
    """
    settings.require_sites(*sites_needed(list(processes)))
    resolve_executable(settings)


def _execute(
    settings: Settings,
    today: date,
    processes: tuple[Process[Any], ...],
    operator: Operator | None,
    on_queued: Callable[[int], None] | None,
    on_item_done: ProgressCallback | None,
    *,
    named: NamedItem | None,
) -> RunSummary:
    check_settings(settings, processes)
    started = datetime.now().astimezone()
    folder = RunFolder(settings.runs_dir)
    configure_logging(folder.path)
    errors = ErrorLog(folder.path)
    mode = GateMode.from_settings(settings)
    write_run_info(folder, settings, mode)
    _log.info("run_started", run_id=folder.run_id, mode=mode.value, workers=settings.workers)
    ledger: Ledger | None = None
    run: RunState | None = None
    stopped: tuple[StopKind, str] | None = None
    try:
        ledger = open_ledger(settings, folder.run_id)
        ledger.start_run(
            folder.run_id, mode.value, socket.gethostname(), os.getpid(), str(folder.path)
        )
        run = RunState(
            settings=settings,
            today=today,
            ledger=ledger,
            gate=CommitGate(ledger, mode, operator=operator),
            folder=folder,
            errors=errors,
            # A third of a lease between renewals: a slow page never lets it lapse.
            leases=LeaseKeeper(ledger, settings.lease_seconds / 3),
            processes={process.kind: process for process in processes},
            on_item_done=on_item_done,
        )
        with run.leases:
            work(run, processes, named, on_queued)
    except LedgerError as error:
        stopped = (StopKind.LEDGER, str(error))
    except KeyboardInterrupt:
        stopped = (StopKind.INTERRUPTED, "interrupted (Ctrl-C); run again to resume")
    except Exception as error:  # the run must still end with its report
        errors.record("the run", error)
        stopped = (
            StopKind.UNEXPECTED,
            f"unexpected error ({type(error).__name__}); the traceback is in {errors.path}",
        )
    finally:
        if run is not None and run.stopped_because is not None:
            stopped = stopped or (run.stop_kind or StopKind.UNEXPECTED, run.stopped_because)
        problems = list(run.problems) if run is not None else []
        ending = end_run(
            ledger=ledger,
            folder=folder,
            settings=settings,
            mode=mode,
            started=started,
            stopped=stopped,
            problems=problems,
            processes=list(ALL_PROCESSES),
        )
        if ledger is not None:
            ledger.close()
    _log.info("run_finished", run_id=folder.run_id, items=len(ending.results))
    return RunSummary(
        run_id=folder.run_id,
        run_dir=folder.path,
        report=ending.report,
        results=ending.results,
        mode=mode,
        exit_code=ending.exit_code,
        stopped_because=stopped[1] if stopped else None,
        stop_kind=stopped[0] if stopped else None,
        problems=problems,
        notes=list(run.notes) if run is not None else [],
    )
