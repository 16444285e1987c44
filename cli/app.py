"""The ``billing-robot`` command: the Typer app and its commands (see ``cli/commands``).

Exit codes are one table for every command: :class:`robot.exit_codes.ExitCode`.
"""

from __future__ import annotations

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


def _register() -> None:
    # Importing a command module registers its commands on ``app``; the modules import
    # nothing heavy at module level (flows, Playwright, Flask load inside each command).
    from cli import inspect_commands, mock_commands, run_commands  # noqa: F401


_register()


if __name__ == "__main__":  # pragma: no cover
    app()
