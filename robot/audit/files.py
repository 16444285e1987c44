"""Owner-only files and folders: the run folder holds health information.

``mkdir``'s and ``open``'s modes are filtered by the umask, and an existing file keeps its
own mode, so both helpers set the mode explicitly: folders 0700, files 0600, whatever the
umask or what was there before.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Final

__all__ = ["private_dir", "safe_name", "write_private"]

_UNSAFE: Final = re.compile(r"[^A-Za-z0-9._-]+")


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) as 0700 and return it; tighten it if it exists."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)  # mkdir's mode is filtered by the umask
    return path


def write_private(path: Path, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` as a 0600 file (created so from the start), return it."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)  # O_CREAT's mode is masked too, and an old file keeps its own
        view = memoryview(payload)
        while view:
            written = os.write(fd, view)
            view = view[written:]
    finally:
        os.close(fd)
    return path


def safe_name(text: str) -> str:
    """``text`` as one file name: anything but letters, digits, ``.``, ``_``, ``-`` becomes ``_``.

    Item ids (``intercom:conv-1``) and step labels become folder and file names; this keeps
    them inside the run folder (no ``/``, no leading ``.``).
    """
    return _UNSAFE.sub("_", text).strip("._") or "item"
