"""Pytest fixtures serving the mock sites in-process, once per test worker.

``mock_sites`` starts the four apps on free ports for the whole session (start-up takes a
fraction of a second); ``sites`` reseeds them before each test from the scenario named
by the ``scenario`` marker (default ``small``), so every test starts from a known world.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fixtures.scenario import SiteName
from fixtures.server import MockSites
from fixtures.world import IdKind


def pytest_configure(config: pytest.Config) -> None:
    """Declare the ``scenario`` marker."""
    config.addinivalue_line("markers", "scenario(name): seed the mock sites from this scenario")


@pytest.fixture(scope="session")
def mock_sites() -> Iterator[MockSites]:
    """The mock sites, serving for the whole test session of this worker."""
    with MockSites.start("small") as running:
        yield running


@pytest.fixture
def sites(mock_sites: MockSites, request: pytest.FixtureRequest) -> MockSites:
    """The mock sites, reseeded for this test (``@pytest.mark.scenario("demo")``)."""
    marker = request.node.get_closest_marker("scenario")
    mock_sites.reset(marker.args[0] if marker else "small")
    return mock_sites


@pytest.fixture
def robot_dir(tmp_path: Path) -> Path:
    """A folder for one test's robot runs and ledger."""
    return tmp_path


def mock_state(sites: MockSites, site: SiteName = "intercom") -> dict[str, Any]:
    """The state as the HTTP control API reports it (what a test asserts on)."""
    with urllib.request.urlopen(f"{sites.urls[site]}/__mock__/state") as response:
        data: dict[str, Any] = json.load(response)
    return data


def arm_fault(sites: MockSites, site: SiteName, **fault: Any) -> None:
    """Arm a fault through the HTTP control API (``POST /__mock__/faults``)."""
    request = urllib.request.Request(
        f"{sites.urls[site]}/__mock__/faults",
        data=json.dumps({"app": site, **fault}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request) as response:
        response.read()


def public_id(sites: MockSites, kind: IdKind, record_id: str) -> str:
    """The opaque id the apps put in addresses for a scenario record (``cl-0001``)."""
    return sites.world.public_id(kind, record_id)
