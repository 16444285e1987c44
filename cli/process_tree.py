"""The CPU a process and all its descendants used, counted while they run (Linux /proc).

``wait4``'s rusage only holds descendants that were waited for, and Chromium's renderer
and GPU processes are not: the browser is killed at the end of a run and they are reaped
by init, so their CPU never reaches the robot's rusage (measured: about half of the
tree's CPU went missing). :class:`TreeCpu` therefore samples ``/proc`` while the tree
runs and keeps each process's last reading; a process's last fraction of a sampling
interval is missed, so the figure errs a little low, never high.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from types import TracebackType
from typing import Final

_PROC: Final = Path("/proc")
_TICKS_PER_S: Final = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _readings() -> dict[int, tuple[int, float]]:
    """Every process's parent pid and CPU seconds so far (user + system)."""
    found: dict[int, tuple[int, float]] = {}
    if not _PROC.is_dir():
        return found  # not Linux: the caller falls back to wait4's figure
    for entry in _PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # The command name may hold spaces and parentheses: split after the last ")".
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended while we looked
        ticks = int(fields[11]) + int(fields[12])
        found[int(entry.name)] = (int(fields[1]), ticks / _TICKS_PER_S)
    return found


class TreeCpu:
    """Sample the CPU of ``root`` and its descendants every ``interval_s`` until closed."""

    def __init__(self, root: int, interval_s: float = 0.2) -> None:
        """Watch the tree under ``root`` (its pid) from now on."""
        self._root = root
        self._interval_s = interval_s
        self._last: dict[int, float] = {}
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="tree-cpu", daemon=True)

    def __enter__(self) -> TreeCpu:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._done.set()
        self._thread.join()

    @property
    def seconds(self) -> float:
        """CPU seconds the tree used while watched (read after the block)."""
        return sum(self._last.values())

    def _watch(self) -> None:
        while True:
            self._sample()
            if self._done.wait(self._interval_s):
                return

    def _sample(self) -> None:
        readings = _readings()
        tree = {self._root}
        grew = True
        while grew:  # parents before children is not guaranteed: repeat until stable
            grew = False
            for pid, (parent, _) in readings.items():
                if parent in tree and pid not in tree:
                    tree.add(pid)
                    grew = True
        for pid in tree:
            if pid in readings:
                self._last[pid] = readings[pid][1]
