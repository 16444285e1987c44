"""The ledger's rules, written once over SQL: claims, leases, finishing, reads.

:class:`ClaimsLedger` implements the claim and lease half of :class:`~robot.ledger.Ledger`
on top of backend hooks (a write transaction, a read, the current time, the close);
:class:`robot.ledger.records.SqlLedger` adds steps, facts, resolutions and runs. The SQLite and
PostgreSQL classes only supply connections and a :class:`~robot.ledger.sql.Dialect`, so
the two backends cannot drift apart on what "claimable" or "held" means.

Every read-then-write runs in one transaction that the backend serialises per item
(SQLite: ``BEGIN IMMEDIATE`` locks the file; PostgreSQL: ``FOR UPDATE`` row locks, and
``SKIP LOCKED`` so that robots claiming from the queue never wait on each other).
"""

from __future__ import annotations

import os
import socket
from abc import ABC, abstractmethod
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from typing import Final

from robot.ledger.base import LeaseLost, LedgerError
from robot.ledger.models import (
    FINAL_STATUSES,
    Clock,
    Holder,
    ItemStatus,
    Refusal,
    RefusalReason,
    WorkItem,
)
from robot.ledger.sql import ITEM_COLUMNS, Row, Tx, item_from_row

__all__ = ["ClaimsLedger", "system_clock"]

# Claimable from the queue: pending; rehearsed or failed (with attempts left) by another
# run — what this run already finished waits for the next one, so a dry run never loops
# and a failing item is not hammered; in progress under a lapsed lease (holder died).
_CLAIMABLE_HEAD: Final = (
    f"SELECT {ITEM_COLUMNS} FROM items WHERE (status IN ('pending', 'stopped')"
    " OR (status = 'rehearsed' AND COALESCE(run_id, '') <> :run_id)"
    " OR (status = 'failed' AND attempts < :max_attempts AND COALESCE(run_id, '') <> :run_id)"
    " OR (status = 'in_progress' AND lease_until <= :now))"
)
_CLAIMABLE_TAIL: Final = " ORDER BY created_at, id LIMIT 1{skip_locked}"

_ONE_ITEM_LOCKED: Final = f"SELECT {ITEM_COLUMNS} FROM items WHERE id = :item_id{{lock}}"
_ONE_ITEM: Final = f"SELECT {ITEM_COLUMNS} FROM items WHERE id = :item_id"

_TAKE: Final = (
    "UPDATE items SET status = 'in_progress', attempts = attempts + :counted,"
    " run_id = :run_id, worker = :worker, holder_host = :host, holder_pid = :pid,"
    " lease_until = :until, retiring = :retiring, reason = :reason, updated_at = :now"
    " WHERE id = :item_id"
)
_TOUCH_RUN: Final = (
    "INSERT INTO run_items (run_id, item_id, first_at) VALUES (:run_id, :item_id, :now)"
    " ON CONFLICT (run_id, item_id) DO NOTHING"
)


def system_clock() -> datetime:
    """The machine's clock, in UTC."""
    return datetime.now(UTC)


class ClaimsLedger(ABC):
    """Claims, leases and reads over a backend's transactions (see the module docstring).

    A handle's identity is (host, pid, run id): only the handle that claimed an item may
    renew, finish or record steps for it while it is in progress. ``dry_run=True`` makes
    claims free (attempts are not counted) and refuses to mark an item done.
    """

    def __init__(
        self,
        run_id: str | None,
        *,
        max_attempts: int,
        dry_run: bool,
        lease_seconds: float,
        clock: Clock | None,
        host: str | None,
        pid: int | None,
    ) -> None:
        """Set the handle's identity and policy; the backend opens its connections."""
        if lease_seconds <= 0:
            raise ValueError("lease_seconds must be positive")
        self._run_id = run_id
        self.max_attempts = max_attempts
        self.dry_run = dry_run
        self.lease = timedelta(seconds=lease_seconds)
        self._clock = clock
        self.host = host if host is not None else socket.gethostname()
        self.pid = pid if pid is not None else os.getpid()

    # --- backend hooks -----------------------------------------------------------------

    @abstractmethod
    def _transaction(self) -> AbstractContextManager[Tx]:
        """A write transaction, committed at exit (rolled back on error)."""

    @abstractmethod
    def _reading(self) -> AbstractContextManager[Tx]:
        """A read-only view (no write lock taken)."""

    @abstractmethod
    def _now(self, tx: Tx) -> datetime:
        """The time every lease in this ledger is measured against."""

    @property
    @abstractmethod
    def location(self) -> str:
        """Where the ledger lives, for people: a path, or a URL without password."""

    @abstractmethod
    def close(self) -> None:
        """Release connections."""

    # --- identity ------------------------------------------------------------------------

    @property
    def run_id(self) -> str:
        """The run this handle claims for (raises on a read-only handle)."""
        self._require_run_id()
        assert self._run_id is not None  # just checked
        return self._run_id

    def _require_run_id(self) -> None:
        """Fail at once, before locking anything, on a read-only handle."""
        if self._run_id is None:
            raise LedgerError("this ledger handle has no run id: it can only read")

    def _is_mine(self, row: Row) -> bool:
        return (
            self._run_id is not None
            and row["run_id"] == self._run_id
            and row["holder_host"] == self.host
            and row["holder_pid"] is not None
            and int(row["holder_pid"]) == self.pid
        )

    def _locked_item(self, tx: Tx, item_id: str) -> Row:
        row = tx.one(_ONE_ITEM_LOCKED, item_id=item_id)
        if row is None:
            raise LedgerError(f"{item_id} is not in the ledger")
        return row

    def _held_by_me(self, tx: Tx, item_id: str) -> Row:
        """Lock the item's row; raise unless this handle holds it."""
        row = self._locked_item(tx, item_id)
        if row["status"] != ItemStatus.IN_PROGRESS or not self._is_mine(row):
            raise LeaseLost(item_id, item_from_row(row).holder)
        return row

    def _guard_write(self, tx: Tx, item_id: str, now: datetime) -> Row:
        """Lock the item's row before writing about it (steps, facts).

        An item in progress takes writes from its holder only (:class:`LeaseLost`
        otherwise), and each such write renews the lease: a recorded intent is always
        followed by a full lease for the click it announces. An item nobody holds takes
        any write (a person's run of one step, the tests of the gate).
        """
        row = self._locked_item(tx, item_id)
        if row["status"] == ItemStatus.IN_PROGRESS:
            if not self._is_mine(row):
                raise LeaseLost(item_id, item_from_row(row).holder)
            tx.run(
                "UPDATE items SET lease_until = :until WHERE id = :item_id",
                until=now + self.lease,
                item_id=item_id,
            )
        return row

    # --- items and claims ------------------------------------------------------------------

    def add_item(self, item_id: str, kind: str, source_ref: str) -> bool:
        """Add a pending item; an existing item is left exactly as it is."""
        with self._transaction() as tx:
            now = self._now(tx)
            return (
                tx.run(
                    "INSERT INTO items (id, kind, source_ref, status, created_at, updated_at)"
                    " VALUES (:item_id, :kind, :source_ref, 'pending', :now, :now)"
                    " ON CONFLICT (id) DO NOTHING",
                    item_id=item_id,
                    kind=kind,
                    source_ref=source_ref,
                    now=now,
                )
                == 1
            )

    def claim_next(self, worker: str, kinds: Sequence[str] | None = None) -> WorkItem | None:
        """Claim the oldest claimable item (see :meth:`Ledger.claim_next`), or None."""
        run_id = self.run_id
        kind_filter = ""
        kind_args: dict[str, object] = {}
        if kinds is not None:
            if not kinds:
                return None
            kind_args = {f"kind_{n}": kind for n, kind in enumerate(kinds)}
            kind_filter = f" AND kind IN ({', '.join(':' + key for key in kind_args)})"
        with self._transaction() as tx:
            now = self._now(tx)
            row = tx.one(
                _CLAIMABLE_HEAD + kind_filter + _CLAIMABLE_TAIL,
                run_id=run_id,
                max_attempts=self.max_attempts,
                now=now,
                **kind_args,
            )
            if row is None:
                return None
            return self._take(tx, row, worker, now)

    def claim(self, item_id: str, worker: str) -> WorkItem | Refusal:
        """Claim a named item (``run ITEM``), whatever its status, unless done or held.

        Refused (with the reason) when the item is unknown, done, resolved by hand or
        dismissed (only a reviewer's *retry* puts those back), or
        in progress under a live lease, this run's included. Anything else is claimed:
        review, failed and skipped items, a lapsed lease (a takeover).
        """
        self._require_run_id()
        with self._transaction() as tx:
            now = self._now(tx)
            row = tx.one(_ONE_ITEM_LOCKED, item_id=item_id)
            if row is None:
                return Refusal(item_id, RefusalReason.UNKNOWN)
            status = ItemStatus(row["status"])
            if status in (ItemStatus.DONE, ItemStatus.RESOLVED, ItemStatus.DISMISSED):
                return Refusal(item_id, RefusalReason.DONE, status)
            holder = item_from_row(row).holder
            if holder is not None and holder.live_at(now):
                return Refusal(item_id, RefusalReason.HELD, status, holder)
            return self._take(tx, row, worker, now)

    def _take(self, tx: Tx, row: Row, worker: str, now: datetime) -> WorkItem:
        item_id: str = row["id"]
        attempts = int(row["attempts"])
        takeover = row["status"] == ItemStatus.IN_PROGRESS
        # A dead holder with no attempts left: claimed only to be closed by this run,
        # never silently failed here, so that the run checks its open intents and
        # reports it. A retirement does no work: it is not an attempt.
        retiring = takeover and attempts >= self.max_attempts
        reason = None
        if retiring:
            last = item_from_row(row).holder
            by = f" (last held by {last.describe()})" if last is not None else ""
            reason = f"abandoned after {attempts} attempt(s){by}; no attempts left"
        # A rehearsal is free: it must not use up the attempts of the live run after it.
        counted = 0 if self.dry_run or retiring else 1
        tx.run(
            _TAKE,
            counted=counted,
            run_id=self.run_id,
            worker=worker,
            host=self.host,
            pid=self.pid,
            until=now + self.lease,
            retiring=retiring,
            reason=reason,
            now=now,
            item_id=item_id,
        )
        tx.run(_TOUCH_RUN, run_id=self.run_id, item_id=item_id, now=now)
        taken = tx.one(_ONE_ITEM, item_id=item_id)
        assert taken is not None  # locked by this very transaction
        return item_from_row(taken)

    def renew(self, item_id: str) -> datetime:
        """Extend this handle's lease on ``item_id`` by a full lease; return its new end.

        Raises :class:`LeaseLost` if the item is not in progress under this handle.
        """
        self._require_run_id()
        with self._transaction() as tx:
            now = self._now(tx)
            self._held_by_me(tx, item_id)
            until = now + self.lease
            tx.run(
                "UPDATE items SET lease_until = :until WHERE id = :item_id",
                until=until,
                item_id=item_id,
            )
            return until

    def finish(self, item_id: str, status: ItemStatus, reason: str | None = None) -> None:
        """Record the final status of an item this handle holds, and release it.

        Raises :class:`LeaseLost` (a :class:`LedgerError`) if this handle does not hold
        the item, :class:`LedgerError` if a dry run tries to mark it done, and
        ``ValueError`` for a status that is not final.
        """
        status = ItemStatus(status)
        if status not in FINAL_STATUSES:
            finals = ", ".join(sorted(s.value for s in FINAL_STATUSES))
            raise ValueError(f"finish() needs a final status ({finals}), not {status.value}")
        if self.dry_run and status is ItemStatus.DONE:
            raise LedgerError(f"a dry run cannot mark {item_id} done")
        self._require_run_id()
        with self._transaction() as tx:
            now = self._now(tx)
            self._held_by_me(tx, item_id)
            tx.run(
                "UPDATE items SET status = :status, reason = :reason, holder_host = NULL,"
                " holder_pid = NULL, lease_until = NULL, retiring = :no, updated_at = :now"
                " WHERE id = :item_id",
                status=status.value,
                reason=reason,
                no=False,
                now=now,
                item_id=item_id,
            )

    # --- reads -----------------------------------------------------------------------------

    def get_item(self, item_id: str) -> WorkItem | None:
        """Return one item, or None if unknown."""
        with self._reading() as tx:
            row = tx.one(_ONE_ITEM, item_id=item_id)
        return None if row is None else item_from_row(row)

    def list_items(
        self, status: ItemStatus | None = None, run_id: str | None = None
    ) -> list[WorkItem]:
        """Return items oldest first: all, one status's, and/or every item a run touched.

        "Touched" is claimed (a takeover and a retirement are claims too) by that run at
        any time, whatever happened to the item since: a report rebuilt from this list
        has every item the run had, never fewer.
        """
        clauses: list[str] = []
        args: dict[str, object] = {}
        if status is not None:
            clauses.append("status = :status")
            args["status"] = ItemStatus(status).value
        if run_id is not None:
            clauses.append("id IN (SELECT item_id FROM run_items WHERE run_id = :run_id)")
            args["run_id"] = run_id
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._reading() as tx:
            rows = tx.all(
                f"SELECT {ITEM_COLUMNS} FROM items{where} ORDER BY created_at, id", **args
            )
        return [item_from_row(row) for row in rows]

    def holders(self) -> dict[str, Holder]:
        """Who holds each item in progress (check ``Holder.live_at`` for a lapsed lease)."""
        held: dict[str, Holder] = {}
        for item in self.list_items(ItemStatus.IN_PROGRESS):
            if item.holder is not None:
                held[item.id] = item.holder
        return held
