"""When the ledger fails the robot: the database goes away, a login is refused, a lease is lost.

Whatever fails, the robot gets one :class:`LedgerUnavailable` (or :class:`LeaseLost`)
quickly, with a plain message that never holds the password, and the commit gate never
clicks after an intent it could not record.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from robot.engine import CommitStep, ItemProgress, run_steps
from robot.gate import CommitGate, Evidence, GateMode
from robot.ledger import ItemStatus, LeaseLost, LedgerUnavailable, StepState, WorkItem
from robot.ledger.records import SqlLedger
from tests.support.ledgers import FakeClock, LedgerSpec, add_items
from tests.support.postgres import PostgresServer, start_for_tests

Open = Callable[..., SqlLedger]
CONNECT_TIMEOUT_S = 3
BOUND_S = 15  # connect timeout, pool wait and a loaded machine's slack


class Shots:
    """The gate's evidence, without a browser."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.taken: list[str] = []

    def capture(self, label: str) -> Path:
        self.taken.append(label)
        return self.folder / f"{len(self.taken):02d}-{label}.png"


class Host:
    """What the step engine needs: the gate, evidence, no retries."""

    def __init__(self, gate: CommitGate, evidence: Shots) -> None:
        self.gate = gate
        self._evidence = evidence

    def evidence(self, item_id: str) -> Evidence:
        return self._evidence

    def retry(self, operation: str, unit: Callable[[], object]) -> object:
        return unit()

    def forget_page(self) -> None:
        pass


def charge(
    ledger: SqlLedger,
    item_id: str,
    folder: Path,
    clicks: list[str],
    site_shows_it: Callable[[], bool],
) -> None:
    """Run a "charge" step through the engine, as the robot does."""
    step: CommitStep[None, None] = CommitStep(
        name="charge",
        label="Charge the invoice",
        open=lambda _ctx: None,
        done=lambda _screen, _ctx: site_shows_it(),
        click=lambda _screen, _ctx: clicks.append("charge"),
        verify=lambda _screen, _ctx: True,
    )
    host = Host(CommitGate(ledger, GateMode.LIVE), Shots(folder))
    run_steps(host, item_id, None, [step], ItemProgress())  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def own_server() -> Iterator[PostgresServer]:
    """A server of this module's own: its tests stop and start it."""
    server = start_for_tests()
    yield server
    server.destroy()


@pytest.fixture
def outage_spec(own_server: PostgresServer) -> Iterator[LedgerSpec]:
    spec = LedgerSpec(
        "postgres", own_server.url(own_server.new_schema()), own_server.robot_password
    )
    yield spec
    if not (own_server.data_dir / "postmaster.pid").exists():
        own_server.start()  # a failed test must not leave the next one without a server


def timed_failure(call: Callable[[], object]) -> tuple[LedgerUnavailable, float]:
    started = time.monotonic()
    with pytest.raises(LedgerUnavailable) as info:
        call()
    return info.value, time.monotonic() - started


def test_a_database_that_goes_away_fails_the_next_call_quickly_and_plainly(
    own_server: PostgresServer, outage_spec: LedgerSpec
) -> None:
    ledger = outage_spec.open("run-a", connect_timeout_s=CONNECT_TIMEOUT_S)
    (item_id,) = add_items(ledger, 1)
    assert isinstance(ledger.claim_next("w1"), WorkItem)
    own_server.stop("fast")
    try:
        error, elapsed = timed_failure(
            lambda: ledger.record_step(item_id, "charge", StepState.INTENT)
        )
        assert elapsed < BOUND_S
        message = str(error)
        assert message.startswith(f"the ledger at {ledger.location} is unavailable: ")
        assert own_server.robot_password not in message
        assert "\n" not in message
        # A robot starting meanwhile is told the same, as quickly.
        error, elapsed = timed_failure(
            lambda: outage_spec.open("run-b", connect_timeout_s=CONNECT_TIMEOUT_S)
        )
        assert elapsed < BOUND_S
        assert own_server.robot_password not in str(error)
    finally:
        own_server.start()

    # After the restart a new handle resumes where the ledger stands: the intent that
    # failed was never written, and the item is still held by run-a.
    resumed = outage_spec.open("run-b", connect_timeout_s=CONNECT_TIMEOUT_S)
    item = resumed.get_item(item_id)
    assert item is not None
    assert item.status is ItemStatus.IN_PROGRESS
    assert resumed.step_state(item_id, "charge") is None
    # And the old handle's pool replaces its dead connections by itself.
    ledger.record_step(item_id, "charge", StepState.INTENT)
    ledger.finish(item_id, ItemStatus.FAILED, "database restarted")
    resumed.close()
    ledger.close()


def test_every_thread_caught_in_an_outage_is_told_the_server_is_unreachable(
    own_server: PostgresServer, outage_spec: LedgerSpec
) -> None:
    """A robot's worker and its lease keeper share one handle: when the first to fail
    discards the pool, the other (still waiting on it) must not be told that "the pool is
    closed", which sends a person looking in the wrong place, but what is wrong."""
    ledger = outage_spec.open("run-a", connect_timeout_s=CONNECT_TIMEOUT_S)
    (item_id,) = add_items(ledger, 1)
    assert isinstance(ledger.claim_next("w1"), WorkItem)
    errors: list[LedgerUnavailable] = []

    def renew() -> None:
        try:
            ledger.renew(item_id)
        except LedgerUnavailable as error:
            errors.append(error)

    own_server.stop("fast")
    try:
        first = threading.Thread(target=renew)
        first.start()
        threading.Event().wait(1)  # the second call waits on the pool the first will drop
        error, elapsed = timed_failure(lambda: ledger.step_state(item_id, "charge"))
        first.join(BOUND_S)
    finally:
        own_server.start()
    assert elapsed < BOUND_S
    for failure in [*errors, error]:
        message = str(failure)
        assert message.startswith(f"the ledger at {ledger.location} is unavailable: ")
        assert "(is the server up and reachable?)" in message, message
        assert "pool" not in message, message
    ledger.close()


def test_the_gate_never_clicks_when_its_intent_cannot_be_recorded(
    own_server: PostgresServer, outage_spec: LedgerSpec, tmp_path: Path
) -> None:
    ledger = outage_spec.open("run-a", connect_timeout_s=CONNECT_TIMEOUT_S)
    (item_id,) = add_items(ledger, 1)
    ledger.record_step(item_id, "charge", StepState.INTENT)  # an earlier, unverified click
    clicks: list[str] = []

    def site_says_not_done_then_database_dies() -> bool:
        own_server.stop("fast")
        return False

    try:
        with pytest.raises(LedgerUnavailable):
            charge(ledger, item_id, tmp_path, clicks, site_says_not_done_then_database_dies)
    finally:
        own_server.start()
    assert clicks == []
    ledger.close()


def test_a_refused_login_is_reported_without_the_password(
    postgres_server: PostgresServer,
) -> None:
    wrong = "not-the-password-" + "x" * 8
    spec = LedgerSpec("postgres", postgres_server.url(), wrong)
    with pytest.raises(LedgerUnavailable, match="password authentication failed") as info:
        spec.open()
    assert wrong not in str(info.value)
    assert postgres_server.url() in str(info.value)


def test_a_sqlite_ledger_that_cannot_be_created_is_unavailable(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    with pytest.raises(LedgerUnavailable, match="cannot create the ledger"):
        LedgerSpec("sqlite", str(blocker / "ledger.sqlite3")).open()


def test_the_gate_never_clicks_after_losing_its_lease(open_ledger: Open, tmp_path: Path) -> None:
    clock = FakeClock()
    stalled = open_ledger("run-stalled", lease_seconds=60, clock=clock)
    later = open_ledger("run-later", lease_seconds=60, clock=clock)
    (item_id,) = add_items(stalled, 1)
    assert isinstance(stalled.claim_next("w1"), WorkItem)
    clock.advance(61)  # the stalled robot's lease runs out and another takes over
    assert isinstance(later.claim_next("w2"), WorkItem)
    clicks: list[str] = []
    with pytest.raises(LeaseLost):
        charge(stalled, item_id, tmp_path, clicks, lambda: False)
    assert clicks == []
    assert later.step_state(item_id, "charge") is None
