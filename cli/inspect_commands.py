"""The commands that only read: ``plan``, ``ledger``, ``report``."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from cli.app import app
from cli.errors import fail, one_line_errors
from cli.exit_codes import ExitCode
from cli.run_commands import EnvFile, load, parse_day


@app.command()
def plan(
    note_file: Annotated[str, typer.Argument(help="File holding the admin note, or - for stdin.")],
    calendar_tz: Annotated[
        str, typer.Option(help="The Headway calendar's time zone (IANA or abbreviation).")
    ] = "America/New_York",
    today: Annotated[
        str | None, typer.Option(help="Today's date, YYYY-MM-DD (default: the real date).")
    ] = None,
    platform_minutes: Annotated[
        int | None, typer.Option(help="The Ruh Platform's billed duration, in minutes.")
    ] = None,
) -> None:
    """Turn a "For admin use only" note into the Headway entry it asks for (JSON).

    Exit 0: billable; 3: it needs review (the JSON says why); 2: the note cannot be read.
    """
    from robot.rules.plan import plan_command

    try:
        text = sys.stdin.read() if note_file == "-" else Path(note_file).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise fail(f"cannot read the note: {error}", ExitCode.SETTINGS) from None
    today_date: date | None = parse_day(today, "--today")
    result, code = plan_command(text, calendar_tz, today_date, platform_minutes)
    typer.echo(json.dumps(result, indent=2))
    raise typer.Exit(code)


@app.command()
def ledger(env_file: EnvFile = None) -> None:
    """List the ledger's work items: status, attempts, steps, times and reason."""
    with one_line_errors():
        from rich.console import Console
        from rich.table import Table

        from robot.ledger import ItemStatus, SqliteLedger, StepState

        settings = load(env_file)
        if not settings.ledger_path.exists():
            typer.echo(f"no ledger at {settings.ledger_path}")
            raise typer.Exit(0)
        store = SqliteLedger(settings.ledger_path)
        try:
            table = Table(
                "item", "kind", "status", "attempts", "started", "updated", "steps", "reason"
            )
            hints: list[str] = []
            for item in store.list_items():
                steps = store.list_steps(item.id)
                table.add_row(
                    item.id,
                    item.kind,
                    item.status.value,
                    str(item.attempts),
                    item.created_at[:19],
                    item.updated_at[:19],
                    ", ".join(f"{s.step}={s.state.value}" for s in steps),
                    item.reason or "",
                )
                if any(s.state is StepState.INTENT for s in steps):
                    hints.append(
                        f"{item.id}: a step shows 'intent' (the click may have landed): the "
                        "next run checks the site before clicking again; do not redo it by hand "
                        "without looking"
                    )
                elif item.status is ItemStatus.IN_PROGRESS:
                    hints.append(f"{item.id}: in progress under run {item.run_id}")
            Console(width=200).print(table)
            for hint in hints:
                typer.echo(hint)
        finally:
            store.close()


@app.command()
def report(
    run_id: Annotated[str, typer.Argument(help="The run's id (its folder name).")],
    runs_dir: Annotated[Path, typer.Option(help="Where run folders are.")] = Path("runs"),
) -> None:
    """Rebuild a run's report.html from the ledger the run used, and print its path."""
    with one_line_errors(runs_dir):
        from robot.audit import RunFolder, collect_results
        from robot.ledger import SqliteLedger

        folder_path = runs_dir / run_id
        info_path = folder_path / "run.json"
        if not info_path.is_file():
            raise fail(
                f"no run folder with a run.json at {folder_path}: give the run id and --runs-dir",
                ExitCode.SETTINGS,
            )
        info = json.loads(info_path.read_text("utf-8"))
        ledger_path = Path(info["ledger"])
        if not ledger_path.is_file():
            raise fail(f"the run's ledger {ledger_path} is gone: nothing rebuilt", ExitCode.LEDGER)
        store = SqliteLedger(ledger_path)
        try:
            results = collect_results(store, run_id)
        finally:
            store.close()
        had = int(info.get("items", 0))
        if len(results) < had:
            raise fail(
                f"the ledger holds {len(results)} of the run's {had} items: the report was "
                "left as it is",
                ExitCode.LEDGER,
            )
        path = RunFolder(runs_dir, run_id).finish(results, mode=str(info["mode"]))
    typer.echo(str(path))
