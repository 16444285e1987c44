"""Several robots on one real PostgreSQL ledger: fixtures and helpers for the fleet tests.

Each test gets the mock practice (served in-process by ``sites``) and a fresh ledger: a
new schema in a throwaway PostgreSQL server that the suite starts itself (one per test
worker). Robots are ``billing-robot`` **processes** (``python -m cli ...``), each with
its own runs folder, exactly as two hosts would run them: the only thing they share is
the ledger URL and password, and the websites.

What every fleet test finally asserts is the mock practice's state: each effect exactly
once, whatever the robots did between them.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import pytest

from fixtures.server import MockSites
from flows.standard_billing import PROCESS as STANDARD_BILLING
from flows.standard_billing import item_id_for
from robot.ledger import PostgresLedger
from robot.settings import Settings
from tests.flows.conftest import robot_env, robot_settings
from tests.support.postgres import PostgresServer, start_for_tests

ROBOT_TIMEOUT_S = 420
"""Bound on one robot process. Generous: the machine is shared with other suites, and a
robot that hangs must fail the test, never the whole run."""

PRACTICE_EMAIL: str = Settings.model_fields["practice_email"].default
"""The practice's own Intercom address (the robot's default ``practice_email``)."""

STEP_EFFECTS = tuple(step.name for step in STANDARD_BILLING.steps)
"""The irreversible steps of one standard billing item, in the order the robot does them."""


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The suite's own throwaway PostgreSQL, shared by this worker's fleet tests."""
    server = start_for_tests()
    yield server
    server.destroy()


@dataclass
class Robot:
    """One ``billing-robot`` process of the fleet, with its own runs folder and output."""

    name: str
    process: subprocess.Popen[bytes]
    runs_dir: Path
    stdout_path: Path
    stderr_path: Path
    _files: list[IO[bytes]] = field(default_factory=list, repr=False)

    @property
    def pid(self) -> int:
        """The robot's process id (the ledger's holder pid)."""
        return self.process.pid

    def commits(self) -> int:
        """How many clicks its run's structured log shows as committed so far."""
        return sum(
            log.read_text("utf-8").count('"event": "committed"')
            for log in self.runs_dir.glob("*/events.jsonl")
        )

    def wait(self, timeout: float = ROBOT_TIMEOUT_S) -> int:
        """Wait for the robot to end (failing the test past ``timeout``); its exit code."""
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail(f"robot {self.name} still running after {timeout:g} s:\n{self.output()}")
        self._close_files()
        return code

    def kill(self) -> None:
        """SIGKILL the robot (as a power cut would) and reap it."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=60)
        self._close_files()

    def _close_files(self) -> None:
        for handle in self._files:
            handle.close()
        self._files.clear()

    def stdout(self) -> str:
        """What it printed (the summary table, the report path)."""
        return self.stdout_path.read_text("utf-8", errors="replace")

    def stderr(self) -> str:
        """What it printed on stderr (one line at most when it stops on an error)."""
        return self.stderr_path.read_text("utf-8", errors="replace")

    def output(self) -> str:
        """Both outputs, for a failing assertion's message."""
        return f"--- stdout ---\n{self.stdout()}\n--- stderr ---\n{self.stderr()}"

    def run_dir(self) -> Path:
        """Its one run folder."""
        runs = sorted(path for path in self.runs_dir.iterdir() if path.is_dir())
        assert len(runs) == 1, f"robot {self.name}: expected one run folder, found {runs}"
        return runs[0]

    def summary(self) -> dict[str, Any]:
        """Its run's ``summary.json``."""
        data: dict[str, Any] = json.loads((self.run_dir() / "summary.json").read_text("utf-8"))
        return data


@dataclass
class Fleet:
    """Robots sharing one PostgreSQL ledger (one schema) against one mock practice."""

    sites: MockSites
    folder: Path
    server: PostgresServer
    url: str
    lease_seconds: int = 120
    robots: list[Robot] = field(default_factory=list)

    @property
    def today(self) -> str:
        """The mock practice's today, as ``--today`` wants it."""
        return self.sites.world.state.practice.today.isoformat()

    def settings(self, name: str, **overrides: Any) -> Settings:
        """Settings for robot ``name``: the mock sites, this ledger, its own runs folder."""
        values: dict[str, Any] = {
            "ledger_url": self.url,
            "ledger_password": self.server.robot_password,
            "lease_seconds": self.lease_seconds,
        }
        values.update(overrides)
        return robot_settings(self.sites, self.folder / name, **values)

    def env(self, settings: Settings) -> dict[str, str]:
        """The environment a ``billing-robot`` process needs for ``settings``."""
        env = robot_env(settings)
        assert settings.ledger_url is not None
        assert settings.ledger_password is not None
        env["BILLING_ROBOT_LEDGER_URL"] = settings.ledger_url
        env["BILLING_ROBOT_LEDGER_PASSWORD"] = settings.ledger_password.get_secret_value()
        env["BILLING_ROBOT_LEASE_SECONDS"] = str(settings.lease_seconds)
        return env

    def start(self, name: str, *args: str, **overrides: Any) -> Robot:
        """Start ``billing-robot ARGS`` as robot ``name`` (its output goes to files)."""
        settings = self.settings(name, **overrides)
        home = self.folder / name
        home.mkdir(parents=True, exist_ok=True)
        stdout = (home / "stdout.txt").open("wb")
        stderr = (home / "stderr.txt").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "cli", *args],
            env=self.env(settings),
            cwd=home,
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=stderr,
        )
        robot = Robot(
            name,
            process,
            settings.runs_dir,
            home / "stdout.txt",
            home / "stderr.txt",
            [stdout, stderr],
        )
        self.robots.append(robot)
        return robot

    def batch(self, name: str, **overrides: Any) -> Robot:
        """Start ``billing-robot batch`` on the practice's today."""
        return self.start(name, "batch", "--today", self.today, **overrides)

    @contextmanager
    def ledger(self) -> Iterator[PostgresLedger]:
        """A read-only handle on the fleet's ledger, closed at the end of the block."""
        handle = PostgresLedger(self.url, password=self.server.robot_password)
        try:
            yield handle
        finally:
            handle.close()

    def stop_all(self) -> None:
        """Kill whatever robot a failed test left running."""
        for robot in self.robots:
            robot.kill()


def make_fleet(
    sites: MockSites, folder: Path, server: PostgresServer, *, lease_seconds: int = 120
) -> Fleet:
    """A fleet on a fresh, empty ledger (a new schema) in ``server``."""
    return Fleet(sites, folder, server, server.url(server.new_schema()), lease_seconds)


@pytest.fixture
def fleet(sites: MockSites, robot_dir: Path, postgres_server: PostgresServer) -> Iterator[Fleet]:
    """A fleet on a fresh ledger; any robot still running at the end is killed."""
    crew = make_fleet(sites, robot_dir, postgres_server)
    try:
        yield crew
    finally:
        crew.stop_all()


def wait_until(condition: Any, what: str, timeout_s: float = ROBOT_TIMEOUT_S) -> None:
    """Poll ``condition()`` every 50 ms until it is true; fail saying ``what`` past the deadline."""
    poll = threading.Event()
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out after {timeout_s:g} s waiting for {what}"
        poll.wait(0.05)


def wait_for_commits(robot: Robot, commits: int) -> None:
    """Wait until ``robot``'s log shows ``commits`` clicks (failing if it ends first)."""

    def reached() -> bool:
        if robot.process.poll() is not None:
            pytest.fail(f"robot {robot.name} ended before {commits} commits:\n{robot.output()}")
        return robot.commits() >= commits

    wait_until(reached, f"{commits} commits by robot {robot.name}")


def wait_for_lapsed_leases(fleet: Fleet) -> None:
    """Wait until no claim in the ledger is under a live lease (its holder is dead)."""
    with fleet.ledger() as ledger:

        def lapsed() -> bool:
            now = datetime.now(UTC)
            return not any(holder.live_at(now) for holder in ledger.holders().values())

        wait_until(lapsed, "the dead robot's leases to run out", timeout_s=60)


# --- the mock practice's state -----------------------------------------------------------


def billing_conversations(state: dict[str, Any]) -> list[dict[str, Any]]:
    """The billing requests (``conv-*``) of a generated practice."""
    return [c for c in state["conversations"] if c["id"].startswith("conv-")]


def item_ids(state: dict[str, Any]) -> list[str]:
    """The ledger ids of the practice's billing requests."""
    return [item_id_for(c["id"]) for c in billing_conversations(state)]


def _request(state: dict[str, Any], conversation_id: str) -> tuple[dict[str, Any], ...]:
    """A billing request's conversation, client, appointment and invoice."""
    conversation = next(c for c in state["conversations"] if c["id"] == conversation_id)
    client = next(c for c in state["clients"] if c["email"] == conversation["contact_email"])
    appointment = next(a for a in state["appointments"] if a["client_id"] == client["id"])
    invoice = next(i for i in state["invoices"] if i["appointment_id"] == appointment["id"])
    return conversation, client, appointment, invoice


def effects(state: dict[str, Any], conversation_id: str) -> set[str]:
    """Which of a billing request's irreversible steps show on the mock sites."""
    conversation, client, _appointment, invoice = _request(state, conversation_id)
    shown = {
        "intercom.add-client": client["email"] in conversation["participants"],
        "intercom.remove-self": PRACTICE_EMAIL not in conversation["participants"],
        "headway.confirm": any(s["client_id"] == client["id"] for s in state["headway_sessions"]),
        "intercom.session-form": bool(conversation["session_processed_forms"]),
        "intercom.billed": conversation["attributes"].get("Insurance Billing") == "Billed",
        "intercom.close": conversation["status"] == "closed",
        "ruh.write-off": invoice["status"] == "Written off",
        "ruh.charge-zero": any(c["amount"] == "0.00" for c in invoice["charges"]),
    }
    assert set(shown) == set(STEP_EFFECTS), "a billing step without its check on the sites"
    return {step for step, there in shown.items() if there}


def assert_billed_exactly_once(
    before: dict[str, Any], after: dict[str, Any], conversation_ids: list[str] | None = None
) -> None:
    """Every billing request (or those named) billed once and only once on the mock sites.

    One confirmed Headway session per client and time, one Session Processed form, the
    conversation closed with only the client as participant and marked Billed, the invoice
    written off in full with one $0 charge; and nothing billed that was not asked for.
    """
    wanted = conversation_ids or [c["id"] for c in billing_conversations(before)]
    new_sessions = [s for s in after["headway_sessions"] if s not in before["headway_sessions"]]
    per_slot = Counter((s["client_id"], s["date"], s["start"]) for s in new_sessions)
    assert all(count == 1 for count in per_slot.values()), f"duplicate sessions: {per_slot}"
    billed_clients = set()
    for conversation_id in wanted:
        conversation, client, _appointment, invoice = _request(after, conversation_id)
        sessions = [s for s in new_sessions if s["client_id"] == client["id"]]
        assert len(sessions) == 1, f"{conversation_id}: {len(sessions)} Headway sessions"
        assert sessions[0]["status"] == "Confirmed", conversation_id
        assert len(conversation["session_processed_forms"]) == 1, conversation_id
        assert conversation["status"] == "closed", conversation_id
        assert conversation["participants"] == [client["email"]], conversation_id
        assert conversation["attributes"].get("Insurance Billing") == "Billed", conversation_id
        assert invoice["status"] == "Written off", conversation_id
        assert invoice["write_off_amount"] == invoice["amount"], conversation_id
        assert [c["amount"] for c in invoice["charges"]] == ["0.00"], conversation_id
        billed_clients.add(client["id"])
    assert {s["client_id"] for s in new_sessions} == billed_clients, "a session nobody asked for"


def assert_untouched(before: dict[str, Any], after: dict[str, Any], conversation_id: str) -> None:
    """Nothing of one billing request changed on any site."""
    assert effects(after, conversation_id) == effects(before, conversation_id), conversation_id
    old = _request(before, conversation_id)
    new = _request(after, conversation_id)
    assert new == old, f"{conversation_id} changed on the mock sites"
