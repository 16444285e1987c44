"""The exit codes, one table for every command (the README prints the same table)."""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

from robot.ledger import ItemStatus
from robot.outcome import StopKind

if TYPE_CHECKING:
    from flows.run import RunSummary

__all__ = ["ExitCode", "exit_code_for"]


class ExitCode(IntEnum):
    """What a ``billing-robot`` exit status means."""

    OK = 0
    """Every item is done (or rehearsed, in a dry run): nothing needs a person."""
    UNEXPECTED = 1
    """A bug: the one-line message names the log holding the traceback."""
    SETTINGS = 2
    """A setting or a command-line argument is wrong or missing; nothing was started."""
    NEEDS_REVIEW = 3
    """The run finished and some items need review (see the report)."""
    LOGIN = 4
    """A site rejected the robot's login; nothing more was clicked."""
    LEDGER = 5
    """The ledger is busy (another run holds it) or unavailable."""
    FAILED = 6
    """Some items failed, or the run stopped because a site looks down: run again later."""
    STOPPED = 7
    """The operator said stop, or Ctrl-C: run the same command again to resume."""


_STOPS = {
    StopKind.LOGIN: ExitCode.LOGIN,
    StopKind.LEDGER: ExitCode.LEDGER,
    StopKind.OPERATOR: ExitCode.STOPPED,
    StopKind.INTERRUPTED: ExitCode.STOPPED,
    StopKind.BREAKER: ExitCode.FAILED,
    StopKind.SITE: ExitCode.FAILED,
    StopKind.UNEXPECTED: ExitCode.UNEXPECTED,
}


def exit_code_for(summary: RunSummary) -> ExitCode:
    """A run's exit code: why it stopped first, then failed items, then reviews."""
    if summary.stop_kind is not None:
        return _STOPS[summary.stop_kind]
    if summary.count(ItemStatus.FAILED) or summary.problems:
        return ExitCode.FAILED
    if summary.count(ItemStatus.STOPPED):
        return ExitCode.STOPPED
    if summary.count(ItemStatus.NEEDS_REVIEW) or summary.count(ItemStatus.SKIPPED):
        return ExitCode.NEEDS_REVIEW
    return ExitCode.OK
