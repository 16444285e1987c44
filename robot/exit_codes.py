"""The exit codes, one table for every command (the README prints the same table).

A run's code is decided here, once, so that the command's exit status and the code the
report shows can never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum

from robot.stops import StopKind

__all__ = ["ExitCode", "run_exit_code"]


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

    @property
    def meaning(self) -> str:
        """The code in plain words, for the report."""
        return _MEANINGS[self]


_MEANINGS = {
    ExitCode.OK: "every item done (or rehearsed): nothing needs a person",
    ExitCode.UNEXPECTED: "an unexpected error: see errors.log in the run folder",
    ExitCode.SETTINGS: "a setting or argument is wrong; nothing was started",
    ExitCode.NEEDS_REVIEW: "finished; some items need review",
    ExitCode.LOGIN: "a site rejected the robot's login; nothing more was clicked",
    ExitCode.LEDGER: "the ledger is busy or unavailable",
    ExitCode.FAILED: "some items failed, or a site looks down: run again later",
    ExitCode.STOPPED: "stopped by the operator or Ctrl-C: run again to resume",
}


_STOPS = {
    StopKind.LOGIN: ExitCode.LOGIN,
    StopKind.LEDGER: ExitCode.LEDGER,
    StopKind.OPERATOR: ExitCode.STOPPED,
    StopKind.INTERRUPTED: ExitCode.STOPPED,
    StopKind.BREAKER: ExitCode.FAILED,
    StopKind.SITE: ExitCode.FAILED,
    StopKind.UNEXPECTED: ExitCode.UNEXPECTED,
}


def run_exit_code(
    statuses: Iterable[str], stop_kind: StopKind | None, *, problems: bool = False
) -> ExitCode:
    """A run's exit code: why it stopped first, then failed items, then reviews."""
    if stop_kind is not None:
        return _STOPS[stop_kind]
    seen = set(statuses)
    if "failed" in seen or problems:
        return ExitCode.FAILED
    if "stopped" in seen:
        return ExitCode.STOPPED
    if seen & {"needs_review", "skipped"}:
        return ExitCode.NEEDS_REVIEW
    return ExitCode.OK
