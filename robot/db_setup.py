"""Make sure PostgreSQL's server programs exist: ``python -m robot.db_setup`` (``make setup``).

The robot itself needs no local PostgreSQL (SQLite is the default ledger, and a fleet's
ledger runs on its own server), but the test suite starts a throwaway server to check
the PostgreSQL backend against the real thing. In order: ``BILLING_ROBOT_PG_BIN`` (a
folder holding ``initdb`` and ``pg_ctl``), Debian's ``/usr/lib/postgresql/<version>/bin``
(newest first), ``initdb`` on PATH; else, as root with apt-get, install Debian's
``postgresql``. Prints what it found. Exits 0 either way: without PostgreSQL the robot
still runs on SQLite, and the PostgreSQL tests fail saying what is missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Final

__all__ = ["DEBIAN_ROOT", "PG_BIN_ENV", "find_postgres_bin", "main", "setup_postgres"]

PG_BIN_ENV: Final = "BILLING_ROBOT_PG_BIN"
"""Names the folder holding ``initdb`` and ``pg_ctl`` when they are somewhere unusual."""
DEBIAN_ROOT = Path("/usr/lib/postgresql")
"""Where Debian's packages put each major version's programs (``<version>/bin``)."""
APT_TIMEOUT_S: Final = 900
"""Upper bound for each apt-get command."""
MISSING_HELP: Final = (
    "PostgreSQL's server programs (initdb, pg_ctl) were not found: run `make setup` as "
    "root (it installs Debian's postgresql), install PostgreSQL yourself, or set "
    f"{PG_BIN_ENV} to the folder that holds initdb and pg_ctl"
)
"""What to tell a person when there is no PostgreSQL."""

_PROGRAMS: Final = ("initdb", "pg_ctl", "postgres")


def _say(message: str) -> None:
    print(f"[db-setup] {message}", flush=True)


def _complete(folder: Path) -> bool:
    return all((folder / name).is_file() for name in _PROGRAMS)


def _version_key(folder: Path) -> tuple[int, ...]:
    # /usr/lib/postgresql/15/bin -> (15,); a folder that is not a number sorts first.
    try:
        return tuple(int(part) for part in folder.parent.name.split("."))
    except ValueError:
        return (-1,)


def find_postgres_bin() -> Path | None:
    """The folder holding ``initdb``, ``pg_ctl`` and ``postgres``, or None."""
    configured = os.environ.get(PG_BIN_ENV)
    if configured:
        folder = Path(configured)
        return folder if _complete(folder) else None
    debian = sorted(DEBIAN_ROOT.glob("*/bin"), key=_version_key, reverse=True)
    for folder in debian:
        if _complete(folder):
            return folder
    initdb = shutil.which("initdb")
    if initdb is not None:
        folder = Path(initdb).resolve().parent
        if _complete(folder):
            return folder
    return None


def _run(command: Sequence[str]) -> bool:
    _say("running: " + " ".join(command))
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        completed = subprocess.run(
            list(command),
            timeout=APT_TIMEOUT_S,
            check=False,
            capture_output=True,
            text=True,
            env=env,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        _say(f"failed: {exc}")
        return False
    if completed.returncode != 0:
        lines = (completed.stderr or completed.stdout).strip().splitlines()
        _say(f"failed (exit {completed.returncode}): {lines[-1] if lines else 'no output'}")
        return False
    return True


def setup_postgres(*, allow_apt: bool = True) -> Path | None:
    """Find PostgreSQL's programs, installing Debian's ``postgresql`` as root if needed."""
    found = find_postgres_bin()
    if found is not None:
        return found
    is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    if allow_apt and is_root and shutil.which("apt-get"):
        _say("PostgreSQL not found; installing Debian's postgresql with apt-get")
        if _run(["apt-get", "update"]) and _run(
            ["apt-get", "install", "-y", "--no-install-recommends", "postgresql"]
        ):
            return find_postgres_bin()
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: report what was found; 0 either way (see the module docstring)."""
    del argv  # no options yet
    found = setup_postgres()
    if found is None:
        _say("WARNING: " + MISSING_HELP)
        return 0
    _say(f"using PostgreSQL programs in {found}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
