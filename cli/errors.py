"""Errors a person can cause end in one line and a documented exit code, never a traceback.

Every command body runs inside :func:`one_line_errors`. What it knows (a wrong setting,
a refused login, a busy ledger, a missing control) is printed as one line naming the
problem and what to do; anything else is a bug: one line pointing at the log that holds
its traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer

from robot.errors import AuthError, ConfigError, ControlNotFound
from robot.exit_codes import ExitCode

__all__ = ["fail", "one_line_errors"]


def fail(message: str, code: ExitCode) -> typer.Exit:
    """Print ``message`` on stderr and return the exit to raise."""
    typer.echo(message, err=True)
    return typer.Exit(int(code))


@contextmanager
def one_line_errors(log_dir: Path = Path("runs")) -> Iterator[None]:
    """Turn every error into one stderr line and its exit code (see module docstring)."""
    # The ledger (sqlite, its schema) and the error log (structlog) load only when a
    # command reaches them: --help and plan must start fast.
    from robot.ledger.base import LedgerError

    try:
        yield
    except (typer.Exit, typer.Abort):
        raise
    except ConfigError as error:
        raise fail(str(error), ExitCode.SETTINGS) from None
    except AuthError as error:
        raise fail(str(error), ExitCode.LOGIN) from None
    except LedgerError as error:
        raise fail(str(error), ExitCode.LEDGER) from None
    except ControlNotFound as error:
        raise fail(f"{error}: check the name on the site", ExitCode.FAILED) from None
    except KeyboardInterrupt:
        raise fail("interrupted (Ctrl-C)", ExitCode.STOPPED) from None
    except Exception as error:
        from robot.errorlog import ErrorLog

        log_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = ErrorLog(log_dir).record(" ".join(sys.argv), error)
        raise fail(
            f"unexpected error ({type(error).__name__}): please report it; the traceback "
            f"is in {path}",
            ExitCode.UNEXPECTED,
        ) from None
