"""A person runs one request supervised on a laptop while a server's batch runs beside it.

The laptop's claim holds for as long as its lease is renewed, however long the person
takes to answer: the batch, another process on the same ledger, leaves that request
alone (and ``billing-robot ledger`` says who holds it, until when) and bills the rest.

The laptop is this test process: ``run_named`` in supervised mode with an operator that
answers ``yes`` only when the test lets it (headless, since this machine has no display;
``billing-robot run --supervised`` does the same with a visible browser and the terminal).
"""

from __future__ import annotations

import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from fixtures.server import MockSites
from flows.run import NamedItem, run_named
from flows.standard_billing import KIND, item_id_for
from robot.exit_codes import ExitCode
from robot.ledger import ItemStatus
from robot.operator import ConfirmRequest, Decision
from tests.fleet.conftest import (
    ROBOT_TIMEOUT_S,
    STEP_EFFECTS,
    Fleet,
    assert_billed_exactly_once,
    assert_untouched,
    billing_conversations,
    wait_until,
)
from tests.flows.conftest import run_cli


class PersonAtTheLaptop:
    """Answers ``yes`` to every step, but not before ``go`` is set: a slow person."""

    def __init__(self) -> None:
        self.asked = threading.Event()
        self.go = threading.Event()
        self.requests: list[ConfirmRequest] = []

    def confirm(self, request: ConfirmRequest) -> Decision:
        """Wait for ``go``, then approve (``stop`` if the test never lets go)."""
        self.requests.append(request)
        self.asked.set()
        return Decision.YES if self.go.wait(ROBOT_TIMEOUT_S) else Decision.STOP


@pytest.mark.slow
@pytest.mark.scenario("generated:2")
def test_a_request_held_on_a_laptop_is_left_alone_by_the_batch(
    sites: MockSites, fleet: Fleet
) -> None:
    # A short lease: the laptop's claim lives only because it is renewed all along.
    fleet.lease_seconds = 4
    before = sites.world.snapshot()
    on_laptop, for_batch = [c["id"] for c in billing_conversations(before)]
    held = item_id_for(on_laptop)
    person = PersonAtTheLaptop()
    laptop = fleet.settings("laptop", supervised=True, headless=True)

    with ThreadPoolExecutor(max_workers=1) as pool:  # its own thread: its own Playwright
        running = pool.submit(
            run_named,
            laptop,
            NamedItem(held, KIND, on_laptop),
            today=sites.world.state.practice.today,
            operator=person,
        )
        try:
            wait_until(lambda: person.asked.is_set() or running.done(), "the laptop's question")
            assert not running.done(), running.result()
            # The laptop holds the claim and waits for its person before the first click.
            with fleet.ledger() as ledger:
                item = ledger.get_item(held)
            assert item is not None
            assert item.holder is not None
            assert item.holder.pid == os.getpid()

            # A batch, and someone else's `run` of the same request, both started now.
            batch = fleet.batch("server")
            other = fleet.start("other-laptop", "run", on_laptop, "--today", fleet.today)
            assert batch.wait() == 0, batch.output()
            # Held by another robot: busy (5), answered before any browser or login.
            assert other.wait() == ExitCode.LEDGER, other.output()
            after_batch = sites.world.snapshot()
            assert_untouched(before, after_batch, on_laptop)
            assert_billed_exactly_once(before, after_batch, [for_batch])
            assert [i["id"] for i in batch.summary()["items"]] == [item_id_for(for_batch)]
            refused = f"not worked: {held} is held by {_holder_pattern(item.holder.run_id)}"
            assert re.search(refused, other.output()), other.output()
            assert other.summary()["items"] == []

            # Whoever looks at the ledger sees who holds the request, and until when.
            shown = run_cli(
                ["ledger"], fleet.env(fleet.settings("server")), fleet.folder, timeout=120
            )
            assert shown.returncode == 0, shown.stderr
            pattern = _holder_pattern(item.holder.run_id)
            assert re.fullmatch(pattern, _column(shown.stdout, held, "held by")), shown.stdout
            with fleet.ledger() as ledger:
                item = ledger.get_item(held)
            assert item is not None
            assert item.status is ItemStatus.IN_PROGRESS
            assert item.holder is not None
            assert item.holder.pid == os.getpid()
        finally:
            person.go.set()  # the person answers: the laptop finishes (or a failure ends)
            summary = running.result(timeout=ROBOT_TIMEOUT_S)

    assert summary.exit_code == ExitCode.OK, summary.stopped_because
    assert [r.status for r in summary.results] == ["done"]
    assert [r.step for r in person.requests] == list(STEP_EFFECTS)
    assert_billed_exactly_once(before, sites.world.snapshot())
    with fleet.ledger() as ledger:
        item = ledger.get_item(held)
    assert item is not None
    assert item.status is ItemStatus.DONE
    assert item.attempts == 1  # only the laptop ever claimed it
    assert item.run_id == summary.run_id


def _holder_pattern(run_id: str) -> str:
    """How a claim of this process's run is described to a person (``Holder.describe``)."""
    return (
        rf"host \S+ pid {os.getpid()} \(run {run_id}, worker worker-0\)"
        r" until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC"
    )


def _column(table: str, item_id: str, name: str) -> str:
    """One cell of ``billing-robot ledger``'s table, its wrapped lines joined again."""
    header = next(line for line in table.splitlines() if line.startswith("┃"))
    index = [cell.strip() for cell in header.strip("┃").split("┃")].index(name)
    parts: list[str] = []
    row = None
    for line in table.splitlines():
        if not line.startswith("│"):
            continue
        cells = [cell.strip() for cell in line.strip("│").split("│")]
        row = cells[0] or row  # a wrapped row's later lines have an empty first cell
        if row == item_id and cells[index]:
            parts.append(cells[index])
    return " ".join(parts)
