"""The supervised-mode operator: asked yes / skip / stop before every irreversible click.

The commit gate talks to an :class:`Operator`; :class:`ConsoleOperator` is the one a
person uses (Rich on the terminal). Tests give it a ``StringIO`` of answers.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Protocol, TextIO

from rich.console import Console
from rich.panel import Panel
from rich.table import Table

__all__ = ["ConfirmRequest", "ConsoleOperator", "Decision", "Operator"]


class Decision(StrEnum):
    """The operator's answer."""

    YES = "yes"
    """Click it."""
    SKIP = "skip"
    """Do not click this step, nor any later step of this item: the item ends *skipped*
    with the steps before it done (the ledger and report list them), and resumes at this
    step when it is run again (``billing-robot run``)."""
    STOP = "stop"
    """Click nothing more: the item and the run end *stopped* (exit code 7); running the
    same command again resumes at this step."""


@dataclass(frozen=True)
class ConfirmRequest:
    """What the operator is shown before one irreversible click."""

    item_id: str
    step: str
    label: str = ""
    """The click in plain words ("Sign note & confirm the session on Headway")."""
    position: tuple[int, int] = (1, 1)
    """Step N of M of this item."""
    details: Mapping[str, str] = field(default_factory=dict)
    """The concrete values about to be sent: address, date, times, CPT, diagnosis, amount.
    Shown on the operator's terminal only; never logged."""
    screenshot: Path | None = None
    """The filled form, as it will be submitted."""
    rehearsal: bool = False
    """A dry run: *yes* walks on to the next step; nothing is clicked either way."""

    def with_screenshot(self, screenshot: Path) -> ConfirmRequest:
        """The same request, showing ``screenshot``."""
        return replace(self, screenshot=screenshot)


class Operator(Protocol):
    """Whoever approves irreversible clicks in supervised mode."""

    def confirm(self, request: ConfirmRequest) -> Decision:
        """Show ``request`` and return the decision (block until there is one)."""


_ANSWERS = {decision.value: decision for decision in Decision}


class ConsoleOperator:
    """Ask on the terminal; accept exactly ``yes``, ``skip`` or ``stop`` (any case).

    Anything else is asked again: a stray Enter must never approve a charge. End of input
    counts as ``stop``, the only answer that is safe without a person.
    """

    def __init__(self, stdin: TextIO | None = None, console: Console | None = None) -> None:
        """Read answers from ``stdin`` (default ``sys.stdin``); print with ``console``."""
        self._stdin = stdin if stdin is not None else sys.stdin
        self._console = console if console is not None else Console(stderr=True)
        # Several workers must not interleave their questions on one terminal.
        self._lock = threading.Lock()

    def confirm(self, request: ConfirmRequest) -> Decision:
        """Show the step and its summary, then read answers until one is valid."""
        with self._lock:
            self._show(request)
            while True:
                self._console.print(
                    "[bold]Proceed?[/] type [green]yes[/], [yellow]skip[/] or [red]stop[/]: ",
                    end="",
                )
                line = self._stdin.readline()
                if not line:  # end of input: nobody is there to approve anything
                    self._console.print("\n[red]no answer (end of input): stopping[/]")
                    return Decision.STOP
                answer = _ANSWERS.get(line.strip().lower())
                if answer is not None:
                    return answer
                self._console.print(
                    f"[red]Please answer yes, skip or stop (got {line.strip()!r}).[/]"
                )

    def _show(self, request: ConfirmRequest) -> None:
        table = Table(show_header=False, box=None, pad_edge=False)
        table.add_column(style="bold cyan")
        table.add_column()
        number, total = request.position
        table.add_row("item", request.item_id)
        table.add_row("step", f"{number} of {total}: {request.label or request.step}")
        for key, value in request.details.items():
            table.add_row(str(key), str(value))
        if request.screenshot is not None:
            table.add_row("screenshot", str(request.screenshot))
        title = (
            "[bold]Rehearsal: would commit (nothing is clicked)[/]"
            if request.rehearsal
            else "[bold]About to commit[/]"
        )
        self._console.print(Panel(table, title=title, border_style="yellow", expand=False))
