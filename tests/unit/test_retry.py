"""The one retry policy: what it retries, what it never retries, what it logs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from robot.errors import AuthError, BusinessRuleError, StopRequested, TransientError
from robot.logging import EVENTS_FILE, configure_logging
from robot.retry import policy_from_settings, run_with_retry, transient_retry
from robot.settings import Settings


def no_wait(attempts: int = 3) -> object:
    return transient_retry(attempts, initial_wait=0, max_wait=0, operation="unit-test")


class Flaky:
    """Raises ``error`` on the first ``failures`` calls, then returns "ok"."""

    def __init__(self, error: BaseException, failures: int) -> None:
        self.error = error
        self.failures = failures
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return "ok"


@pytest.fixture
def events(tmp_path: Path) -> Iterator[Path]:
    configure_logging(tmp_path, console=False)
    yield tmp_path / EVENTS_FILE
    configure_logging(None, console=False)


def test_transient_error_is_retried_until_success() -> None:
    flaky = Flaky(TransientError("conv-1001: toast not shown"), failures=2)
    assert run_with_retry(flaky, no_wait(3)) == "ok"  # type: ignore[arg-type]
    assert flaky.calls == 3


def test_playwright_timeout_is_retried() -> None:
    flaky = Flaky(PlaywrightTimeoutError("Timeout 10000ms exceeded"), failures=1)
    assert run_with_retry(flaky, no_wait(3)) == "ok"  # type: ignore[arg-type]
    assert flaky.calls == 2


@pytest.mark.parametrize(
    "error",
    [
        BusinessRuleError("duration mismatch"),
        AuthError("headway rejected the login"),
        StopRequested("operator"),
        ValueError("a bug"),
    ],
    ids=["business", "auth", "stop", "bug"],
)
def test_other_errors_are_never_retried(error: Exception) -> None:
    flaky = Flaky(error, failures=5)
    with pytest.raises(type(error)):
        run_with_retry(flaky, no_wait(5))  # type: ignore[arg-type]
    assert flaky.calls == 1


def test_last_attempt_reraises_the_original_error() -> None:
    original = TransientError("still flaky")
    flaky = Flaky(original, failures=10)
    with pytest.raises(TransientError) as caught:
        run_with_retry(flaky, no_wait(4))  # type: ignore[arg-type]
    assert caught.value is original
    assert flaky.calls == 4


def test_one_attempt_means_no_retry() -> None:
    flaky = Flaky(TransientError("x"), failures=1)
    with pytest.raises(TransientError):
        run_with_retry(flaky, no_wait(1))  # type: ignore[arg-type]
    assert flaky.calls == 1


def test_zero_attempts_is_refused() -> None:
    with pytest.raises(ValueError, match="attempts"):
        transient_retry(0, 0, 0)


def test_policy_from_settings_uses_the_attempt_count() -> None:
    settings = Settings(retry_attempts=2, retry_initial_wait_s=0, retry_max_wait_s=0)
    flaky = Flaky(TransientError("x"), failures=5)
    with pytest.raises(TransientError):
        run_with_retry(flaky, policy_from_settings(settings))
    assert flaky.calls == 2


def test_one_policy_serves_many_calls() -> None:
    policy = no_wait(2)
    for _ in range(3):
        flaky = Flaky(TransientError("x"), failures=1)
        assert run_with_retry(flaky, policy) == "ok"  # type: ignore[arg-type]
        assert flaky.calls == 2


def test_each_retry_is_logged_with_attempt_and_error_type_only(events: Path) -> None:
    flaky = Flaky(PlaywrightTimeoutError('waiting for get_by_text("Jane Doe jane@x.com")'), 2)
    run_with_retry(flaky, no_wait(3))  # type: ignore[arg-type]
    lines = [json.loads(line) for line in events.read_text().splitlines()]
    retries = [line for line in lines if line["event"] == "retrying"]
    assert [line["attempt"] for line in retries] == [1, 2]
    assert {line["error_type"] for line in retries} == {"TimeoutError"}
    assert retries[0]["operation"] == "unit-test"
    text = events.read_text()
    assert "Jane" not in text
    assert "jane@x.com" not in text
