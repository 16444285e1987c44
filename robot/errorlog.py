"""The run's ``errors.log``: full tracebacks, for the developer, never for the console.

A person reads one line on the console for any error they can cause; a bug (an error the
robot did not expect) also leaves its traceback here, in the owner-only run folder, with
email addresses cut out like everywhere else.
"""

from __future__ import annotations

import os
import threading
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from robot.logging import scrub_text

__all__ = ["ERRORS_FILE", "ErrorLog"]

ERRORS_FILE: Final = "errors.log"
"""Name of the traceback log inside a run folder."""


class ErrorLog:
    """Append tracebacks to ``<run dir>/errors.log`` (0600), one block per error."""

    def __init__(self, run_dir: Path) -> None:
        """Write into ``run_dir`` (the file is created on the first error only)."""
        self.path = run_dir / ERRORS_FILE
        self._lock = threading.Lock()

    def record(self, where: str, error: BaseException) -> Path:
        """Append ``error``'s traceback under a heading naming ``where`` it happened."""
        text = "".join(traceback.format_exception(error))
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        block = f"--- {stamp} {where}\n{scrub_text(text)}\n"
        with self._lock:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                os.fchmod(fd, 0o600)
                os.write(fd, block.encode("utf-8"))
            finally:
                os.close(fd)
        return self.path
