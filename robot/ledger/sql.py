"""The little SQL layer both backends share: one query text, two dialects, typed rows.

Queries are written once, with ``:name`` parameters and a few ``{token}`` slots for what
really differs (row locks, JSON columns, insertion order). A :class:`Dialect` renders
them for sqlite3 (``:name``) or psycopg (``%(name)s``), and :class:`Tx` runs them inside
one backend transaction. The row converters turn either driver's rows into the models.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final, Protocol

from robot.ledger.models import (
    Holder,
    ItemStatus,
    JSONValue,
    Resolution,
    ResolutionAction,
    RunRecord,
    StepRecord,
    StepState,
    WorkItem,
)

__all__ = [
    "ITEM_COLUMNS",
    "Cursor",
    "Dialect",
    "Execute",
    "Row",
    "Tx",
    "as_json",
    "as_time",
    "item_from_row",
    "resolution_from_row",
    "run_from_row",
    "stamp",
    "step_from_row",
]

# A ``:name`` parameter, but not the second half of a PostgreSQL ``::type`` cast.
_PARAM: Final = re.compile(r"(?<![:\w]):([a-z_][a-z0-9_]*)")

ITEM_COLUMNS: Final = (
    "items.id, items.kind, items.source_ref, items.status, items.attempts, items.reason,"
    " items.run_id, items.worker, items.created_at, items.updated_at, items.holder_host,"
    " items.holder_pid, items.lease_until, items.retiring, items.facts"
)
"""The columns :func:`item_from_row` reads, qualified so that joins stay unambiguous."""


class Row(Protocol):
    """A result row read by column name (``sqlite3.Row`` or psycopg's ``dict_row``)."""

    def __getitem__(self, key: str, /) -> Any:
        """The value of one column."""


class Cursor(Protocol):
    """What :class:`Tx` needs of a driver's cursor."""

    @property
    def rowcount(self) -> int:
        """Rows changed by the last statement."""

    def fetchone(self) -> Any:
        """The next row, or None."""

    def fetchall(self) -> Sequence[Any]:
        """The remaining rows."""


Execute = Callable[[str, Mapping[str, Any] | None], Cursor]
"""Runs one rendered statement with its parameters (a backend's connection or cursor)."""


@dataclass(frozen=True)
class Dialect:
    """How one backend spells the few things that differ."""

    name: str
    tokens: Mapping[str, str]
    """``{skip_locked}``, ``{lock}``, ``{json}`` and ``{steps_order}`` in query texts."""
    pyformat: bool
    """True for psycopg (``%(name)s``), False for sqlite3 (``:name``)."""
    times_as_text: bool
    """True for SQLite: times are ISO-8601 text in UTC (text order is time order)."""
    _cache: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def render(self, sql: str) -> str:
        """The query text for this backend (memoised: the same few texts run all day)."""
        rendered = self._cache.get(sql)
        if rendered is None:
            rendered = sql.format_map(self.tokens)
            if self.pyformat:
                rendered = _PARAM.sub(r"%(\1)s", rendered)
            self._cache[sql] = rendered
        return rendered

    def param(self, value: object) -> object:
        """A parameter value as the driver should receive it."""
        if isinstance(value, datetime) and self.times_as_text:
            return stamp(value)
        return value


def stamp(moment: datetime) -> str:
    """ISO-8601 in UTC with microseconds: SQLite's time format (sorts as text)."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


class Tx:
    """One open transaction: run statements, read rows."""

    def __init__(self, execute: Execute, dialect: Dialect) -> None:
        """Run statements through ``execute``, rendered for ``dialect``."""
        self._execute = execute
        self.dialect = dialect

    def _run(self, sql: str, params: Mapping[str, object]) -> Cursor:
        values = {key: self.dialect.param(value) for key, value in params.items()}
        return self._execute(self.dialect.render(sql), values)

    def one(self, sql: str, **params: object) -> Row | None:
        """The first row of a query, or None."""
        row: Row | None = self._run(sql, params).fetchone()
        return row

    def all(self, sql: str, **params: object) -> list[Row]:
        """Every row of a query."""
        return list(self._run(sql, params).fetchall())

    def run(self, sql: str, **params: object) -> int:
        """Run a statement; return how many rows it changed."""
        return self._run(sql, params).rowcount

    def raw(self, sql: str) -> None:
        """Run a statement as written: no tokens, no parameters (the schema's DDL)."""
        self._execute(sql, None)


# --- rows to models ------------------------------------------------------------------


def as_time(value: object) -> datetime:
    """A time column (ISO text from SQLite, ``datetime`` from psycopg) as UTC datetime."""
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    if isinstance(value, str):
        return datetime.fromisoformat(value).astimezone(UTC)
    raise TypeError(f"not a time: {type(value).__name__}")


def _time_or_none(value: object) -> datetime | None:
    return None if value is None else as_time(value)


def as_json(value: object) -> dict[str, JSONValue]:
    """A facts column (JSON text from SQLite, a dict from psycopg) as a dict."""
    if value is None or value == "":
        return {}
    loaded = json.loads(value) if isinstance(value, str | bytes) else value
    if not isinstance(loaded, dict):
        raise TypeError(f"facts must be a JSON object, found {type(loaded).__name__}")
    return loaded


def item_from_row(row: Row) -> WorkItem:
    """Build a :class:`WorkItem` from a row of :data:`ITEM_COLUMNS`."""
    status = ItemStatus(row["status"])
    holder = None
    if status is ItemStatus.IN_PROGRESS and row["lease_until"] is not None:
        holder = Holder(
            host=row["holder_host"] or "unknown",
            pid=int(row["holder_pid"] or 0),
            run_id=row["run_id"] or "unknown",
            worker=row["worker"],
            lease_until=as_time(row["lease_until"]),
        )
    return WorkItem(
        id=row["id"],
        kind=row["kind"],
        source_ref=row["source_ref"],
        status=status,
        attempts=int(row["attempts"]),
        reason=row["reason"],
        run_id=row["run_id"],
        worker=row["worker"],
        created_at=as_time(row["created_at"]),
        updated_at=as_time(row["updated_at"]),
        holder=holder,
        retiring=bool(row["retiring"]),
        facts=as_json(row["facts"]),
    )


def step_from_row(row: Row) -> StepRecord:
    """Build a :class:`StepRecord` from a ``steps`` row."""
    return StepRecord(
        item_id=row["item_id"],
        step=row["step"],
        state=StepState(row["state"]),
        evidence=row["evidence"],
        run_id=row["run_id"],
        updated_at=as_time(row["updated_at"]),
        found=bool(row["found"]),
        started_at=_time_or_none(row["started_at"]),
    )


def resolution_from_row(row: Row) -> Resolution:
    """Build a :class:`Resolution` from a ``resolutions`` row."""
    return Resolution(
        item_id=row["item_id"],
        action=ResolutionAction(row["action"]),
        by=row["resolved_by"],
        reason=row["reason"],
        at=as_time(row["resolved_at"]),
        previous_status=ItemStatus(row["previous_status"]),
        previous_reason=row["previous_reason"],
    )


def run_from_row(row: Row) -> RunRecord:
    """Build a :class:`RunRecord` from a ``runs`` row."""
    return RunRecord(
        run_id=row["run_id"],
        mode=row["mode"],
        host=row["host"],
        pid=int(row["pid"]),
        run_dir=row["run_dir"],
        started_at=as_time(row["started_at"]),
        ended_at=_time_or_none(row["ended_at"]),
        outcome=row["outcome"],
    )
