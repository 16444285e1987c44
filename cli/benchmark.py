"""The robot's cost per request, measured (``make bench``): a benchmark, not a test.

``python -m cli.benchmark [--scenario S ...] [--workers N ...] [--repeats R] [--latency L]``
serves each scenario on the mock sites in this process and runs ``billing-robot batch``
against it as a child process, once per worker count and repeat, each time on a freshly
seeded practice and a fresh ledger. Per request it prints wall seconds, CPU seconds (the
robot's whole process tree: Python, Playwright's driver and Chromium; the mock sites are
not in it), documents loaded, fetch/XHR calls, screenshot bytes and retries (a sample
with retries timed a fault, not the flow), as min / median / max over the repeats, and the
throughput gain of each worker count over one worker. It ends with the start-up of two
quick commands, ``billing-robot --help`` and ``billing-robot plan``.

``--latency real`` serves every load and save in 0.2-3 s, as the real apps do (default: the
tests' fast mocks, or ``MOCK_LATENCY``). The robot then mostly waits, so its CPU per request
and its gain from more workers differ from the fast mocks': measure both before sizing.

CPU is sampled from ``/proc`` while the robot runs (:class:`cli.process_tree.TreeCpu`):
``wait4`` alone misses Chromium's renderer and GPU processes, about half of the total.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from cli.mock_sites import mock_site_overrides
from cli.process_tree import TreeCpu
from fixtures.scenarios import load_scenario
from fixtures.server import MockSites
from fixtures.world import parse_latency
from robot.settings import settings_env_lines


@dataclass(frozen=True)
class Sample:
    """One run of the batch: totals, and how many requests it handled."""

    requests: int
    wall_s: float
    cpu_s: float
    documents: int
    fetches: int
    screenshot_bytes: int
    retries: int
    """Units of work tried again: a sample with retries timed a fault, not the flow."""

    def per_request(self) -> dict[str, float]:
        """Each figure divided by the requests handled."""
        n = max(self.requests, 1)
        return {
            "wall s": self.wall_s / n,
            "CPU s": self.cpu_s / n,
            "documents": self.documents / n,
            "fetches": self.fetches / n,
            "screenshot KB": self.screenshot_bytes / n / 1024,
            "retries": self.retries / n,
        }


def measure(scenario: str, workers: int, folder: Path, latency: str | None = None) -> Sample:
    """Serve ``scenario`` and bill it with ``workers`` in a child process; measure that.

    ``latency``: as ``MockSites.start`` takes it (``fast``, ``real``, ``MIN-MAX``).
    """
    runs = folder / "runs"
    with MockSites.start(scenario, latency=latency) as sites:
        today = sites.world.state.practice.today.isoformat()
        lines = settings_env_lines(
            mock_site_overrides(sites),
            extra=[
                ("runs_dir", str(runs)),
                ("ledger_path", str(folder / "ledger.sqlite3")),
                ("workers", str(workers)),
                ("retry_initial_wait_s", "0.2"),
                ("retry_max_wait_s", "2"),
            ],
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith("BILLING_ROBOT_")}
        for line in lines:
            name, _, value = line.partition("=")
            env[name] = value.strip('"')
        started = time.perf_counter()
        robot = subprocess.Popen(
            [sys.executable, "-m", "cli", "batch", "--today", today],
            env=env,
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        with TreeCpu(robot.pid) as tree:
            # wait4 counts only the descendants that were waited for; the tree sampler
            # also sees the browser's renderer and GPU processes (see the docstring).
            _, _, usage = os.wait4(robot.pid, 0)
        wall = time.perf_counter() - started
        cpu = max(tree.seconds, usage.ru_utime + usage.ru_stime)
    documents = fetches = requests = retries = 0
    for events in runs.glob("*/events.jsonl"):
        for line in events.read_text("utf-8").splitlines():
            event = json.loads(line)
            if event.get("event") == "item_finished":
                requests += 1
                documents += int(event.get("documents", 0))
                fetches += int(event.get("fetches", 0))
                retries += int(event.get("retries", 0))
    shots = sum(p.stat().st_size for p in runs.rglob("*") if p.suffix in (".jpg", ".png"))
    return Sample(requests, wall, cpu, documents, fetches, shots, retries)


def sample_note() -> str:
    """An admin note from the small practice, for timing ``plan`` (any note costs the same)."""
    conversation = load_scenario("small").conversations[0]
    return next(m.body for m in conversation.messages if m.body.startswith("For admin use only"))


def startup_seconds(args: list[str], stdin: str | None = None, repeats: int = 5) -> list[float]:
    """Wall seconds of ``billing-robot ARGS`` run ``repeats`` times as a fresh process."""
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "cli", *args],
            input=stdin,
            text=True,
            capture_output=True,
            check=False,
            timeout=60,
        )
        timings.append(time.perf_counter() - started)
    return timings


def spread(values: list[float]) -> str:
    """Min, median and max of ``values``, as the benchmarks print them."""
    return f"{min(values):7.2f} {statistics.median(values):7.2f} {max(values):7.2f}"


def _latency(text: str) -> str:
    """``--latency`` as typed, once the mock sites would accept it (checked before any run)."""
    try:
        parse_latency(text, given_as="--latency")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
    return text


def main(argv: list[str]) -> None:
    """Run the benchmark and print one block per scenario and worker count."""
    parser = argparse.ArgumentParser(prog="python -m cli.benchmark")
    parser.add_argument("--scenario", action="append", help="demo, small or generated:N")
    parser.add_argument("--workers", action="append", type=int)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--latency",
        type=_latency,
        help="fast, real or MIN-MAX ms (default: MOCK_LATENCY, else fast)",
    )
    args = parser.parse_args(argv)
    scenarios = args.scenario or ["demo", "generated:8"]
    worker_counts = args.workers or [1, 2]
    print("per request: min / median / max over the repeats", flush=True)
    for scenario in scenarios:
        rates: dict[int, float] = {}
        for workers in worker_counts:
            samples = []
            for _ in range(args.repeats):
                with tempfile.TemporaryDirectory() as folder:
                    samples.append(measure(scenario, workers, Path(folder), args.latency))
            per = [sample.per_request() for sample in samples]
            rates[workers] = statistics.median(s.requests / s.wall_s for s in samples)
            speed = f", latency {args.latency}" if args.latency else ""
            print(f"\n{scenario}, {workers} worker(s), {samples[0].requests} requests{speed}:")
            for key in per[0]:
                print(f"  {key:14} {spread([p[key] for p in per])}", flush=True)
        for workers, rate in rates.items():
            if workers != 1 and 1 in rates:
                print(f"{scenario}: {workers} workers = {rate / rates[1]:.2f}x one worker")
    print("\nstart-up, wall s: min / median / max over 5")
    print(f"  --help         {spread(startup_seconds(['--help']))}")
    plan = ["plan", "-", "--calendar-tz", "America/New_York"]
    print(f"  plan           {spread(startup_seconds(plan, stdin=sample_note()))}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
