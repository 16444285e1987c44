"""What the Headway page objects share (private to this package)."""

from __future__ import annotations

import re

from pages.widgets import Where

SITE = "Headway"
CONFIRM_ENDPOINT = re.compile(r"^/api/providers/[^/]+/sessions$")


def where(screen: str) -> Where:
    """Headway's ``screen`` (for ControlNotFound)."""
    return Where(SITE, screen)
