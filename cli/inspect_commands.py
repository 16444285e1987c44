"""The commands that only read: ``plan``, ``ledger``, ``report``."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from cli.errors import fail, one_line_errors
from cli.run_commands import EnvFile, load, parse_day
from robot.exit_codes import ExitCode


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


def ledger(env_file: EnvFile = None) -> None:
    """List the ledger's work items: status, attempts, who holds it, steps and reason."""
    with one_line_errors():
        from rich.console import Console
        from rich.table import Table

        from robot.ledger import ItemStatus, StepState, ledger_location, open_ledger

        settings = load(env_file)
        if settings.ledger_url is None and not settings.ledger_path.exists():
            typer.echo(f"no ledger at {settings.ledger_path}")
            raise typer.Exit(0)
        store = open_ledger(settings)
        try:
            table = Table(
                "item",
                "kind",
                "status",
                "attempts",
                "first seen",
                "updated",
                "held by",
                "steps",
                "reason",
            )
            hints: list[str] = []
            for item in store.list_items():
                steps = store.list_steps(item.id)
                table.add_row(
                    item.id,
                    item.kind,
                    item.status.value,
                    str(item.attempts),
                    f"{item.created_at:%Y-%m-%d %H:%M:%S}",
                    f"{item.updated_at:%Y-%m-%d %H:%M:%S}",
                    item.holder.describe() if item.holder is not None else "",
                    ", ".join(f"{s.step}={s.state.value}" for s in steps),
                    item.reason or "",
                )
                if any(s.state is StepState.INTENT for s in steps):
                    hints.append(
                        f"{item.id}: a step shows 'intent' (its click may have landed): the "
                        "next run checks the site before clicking; do not redo it by hand "
                        "without looking"
                    )
                elif item.status is ItemStatus.IN_PROGRESS:
                    hints.append(f"{item.id}: in progress under run {item.run_id}")
            console = Console(width=220)
            console.print(f"ledger: {ledger_location(settings)}", soft_wrap=True)
            console.print(table)
            for hint in hints:
                typer.echo(hint)
        finally:
            store.close()


def review(env_file: EnvFile = None) -> None:
    """List the items waiting for a person: needs review, failed, skipped, stopped."""
    with one_line_errors():
        from rich.console import Console
        from rich.table import Table

        from robot.audit import facts_from
        from robot.audit.labels import next_step_for_status
        from robot.ledger import ItemStatus, open_ledger

        settings = load(env_file)
        store = open_ledger(settings)
        waiting = (
            ItemStatus.NEEDS_REVIEW,
            ItemStatus.FAILED,
            ItemStatus.SKIPPED,
            ItemStatus.STOPPED,
        )
        try:
            items = [item for item in store.list_items() if item.status in waiting]
        finally:
            store.close()
        if not items:
            typer.echo("nothing waits for a person")
            raise typer.Exit(0)
        table = Table("item", "client", "date of service", "status", "reason", "next step")
        for item in items:
            facts = facts_from(item.facts)
            table.add_row(
                item.id,
                facts.client_name or "",
                facts.date_of_service.isoformat() if facts.date_of_service else "",
                item.status.value,
                item.reason or "",
                next_step_for_status(item.status.value),
            )
        Console(width=220).print(table)


def resolve(
    item_id: Annotated[str, typer.Argument(help="The item's id, as `review` lists it.")],
    retry: Annotated[
        bool, typer.Option("--retry", help="The data was fixed: put it back in the queue.")
    ] = False,
    done_by_hand: Annotated[
        bool, typer.Option("--done-by-hand", help="A person did it: never work it again.")
    ] = False,
    dismiss: Annotated[
        str | None, typer.Option("--dismiss", help="Nothing to do, and why (required).")
    ] = None,
    by: Annotated[str | None, typer.Option(help="Who decides (default: your login name).")] = None,
    env_file: EnvFile = None,
) -> None:
    """Record a person's decision on an item: retry it, done by hand, or dismiss it."""
    with one_line_errors():
        import getpass

        from robot.ledger import ResolutionAction, open_ledger

        chosen = [
            action
            for action, given in (
                (ResolutionAction.RETRY, retry),
                (ResolutionAction.DONE_BY_HAND, done_by_hand),
                (ResolutionAction.DISMISS, dismiss is not None),
            )
            if given
        ]
        if len(chosen) != 1:
            raise fail(
                "give exactly one of --retry, --done-by-hand, --dismiss REASON", ExitCode.SETTINGS
            )
        settings = load(env_file)
        store = open_ledger(settings)
        try:
            decided = store.resolve(item_id, chosen[0], by or getpass.getuser(), dismiss)
        finally:
            store.close()
        _record_resolution(settings.runs_dir, decided)
    typer.echo(f"{item_id}: {decided.action.value} by {decided.by}")


def _record_resolution(runs_dir: Path, decided: object) -> None:
    """Append the decision to ``<runs_dir>/resolutions.jsonl`` (owner-only audit trail)."""
    import dataclasses
    import os

    runs_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = runs_dir / "resolutions.jsonl"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        line = json.dumps(dataclasses.asdict(decided), default=str) + "\n"  # type: ignore[call-overload]
        os.write(fd, line.encode())
    finally:
        os.close(fd)


def report(
    run_id: Annotated[str, typer.Argument(help="The run's id (its folder name).")],
    runs_dir: Annotated[Path, typer.Option(help="Where run folders are.")] = Path("runs"),
    env_file: EnvFile = None,
) -> None:
    """Rebuild a run's report.html from the ledger the run used, and print its path."""
    with one_line_errors(runs_dir):
        from flows.processes import ALL_PROCESSES
        from flows.run_report import RUN_INFO_FILE, item_views
        from robot.audit import RunFolder, RunInfo, collect_results
        from robot.exit_codes import run_exit_code
        from robot.ledger import Ledger, SqliteLedger, ledger_location, open_ledger

        info_path = runs_dir / run_id / RUN_INFO_FILE
        if not info_path.is_file():
            raise fail(
                f"no run folder with a {RUN_INFO_FILE} at {runs_dir / run_id}: give the run id "
                "and --runs-dir",
                ExitCode.SETTINGS,
            )
        info = json.loads(info_path.read_text("utf-8"))
        settings = load(env_file)
        store: Ledger
        if info.get("ledger_path"):
            path = Path(info["ledger_path"])
            if not path.is_file():
                raise fail(f"the run's ledger {path} is gone: nothing rebuilt", ExitCode.LEDGER)
            store = SqliteLedger(path)
        elif ledger_location(settings) == info["ledger"]:
            store = open_ledger(settings)
        else:
            raise fail(
                f"the run used the ledger {info['ledger']}: point BILLING_ROBOT_LEDGER_URL at it",
                ExitCode.SETTINGS,
            )
        folder = RunFolder(runs_dir, run_id)
        try:
            results = collect_results(store, run_id)
            views = item_views(store, folder, settings, list(ALL_PROCESSES))
        finally:
            store.close()
        had = int(info.get("items") or 0)
        if len(results) < had:
            raise fail(
                f"the ledger holds {len(results)} of the run's {had} items: the report was "
                "left as it is",
                ExitCode.LEDGER,
            )
        code = run_exit_code([r.status for r in results], None)
        summary_path = folder.path / "summary.json"
        previous = json.loads(summary_path.read_text("utf-8")) if summary_path.is_file() else {}
        run = RunInfo(
            run_id=run_id,
            mode=info["mode"],
            started_at=_when(previous.get("started_at")),
            ended_at=_when(previous.get("ended_at")),
            ledger_location=info["ledger"],
            stopped_because=previous.get("stopped_because"),
            exit_code=int(previous.get("exit_code", code)),
            exit_meaning=str(previous.get("exit_meaning", code.meaning)),
        )
        path = folder.finish(run, views)
    typer.echo(str(path))


def _when(text: object) -> datetime:
    """A time summary.json wrote, or now when it is missing."""
    return datetime.fromisoformat(str(text)) if text else datetime.now().astimezone()
