"""Running work: the headless batch (N workers) and one named item (``run``, commands).

A run, whatever ends it (done, Ctrl-C, a rejected login, a site that is down, a lost
ledger, a bug), always leaves its run folder with ``summary.json`` and ``report.html``
listing every item it touched. In order:

1. the run folder, the structured log and the ledger;
2. one browser; worker 0 opens its context and the **pre-flight** logs in to every site
   the run's processes may need (read-only), before anything is discovered or clicked;
3. discovery (batch) or the named item's claim;
4. workers claim items one at a time from the ledger; each item's story ends in
   ``flows.lifecycle.work_item``; a halt (login refused, operator stop, ledger lost,
   circuit breaker) stops every worker before its next item;
5. the report, from the ledger's record of this run.

One browser per run: worker 0 launches it (shareable over the DevTools protocol) and the
other workers, each on its own thread with its own Playwright (the sync API is bound to
a thread), connect to it and open their own context.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from flows.lifecycle import work_item
from flows.process import Process
from flows.processes import BATCH_PROCESSES, process_for
from flows.worker import Worker
from robot.audit import ItemResult, RunFolder, collect_results, write_private
from robot.browser import BrowserRuntime, resolve_executable
from robot.errorlog import ErrorLog
from robot.errors import AuthError
from robot.gate import CommitGate, GateMode
from robot.ledger import ItemStatus, Ledger, LedgerError, SqliteLedger, WorkItem
from robot.logging import configure_logging, get_logger, scrub_text
from robot.operator import Operator
from robot.outcome import ItemOutcome, StopKind, outcome_for_error
from robot.settings import SITE_NAMES, Settings, SiteName

_log = get_logger("flows.run")

ProgressCallback = Callable[[WorkItem, ItemOutcome], None]


@dataclass(frozen=True)
class NamedItem:
    """One named work item to run outside the queue (``run``, the special-case commands)."""

    item_id: str
    kind: str
    source_ref: str


@dataclass
class RunSummary:
    """What a run did: its folder, report, each item's result, and why it stopped early."""

    run_id: str
    run_dir: Path
    report: Path
    results: list[ItemResult]
    mode: GateMode
    stopped_because: str | None = None
    stop_kind: StopKind | None = None
    problems: list[str] = field(default_factory=list)
    """Run-level problems that stopped no item but a person must see (a discovery)."""

    def count(self, status: ItemStatus) -> int:
        """How many items ended with ``status``."""
        return sum(1 for result in self.results if result.status == status.value)


@dataclass
class _Run:
    settings: Settings
    today: date
    ledger: Ledger
    gate: CommitGate
    folder: RunFolder
    errors: ErrorLog
    processes: dict[str, Process[Any]]
    """The run's processes by kind: an item is worked by the process that found it."""
    on_item_done: ProgressCallback | None
    stop: threading.Event = field(default_factory=threading.Event)
    stopped_because: str | None = None
    stop_kind: StopKind | None = None
    problems: list[str] = field(default_factory=list)
    consecutive_failures: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def halt(self, kind: StopKind, reason: str) -> None:
        with self.lock:
            if self.stopped_because is None:
                self.stopped_because, self.stop_kind = reason, kind
        self.stop.set()

    def count_outcome(self, worker: Worker, outcome: ItemOutcome) -> None:
        """The circuit breaker: N failed items in a row means a site is down."""
        with self.lock:
            if outcome.status is not ItemStatus.FAILED:
                self.consecutive_failures = 0
                return
            self.consecutive_failures += 1
            tripped = self.consecutive_failures >= self.settings.max_consecutive_failures
        if tripped:
            site = worker.last_site_title()
            self.halt(
                StopKind.BREAKER,
                f"stopped after {self.consecutive_failures} items failed in a row: "
                f"{site} looks down (last: {outcome.reason}); run again when it is back",
            )


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


def sites_needed(processes: Sequence[Process[Any]]) -> tuple[SiteName, ...]:
    """Every site the processes may use, in the settings' order."""
    wanted = {site for process in processes for site in process.sites}
    return tuple(site for site in SITE_NAMES if site in wanted)


def check_settings(settings: Settings, processes: Sequence[Process[Any]]) -> None:
    """Refuse to start (ConfigError saying what to set) before anything is created or opened.

    Every site any of the processes may need must be configured, and a browser must be
    there to launch: a batch must never refund a payment and only then find out that it
    cannot reach the Programs Sheet.
    """
    settings.require_sites(*sites_needed(processes))
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
    folder = RunFolder(settings.runs_dir)
    configure_logging(folder.path)
    errors = ErrorLog(folder.path)
    mode = GateMode.from_settings(settings)
    _write_run_info(folder, settings, mode)
    _log.info("run_started", run_id=folder.run_id, mode=mode.value, workers=settings.workers)
    ledger: SqliteLedger | None = None
    run: _Run | None = None
    stopped: tuple[StopKind, str] | None = None
    try:
        ledger = SqliteLedger.from_settings(settings, folder.run_id)
        run = _Run(
            settings=settings,
            today=today,
            ledger=ledger,
            gate=CommitGate(ledger, mode, operator=operator),
            folder=folder,
            errors=errors,
            processes={process.kind: process for process in processes},
            on_item_done=on_item_done,
        )
        with ledger.exclusive_run():
            _work(run, processes, named, on_queued)
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
        results = collect_results(ledger, folder.run_id) if ledger is not None else []
        if run is not None and run.stopped_because is not None:
            stopped = stopped or (run.stop_kind or StopKind.UNEXPECTED, run.stopped_because)
        report = folder.finish(results, mode=mode.value)
        _write_run_info(folder, settings, mode, items=len(results))
        if ledger is not None:
            ledger.close()
    _log.info("run_finished", run_id=folder.run_id, items=len(results))
    return RunSummary(
        run_id=folder.run_id,
        run_dir=folder.path,
        report=report,
        results=results,
        mode=mode,
        stopped_because=stopped[1] if stopped else None,
        stop_kind=stopped[0] if stopped else None,
        problems=list(run.problems) if run is not None else [],
    )


def _write_run_info(
    folder: RunFolder, settings: Settings, mode: GateMode, items: int | None = None
) -> None:
    """``run.json``: the run's mode and ledger, so its report can be rebuilt from them."""
    info = {
        "run_id": folder.run_id,
        "mode": mode.value,
        "ledger": str(settings.ledger_path.resolve()),
        "items": items,
    }
    write_private(folder.path / "run.json", json.dumps(info, indent=2) + "\n")


def _work(
    run: _Run,
    processes: tuple[Process[Any], ...],
    named: NamedItem | None,
    on_queued: Callable[[int], None] | None,
) -> None:
    workers = 1 if named is not None else run.settings.workers
    with BrowserRuntime(run.settings, shareable=workers > 1) as runtime:
        first = _new_worker(run, runtime, 0)
        try:
            if not _preflight(run, first, sites_needed(processes)):
                return
            if named is not None:
                _work_named(run, first, named)
                return
            _discover(run, first, processes)
            if on_queued is not None:
                on_queued(_claimable(run.ledger, processes))
            _work_in_parallel(run, runtime, first, workers, [p.kind for p in processes])
        finally:
            first.context.close()


def _new_worker(run: _Run, runtime: BrowserRuntime, index: int) -> Worker:
    return Worker(
        name=f"worker-{index}",
        context=runtime.new_context(),
        settings=run.settings,
        gate=run.gate,
        run=run.folder,
        today=run.today,
    )


def _preflight(run: _Run, worker: Worker, sites: tuple[SiteName, ...]) -> bool:
    """Log in to every site the run needs; a refusal or an unreachable site halts the run."""
    try:
        worker.preflight(sites)
    except AuthError as error:
        run.halt(StopKind.LOGIN, str(error))
        return False
    except Exception as error:
        outcome = outcome_for_error(error, None)
        site = worker.last_site_title()
        run.halt(StopKind.SITE, f"{site} could not be reached before the run: {outcome.reason}")
        return False
    return True


def _discover(run: _Run, worker: Worker, processes: tuple[Process[Any], ...]) -> None:
    for process in processes:
        if process.discover is None or run.stop.is_set():
            continue
        try:
            found = worker.retry(f"discover-{process.kind}", partial(process.discover, worker))
        except Exception as error:
            outcome = outcome_for_error(error, None)
            if outcome.unexpected:
                run.errors.record(f"discovering {process.kind}", error)
            if outcome.halt:
                run.halt(outcome.halt.kind, outcome.halt.reason)
                return
            reason = scrub_text(outcome.reason or "")
            run.problems.append(f"{process.label}: could not list the pending work: {reason}")
            continue
        new = sum(run.ledger.add_item(f.item_id, process.kind, f.source_ref) for f in found)
        _log.info("work_discovered", kind=process.kind, found=len(found), new=new)


def _work_in_parallel(
    run: _Run, runtime: BrowserRuntime, first: Worker, workers: int, kinds: list[str]
) -> None:
    threads = [
        threading.Thread(
            target=_connected_worker,
            args=(run, runtime.cdp_endpoint, index, kinds),
            name=f"worker-{index}",
        )
        for index in range(1, workers)
    ]
    for thread in threads:
        thread.start()
    try:
        _drain(run, first, kinds)
    except BaseException:
        # Ctrl-C or a crash on this thread: the others stop before their next item.
        run.stop.set()
        raise
    finally:
        # The run ends only once each worker has finished the item in its hands.
        for thread in threads:
            thread.join()


def _connected_worker(run: _Run, endpoint: str | None, index: int, kinds: list[str]) -> None:
    """A worker thread: its own Playwright, connected to the run's one browser."""
    try:
        with BrowserRuntime(run.settings, connect_to=endpoint) as runtime:
            worker = _new_worker(run, runtime, index)
            try:
                if _preflight(run, worker, sites_needed(tuple(run.processes.values()))):
                    _drain(run, worker, kinds)
            finally:
                worker.context.close()
    except Exception as error:  # a thread must report, never die silently
        run.errors.record(f"worker-{index}", error)
        run.halt(StopKind.UNEXPECTED, f"worker-{index} stopped: {type(error).__name__}")


def _drain(run: _Run, worker: Worker, kinds: list[str]) -> None:
    while not run.stop.is_set():
        item = run.ledger.claim_next(worker.name, kinds)
        if item is None:
            return
        _finish_one(run, worker, item)


def _work_named(run: _Run, worker: Worker, named: NamedItem) -> None:
    run.ledger.add_item(named.item_id, named.kind, named.source_ref)
    item = run.ledger.claim(named.item_id, worker.name)
    if item is None:
        existing = run.ledger.get_item(named.item_id)
        status = existing.status.value if existing else "unknown"
        run.problems.append(f"{named.item_id} was not worked: it is {status} in the ledger")
        return
    _finish_one(run, worker, item)


def _finish_one(run: _Run, worker: Worker, item: WorkItem) -> None:
    outcome = work_item(worker, item, run.processes[item.kind], run.errors)
    run.count_outcome(worker, outcome)
    if outcome.halt:
        run.halt(outcome.halt.kind, outcome.halt.reason)
    if run.on_item_done is not None:
        run.on_item_done(item, outcome)


def _claimable(ledger: Ledger, processes: tuple[Process[Any], ...]) -> int:
    kinds = {process.kind for process in processes}
    finished = {ItemStatus.DONE, ItemStatus.NEEDS_REVIEW, ItemStatus.SKIPPED}
    return sum(
        1 for item in ledger.list_items() if item.kind in kinds and item.status not in finished
    )
