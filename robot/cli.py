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
from typing import Annotated

import typer

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


if __name__ == "__main__":  # pragma: no cover
    app()
