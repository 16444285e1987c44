"""Running work items: the headless batch (N workers) and a single supervised item.

One browser per run. Worker 0 launches it (shareable over the DevTools protocol) and the
other workers, each on its own thread with its own Playwright (the sync API is bound to a
thread), connect to that same browser and open their own context. Each worker logs in
to each site once and then claims items from the ledger until none is left; the ledger's
atomic claim means no item is ever worked by two workers. A failed item keeps a trace.

A run stops early (the remaining items stay claimable for the next run) when a site
rejects the credentials or the operator says stop.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError

from flows.headway_billing import KIND as HEADWAY_BILLING
from flows.headway_billing import bill_request, item_id_for
from flows.outcome import ItemOutcome
from flows.processes import PROCESSES, Handle, process_for
from flows.worker import Worker
from robot.audit import ItemResult, RunFolder, collect_results
from robot.browser import BrowserRuntime, SessionStore
from robot.errors import AuthError, StopRequested, TransientError
from robot.gate import CommitGate, GateMode
from robot.ledger import ItemStatus, LeaseKeeper, Ledger, Refusal, WorkItem, open_ledger
from robot.logging import configure_logging, get_logger, scrub_text
from robot.operator import Operator
from robot.settings import Settings

_log = get_logger("flows.batch")

ProgressCallback = Callable[[WorkItem, ItemOutcome], None]


@dataclass
class RunSummary:
    """What a run did: its folder, report, and each item's result."""

    run_id: str
    run_dir: Path
    report: Path
    results: list[ItemResult]
    stopped_because: str | None = None

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
    on_item_done: ProgressCallback | None
    leases: LeaseKeeper
    stop: threading.Event = field(default_factory=threading.Event)
    stopped_because: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def halt(self, reason: str) -> None:
        with self.lock:
            if self.stopped_because is None:
                self.stopped_because = reason
        self.stop.set()


def run_batch(
    settings: Settings,
    *,
    today: date,
    operator: Operator | None = None,
    on_queued: Callable[[int], None] | None = None,
    on_item_done: ProgressCallback | None = None,
) -> RunSummary:
    """Queue every pending billing request and work through the queue."""
    return _execute(settings, today, operator, on_queued, on_item_done, only=None)


@dataclass(frozen=True)
class SingleItem:
    """One named work item to run outside the queue (``run``, the special-case commands)."""

    item_id: str
    kind: str
    source_ref: str
    handle: Handle


def run_one(
    settings: Settings,
    conversation_id: str,
    *,
    today: date,
    operator: Operator | None = None,
    on_item_done: ProgressCallback | None = None,
) -> RunSummary:
    """Work one billing request (by conversation id), e.g. supervised in a visible browser."""
    item = SingleItem(
        item_id_for(conversation_id), HEADWAY_BILLING, conversation_id, bill_request
    )
    return run_item(settings, item, today=today, operator=operator, on_item_done=on_item_done)


def run_item(
    settings: Settings,
    item: SingleItem,
    *,
    today: date,
    operator: Operator | None = None,
    on_item_done: ProgressCallback | None = None,
) -> RunSummary:
    """Work one named item with one worker (supervised, dry run or live)."""
    return _execute(settings, today, operator, None, on_item_done, only=item)


def _execute(
    settings: Settings,
    today: date,
    operator: Operator | None,
    on_queued: Callable[[int], None] | None,
    on_item_done: ProgressCallback | None,
    *,
    only: SingleItem | None,
) -> RunSummary:
    settings.require_sites("intercom", "headway", "ruh_platform")
    folder = RunFolder(settings.runs_dir)
    configure_logging(folder.path)
    ledger = open_ledger(settings, folder.run_id)
    mode = GateMode.from_settings(settings)
    run = _Run(
        settings=settings,
        today=today,
        ledger=ledger,
        gate=CommitGate(ledger, mode, operator=operator),
        folder=folder,
        on_item_done=on_item_done,
        # Renew each worked item's lease a few times per lease: others may share the ledger.
        leases=LeaseKeeper(ledger, settings.lease_seconds / 3),
    )
    _log.info("run_started", run_id=folder.run_id, mode=mode.value, workers=settings.workers)
    try:
        workers = 1 if only is not None else settings.workers
        with run.leases, BrowserRuntime(settings, shareable=workers > 1) as runtime:
            first = _new_worker(run, runtime, 0)
            try:
                if only is not None:
                    _work_one(run, first, only)
                else:
                    for process in PROCESSES:
                        process.discover(first, ledger)
                    if on_queued is not None:
                        on_queued(_claimable(ledger))
                    _work_in_parallel(run, runtime, first, workers)
            finally:
                first.context.close()
        results = collect_results(ledger)
        report = folder.finish(results, mode=mode.value)
    finally:
        ledger.close()
    _log.info("run_finished", run_id=folder.run_id, items=len(results))
    return RunSummary(folder.run_id, folder.path, report, results, run.stopped_because)


def _new_worker(run: _Run, runtime: BrowserRuntime, index: int) -> Worker:
    name = f"worker-{index}"
    store = SessionStore(run.settings.runs_dir / ".sessions")
    context = runtime.new_context(store.load(name))
    return Worker(
        name=name,
        context=context,
        settings=run.settings,
        gate=run.gate,
        run=run.folder,
        today=run.today,
        store=store,
        runtime=runtime,
    )


def _work_in_parallel(run: _Run, runtime: BrowserRuntime, first: Worker, workers: int) -> None:
    threads = [
        threading.Thread(
            target=_connected_worker,
            args=(run, runtime.cdp_endpoint, index),
            name=f"worker-{index}",
        )
        for index in range(1, workers)
    ]
    for thread in threads:
        thread.start()
    _drain(run, first)
    for thread in threads:
        thread.join()


def _connected_worker(run: _Run, endpoint: str | None, index: int) -> None:
    """A worker thread: its own Playwright, connected to the run's one browser."""
    try:
        with BrowserRuntime(run.settings, connect_to=endpoint) as runtime:
            worker = _new_worker(run, runtime, index)
            try:
                _drain(run, worker)
            finally:
                worker.context.close()
    except Exception as exc:  # a thread must report, never die silently
        _log.error("worker_crashed", worker=index, error=type(exc).__name__)
        run.halt(f"worker-{index} stopped: {type(exc).__name__}")


def _drain(run: _Run, worker: Worker) -> None:
    while not run.stop.is_set():
        item = run.ledger.claim_next(worker.name, [p.kind for p in PROCESSES])
        if item is None:
            return
        _process(run, worker, item, process_for(item.kind).handle)


def _work_one(run: _Run, worker: Worker, single: SingleItem) -> None:
    run.ledger.add_item(single.item_id, single.kind, single.source_ref)
    item = run.ledger.claim(single.item_id, worker.name)
    if isinstance(item, Refusal):
        _log.info("item_not_claimable", item_id=single.item_id, why=item.describe())
        return
    _process(run, worker, item, single.handle)


def _process(run: _Run, worker: Worker, item: WorkItem, handle: Handle) -> None:
    log = _log.bind(item_id=item.id, worker=worker.name)
    log.info("item_started", kind=item.kind)
    if worker.runtime is not None:
        worker.runtime.start_item_trace(worker.context)
    try:
        if item.retiring:
            # Its robot died with no attempts left: close it, do not work it again.
            outcome = ItemOutcome(ItemStatus.FAILED, item.reason)
        else:
            with run.leases.holding(item.id):
                outcome = handle(worker, item.id, item.source_ref)
    except (AuthError, StopRequested) as exc:
        # The item is left claimable: the next run picks it up where the ledger says.
        outcome = ItemOutcome(ItemStatus.FAILED, scrub_text(str(exc)))
        run.halt(scrub_text(str(exc)))
    except (TransientError, PlaywrightError) as exc:
        outcome = ItemOutcome(ItemStatus.FAILED, _failure_reason(exc))
        _keep_screenshot(worker, item.id)
    if worker.runtime is not None:
        # A failed item keeps its trace (DOM snapshots of every action) for diagnosis.
        failed = outcome.status is ItemStatus.FAILED
        keep_at = run.folder.trace_path(item.id) if failed else None
        worker.runtime.end_item_trace(worker.context, keep_at)
    run.ledger.finish(item.id, outcome.status, outcome.reason)
    if run.stop.is_set() and outcome.status is ItemStatus.FAILED:
        return
    log.info("item_finished", status=outcome.status.value)
    if run.on_item_done is not None:
        run.on_item_done(item, outcome)


def _claimable(ledger: Ledger) -> int:
    finished = {ItemStatus.DONE, ItemStatus.NEEDS_REVIEW, ItemStatus.SKIPPED}
    return sum(1 for item in ledger.list_items() if item.status not in finished)


def _failure_reason(exc: Exception) -> str:
    # Playwright's messages quote locators, which can hold names or emails: keep the
    # first line, scrubbed, so the report says what failed without health data.
    first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return scrub_text(f"{type(exc).__name__}: {first_line}")[:300]


def _keep_screenshot(worker: Worker, item_id: str) -> None:
    try:
        worker.evidence(item_id).capture("failed")
    except PlaywrightError:
        _log.warning("failure_screenshot_unavailable", item_id=item_id)
