"""Two robots started at the same moment on one practice share the work through the ledger.

Both discover the same requests; each item is claimed by exactly one of them (``FOR
UPDATE SKIP LOCKED``), so the work is split and every effect happens exactly once.
"""

from __future__ import annotations

import pytest

from fixtures.server import MockSites
from robot.ledger import ItemStatus
from tests.fleet.conftest import Fleet, assert_billed_exactly_once, item_ids


@pytest.mark.slow
@pytest.mark.scenario("generated:4")
def test_two_batches_at_once_split_the_work_and_bill_each_request_once(
    sites: MockSites, fleet: Fleet
) -> None:
    before = sites.world.snapshot()
    robots = [fleet.batch("a"), fleet.batch("b")]
    codes = [robot.wait() for robot in robots]

    for robot, code in zip(robots, codes, strict=True):
        assert code == 0, robot.output()
        assert "Traceback" not in robot.stderr(), robot.output()
    assert_billed_exactly_once(before, sites.world.snapshot())

    # The ledger: every item done, each claimed once (one attempt), by one of the two runs.
    wanted = item_ids(before)
    with fleet.ledger() as ledger:
        items = {item.id: item for item in ledger.list_items()}
        runs = [robot.summary()["run_id"] for robot in robots]
        worked = [{item.id for item in ledger.list_items(run_id=run)} for run in runs]
    assert sorted(items) == sorted(wanted)
    assert all(item.status is ItemStatus.DONE for item in items.values()), items
    assert all(item.attempts == 1 for item in items.values()), items
    assert {item.run_id for item in items.values()} <= set(runs)
    # Split: each run worked at least one item, no item was worked by both.
    assert all(worked), f"one robot got no item: {worked}"
    assert not worked[0] & worked[1], worked
    assert worked[0] | worked[1] == set(wanted)
    # Each run's own report lists exactly what it did, all done.
    for robot, mine in zip(robots, worked, strict=True):
        summary = robot.summary()
        assert summary["exit_code"] == 0
        assert {item["id"] for item in summary["items"]} == mine
        assert summary["counts"] == {"done": len(mine)}
