"""Structured logging: a readable console, JSON lines in the run folder, nothing personal.

Both outputs share one processor chain that ends in :func:`redact_event`, so what reaches
the console and ``<run dir>/events.jsonl`` carries ids and codes only: values under name,
email, note and secret keys are replaced, email addresses are cut out of any text,
``SecretStr`` values never render, and exceptions are logged by type (with our own
messages, which by convention hold ids and codes, kept minus any email address).

Call :func:`configure_logging` once at start-up; :func:`get_logger` is safe before that
(it installs a console-only default with the same redaction).
"""

from __future__ import annotations

import logging
import os
import re
import sys
import threading
import traceback
from collections.abc import Mapping, MutableMapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Final

import structlog
from pydantic import SecretBytes, SecretStr

__all__ = [
    "EVENTS_FILE",
    "REDACTED",
    "configure_logging",
    "get_logger",
    "log_context",
    "redact_event",
    "scrub_text",
]

EVENTS_FILE: Final = "events.jsonl"
"""Name of the JSON-lines log inside a run folder."""

REDACTED: Final = "[redacted]"
"""What a removed value is replaced with."""

_LOGGER_NAME: Final = "billing_robot"

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")

# A person's name (or something that identifies them) sits under these keys.
_PERSON_KEYS: Final = frozenset(
    {
        "name",
        "first_name",
        "last_name",
        "full_name",
        "display_name",
        "client",
        "client_name",
        "patient",
        "patient_name",
        "therapist",
        "therapist_name",
        "provider",
        "provider_name",
        "participant",
        "participants",
        "email",
        "emails",
        "phone",
        "address",
        "dob",
        "date_of_birth",
    }
)
# Free text written by people: it may say anything about anyone.
_TEXT_KEYS: Final = frozenset(
    {"note", "notes", "admin_note", "body", "message", "text", "comment", "subject", "reply"}
)
# Substrings of keys whose values are credentials.
_SECRET_MARKERS: Final = ("password", "passwd", "token", "cookie", "secret", "authorization")
_SECRET_KEYS: Final = frozenset({"storage_state", "session", "api_key", "credentials"})


def scrub_text(text: str) -> str:
    """Return ``text`` with every email address replaced by ``[email]``."""
    return _EMAIL.sub("[email]", text)


def _sensitive_key(key: str) -> bool:
    lowered = key.lower()
    return (
        lowered in _PERSON_KEYS
        or lowered in _TEXT_KEYS
        or lowered in _SECRET_KEYS
        or lowered.endswith(("_name", "_email", "_note"))
        or any(marker in lowered for marker in _SECRET_MARKERS)
    )


def _redact_value(value: Any, depth: int = 0) -> Any:
    if isinstance(value, SecretStr | SecretBytes):
        return REDACTED
    if isinstance(value, str):
        return scrub_text(value)
    if depth > 8:  # a cycle or absurd nesting: do not try to be clever
        return REDACTED
    if isinstance(value, Mapping):
        return {
            str(key): REDACTED if _sensitive_key(str(key)) else _redact_value(item, depth + 1)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple | set | frozenset):
        return [_redact_value(item, depth + 1) for item in value]
    if isinstance(value, int | float | bool) or value is None:
        return value
    # Anything else (a Path, a date, a model) is rendered later with str(); scrub that.
    return scrub_text(str(value))


def _summarise_exception(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """Replace ``exc_info`` with the error type, our own message, and the frames.

    Foreign messages (Playwright's quote locators and page text) are dropped; the frame
    list (file, line, function) still says where it happened.
    """
    exc_info = event_dict.pop("exc_info", None)
    if not exc_info:
        return event_dict
    if exc_info is True:
        exc_info = sys.exc_info()
    if isinstance(exc_info, BaseException):
        error: BaseException | None = exc_info
    elif isinstance(exc_info, tuple):
        error = exc_info[1]
    else:
        error = None
    if error is None:
        return event_dict
    from robot.errors import BillingRobotError  # local: errors must not depend on logging

    event_dict["error_type"] = type(error).__name__
    if isinstance(error, BillingRobotError):
        event_dict["error"] = str(error)
    event_dict["frames"] = [
        f"{Path(frame.filename).name}:{frame.lineno}:{frame.name}"
        for frame in traceback.extract_tb(error.__traceback__)
    ][-8:]
    return event_dict


def redact_event(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """Structlog processor: remove names, emails, free text and secrets from an event."""
    for key in list(event_dict):
        if key == "event":
            event_dict[key] = scrub_text(str(event_dict[key]))
        elif _sensitive_key(key):
            event_dict[key] = REDACTED
        else:
            event_dict[key] = _redact_value(event_dict[key])
    return event_dict


def _shared_processors() -> list[structlog.typing.Processor]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _summarise_exception,
        redact_event,  # last before rendering: nothing added after it escapes redaction
    ]


def _private_file(path: Path) -> None:
    # Create (or tighten) the events file as 0600 before logging opens it, whatever the
    # umask: it lives in a folder holding health information.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


_lock = threading.Lock()
_handlers: list[logging.Handler] = []


def configure_logging(
    run_dir: Path | None,
    *,
    console: bool = True,
    level: int | str = logging.INFO,
    console_level: int | str = logging.WARNING,
) -> Path | None:
    """Send structured logs to ``run_dir/events.jsonl`` and warnings to the console.

    The run folder gets every event from ``level`` up; the console only those from
    ``console_level`` up (warnings), so a person sees the progress bar and what needs
    attention, not a stream of events.

    Safe to call again (tests, a second run in one process): the previous handlers are
    closed first. Returns the events file path, or ``None`` without a run folder.
    """
    with _lock:
        logger = logging.getLogger(_LOGGER_NAME)
        for handler in _handlers:
            logger.removeHandler(handler)
            handler.close()
        _handlers.clear()

        if console:
            stream = logging.StreamHandler(sys.stderr)
            # Colours only for a person at a terminal; CI logs get plain key=value lines.
            stream.setFormatter(
                structlog.stdlib.ProcessorFormatter(
                    processors=[
                        structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                        structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty()),
                    ],
                )
            )
            stream.setLevel(console_level)
            _handlers.append(stream)

        events_path: Path | None = None
        if run_dir is not None:
            events_path = run_dir / EVENTS_FILE
            _private_file(events_path)
            file_handler = logging.FileHandler(events_path, mode="a", encoding="utf-8")
            file_handler.setFormatter(
                structlog.stdlib.ProcessorFormatter(
                    processors=[
                        structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                        structlog.processors.JSONRenderer(default=str),
                    ],
                )
            )
            _handlers.append(file_handler)

        if not _handlers:
            # Without it, logging's last-resort handler would print our events raw.
            _handlers.append(logging.NullHandler())
        for handler in _handlers:
            logger.addHandler(handler)
        logger.setLevel(level)
        # Our events stop here: the root logger (pytest, libraries) must not re-emit them
        # through handlers that know nothing of redaction.
        logger.propagate = False

        structlog.configure(
            processors=[
                *_shared_processors(),
                structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
            ],
            logger_factory=structlog.stdlib.LoggerFactory(),
            wrapper_class=structlog.stdlib.BoundLogger,
            # Loggers made before configuration (module level) must pick up a later one.
            cache_logger_on_first_use=False,
        )
        return events_path


def log_context(**ids: str) -> AbstractContextManager[None]:
    """Within the block, every event this thread logs carries ``ids`` (an item's id).

    An item's work logs from many modules (a retry, a login the app asked for again);
    in a batch of several workers an event without the item's id could not be told
    apart. Ids only: the values pass the same redaction as everything else.
    """
    return structlog.contextvars.bound_contextvars(**ids)


def get_logger(name: str = "robot", **initial: Any) -> structlog.stdlib.BoundLogger:
    """Return a structured logger (``name`` is recorded as ``logger``).

    Before :func:`configure_logging` has run, a console-only default with the same
    redaction is installed, so nothing can log unredacted by being early.
    """
    if not structlog.is_configured():
        configure_logging(None, console=True, level=logging.WARNING)
    logger: structlog.stdlib.BoundLogger = structlog.get_logger(f"{_LOGGER_NAME}.{name}", **initial)
    return logger
