"""Procedure step 3.2 end to end: bill under "the therapist the client is covered with".

Headway's Patients list names the provider a client is covered with. When that is not
the therapist the admin note names, the request goes to review, read before any click:
no Intercom participant changes, no Headway session, nothing anywhere. A wrong charge
within 30 days is billed on Headway too, so it is checked the same way before its
first click, the refund.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fixtures.scenario import Therapist
from fixtures.server import MockSites
from flows import wrong_charge
from tests.flows.conftest import robot_settings, run_item, run_one


def _covered_by_someone_else(sites: MockSites, client_id: str, appointment_id: str) -> Therapist:
    """Headway lists the client under another provider than the session's therapist."""
    with sites.world.lock:
        state = sites.world.state
        booked = next(a for a in state.appointments if a.id == appointment_id)
        covered = next(t for t in state.therapists if t.id != booked.therapist_id)
        state.client(client_id).headway.therapist_id = covered.id
    return covered


@pytest.mark.scenario("generated:1")
def test_a_client_headway_lists_with_another_provider_goes_to_review_untouched(
    sites: MockSites, robot_dir: Path
) -> None:
    state = sites.world.state
    client = state.client("cl-0001")
    noted = state.therapist(state.appointments[0].therapist_id)
    # The note and the Ruh Platform appointment say one therapist; Headway another.
    covered = _covered_by_someone_else(sites, client.id, state.appointments[0].id)
    before = sites.world.snapshot()

    summary = run_one(robot_settings(sites, robot_dir), "conv-0001", today=state.practice.today)

    [result] = summary.results
    assert result.status == "needs_review"
    assert result.reason is not None
    assert (
        f"Headway lists the client with another provider "
        f"({covered.name}, {covered.credentials}), "
        f"not the session's therapist ({noted.name}, {noted.credentials})"
    ) in result.reason
    assert sites.world.snapshot() == before
    assert sites.world.state.headway_sessions == []
    events = (summary.run_dir / "events.jsonl").read_text("utf-8")
    for private in (client.name, client.email, noted.name, covered.name):
        assert private not in events, private


@pytest.mark.scenario("demo")
def test_a_wrong_charge_headway_lists_with_another_provider_is_not_refunded(
    sites: MockSites, robot_dir: Path
) -> None:
    # cl-wc1 was charged for a session 12 days ago: one to bill on Headway.
    _covered_by_someone_else(sites, "cl-wc1", "ap-wc1")
    state = sites.world.state
    before = sites.world.snapshot()

    summary = run_item(
        robot_settings(sites, robot_dir),
        wrong_charge.item_id_for("conv-wc1"),
        wrong_charge.KIND,
        "conv-wc1",
        today=state.practice.today,
    )

    [result] = summary.results
    assert result.status == "needs_review"
    assert "Headway lists the client with another provider" in (result.reason or "")
    assert sites.world.snapshot() == before  # no refund, no Headway session, no message
