"""The bare floor of a batch: the robot's own clicks, replayed with nothing else.

``python -m cli.floor [--scenario S] [--repeats R]`` answers "how much of the robot's time
is the clicks themselves?" without a second, hand-written copy of the procedure:

1. **Record.** The robot bills ``S`` on the mock sites with one worker, in this process,
   while every action it sends to the browser (``goto``, ``click``, ``fill``, ``check``,
   ``press``, ``select_option``) is written down with the tab it was sent to and the
   locator's selector (the robot's own role and label locators). The logins' values are
   written down as placeholders, never as the secrets themselves.
2. **Replay**, ``R`` times, each on a freshly seeded copy of ``S`` and measured the way
   ``make bench`` measures the robot (a child process, wall seconds, the CPU of its whole
   process tree): one browser, one tab per app, those actions in that order, and after
   each one only the app's own "drawn" signal (``main`` not ``aria-busy``). Intercom's
   tab dismisses its popups with the robot's own handlers, whose clicks are therefore
   not recorded. No reads, no checks, no ledger, no screenshots, no report.
3. **Verify.** The replay must leave the practice exactly as the robot left it (the mock
   sites' full state), or its figure is not a floor of the same work and is refused.

It prints the robot's and the floor's cost per request and their ratio (the speed issue's
goal: at most 1.5x, with the robot's full audit trail on).
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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

from cli.benchmark import Sample, measure, spread
from cli.mock_sites import mock_site_overrides
from cli.process_tree import TreeCpu
from fixtures.server import MockSites
from pages.intercom import popup

# The browser actions a replay repeats; everything else the robot does is reading.
ACTIONS = ("click", "fill", "check", "uncheck", "press", "select_option", "set_checked")

Action = dict[str, Any]

# Where Intercom's popup handlers live: the clicks made from there are the handlers', not
# the flow's, and the replay's own handlers make them.
_POPUP_MODULE = popup.__file__


class _Recorder:
    """Writes down each browser action while installed on Playwright's sync classes.

    It reads the locator's selector through Playwright's private ``_impl_obj``: no public
    API gives the selector back, and this is a measurement tool, never the robot.
    """

    def __init__(self, secrets: dict[str, str]) -> None:
        self.actions: list[Action] = []
        self._secrets = secrets
        self._tabs: dict[int, int] = {}

    @contextmanager
    def installed(self) -> Iterator[None]:
        """Record while the block runs; put Playwright's own methods back after it."""
        from playwright.sync_api import Locator, Page

        originals: dict[tuple[type, str], Callable[..., Any]] = {
            (Locator, name): getattr(Locator, name) for name in ACTIONS
        }
        originals[(Page, "goto")] = Page.goto
        for (owner, name), original in originals.items():
            setattr(owner, name, self._recording(name, original))
        try:
            yield
        finally:
            for (owner, name), original in originals.items():
                setattr(owner, name, original)

    def _recording(self, name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def recorded(target: Any, *args: Any, **kwargs: Any) -> Any:
            # A popup handler's clicks are left out: the replay installs the same handlers,
            # which click when their popup shows, and Playwright runs them inside whatever
            # the popup blocked, so a recorded "Dismiss" would come after a click that
            # could never be made.
            if not _from_popup_handler():
                self.actions.append(self._describe(name, target, args, kwargs))
            return original(target, *args, **kwargs)

        return recorded

    def _describe(
        self, name: str, target: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Action:
        if name == "goto":
            return {"tab": self._tab_of(target), "do": "goto", "url": args[0]}
        return {
            "tab": self._tab_of(target.page),
            "do": name,
            "selector": target._impl_obj._selector,
            "args": [_placeholder(a, self._secrets) for a in args],
            "kwargs": {k: v for k, v in kwargs.items() if isinstance(v, str | int | bool)},
        }

    def _tab_of(self, page: Any) -> int:
        return self._tabs.setdefault(id(page._impl_obj), len(self._tabs))


def _from_popup_handler() -> bool:
    """True when the caller runs inside one of Intercom's popup handlers."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_filename == _POPUP_MODULE:
            return True
        frame = frame.f_back
    return False


def record(scenario: str, folder: Path) -> tuple[list[Action], dict[str, Any]]:
    """Bill ``scenario`` with the robot (one worker) and return its actions and end state."""
    from flows.run import run_batch
    from robot.settings import load_settings

    with MockSites.start(scenario) as sites:
        # Recorded as placeholders (value -> name); the replay fills in its own sites'.
        secrets = {value: name for name, value in _site_values(sites, logins=True).items()}
        settings = load_settings(
            env_file=None,
            **mock_site_overrides(sites),
            runs_dir=folder / "runs",
            ledger_path=folder / "ledger.sqlite3",
            workers=1,
        )
        recorder = _Recorder(secrets)
        with recorder.installed():
            summary = run_batch(settings, today=sites.world.state.practice.today)
        end_state = sites.world.snapshot()
        origins = _site_values(sites, logins=False)
    actions = recorder.actions
    for action in actions:
        if "url" in action:
            for placeholder, origin in origins.items():
                action["url"] = action["url"].replace(origin, placeholder)
    print(f"recorded {len(actions)} actions over {len(summary.results)} items", flush=True)
    return actions, end_state


def _site_values(sites: MockSites, *, logins: bool) -> dict[str, str]:
    """Placeholder -> value: each app's origin, or each app's login email and password.

    The one naming of placeholders: the recording writes them, the replay fills them in.
    """
    if not logins:
        return {_origin(site): url for site, url in sites.urls.items()}
    values: dict[str, str] = {}
    for site, login in sites.logins.items():
        values[f"{{password:{site}}}"] = login.password
        values[f"{{email:{site}}}"] = login.email
    return values


def _origin(site: str) -> str:
    """The placeholder an app's origin is recorded as."""
    return f"{{origin:{site}}}"


def _placeholder(value: Any, secrets: dict[str, str]) -> Any:
    return secrets.get(value, value) if isinstance(value, str) else value


def replay_main(script: Path, sites_file: Path) -> None:
    """The child process: replay ``script`` against the sites named in ``sites_file``."""
    from playwright.sync_api import sync_playwright

    from pages.shell import not_busy
    from robot import browser_options

    given = json.loads(sites_file.read_text("utf-8"))
    actions: list[Action] = json.loads(script.read_text("utf-8"))

    def fill_in(text: str) -> str:
        for key, value in given["values"].items():
            text = text.replace(key, value)
        return text

    executable = browser_options.find_browser_executable(None, headless=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**browser_options.launch_options(True, executable))
        context = browser.new_context(**browser_options.context_options())
        pages: dict[int, Any] = {}
        for action in actions:
            page = pages.get(action["tab"])
            if page is None:
                page = pages[action["tab"]] = context.new_page()
                if action.get("url", "").startswith(_origin("intercom")):
                    popup.handle_popups(page)  # as the robot's Intercom tab does
            if action["do"] == "goto":
                page.goto(fill_in(action["url"]))
            else:
                args = [fill_in(a) if isinstance(a, str) else a for a in action["args"]]
                getattr(page.locator(action["selector"]), action["do"])(*args, **action["kwargs"])
            if action["do"] in ("goto", "click", "press", "check", "uncheck", "set_checked"):
                if page.url.split("?")[0].endswith("/login"):
                    continue  # the login page is a plain form, not the app
                not_busy(page.get_by_role("main")).first.wait_for()
        browser.close()


def replay(scenario: str, script: Path, expected: dict[str, Any]) -> tuple[float, float]:
    """Replay ``script`` on a fresh ``scenario`` in a child process: (wall s, CPU s)."""
    with MockSites.start(scenario) as sites, tempfile.TemporaryDirectory() as tmp:
        values = _site_values(sites, logins=False) | _site_values(sites, logins=True)
        sites_file = Path(tmp) / "sites.json"
        sites_file.touch(mode=0o600)
        sites_file.write_text(json.dumps({"values": values}), "utf-8")
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-m", "cli.floor", "--replay", str(script), str(sites_file)]
        )
        with TreeCpu(child.pid) as tree:
            _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        if status != 0:
            raise SystemExit(f"the replay failed (status {status}); no floor figure")
        state = sites.world.snapshot()
    differences = [
        key for key in expected if _timeless(expected[key]) != _timeless(state.get(key))
    ]
    if differences:
        raise SystemExit(
            f"the replay did not end where the robot did ({', '.join(differences)}): no floor"
        )
    return wall, max(tree.seconds, usage.ru_utime + usage.ru_stime)


def _timeless(value: Any) -> Any:
    """``value`` without its clock readings (``at``, ``*_at``): a replay runs later."""
    if isinstance(value, dict):
        return {
            k: _timeless(v) for k, v in value.items() if k != "at" and not k.endswith("_at")
        }
    if isinstance(value, list):
        return [_timeless(v) for v in value]
    return value


def main(argv: list[str]) -> None:
    """Record once, replay ``--repeats`` times, and print robot vs floor per request."""
    parser = argparse.ArgumentParser(prog="python -m cli.floor", description=__doc__)
    parser.add_argument("--scenario", default="generated:4")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--replay", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.replay:
        replay_main(*args.replay)
        return
    floors: list[tuple[float, float]] = []
    robots: list[Sample] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        actions, end_state = record(args.scenario, folder / "record")
        script = folder / "actions.json"
        script.write_text(json.dumps(actions), "utf-8")
        for repeat in range(args.repeats):  # interleaved, so drift hits both alike
            floors.append(replay(args.scenario, script, end_state))
            (robot_folder := folder / f"robot-{repeat}").mkdir()
            robots.append(measure(args.scenario, 1, robot_folder))
    requests = robots[0].requests
    rows = {
        "floor": ([w for w, _ in floors], [c for _, c in floors]),
        "robot": ([r.wall_s for r in robots], [r.cpu_s for r in robots]),
    }
    print(f"{args.scenario}, 1 worker, {requests} requests, per request (min / median / max):")
    for name, (walls, cpus) in rows.items():
        wall = spread([w / requests for w in walls])
        cpu = spread([c / requests for c in cpus])
        print(f"  {name}  wall s {wall}   CPU s {cpu}")
    wall_ratio = statistics.median(rows["robot"][0]) / statistics.median(rows["floor"][0])
    cpu_ratio = statistics.median(rows["robot"][1]) / statistics.median(rows["floor"][1])
    print(f"  robot / floor (medians): wall {wall_ratio:.2f}x, CPU {cpu_ratio:.2f}x")


if __name__ == "__main__":
    main(sys.argv[1:])
