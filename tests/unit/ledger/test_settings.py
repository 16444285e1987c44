"""The ledger's settings: which backend, where, and a password that never shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from robot.errors import ConfigError
from robot.ledger import LedgerError, PostgresLedger, SqliteLedger, ledger_location, open_ledger
from robot.ledger.location import display_url, embedded_password
from robot.settings import load_settings
from tests.support.postgres import PostgresServer

URL = "postgresql://robot@db.example:5432/billing"


@pytest.fixture(autouse=True)
def no_robot_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("LEDGER_URL", "LEDGER_PASSWORD", "LEDGER_PATH", "LEASE_SECONDS"):
        monkeypatch.delenv(f"BILLING_ROBOT_{name}", raising=False)


def test_defaults_are_an_embedded_ledger_and_a_two_minute_lease() -> None:
    settings = load_settings(env_file=None)
    assert (settings.ledger_url, settings.ledger_password) == (None, None)
    assert settings.lease_seconds == 120
    assert ledger_location(settings) == "ledger.sqlite3"


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://robot:s3cret-pw@db.example:5432/billing",
        "postgresql://robot@db.example/billing?sslmode=require&password=s3cret-pw",
    ],
)
def test_a_password_in_the_url_is_refused_without_showing_it(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BILLING_ROBOT_LEDGER_URL", url)
    with pytest.raises(ConfigError) as info:
        load_settings(env_file=None)
    message = str(info.value)
    assert "BILLING_ROBOT_LEDGER_URL" in message
    assert "set BILLING_ROBOT_LEDGER_PASSWORD" in message
    assert "s3cret-pw" not in message


def test_only_postgresql_urls_are_ledger_urls() -> None:
    with pytest.raises(ConfigError, match="postgresql://"):
        load_settings(env_file=None, ledger_url="mysql://robot@db/billing")


def test_the_password_comes_from_its_own_variable_and_never_shows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BILLING_ROBOT_LEDGER_URL", URL)
    monkeypatch.setenv("BILLING_ROBOT_LEDGER_PASSWORD", "s3cret-pw")
    monkeypatch.setenv("BILLING_ROBOT_LEASE_SECONDS", "45")
    settings = load_settings(env_file=None)
    assert settings.ledger_password is not None
    assert settings.ledger_password.get_secret_value() == "s3cret-pw"
    assert settings.lease_seconds == 45
    assert "s3cret-pw" not in repr(settings)
    assert ledger_location(settings) == URL


def test_display_url_drops_any_password() -> None:
    assert display_url("postgresql://robot:pw@db:5432/billing") == URL.replace("db.example", "db")
    assert display_url("postgresql://robot@db/b?password=pw&sslmode=require") == (
        "postgresql://robot@db/b?sslmode=require"
    )
    assert embedded_password("postgresql://robot:pw@db/b")
    assert embedded_password("postgresql://robot@db/b?password=pw")
    assert not embedded_password(URL)


def test_a_backend_given_a_url_with_a_password_refuses_it() -> None:
    with pytest.raises(LedgerError, match="BILLING_ROBOT_LEDGER_PASSWORD") as info:
        PostgresLedger("postgresql://robot:s3cret-pw@127.0.0.1:1/billing")
    assert "s3cret-pw" not in str(info.value)


def test_open_ledger_picks_sqlite_without_a_url(tmp_path: Path) -> None:
    settings = load_settings(env_file=None, ledger_path=tmp_path / "l.sqlite3", dry_run=True)
    ledger = open_ledger(settings, "run-x")
    try:
        assert isinstance(ledger, SqliteLedger)
        assert (ledger.path, ledger.dry_run, ledger.run_id) == (settings.ledger_path, True, "run-x")
        assert ledger.lease.total_seconds() == 120
    finally:
        ledger.close()


def test_open_ledger_picks_postgres_with_a_url(postgres_server: PostgresServer) -> None:
    settings = load_settings(
        env_file=None,
        ledger_url=postgres_server.url(postgres_server.new_schema()),
        ledger_password=postgres_server.robot_password,
        max_item_attempts=5,
        lease_seconds=30,
    )
    ledger = open_ledger(settings, "run-x")
    try:
        assert isinstance(ledger, PostgresLedger)
        assert (ledger.max_attempts, ledger.lease.total_seconds()) == (5, 30)
        assert ledger.location == ledger_location(settings)
        assert postgres_server.robot_password not in repr(ledger)
    finally:
        ledger.close()
