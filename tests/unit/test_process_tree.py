"""The benchmark's CPU count covers the robot's whole tree: grandchildren included."""

from __future__ import annotations

import subprocess
import sys

from cli.process_tree import TreeCpu

# A child that only waits, and a grandchild busy for about a second of CPU: as the robot,
# Playwright's driver and Chromium's renderers stand to one another.
_BURN = "sum(range(40_000_000))"
_PARENT = (
    "import subprocess, sys; "
    f"subprocess.Popen([sys.executable, '-c', {_BURN!r}]).wait()"
)


def test_the_cpu_of_a_grandchild_is_counted() -> None:
    parent = subprocess.Popen([sys.executable, "-c", _PARENT])
    with TreeCpu(parent.pid, interval_s=0.05) as tree:
        parent.wait(timeout=120)
    # The parent itself only waits; the burn happened in the grandchild.
    assert tree.seconds > 0.3
