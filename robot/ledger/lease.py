"""Keeping leases alive while items are worked: one background thread per run.

A claim's lease lapses after ``lease_seconds`` unless renewed; then another robot may
take the item over. A run renews the leases of the items its workers are on, every
third of a lease, from one thread (not one per item: a SQLite handle opens a connection
per thread). A renewal that finds the item taken over marks it lost, and the worker's
next write about it raises :class:`~robot.ledger.LeaseLost` anyway, before any click.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

from robot.ledger.base import LeaseLost, Ledger, LedgerError, LedgerUnavailable
from robot.logging import get_logger

__all__ = ["LeaseKeeper"]

_log = get_logger("robot.ledger.lease")


class LeaseKeeper:
    """Renews the leases of the items held inside :meth:`holding` blocks.

    Use it around a run (``with LeaseKeeper(ledger, lease_seconds / 3) as keeper:``) and
    each item's work inside ``with keeper.holding(item.id):``.
    """

    def __init__(self, ledger: Ledger, every_s: float) -> None:
        """Renew through ``ledger`` every ``every_s`` seconds (a third of the lease, say)."""
        if every_s <= 0:
            raise ValueError("every_s must be positive")
        self._ledger = ledger
        self._every_s = every_s
        self._held: set[str] = set()
        self._lost: set[str] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="lease-keeper", daemon=True)

    def __enter__(self) -> LeaseKeeper:
        """Start renewing."""
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop renewing (the thread ends at once: it waits on an event, not a sleep)."""
        self._stop.set()
        self._thread.join()

    @contextmanager
    def holding(self, item_id: str) -> Iterator[None]:
        """Keep the lease on ``item_id`` for the length of the block."""
        with self._lock:
            self._held.add(item_id)
            self._lost.discard(item_id)
        try:
            yield
        finally:
            with self._lock:
                self._held.discard(item_id)

    def lost(self, item_id: str) -> bool:
        """True if a renewal found ``item_id`` taken over by another claim."""
        with self._lock:
            return item_id in self._lost

    def renew_all(self) -> None:
        """Renew every held lease once (the thread calls this; tests may too)."""
        with self._lock:
            held = sorted(self._held)
        for item_id in held:
            try:
                self._ledger.renew(item_id)
            except LeaseLost as exc:
                with self._lock:
                    self._held.discard(item_id)
                    if exc.holder is not None:  # None: finished since the snapshot
                        self._lost.add(item_id)
                if exc.holder is not None:
                    _log.warning("lease_lost", item_id=item_id, held_by_run=exc.holder.run_id)
            except LedgerUnavailable:
                # The worker's own next write fails the same way and stops it; keep
                # trying here in case the database is back before the lease lapses.
                _log.warning("lease_renewal_failed", item_id=item_id)
            except LedgerError:
                # Not in the ledger (any more): nothing to keep.
                with self._lock:
                    self._held.discard(item_id)

    def _loop(self) -> None:
        while not self._stop.wait(self._every_s):
            self.renew_all()
