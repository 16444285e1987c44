"""Fleet benchmark: 1 vs 2 robot processes on one PostgreSQL ledger (a measurement, not a test).

``python -m tests.support.fleet_bench [N] [--repeats R] [--robots 1 2]`` serves a
generated practice of N plain billing requests on the mock sites (in this process),
starts a throwaway PostgreSQL (``fsync`` on, as a real ledger would run), and for each
robot count starts that many ``billing-robot batch`` processes at the same moment (one
worker each), on a freshly seeded practice and a fresh ledger schema. It measures the
wall time from the start to the last robot's exit, counts the items done in the ledger,
checks that every request was billed exactly once on the mock sites, and prints items
per minute, wall seconds and CPU seconds per item for each repeat, then min and median.

The wall figures depend on the machine and its load (every robot drives its own
Chromium): say how loaded the machine was when quoting them. The CPU seconds per item
(robots, browsers and mock sites together) hardly depend on the load.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from cli.mock_sites import mock_site_overrides
from fixtures.server import MockSites
from robot.ledger import ItemStatus, PostgresLedger
from robot.settings import env_var_name
from tests.support.postgres import PostgresServer

ROBOT_TIMEOUT_S = 1800
"""Bound on one robot process: a hung robot ends the benchmark, never the machine."""


@dataclass(frozen=True)
class Measure:
    """One batch of the fleet: how many robots, how long, how much work each did."""

    robots: int
    wall_s: float
    done: int
    per_robot: tuple[int, ...]
    cpu_s: float
    """CPU seconds of the robots, their browsers and the mock sites: unlike the wall
    time, barely moved by what else the machine is running."""

    @property
    def per_minute(self) -> float:
        """Items done per minute of wall time."""
        return self.done / self.wall_s * 60


def _env(sites: MockSites, server: PostgresServer, url: str, runs_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BILLING_ROBOT_")}
    for site, values in mock_site_overrides(sites).items():
        for key in ("base_url", "username", "password"):
            env[env_var_name(site, key)] = str(values[key])
    env[env_var_name("runs_dir")] = str(runs_dir)
    env[env_var_name("ledger_url")] = url
    env[env_var_name("ledger_password")] = server.robot_password
    env[env_var_name("workers")] = "1"
    return env


def _slots(sites: MockSites) -> Counter[tuple[str, str, str]]:
    state = sites.world.snapshot()
    return Counter((s["client_id"], s["date"], s["start"]) for s in state["headway_sessions"])


def _billed_once(sites: MockSites, count: int, before: Counter[tuple[str, str, str]]) -> bool:
    """Each request added exactly one session, and no slot holds two.

    From five requests on, the generated practice holds earlier sessions of its own (a
    client with history), so only the sessions the run added are counted.
    """
    after = _slots(sites)
    added = after - before
    return len(added) == count and all(n == 1 for n in after.values())


def measure(server: PostgresServer, count: int, robots: int, folder: Path) -> Measure:
    """Bill ``count`` generated requests with ``robots`` batch processes on one ledger."""
    url = server.url(server.new_schema())
    with MockSites.start(f"generated:{count}") as sites:
        today = sites.world.state.practice.today.isoformat()
        before = _slots(sites)
        homes = [folder / f"robot-{n}" for n in range(robots)]
        for home in homes:
            home.mkdir(parents=True)
        logs = [(home / "stderr.txt").open("wb") for home in homes]
        cpu_before = _cpu_seconds()
        started = time.perf_counter()
        processes = [
            subprocess.Popen(
                [sys.executable, "-m", "cli", "batch", "--today", today],
                env=_env(sites, server, url, home / "runs"),
                cwd=home,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
            for home, log in zip(homes, logs, strict=True)
        ]
        try:
            codes = [process.wait(timeout=ROBOT_TIMEOUT_S) for process in processes]
        finally:
            for process in processes:
                if process.poll() is None:
                    process.kill()
                    process.wait(timeout=60)
            for log in logs:
                log.close()
        wall = time.perf_counter() - started
        cpu = _cpu_seconds() - cpu_before
        if any(codes) or not _billed_once(sites, count, before):
            raise SystemExit(f"{robots} robot(s): exit codes {codes}; see {folder}")
    ledger = PostgresLedger(url, password=server.robot_password)
    try:
        items = ledger.list_items()
        per_robot = tuple(
            len(ledger.list_items(run_id=run.name))
            for home in homes
            for run in (home / "runs").iterdir()
        )
    finally:
        ledger.close()
    done = sum(1 for item in items if item.status is ItemStatus.DONE)
    return Measure(robots, wall, done, per_robot, cpu)


def _cpu_seconds() -> float:
    # Children: the robots and, once reaped, their browsers; self: the mock sites' threads.
    used = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        used += usage.ru_utime + usage.ru_stime
    return used


def _line(found: Measure) -> str:
    split = "+".join(str(n) for n in found.per_robot)
    return (
        f"{found.robots} robot(s): {found.wall_s:6.1f} s wall, {found.done} done ({split}), "
        f"{found.per_minute:5.2f} items/min, {found.cpu_s / max(found.done, 1):5.1f} CPU s/item"
    )


def main(argv: list[str]) -> None:
    """Run the benchmark and print one line per batch, then min and median per robot count."""
    parser = argparse.ArgumentParser(prog="python -m tests.support.fleet_bench")
    parser.add_argument("count", nargs="?", type=int, default=6, help="requests (default 6)")
    parser.add_argument("--repeats", type=int, default=3, help="batches per robot count")
    parser.add_argument("--robots", type=int, nargs="+", default=[1, 2], help="robot counts")
    args = parser.parse_args(argv)
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    server = PostgresServer.create(fsync=True)
    results: dict[int, list[Measure]] = {robots: [] for robots in args.robots}
    try:
        with tempfile.TemporaryDirectory() as folder:
            for repeat in range(args.repeats):
                for robots in args.robots:
                    where = Path(folder) / f"r{repeat}-n{robots}"
                    found = measure(server, args.count, robots, where)
                    results[robots].append(found)
                    load = os.getloadavg()[0]
                    print(f"#{repeat + 1} {_line(found)}  (load {load:.1f})", flush=True)
    finally:
        server.destroy()
    for robots, runs in results.items():
        rates = [run.per_minute for run in runs]
        walls = [run.wall_s for run in runs]
        cpus = [run.cpu_s / max(run.done, 1) for run in runs]
        print(
            f"{args.count} requests, {robots} robot(s), {len(runs)} runs: items/min "
            f"min {min(rates):.2f} median {statistics.median(rates):.2f}; wall s "
            f"min {min(walls):.1f} median {statistics.median(walls):.1f}; CPU s/item "
            f"median {statistics.median(cpus):.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
