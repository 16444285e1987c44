"""Screenshots for the commit gate: numbered, owner-only, one folder per work item."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from playwright.sync_api import Page

from robot import browser_options
from robot.audit.files import safe_name, write_private

__all__ = ["PageEvidence"]


class PageEvidence:
    """The commit gate's :class:`~robot.gate.Evidence` for one page and one work item.

    ``counter`` numbers the screenshots; share one counter between the pages of an item
    (Intercom, Headway, ...) so its folder reads in order. :meth:`RunFolder.evidence`
    does that for you.
    """

    def __init__(self, page: Page, item_dir: Path, counter: Iterator[int]) -> None:
        """Screenshot ``page`` into ``item_dir``, numbering with ``counter``."""
        self.page = page
        self.item_dir = item_dir
        self._counter = counter

    def capture(self, label: str) -> Path:
        """Save a screenshot as ``NN-<label>.jpg`` (0600) and return its path."""
        # Bytes first, then our own owner-only write: no moment where the file is 0644.
        image = self.page.screenshot(**browser_options.SCREENSHOT_OPTIONS)
        name = f"{next(self._counter):02d}-{safe_name(label)}{browser_options.SCREENSHOT_SUFFIX}"
        return write_private(self.item_dir / name, image)
