"""``billing-robot reconcile``: Headway payouts, Billed requests and open invoices, compared.

Read-only: it logs in as a run does and reads Headway's Payments, Intercom's billing
requests and the Ruh Platform's invoices, then writes ``reconciliation.html`` and
``reconciliation.csv`` into an owner-only folder whose path it prints (stdout: the one
line a script needs). Exit 0 when nothing needs a person, 3 when something does; 2 and 4
for settings and logins as every command, 6 when a site could not be read.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from cli.errors import fail, one_line_errors
from cli.run_commands import EnvFile, Today, load, parse_day
from robot.exit_codes import ExitCode

Since = Annotated[
    str | None,
    typer.Option(help="Only dates of service on or after this date (YYYY-MM-DD)."),
]


def reconcile(since: Since = None, today: Today = None, env_file: EnvFile = None) -> None:
    """Check Headway's payouts, Billed requests and unpaid invoices; change nothing.

    Lists every confirmed session with its expected payout date and whether it was paid,
    then what needs a person: payouts late or missing, requests marked Billed without a
    Headway session, invoices not written off, late-cancellation fees unpaid.
    """
    with one_line_errors():
        from robot.errors import TransientError

        since_day = parse_day(since, "--since")
        day = parse_day(today, "--today") or date.today()
        settings = load(env_file)
        from flows.reconcile.run import run_reconcile

        try:
            result = run_reconcile(settings, today=day, since=since_day)
        except TransientError as error:
            raise fail(str(error), ExitCode.FAILED) from None
    _print_summary(result.reconciliation.counts(), str(result.files.html))
    typer.echo(str(result.files.folder))
    raise typer.Exit(int(result.exit_code))


_LABELS = {
    "late_payouts": "paid late or not at all",
    "billed_without_session": "marked Billed without a Headway session",
    "invoices_not_written_off": "invoices not written off",
    "outstanding_fees": "late-cancellation fees unpaid",
}


def _print_summary(counts: dict[str, int], html: str) -> None:
    """Counts per section on stderr (stdout keeps the folder's path alone)."""
    from cli.console import console

    console.print(f"{counts['sessions']} confirmed sessions checked", highlight=False)
    for key, label in _LABELS.items():
        style = "yellow" if counts[key] else "green"
        console.print(f"[{style}]{counts[key]} {label}[/]", highlight=False)
    console.print(f"reconciliation: {html}", soft_wrap=True, highlight=False)
