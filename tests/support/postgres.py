"""A throwaway PostgreSQL server for the tests and the ledger benchmark.

``PostgresServer.start()`` runs ``initdb`` on a fresh folder under the system temp dir and
``pg_ctl start`` on a free loopback port, with password (scram-sha-256) logins, a
``robot`` role and a ``billing`` database. Nothing outside needs to be running: only the
programs (``make setup`` installs Debian's ``postgresql``; ``robot.db_setup`` finds them).

initdb refuses to run as root, so as root the server runs as the ``postgres`` user (which
Debian's package creates) or else ``nobody``, in a folder that user owns.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
import pytest

from robot.db_setup import MISSING_HELP, find_postgres_bin

ROBOT_USER = "robot"
DATABASE = "billing"
_SUPERUSER = "postgres"


class PostgresMissing(RuntimeError):  # noqa: N818 - says what is wrong, like FileNotFoundError
    """PostgreSQL's server programs are not on this machine."""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _server_user() -> pwd.struct_passwd | None:
    """None when not root; else an unprivileged account to run the server as."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise PostgresMissing("running as root and no unprivileged user (postgres, nobody) exists")


@dataclass
class PostgresServer:
    """One running throwaway server; ``stop``/``start`` it at will, ``destroy`` at the end."""

    bin_dir: Path
    base: Path
    port: int
    fsync: bool
    robot_password: str = field(repr=False)
    superuser_password: str = field(repr=False)
    user: pwd.struct_passwd | None = None

    @classmethod
    def create(cls, *, fsync: bool = False) -> PostgresServer:
        """initdb a new cluster, start it, add the robot role and database."""
        bin_dir = find_postgres_bin()
        if bin_dir is None:
            raise PostgresMissing(MISSING_HELP)
        user = _server_user()
        # Not pytest's tmp_path: its parents are 0700 root, out of the server user's reach.
        base = Path(tempfile.mkdtemp(prefix="billing-robot-pg-"))
        server = cls(
            bin_dir=bin_dir,
            base=base,
            port=_free_port(),
            fsync=fsync,
            robot_password=secrets.token_urlsafe(12),
            superuser_password=secrets.token_urlsafe(12),
            user=user,
        )
        try:
            server._initdb()
            server.start()
            server._add_robot()
        except BaseException:
            server.destroy()
            raise
        return server

    @property
    def data_dir(self) -> Path:
        """The cluster's data folder."""
        return self.base / "data"

    def _as_server_user(self, command: list[str], timeout: float = 120) -> None:
        extra: dict[str, Any] = {}
        if self.user is not None:
            extra = {"user": self.user.pw_uid, "group": self.user.pw_gid, "extra_groups": []}
        env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
        completed = subprocess.run(
            command,
            cwd=self.base,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            **extra,
        )
        if completed.returncode != 0:
            log = self.base / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(
                f"{' '.join(command[:2])} failed ({completed.returncode}):\n"
                f"{completed.stdout}{completed.stderr}{tail}"
            )

    def _initdb(self) -> None:
        pwfile = self.base / "superuser-password"
        pwfile.write_text(self.superuser_password + "\n")
        pwfile.chmod(0o600)
        if self.user is not None:
            for path in (self.base, pwfile):
                os.chown(path, self.user.pw_uid, self.user.pw_gid)
        self._as_server_user(
            [
                str(self.bin_dir / "initdb"),
                "-D",
                str(self.data_dir),
                "-U",
                _SUPERUSER,
                "--auth=scram-sha-256",
                f"--pwfile={pwfile}",
                "--encoding=UTF8",
                "--no-locale",
                "--no-sync",  # a throwaway cluster: no need to wait for the disk
            ]
        )
        pwfile.unlink()

    def start(self) -> None:
        """Start (or restart) the server on its port; returns once it accepts connections."""
        options = (
            f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1"
            f" -c fsync={'on' if self.fsync else 'off'}"
            f" -c synchronous_commit={'on' if self.fsync else 'off'}"
            f" -c full_page_writes={'on' if self.fsync else 'off'}"
        )
        self._as_server_user(
            [
                str(self.bin_dir / "pg_ctl"),
                "start",
                "-D",
                str(self.data_dir),
                "-l",
                str(self.base / "server.log"),
                "-w",
                "-t",
                "60",
                "-o",
                options,
            ]
        )

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (``fast`` ends every session at once, as a crash would for them)."""
        self._as_server_user(
            [str(self.bin_dir / "pg_ctl"), "stop", "-D", str(self.data_dir), "-m", mode, "-w"]
        )

    def destroy(self) -> None:
        """Stop the server if it runs and delete its folder."""
        if (self.data_dir / "postmaster.pid").exists():
            with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
                self.stop("immediate")
        shutil.rmtree(self.base, ignore_errors=True)

    def admin(self, dbname: str = "postgres") -> psycopg.Connection[Any]:
        """An autocommit superuser connection."""
        return psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user=_SUPERUSER,
            password=self.superuser_password,
            dbname=dbname,
            autocommit=True,
        )

    def _add_robot(self) -> None:
        with self.admin() as conn:
            conn.execute(f"CREATE ROLE {ROBOT_USER} LOGIN PASSWORD '{self.robot_password}'")
            conn.execute(f"CREATE DATABASE {DATABASE} OWNER {ROBOT_USER}")

    def url(self, schema: str | None = None) -> str:
        """The robot's ledger URL (no password), optionally pinned to one schema."""
        url = f"postgresql://{ROBOT_USER}@127.0.0.1:{self.port}/{DATABASE}"
        if schema is not None:
            url += "?options=" + quote(f"-csearch_path={schema}", safe="")
        return url

    def new_schema(self) -> str:
        """Create an empty schema owned by the robot (one per test: a fresh ledger)."""
        name = "t_" + secrets.token_hex(6)
        with self.admin(DATABASE) as conn:
            conn.execute(f"CREATE SCHEMA {name} AUTHORIZATION {ROBOT_USER}")
        return name


def start_for_tests(*, fsync: bool = False) -> PostgresServer:
    """Start a server, or fail the test run saying what is missing (never skip)."""
    try:
        return PostgresServer.create(fsync=fsync)
    except PostgresMissing as exc:
        missing = str(exc)
    pytest.fail(missing, pytrace=False)
