"""The commands that work items: ``demo``, ``batch``, ``run`` and the special cases."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli.errors import fail, one_line_errors
from robot.exit_codes import ExitCode

if TYPE_CHECKING:
    from flows.run import NamedItem, RunSummary
    from robot.settings import Settings

DryRun = Annotated[
    bool, typer.Option("--dry-run", help="Rehearse: never click anything irreversible.")
]
Supervised = Annotated[
    bool, typer.Option("--supervised", help="Visible browser; ask before every commit.")
]
Workers = Annotated[int | None, typer.Option(help="Parallel workers (browser contexts).")]
Today = Annotated[
    str | None, typer.Option(help="Treat this date (YYYY-MM-DD) as today (default: today).")
]
EnvFile = Annotated[
    Path | None,
    typer.Option("--env-file", help="Read settings from this file instead of ./.env."),
]


def load(env_file: Path | None = None, **overrides: Any) -> Settings:
    """Settings from the environment, ``env_file`` (default ``./.env``) and ``overrides``."""
    from robot.settings import load_settings

    if env_file is not None and not env_file.is_file():
        raise fail(f"--env-file: no file at {env_file}", ExitCode.SETTINGS)
    return load_settings(env_file=env_file if env_file is not None else ".env", **overrides)


def parse_day(value: str | None, option: str) -> date | None:
    """``value`` as a date, or exit 2 naming ``option``."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise fail(f"{option} must be YYYY-MM-DD, got {value!r}", ExitCode.SETTINGS) from None


def conversation_id(value: str) -> str:
    """A conversation id from an id or a pasted URL."""
    return value.rstrip("/").rsplit("/", 1)[-1]


def finish(summary: RunSummary) -> None:
    """Print the summary and exit with the run's code."""
    from cli.console import print_summary

    print_summary(summary)
    raise typer.Exit(int(summary.exit_code))


def _require_display(settings: Settings) -> None:
    # A visible browser needs a screen; without one Chromium dies with a page of errors.
    headless = settings.headless
    no_display = sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )
    if not headless and no_display:
        raise fail(
            "--supervised opens a visible browser and this machine has no display: run it "
            "on a desktop, or under a virtual display (xvfb-run billing-robot run ... "
            "--supervised)",
            ExitCode.SETTINGS,
        )


def run_named_item(
    item: NamedItem,
    *,
    supervised: bool,
    dry_run: bool,
    today: str | None,
    env_file: Path | None,
    headed: bool = False,
) -> None:
    """Work one named item, supervised or not, and exit with its code."""
    with one_line_errors():
        from flows.processes import process_for
        from flows.run import check_settings, run_named
        from robot.operator import ConsoleOperator

        settings = load(
            env_file,
            supervised=supervised or None,
            dry_run=dry_run or None,
            headless=False if (supervised or headed) else None,
        )
        check_settings(settings, [process_for(item.kind)])
        if settings.supervised:
            _require_display(settings)
        day = parse_day(today, "--today") or date.today()
        operator = ConsoleOperator() if settings.supervised else None
        summary = run_named(settings, item, today=day, operator=operator)
    finish(summary)


def demo(
    workers: Workers = 2,
    dry_run: DryRun = False,
    scenario: Annotated[str, typer.Option(help="Mock-site scenario to serve.")] = "demo",
    runs_dir: Annotated[Path, typer.Option(help="Where run folders go.")] = Path("runs"),
) -> None:
    """Serve the mock practice and run the whole batch on it, headless."""
    with one_line_errors(runs_dir):
        from cli.console import console
        from cli.mock_sites import mock_site_overrides
        from fixtures.server import MockSites

        with MockSites.start(scenario) as sites:
            console.print(f"mock sites serving scenario [bold]{scenario}[/]")
            settings = load(
                None,
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
            summary = _batch_with_progress(settings, sites.world.state.practice.today)
    finish(summary)


def batch(
    workers: Workers = None,
    dry_run: DryRun = False,
    today: Today = None,
    env_file: EnvFile = None,
) -> None:
    """Bill every open request in Intercom's "5. Insurance Billing View", headless."""
    with one_line_errors():
        from flows.processes import BATCH_PROCESSES
        from flows.run import check_settings

        settings = load(env_file, workers=workers, dry_run=dry_run or None)
        check_settings(settings, BATCH_PROCESSES)
        day = parse_day(today, "--today") or date.today()
        summary = _batch_with_progress(settings, day)
    finish(summary)


def _batch_with_progress(settings: Settings, today: date) -> RunSummary:
    from cli.console import progress_bar
    from flows.run import run_batch

    with progress_bar() as (on_queued, on_item_done):
        return run_batch(settings, today=today, on_queued=on_queued, on_item_done=on_item_done)


def run(
    conversation: Annotated[str, typer.Argument(help="Intercom conversation id or URL.")],
    supervised: Supervised = False,
    headed: Annotated[bool, typer.Option("--headed", help="Show the browser.")] = False,
    dry_run: DryRun = False,
    today: Today = None,
    env_file: EnvFile = None,
) -> None:
    """Bill one request, typically supervised in a visible browser."""
    from flows.run import NamedItem
    from flows.standard_billing import KIND, item_id_for

    conversation = conversation_id(conversation)
    item = NamedItem(item_id_for(conversation), KIND, conversation)
    run_named_item(
        item,
        supervised=supervised,
        dry_run=dry_run,
        today=today,
        env_file=env_file,
        headed=headed,
    )


def clarify_late_cancel(
    conversation: Annotated[str, typer.Argument(help="Intercom conversation id or URL.")],
    supervised: Supervised = False,
    dry_run: DryRun = False,
    env_file: EnvFile = None,
) -> None:
    """Reply with "US Client Requests Late Cancellations Clarification"."""
    from flows.clarification import KIND, item_id_for
    from flows.run import NamedItem

    conversation = conversation_id(conversation)
    item = NamedItem(item_id_for(conversation), KIND, conversation)
    run_named_item(item, supervised=supervised, dry_run=dry_run, today=None, env_file=env_file)


def refund_headway_client(
    client_email: Annotated[str, typer.Argument(help="The client's email address.")],
    appointment: Annotated[
        str | None, typer.Option(help="The charged appointment's date, YYYY-MM-DD.")
    ] = None,
    supervised: Supervised = False,
    dry_run: DryRun = False,
    today: Today = None,
    env_file: EnvFile = None,
) -> None:
    """Refund a Headway client charged by mistake; bill Headway or write it off."""
    from flows.run import NamedItem
    from flows.wrong_charge import KIND, client_item_id, client_source_ref

    if "@" not in client_email:
        raise fail(
            f"CLIENT_EMAIL must be an email address, got {client_email!r}", ExitCode.SETTINGS
        )
    day = parse_day(appointment, "--appointment")
    item = NamedItem(client_item_id(client_email, day), KIND, client_source_ref(client_email, day))
    run_named_item(item, supervised=supervised, dry_run=dry_run, today=today, env_file=env_file)
