"""What the robot knows of each tab: whether anything happened there since it was drawn.

The loaded-check (:mod:`pages.shell`) asks the page one question before every read and
after every action. On the demo practice, two checks in three were asked of a tab found
drawn moments before with no robot action since. This module tells those apart, more
strictly than "no action" (network activity counts too): on the demo, a third of the
checks are no longer asked, and another third become one count of the screen's landmark.
A tab is *touched* when:

- the robot acts on it: every click, fill, check, key press, scroll and page load in
  ``pages/`` and ``flows/`` goes through :func:`act`, which marks the tab *before* the
  action, so one that fails or times out counts too (a unit test scans the source and
  fails on any action that does not);
- the page uses the network: a request starts, finishes or fails (the app fetching
  after a click, or on its own, and drawing the answer when it arrives);
- a frame navigates (a document load, or the app changing its address).

Until one of those happens, a tab found drawn and showing a landmark still shows it, and
:func:`still_drawn` says so without asking the page. What this cannot see is a page that
redraws on a timer or a pushed message, with no request: such a change was never caught
between a check and the read after it either, and that window now runs from the tab's
last touch instead of from just before the read.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from playwright.sync_api import Locator, Page

__all__ = ["act", "found_drawn", "still_drawn", "touches"]

_Target = TypeVar("_Target", Locator, Page)


@dataclass
class _Tab:
    touches: int = 0
    drawn_at: int | None = None
    """``touches`` when the tab was last found drawn (None: never yet); any other value
    than the current ``touches`` means it was touched since."""
    landmarks: set[str] = field(default_factory=set)
    """The landmarks found on it then (their selectors)."""

    def touch(self, *_event: Any) -> None:
        self.touches += 1


_tabs: WeakKeyDictionary[Page, _Tab] = WeakKeyDictionary()
_tabs_lock = threading.Lock()  # one table for every worker thread's tabs


def _tab(page: Page) -> _Tab:
    with _tabs_lock:
        tab = _tabs.get(page)
        if tab is not None:
            return tab
        tab = _tabs[page] = _Tab()
    # The sync API runs these listeners on the thread that owns the page, between the
    # messages of its own calls, so a touch is always counted before the next question.
    page.on("request", tab.touch)
    page.on("requestfinished", tab.touch)
    page.on("requestfailed", tab.touch)
    page.on("framenavigated", tab.touch)
    return tab


def act(target: _Target) -> _Target:
    """Mark ``target``'s tab touched and hand ``target`` back: ``act(button).click()``."""
    page = target if isinstance(target, Page) else target.page
    _tab(page).touch()
    return target


def touches(page: Page) -> int:
    """How often ``page`` has been touched: read it before asking whether it is drawn."""
    return _tab(page).touches


def found_drawn(page: Page, landmark: Locator | None, *, since: int) -> None:
    """``page`` was found drawn (showing ``landmark``) by a check begun at ``since`` touches.

    A touch during the check (the app fetching while it was asked) leaves nothing
    recorded: the next check asks again.
    """
    tab = _tab(page)
    if tab.touches != since:
        return
    if tab.drawn_at != since:
        tab.drawn_at = since
        tab.landmarks = set()
    if landmark is not None:
        tab.landmarks.add(_selector(landmark))


def still_drawn(page: Page, landmark: Locator | None) -> bool:
    """True when ``page`` was found drawn showing ``landmark``, and nothing touched it since."""
    tab = _tab(page)
    if tab.drawn_at != tab.touches:
        return False
    return landmark is None or _selector(landmark) in tab.landmarks


def _selector(landmark: Locator) -> str:
    # A Locator's repr names its frame and its full selector; two page objects that
    # build the same landmark get the same text.
    return repr(landmark)
