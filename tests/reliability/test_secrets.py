"""No artefact of a run ever holds a password, a login name or a session cookie.

Items fail after the robot logged in to every site (the pre-flight). Before the second
item its sessions expire and the login page fails once, so the item's first attempt
fails and its retry (which is recorded) logs in again mid-trace. Then every file the run
wrote (traces unzipped), the ledger and the console output are searched for every
configured secret.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from fixtures.server import MockSites
from flows.run import run_batch
from robot.tracing import secret_spellings
from tests.flows.conftest import on_own_thread, processes, robot_settings
from tests.plugins.mock_sites import arm_fault


def _contents(folder: Path) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    found[f"{path}!{member}"] = archive.read(member)
        else:
            found[str(path)] = path.read_bytes()
    return found


@pytest.mark.scenario("generated:2")
def test_failed_items_leave_no_secret_in_any_artefact(
    sites: MockSites, robot_dir: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    arm_fault(sites, "ruh_platform", kind="fail", path=r"/charges$", method="POST", count=100)
    issued: set[str] = set()

    def expire_sessions(*_: object) -> None:
        # Remember the tokens before they go: an old session cookie is still a secret.
        for tokens in sites.world.sessions.values():
            issued.update(tokens)
        sites.world.expire_sessions()
        arm_fault(sites, "intercom", kind="fail", path=r"^/login", method="GET", count=1)

    settings = robot_settings(sites, robot_dir)
    summary = on_own_thread(
        run_batch,
        settings,
        today=sites.world.state.practice.today,
        processes=processes("headway_billing"),
        on_item_done=expire_sessions,
    )
    assert [r.status for r in summary.results] == ["failed", "failed"]
    for tokens in sites.world.sessions.values():
        issued.update(tokens)
    secrets = {token for token in issued}
    for login in sites.logins.values():
        secrets |= {login.email, login.password}
    artefacts = _contents(robot_dir)
    traces = [name for name in artefacts if ".zip!" in name]
    assert any("trace-2.zip" in name for name in traces), "the mid-item login split a trace"
    console = capfd.readouterr()
    artefacts["console"] = (console.out + console.err).encode()
    leaks = [
        (name, secret)
        for secret in secrets
        for spelling in secret_spellings(secret)
        for name, data in artefacts.items()
        if spelling.encode() in data
    ]
    assert leaks == []
