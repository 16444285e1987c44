"""The workers of one run: a browser and a context each, claiming items in turn.

Worker 0 opens its context first and runs the pre-flight (a login to every site the
run's processes may need, read-only) before anything is discovered or clicked; then
discovery fills the ledger and every worker claims items one at a time until none is
left or the run halts (a rejected login, the operator's stop, a lost ledger, the circuit
breaker). Each item's story ends in :func:`flows.lifecycle.work_item`.

Each worker runs on its own thread with its own Playwright (the sync API is bound to a
thread) and launches its own Chromium: sharing one over the DevTools protocol made every
page of worker 0 watched by two drivers, and cost more CPU than a second browser costs
memory (measured in :mod:`robot.browser`). Each site is logged in to once per run: the
other workers' contexts start from a copy of worker 0's sessions, taken after discovery,
so they claim their first item at once instead of logging in again (against the real
apps, the four logins of the pre-flight took about 30 s).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any

from flows.lifecycle import work_item
from flows.process import Process
from flows.worker import Worker
from robot.audit import RunFolder
from robot.browser import BrowserRuntime, Logins
from robot.errorlog import ErrorLog
from robot.errors import AuthError
from robot.gate import CommitGate
from robot.ledger import ItemStatus, LeaseKeeper, Ledger, Refusal, RefusalReason, WorkItem
from robot.logging import get_logger, scrub_text
from robot.outcome import ItemOutcome, StopKind, outcome_for_error
from robot.settings import SITE_NAMES, Settings, SiteName

_log = get_logger("flows.workers")

ProgressCallback = Callable[[WorkItem, ItemOutcome], None]
"""Told of each item as it ends (the CLI's progress bar)."""


@dataclass(frozen=True)
class NamedWork:
    """One named work item to run outside the queue (``run``, the special-case commands)."""

    item_id: str
    kind: str
    source_ref: str


def sites_needed(processes: Sequence[Process[Any]]) -> tuple[SiteName, ...]:
    """Every site the processes may use, in the settings' order."""
    wanted = {site for process in processes for site in process.sites}
    return tuple(site for site in SITE_NAMES if site in wanted)


@dataclass
class RunState:
    """Everything the workers of one run share; ``halt`` stops them all."""

    settings: Settings
    today: date
    ledger: Ledger
    gate: CommitGate
    folder: RunFolder
    errors: ErrorLog
    leases: LeaseKeeper
    """Renews the lease of every item a worker holds, so no other robot takes it over."""
    processes: dict[str, Process[Any]]
    """The run's processes by kind: an item is worked by the process that found it."""
    on_item_done: ProgressCallback | None
    stop: threading.Event = field(default_factory=threading.Event)
    stopped_because: str | None = None
    stop_kind: StopKind | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Things a person should read that are no problem (a named item already done)."""
    consecutive_failures: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def halt(self, kind: StopKind, reason: str) -> None:
        """Stop every worker before its next item; the first reason given is kept."""
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


def work(
    run: RunState,
    processes: tuple[Process[Any], ...],
    named: NamedWork | None,
    on_queued: Callable[[int], None] | None,
) -> None:
    """Pre-flight, then the named item or discovery and the workers on the queue.

    No more workers start than there are pending items after discovery.

    A named item is claimed before the browser starts: one held by another robot (or
    already done) is answered at once, without a browser or a login.
    """
    claimed = _claim_named(run, named) if named is not None else None
    if named is not None and claimed is None:
        return
    workers = 1 if named is not None else run.settings.workers
    with BrowserRuntime(run.settings) as runtime:
        first = _new_worker(run, runtime, 0)
        try:
            if not _preflight(run, first, sites_needed(processes)):
                return
            if claimed is not None:
                _finish_one(run, first, claimed)
                return
            _discover(run, first, processes)
            queued = _claimable(run.ledger, processes)
            if on_queued is not None:
                on_queued(queued)
            # A worker beyond the pending items would start a browser only to find nothing
            # to claim: two workers on one pending request cost a second launch for nothing.
            workers = max(1, min(workers, queued))
            logins = first.context.storage_state() if workers > 1 else None
            _work_in_parallel(run, runtime, first, workers, [p.kind for p in processes], logins)
        finally:
            first.context.close()


def _new_worker(
    run: RunState, runtime: BrowserRuntime, index: int, logins: Logins | None = None
) -> Worker:
    return Worker(
        name=f"worker-{index}",
        context=runtime.new_context(logins),
        settings=run.settings,
        gate=run.gate,
        run=run.folder,
        today=run.today,
    )


def _preflight(run: RunState, worker: Worker, sites: tuple[SiteName, ...]) -> bool:
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


def _discover(run: RunState, worker: Worker, processes: tuple[Process[Any], ...]) -> None:
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
    run: RunState,
    runtime: BrowserRuntime,
    first: Worker,
    workers: int,
    kinds: list[str],
    logins: Logins | None,
) -> None:
    threads = [
        threading.Thread(
            target=_worker_thread,
            args=(run, index, kinds, logins),
            name=f"worker-{index}",
        )
        for index in range(1, workers)
    ]
    for thread in threads:
        thread.start()
    try:
        _drain(run, first, kinds, runtime)
    except BaseException:
        # Ctrl-C or a crash on this thread: the others stop before their next item.
        run.stop.set()
        raise
    finally:
        # The run ends only once each worker has finished the item in its hands.
        for thread in threads:
            thread.join()


def _worker_thread(run: RunState, index: int, kinds: list[str], logins: Logins | None) -> None:
    """A worker thread: its own Playwright and browser, and worker 0's sessions.

    No pre-flight of its own: worker 0's proved every login before anything was
    discovered, and ``logins`` carries those sessions. One that expires asks for a
    login on the next visit, as it would mid-batch anyway.
    """
    try:
        with BrowserRuntime(run.settings) as runtime:
            worker = _new_worker(run, runtime, index, logins)
            try:
                _drain(run, worker, kinds, runtime)
            finally:
                worker.context.close()
    except Exception as error:  # a thread must report, never die silently
        run.errors.record(f"worker-{index}", error)
        run.halt(StopKind.UNEXPECTED, f"worker-{index} stopped: {type(error).__name__}")


def _drain(run: RunState, worker: Worker, kinds: list[str], runtime: BrowserRuntime) -> None:
    """Claim and work items until none is left or the run halts.

    Every ``items_per_context`` items the worker moves to a fresh context first, with its
    logins carried over (see :meth:`Worker.start_afresh`): a long batch then stays flat
    in memory, and the apps see one login per worker as before.
    """
    worked = 0
    while not run.stop.is_set():
        if worked == run.settings.items_per_context:
            worker.start_afresh(runtime.new_context(worker.context.storage_state()))
            _log.info("context_renewed", worker=worker.name, items=worked)
            worked = 0
        item = run.ledger.claim_next(worker.name, kinds)
        if item is None:
            return
        _finish_one(run, worker, item)
        worked += 1


def _claim_named(run: RunState, named: NamedWork) -> WorkItem | None:
    """Claim the named item for worker 0; a refusal says why, and the run goes no further."""
    run.ledger.add_item(named.item_id, named.kind, named.source_ref)
    item = run.ledger.claim(named.item_id, "worker-0")
    if not isinstance(item, Refusal):
        return item
    if item.reason is RefusalReason.HELD:
        # Another robot (a batch, a colleague's laptop) is on it: busy, not failed.
        run.halt(StopKind.LEDGER, f"not worked: {item.describe()}")
    else:
        run.notes.append(item.describe())
    return None


def _finish_one(run: RunState, worker: Worker, item: WorkItem) -> None:
    with run.leases.holding(item.id):
        outcome = work_item(worker, item, run.processes[item.kind], run.errors)
    run.count_outcome(worker, outcome)
    if outcome.halt:
        run.halt(outcome.halt.kind, outcome.halt.reason)
    if run.on_item_done is not None:
        run.on_item_done(item, outcome)


def _claimable(ledger: Ledger, processes: tuple[Process[Any], ...]) -> int:
    kinds = {process.kind for process in processes}
    finished = {
        ItemStatus.DONE,
        ItemStatus.NEEDS_REVIEW,
        ItemStatus.SKIPPED,
        ItemStatus.RESOLVED,
        ItemStatus.DISMISSED,
    }
    return sum(
        1 for item in ledger.list_items() if item.kind in kinds and item.status not in finished
    )
