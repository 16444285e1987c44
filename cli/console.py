"""What a person sees on the terminal during and after a run: a progress bar, a summary.

Structured logs go to the run folder (``events.jsonl``); the console shows the progress
bar, one-line warnings and the summary table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from robot.ledger import ItemStatus

if TYPE_CHECKING:
    from flows.run import RunSummary

console = Console(stderr=True)
"""The terminal (stderr: stdout stays for what a command prints as its answer)."""

STATUS_STYLES = {
    "done": "green",
    "needs_review": "yellow",
    "failed": "red",
    "rehearsed": "cyan",
    "skipped": "magenta",
    "stopped": "magenta",
}

ItemDone = Callable[[Any, Any], None]


@contextmanager
def progress_bar() -> Iterator[tuple[Callable[[int], None], ItemDone]]:
    """A Rich progress bar and the two callbacks a run reports to."""
    progress = Progress(
        TextColumn("[bold]billing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[last]}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )
    task = progress.add_task("billing", total=None, last="")

    def on_queued(total: int) -> None:
        progress.update(task, total=total)

    def on_item_done(item: Any, outcome: Any) -> None:
        progress.update(task, advance=1, last=f"{item.id}: {outcome.status.value}")

    with progress:
        yield on_queued, on_item_done


def print_summary(summary: RunSummary) -> None:
    """A table of every item (id, status, reason), run problems, and where the report is."""
    table = Table(title=f"Run {summary.run_id} ({summary.mode.value})", show_lines=False)
    table.add_column("item", overflow="fold")
    table.add_column("status")
    table.add_column("reason", overflow="fold")
    for result in summary.results:
        style = STATUS_STYLES.get(result.status, "")
        table.add_row(result.item_id, f"[{style}]{result.status}[/]", result.reason or "")
    console.print(table)
    counts = {status: summary.count(status) for status in ItemStatus if summary.count(status)}
    console.print(
        ", ".join(f"{count} {status.value}" for status, count in counts.items()) or "no items"
    )
    # One line each, never wrapped: a person (or a script) reads them whole.
    for note in summary.notes:
        console.print(note, soft_wrap=True, highlight=False)
    for problem in summary.problems:
        console.print(f"[red]problem: {problem}[/]", soft_wrap=True, highlight=False)
    if summary.stopped_because:
        console.print(
            f"[red]run stopped: {summary.stopped_because}[/]", soft_wrap=True, highlight=False
        )
    console.print(f"report: {summary.report}", soft_wrap=True, highlight=False)
