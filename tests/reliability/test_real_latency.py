"""The tier at the real apps' speed: every data load and commit takes a seeded 0.2-3 s.

The rest of the suite runs the mocks fast (0-40 ms) to stay quick; this test is the one
that proves the robot waits on the apps' own signals (skeletons, ``aria-busy``, the
commit's answer, the re-rendered row) rather than on luck: the same batch at the real
apps' speed must still bill each request exactly once. It mostly waits (about half a core
for two and a half minutes), so it is marked ``slow`` to start early, beside the files that
keep both cores busy, rather than run on alone at the end of the suite.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from fixtures.scenario import REAL_LATENCY
from fixtures.server import MockSites
from flows import standard_billing
from flows.run import run_batch
from robot.browser_options import ACTION_TIMEOUT_MS
from tests.flows.conftest import on_own_thread, processes, robot_settings
from tests.plugins.mock_sites import arm_fault

APPS = ("intercom", "headway", "ruh_platform", "programs_sheet")


@pytest.mark.slow
@pytest.mark.scenario("generated:2")
def test_a_batch_at_the_real_apps_speed_bills_each_request_once(
    sites: MockSites, robot_dir: Path
) -> None:
    low, high = REAL_LATENCY
    for app in APPS:
        arm_fault(sites, app, kind="latency_range", min_ms=low, max_ms=high)
    # The robot's own default patience: the tests' shorter one is for the fast mocks.
    settings = robot_settings(sites, robot_dir, action_timeout_ms=ACTION_TIMEOUT_MS, workers=2)
    summary = on_own_thread(
        run_batch,
        settings,
        today=sites.world.state.practice.today,
        processes=processes(standard_billing.KIND),
    )

    assert sorted((r.item_id, r.status) for r in summary.results) == [
        ("intercom:conv-0001", "done"),
        ("intercom:conv-0002", "done"),
    ]
    state = sites.world.snapshot()
    for conversation in state["conversations"]:
        client = next(c for c in state["clients"] if c["email"] == conversation["contact_email"])
        sessions = [s for s in state["headway_sessions"] if s["client_id"] == client["id"]]
        assert [s["status"] for s in sessions] == ["Confirmed"]
        assert len(conversation["session_processed_forms"]) == 1
        assert conversation["status"] == "closed"
    for invoice in state["invoices"]:
        assert invoice["status"] == "Written off"
        assert [(Decimal(c["amount"]), c["outcome"]) for c in invoice["charges"]] == [
            (Decimal(0), "succeeded")
        ]
