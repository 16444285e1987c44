"""Why a run ended before its queue was empty: one small enum, cheap to import."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["StopKind"]


class StopKind(StrEnum):
    """Why a run ended before its queue was empty (the CLI maps each to an exit code)."""

    LOGIN = "login"
    """A site rejected the robot's credentials."""
    LEDGER = "ledger"
    """The ledger is held by another run, or went away."""
    OPERATOR = "operator"
    """The operator answered stop."""
    INTERRUPTED = "interrupted"
    """Ctrl-C (or a termination signal)."""
    BREAKER = "breaker"
    """Too many items failed in a row: a site looks down."""
    SITE = "site"
    """A site could not be reached before anything was done."""
    UNEXPECTED = "unexpected"
    """A bug: the traceback is in the run's errors.log."""
