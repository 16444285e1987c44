"""Playwright's launch and context options for this project, where people look for them.

The options live in the package (``robot/browser_options.py``) so that an installed robot
has them too; this file only re-exports them. Edit them there.
"""

from robot.browser_options import *  # noqa: F403
from robot.browser_options import __all__ as __all__
