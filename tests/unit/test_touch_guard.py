"""Every browser action of the robot goes through ``pages.touch.act``.

The loaded-check trusts a tab found drawn until something touches it (``pages.touch``).
An action that bypassed :func:`~pages.touch.act` would leave the tab trusted after a
click that changed it, and the next read could read the old screen. So the source is
scanned: in ``pages/``, every call of a Playwright action method must be ``act(x).<action>``;
``flows/`` never holds a Locator (it works through page objects, whose ``fill`` and
``click`` share the names), so only page loads are looked for there.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Playwright's Locator and Page methods that act on the page (or load one).
ACTIONS = frozenset(
    {
        "blur", "check", "clear", "click", "dblclick", "dispatch_event", "drag_to",
        "fill", "focus", "go_back", "go_forward", "goto", "hover", "press",
        "press_sequentially", "reload", "scroll_into_view_if_needed", "select_option",
        "select_text", "set_checked", "set_content", "set_input_files", "tap", "type",
        "uncheck",
    }
)  # fmt: skip
# flows/ calls page objects' and steps' own fill/click, and dicts' clear.
FLOWS_ACTIONS = ACTIONS - {"click", "fill", "clear"}


def unmarked_actions(source: str, actions: frozenset[str]) -> list[str]:
    """Each call of an action in ``source`` whose receiver is not ``act(...)``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in actions:
            continue
        receiver = node.func.value
        marked = (
            isinstance(receiver, ast.Call)
            and isinstance(receiver.func, ast.Name)
            and receiver.func.id == "act"
        )
        if not marked:
            found.append(f"line {node.lineno}: {ast.unparse(node)[:80]}")
    return found


def sources(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("path", sources("pages"), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_action_in_a_page_object_marks_its_tab(path: Path) -> None:
    assert unmarked_actions(path.read_text("utf-8"), ACTIONS) == []


@pytest.mark.parametrize("path", sources("flows"), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_page_load_in_the_flows_marks_its_tab(path: Path) -> None:
    assert unmarked_actions(path.read_text("utf-8"), FLOWS_ACTIONS) == []


def test_the_scan_finds_an_unmarked_action() -> None:
    source = "act(box).click()\nbox.fill('x')\nact(page).goto(u)\npage.goto(u)\n"
    assert unmarked_actions(source, ACTIONS) == ["line 2: box.fill('x')", "line 4: page.goto(u)"]
