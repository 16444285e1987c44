"""The CLI's run commands (demo, batch, run): settings, progress bar, summary table.

Kept apart from ``robot/cli.py`` so the command definitions stay short; like the CLI,
this module is a composition root and imports ``flows`` (and, for the demo, ``fixtures``)
inside its functions only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from robot.ledger import ItemStatus
from robot.settings import Settings

if TYPE_CHECKING:
    from flows.batch import RunSummary

console = Console(stderr=True)

STATUS_STYLES = {
    "done": "green",
    "needs_review": "yellow",
    "failed": "red",
    "rehearsed": "cyan",
    "skipped": "magenta",
}


def exit_code(summary: RunSummary) -> int:
    """0 when every item is done, rehearsed or rightly sent to review; 1 on failures."""
    if summary.stopped_because is not None:
        return 4 if "rejected" in summary.stopped_because else 1
    return 1 if summary.count(ItemStatus.FAILED) else 0


@contextmanager
def progress_bar() -> Iterator[tuple[Any, Any]]:
    """A Rich progress bar and the two callbacks the batch reports to."""
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


def run_batch_with_progress(settings: Settings, today: date) -> RunSummary:
    """Run the batch with a progress bar, then print the summary table."""
    from flows.batch import run_batch

    with progress_bar() as (on_queued, on_item_done):
        summary = run_batch(
            settings, today=today, on_queued=on_queued, on_item_done=on_item_done
        )
    print_summary(summary)
    return summary


def print_summary(summary: RunSummary) -> None:
    """A table of every item (id, status, reason) and where the report is."""
    table = Table(title=f"Run {summary.run_id}", show_lines=False)
    table.add_column("item")
    table.add_column("status")
    table.add_column("reason", overflow="fold")
    for result in summary.results:
        style = STATUS_STYLES.get(result.status, "")
        table.add_row(result.item_id, f"[{style}]{result.status}[/]", result.reason or "")
    console.print(table)
    counts = {status: summary.count(status) for status in ItemStatus if summary.count(status)}
    console.print(", ".join(f"{count} {status.value}" for status, count in counts.items()))
    if summary.stopped_because:
        console.print(f"[red]run stopped early: {summary.stopped_because}[/]")
    console.print(f"report: {summary.report}")


def mock_site_overrides(sites: Any) -> dict[str, Any]:
    """Settings overrides that point the robot at running mock sites."""
    return {
        name: {
            "base_url": url,
            "username": sites.logins[name].email,
            "password": sites.logins[name].password,
        }
        for name, url in sites.urls.items()
    }
