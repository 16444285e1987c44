"""The ``billing-robot`` command: the Typer app and its commands (see ``cli/commands``).

Exit codes are one table for every command: :class:`robot.exit_codes.ExitCode`.
"""

from __future__ import annotations

import typer

from cli import inspect_commands, mock_commands, reconcile_command, run_commands

app = typer.Typer(
    name="billing-robot",
    help="Bills a therapy practice's sessions through Headway, as its written procedure says.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help text: Rich's help panels import a Markdown parser and a syntax
    # highlighter, half of `billing-robot --help`'s 0.4 s. Rich still draws the runs.
    rich_markup_mode=None,
)


@app.callback()
def main() -> None:
    """Bill a therapy practice's sessions through Headway (see README.md)."""


# The command modules are plain functions (they import nothing heavy at module level:
# flows, Playwright and Flask load inside each command); the table of commands is here.
app.command()(run_commands.demo)
app.command()(run_commands.batch)
app.command()(run_commands.run)
app.command("clarify-late-cancel")(run_commands.clarify_late_cancel)
app.command("refund-headway-client")(run_commands.refund_headway_client)
app.command()(inspect_commands.plan)
app.command()(inspect_commands.ledger)
app.command()(inspect_commands.review)
app.command()(inspect_commands.resolve)
app.command()(inspect_commands.report)
app.command()(reconcile_command.reconcile)
app.command("mock-sites")(mock_commands.mock_sites)


if __name__ == "__main__":  # pragma: no cover
    app()
