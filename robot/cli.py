"""The ``billing-robot`` command line (Typer + Rich).

The CLI is the composition root: it is the one place in ``robot/`` that reaches up into
``flows/`` and ``fixtures/``, and it does so lazily inside each command so that ``--help``
and start-up stay fast (the ICD-10 table, Playwright and Flask load only when needed).

Exit codes: 0 all done (or rightly sent to review), 1 some item failed, 2 bad input or
configuration, 3 a plan that needs review (``plan``), 4 a credential was rejected.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from robot.errors import ConfigError

if TYPE_CHECKING:
    from robot.ledger import Ledger
    from robot.settings import Settings

app = typer.Typer(
    name="billing-robot",
    help="Bills a therapy practice's sessions through Headway, as its written procedure says.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def main() -> None:
    """Bill a therapy practice's sessions through Headway (see README.md)."""


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
    """Turn a "For admin use only" note into the Headway entry it asks for (JSON)."""
    import json

    from robot.rules.plan import plan_command

    try:
        text = sys.stdin.read() if note_file == "-" else Path(note_file).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        typer.echo(f"cannot read the note: {exc}", err=True)
        raise typer.Exit(2) from exc
    try:
        today_date = date.fromisoformat(today) if today else None
    except ValueError as exc:
        typer.echo(f"--today must be YYYY-MM-DD, got {today!r}", err=True)
        raise typer.Exit(2) from exc
    result, code = plan_command(text, calendar_tz, today_date, platform_minutes)
    typer.echo(json.dumps(result, indent=2))
    raise typer.Exit(code)


def _settings(*, browsing: bool = False, **overrides: Any) -> Settings:
    """Load settings; a bad or (for browsing commands) missing one exits 2 naming it."""
    from robot.settings import load_settings

    try:
        settings = load_settings(**overrides)
        if browsing:
            settings.require_sites("intercom", "headway", "ruh_platform")
    except ConfigError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    return settings


def _today(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        typer.echo(f"--today must be YYYY-MM-DD, got {value!r}", err=True)
        raise typer.Exit(2) from exc


DryRun = Annotated[
    bool, typer.Option("--dry-run", help="Rehearse: never click anything irreversible.")
]
Workers = Annotated[int | None, typer.Option(help="Parallel workers (browser contexts).")]
Today = Annotated[
    str | None, typer.Option(help="Treat this date (YYYY-MM-DD) as today (default: today).")
]


@app.command()
def demo(
    workers: Workers = 2,
    dry_run: DryRun = False,
    scenario: Annotated[str, typer.Option(help="Mock-site scenario to serve.")] = "demo",
    runs_dir: Annotated[Path, typer.Option(help="Where run folders go.")] = Path("runs"),
) -> None:
    """Serve the mock practice and run the whole batch on it, headless."""
    from fixtures.server import MockSites
    from robot.cli_runs import console, exit_code, mock_site_overrides, run_batch_with_progress

    with MockSites.start(scenario) as sites:
        console.print(f"mock sites serving scenario [bold]{scenario}[/]")
        settings = _settings(
            env_file=None,
            **mock_site_overrides(sites),
            workers=workers,
            dry_run=dry_run,
            headless=True,
            runs_dir=runs_dir,
            # A fresh practice each time: its ledger starts fresh too.
            ledger_path=runs_dir / "demo-ledger.sqlite3",
            retry_initial_wait_s=0.2,
            retry_max_wait_s=2.0,
        )
        settings.ledger_path.unlink(missing_ok=True)
        summary = run_batch_with_progress(settings, sites.world.state.practice.today)
    raise typer.Exit(exit_code(summary))


@app.command()
def batch(
    workers: Workers = None,
    dry_run: DryRun = False,
    today: Today = None,
) -> None:
    """Bill every open request in Intercom's "5. Insurance Billing View", headless."""
    from robot.cli_runs import exit_code, run_batch_with_progress

    settings = _settings(browsing=True, workers=workers, dry_run=dry_run or None)
    summary = run_batch_with_progress(settings, _today(today))
    raise typer.Exit(exit_code(summary))


@app.command()
def run(
    conversation: Annotated[str, typer.Argument(help="Intercom conversation id or URL.")],
    supervised: Annotated[
        bool, typer.Option("--supervised", help="Visible browser; ask before every commit.")
    ] = False,
    headed: Annotated[bool, typer.Option("--headed", help="Show the browser.")] = False,
    dry_run: DryRun = False,
    today: Today = None,
) -> None:
    """Bill one request, typically supervised in a visible browser."""
    from flows.batch import run_one
    from robot.cli_runs import exit_code, print_summary
    from robot.operator import ConsoleOperator

    conversation_id = conversation.rstrip("/").rsplit("/", 1)[-1]
    settings = _settings(
        browsing=True,
        supervised=supervised or None,
        dry_run=dry_run or None,
        headless=False if (supervised or headed) else None,
    )
    operator = ConsoleOperator() if settings.supervised else None
    summary = run_one(settings, conversation_id, today=_today(today), operator=operator)
    print_summary(summary)
    raise typer.Exit(exit_code(summary))


def _run_single(item: Any, today: str | None, supervised: bool, dry_run: bool) -> None:
    from flows.batch import run_item
    from robot.cli_runs import exit_code, print_summary
    from robot.operator import ConsoleOperator

    settings = _settings(
        browsing=True,
        supervised=supervised or None,
        dry_run=dry_run or None,
        headless=False if supervised else None,
    )
    operator = ConsoleOperator() if settings.supervised else None
    summary = run_item(settings, item, today=_today(today), operator=operator)
    print_summary(summary)
    raise typer.Exit(exit_code(summary))


Supervised = Annotated[
    bool, typer.Option("--supervised", help="Visible browser; ask before every commit.")
]


@app.command("clarify-late-cancel")
def clarify_late_cancel(
    conversation: Annotated[str, typer.Argument(help="Intercom conversation id or URL.")],
    supervised: Supervised = False,
    dry_run: DryRun = False,
) -> None:
    """Reply with "US Client Requests Late Cancellations Clarification"."""
    from flows.batch import SingleItem
    from flows.late_cancellation import clarify_item_id
    from flows.late_cancellation import clarify_late_cancel as clarify

    conversation_id = conversation.rstrip("/").rsplit("/", 1)[-1]
    item = SingleItem(
        clarify_item_id(conversation_id), "late_cancel_question", conversation_id, clarify
    )
    _run_single(item, None, supervised, dry_run)


@app.command("refund-headway-client")
def refund_headway_client(
    client_email: Annotated[str, typer.Argument(help="The client's email address.")],
    appointment: Annotated[
        str | None, typer.Option(help="The charged appointment's date, YYYY-MM-DD.")
    ] = None,
    supervised: Supervised = False,
    dry_run: DryRun = False,
    today: Today = None,
) -> None:
    """Refund a Headway client charged by mistake; bill Headway or write it off."""
    from flows.batch import SingleItem
    from flows.wrong_charge import KIND, client_item_id, client_source_ref, handle

    day = _today(appointment) if appointment else None
    item = SingleItem(
        client_item_id(client_email, day), KIND, client_source_ref(client_email, day), handle
    )
    _run_single(item, today, supervised, dry_run)


def _open_ledger(settings: Settings) -> Ledger:
    """A read-only handle on the settings' ledger; exits 2 saying why it cannot open."""
    from robot.ledger import LedgerError, open_ledger

    try:
        return open_ledger(settings)
    except LedgerError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc


@app.command()
def ledger() -> None:
    """List the ledger's work items: status, attempts, who holds it until when, reason."""
    from rich.console import Console
    from rich.table import Table

    from robot.ledger import ledger_location

    settings = _settings()
    if settings.ledger_url is None and not settings.ledger_path.exists():
        typer.echo(f"no ledger at {settings.ledger_path}")
        raise typer.Exit(0)
    store = _open_ledger(settings)
    try:
        table = Table("item", "kind", "status", "attempts", "held by", "reason")
        for item in store.list_items():
            held = item.holder.describe() if item.holder is not None else ""
            table.add_row(
                item.id, item.kind, item.status.value, str(item.attempts), held, item.reason or ""
            )
        Console().print(f"ledger: {ledger_location(settings)}")
        Console().print(table)
    finally:
        store.close()


@app.command()
def report(run_id: Annotated[str, typer.Argument(help="The run's id (its folder name).")]) -> None:
    """Rebuild a run's report.html from the ledger and print its path."""
    from robot.audit import RunFolder, collect_results

    settings = _settings()
    if not (settings.runs_dir / run_id).is_dir():
        typer.echo(f"no run folder {settings.runs_dir / run_id}", err=True)
        raise typer.Exit(2)
    store = _open_ledger(settings)
    try:
        folder = RunFolder(settings.runs_dir, run_id)
        path = folder.finish(collect_results(store, run_id), mode="report")
    finally:
        store.close()
    typer.echo(str(path))


@app.command("mock-sites")
def mock_sites(
    scenario: Annotated[str, typer.Option(help="Scenario: demo, small or generated:N.")] = "demo",
    env_file: Annotated[
        Path | None, typer.Option(help="Also write the settings lines to this file.")
    ] = None,
    port: Annotated[int, typer.Option(help="First port (0: any free ports).")] = 0,
) -> None:
    """Serve the mock practice until Ctrl-C; print its URLs, logins and settings lines."""
    import threading

    from fixtures.scenario import SITE_NAMES
    from fixtures.server import MockSites
    from robot.cli_runs import mock_site_overrides
    from robot.settings import settings_env_lines

    ports = {site: port + offset for offset, site in enumerate(SITE_NAMES)} if port else None
    with MockSites.start(scenario, ports=ports) as sites:
        typer.echo(f"serving scenario {scenario!r}:")
        for name, url in sites.urls.items():
            login = sites.logins[name]
            typer.echo(f"  {name:15} {url}  (login {login.email} / {login.password})")
        lines = settings_env_lines(mock_site_overrides(sites))
        typer.echo("\nsettings for the robot:\n" + "\n".join(lines))
        if env_file is not None:
            env_file.write_text("\n".join(lines) + "\n", "utf-8")
            env_file.chmod(0o600)
            typer.echo(f"written to {env_file}")
        typer.echo("Ctrl-C to stop.")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            typer.echo("stopped")


if __name__ == "__main__":  # pragma: no cover
    app()
