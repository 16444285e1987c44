"""The one retry policy: transient errors and Playwright timeouts, nothing else.

Flows wrap one *unit of work that starts from a known URL* (open the conversation, fill
the Headway form, ...) in :func:`run_with_retry`. Only :class:`~robot.errors.TransientError`
and Playwright's ``TimeoutError`` are retried; a business-rule or credential error passes
straight through on the first attempt, and after the last attempt the original exception
is re-raised (never tenacity's ``RetryError``) so callers see what actually went wrong.
This is the only retry loop in the project: add behaviour here, not a loop elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import tenacity
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from robot.errors import TransientError
from robot.logging import get_logger

if TYPE_CHECKING:
    from robot.settings import Settings

__all__ = ["RETRYABLE", "policy_from_settings", "run_with_retry", "transient_retry"]

T = TypeVar("T")

RETRYABLE: tuple[type[BaseException], ...] = (TransientError, PlaywrightTimeoutError)
"""The exception types worth another attempt. ``BusinessRuleError``, ``AuthError``,
``StopRequested`` and ``ConfigError`` are deliberately absent (and share no base with
these), so they are never retried."""

_log = get_logger("robot.retry")


def _log_retry(operation: str, attempts: int) -> Callable[[tenacity.RetryCallState], None]:
    def before_sleep(state: tenacity.RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome is not None else None
        # The error *type* only: Playwright messages quote locators and page text, which
        # may hold a client's name.
        _log.warning(
            "retrying",
            operation=operation,
            attempt=state.attempt_number,
            max_attempts=attempts,
            error_type=type(error).__name__ if error is not None else None,
            wait_s=round(state.upcoming_sleep, 3),
        )

    return before_sleep


def transient_retry(
    attempts: int,
    initial_wait: float,
    max_wait: float,
    *,
    operation: str = "unit",
) -> tenacity.Retrying:
    """Build the policy: ``attempts`` tries, exponential back-off with jitter.

    The n-th wait is ``min(max_wait, initial_wait * 2**(n-1)) + uniform(0, initial_wait)``;
    with ``initial_wait=0`` there is no waiting at all (tests). ``operation`` names the
    unit of work in the retry log lines.
    """
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    return tenacity.Retrying(
        retry=tenacity.retry_if_exception_type(RETRYABLE),
        stop=tenacity.stop_after_attempt(attempts),
        # Exponential back-off plus random jitter, so that workers hit by the same outage
        # do not all come back at the same instant.
        wait=tenacity.wait_exponential(multiplier=initial_wait, max=max_wait)
        + tenacity.wait_random(0, initial_wait),
        before_sleep=_log_retry(operation, attempts),
        reraise=True,
    )


def policy_from_settings(settings: Settings, *, operation: str = "unit") -> tenacity.Retrying:
    """Build :func:`transient_retry` from ``retry_attempts`` and the back-off settings."""
    return transient_retry(
        settings.retry_attempts,
        settings.retry_initial_wait_s,
        settings.retry_max_wait_s,
        operation=operation,
    )


def run_with_retry(fn: Callable[[], T], policy: tenacity.Retrying) -> T:
    """Call ``fn`` under ``policy`` and return its result, or re-raise its last error.

    The policy is copied per call, so one policy object can be shared by worker threads.
    """
    return policy.copy()(fn)
