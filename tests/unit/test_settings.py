"""Settings: environment, .env file, nested site names, secrets, start-up errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from robot.errors import ConfigError
from robot.settings import (
    SITE_NAMES,
    Settings,
    SiteSettings,
    env_var_name,
    load_settings,
    settings_env_lines,
)

SECRET = "s3cret-Pa55"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No BILLING_ROBOT_* from the outer environment, and no stray .env in the cwd."""
    for name in list(os.environ):
        if name.startswith("BILLING_ROBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def set_site_env(monkeypatch: pytest.MonkeyPatch, site: str, url: str) -> None:
    monkeypatch.setenv(env_var_name(site, "base_url"), url)
    monkeypatch.setenv(env_var_name(site, "username"), f"robot@{site}.test")
    monkeypatch.setenv(env_var_name(site, "password"), SECRET)


def test_env_var_names_use_prefix_and_double_underscore() -> None:
    assert env_var_name("headway", "base_url") == "BILLING_ROBOT_HEADWAY__BASE_URL"
    assert env_var_name("workers") == "BILLING_ROBOT_WORKERS"


def test_defaults_need_no_configuration() -> None:
    settings = load_settings()
    assert settings.workers == 1
    assert settings.practice_timezone == "America/New_York"
    assert settings.dry_run is False
    assert settings.headless is True
    assert settings.headway is None
    assert settings.action_timeout_ms > 0
    assert settings.navigation_timeout_ms > 0


def test_nested_site_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    set_site_env(monkeypatch, "headway", "http://127.0.0.1:5001/")
    monkeypatch.setenv("BILLING_ROBOT_WORKERS", "4")
    settings = load_settings()
    assert settings.headway is not None
    assert settings.headway.base_url == "http://127.0.0.1:5001"  # trailing slash dropped
    assert settings.headway.username == "robot@headway.test"
    assert settings.headway.password.get_secret_value() == SECRET
    assert settings.workers == 4


def test_settings_come_from_a_dotenv_file(clean_env: Path) -> None:
    (clean_env / ".env").write_text(
        "BILLING_ROBOT_RUH_PLATFORM__BASE_URL=http://localhost:5003\n"
        "BILLING_ROBOT_RUH_PLATFORM__USERNAME=ops\n"
        f"BILLING_ROBOT_RUH_PLATFORM__PASSWORD={SECRET}\n"
        "BILLING_ROBOT_DRY_RUN=true\n"
    )
    settings = load_settings()
    assert settings.ruh_platform is not None
    assert settings.ruh_platform.url("/clients") == "http://localhost:5003/clients"
    assert settings.dry_run is True


def test_environment_beats_dotenv_and_overrides_beat_both(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (clean_env / ".env").write_text("BILLING_ROBOT_WORKERS=2\n")
    monkeypatch.setenv("BILLING_ROBOT_WORKERS", "3")
    assert load_settings().workers == 3
    assert load_settings(workers=5).workers == 5


def test_none_override_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BILLING_ROBOT_WORKERS", "3")
    assert load_settings(workers=None).workers == 3


def test_explicit_env_file_path(tmp_path: Path) -> None:
    env_file = tmp_path / "custom.env"
    env_file.write_text("BILLING_ROBOT_HEADLESS=false\n")
    assert load_settings(env_file=env_file).headless is False


def test_bad_worker_count_names_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BILLING_ROBOT_WORKERS", "99")
    with pytest.raises(ConfigError, match="BILLING_ROBOT_WORKERS"):
        load_settings()


def test_bad_site_url_names_the_nested_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    set_site_env(monkeypatch, "intercom", "not a url")
    with pytest.raises(ConfigError, match="BILLING_ROBOT_INTERCOM__BASE_URL"):
        load_settings()


def test_half_configured_site_names_the_missing_field(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BILLING_ROBOT_HEADWAY__BASE_URL", "http://127.0.0.1:5001")
    monkeypatch.setenv("BILLING_ROBOT_HEADWAY__PASSWORD", SECRET)
    with pytest.raises(ConfigError, match="BILLING_ROBOT_HEADWAY__USERNAME") as caught:
        load_settings()
    assert SECRET not in str(caught.value)


def test_unknown_time_zone_names_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BILLING_ROBOT_PRACTICE_TIMEZONE", "Mars/Olympus")
    with pytest.raises(ConfigError, match="BILLING_ROBOT_PRACTICE_TIMEZONE"):
        load_settings()


def test_max_wait_below_initial_wait_names_the_setting() -> None:
    with pytest.raises(ConfigError, match="BILLING_ROBOT_RETRY_MAX_WAIT_S"):
        load_settings(retry_initial_wait_s=5, retry_max_wait_s=1)


def test_secret_never_appears_in_repr_str_or_json(monkeypatch: pytest.MonkeyPatch) -> None:
    set_site_env(monkeypatch, "headway", "http://127.0.0.1:5001")
    settings = load_settings()
    for text in (repr(settings), str(settings), settings.model_dump_json(), repr(settings.headway)):
        assert SECRET not in text


def test_require_sites_names_every_missing_site(monkeypatch: pytest.MonkeyPatch) -> None:
    set_site_env(monkeypatch, "headway", "http://127.0.0.1:5001")
    settings = load_settings()
    settings.require_sites("headway")
    with pytest.raises(ConfigError) as caught:
        settings.require_sites()
    message = str(caught.value)
    assert "BILLING_ROBOT_INTERCOM__BASE_URL" in message
    assert "BILLING_ROBOT_PROGRAMS_SHEET__PASSWORD" in message
    assert "BILLING_ROBOT_HEADWAY__" not in message


def test_site_returns_settings_or_names_what_to_set(monkeypatch: pytest.MonkeyPatch) -> None:
    set_site_env(monkeypatch, "headway", "http://127.0.0.1:5001")
    settings = load_settings()
    assert settings.site("headway").username == "robot@headway.test"
    with pytest.raises(ConfigError, match="BILLING_ROBOT_INTERCOM__USERNAME"):
        settings.site("intercom")


def test_env_lines_round_trip_through_a_dotenv_file(clean_env: Path) -> None:
    logins = {
        name: {
            "base_url": f"http://127.0.0.1:{5000 + index}",
            "username": f"{name}@practice.test",
            "password": 'pa ss "quoted" #hash',
        }
        for index, name in enumerate(SITE_NAMES)
    }
    lines = settings_env_lines(logins, extra=[("headless", "false")])
    assert "BILLING_ROBOT_HEADWAY__BASE_URL=http://127.0.0.1:5001" in lines
    (clean_env / ".env").write_text("\n".join(lines) + "\n")
    settings = load_settings()
    settings.require_sites()
    assert settings.headless is False
    assert settings.site("programs_sheet").password.get_secret_value() == 'pa ss "quoted" #hash'


def test_env_lines_accept_site_settings_objects() -> None:
    site = SiteSettings(base_url="http://h:1", username="u", password=SECRET)  # type: ignore[arg-type]
    assert settings_env_lines({"headway": site})[-1] == f"BILLING_ROBOT_HEADWAY__PASSWORD={SECRET}"


def test_env_lines_reject_unknown_sites() -> None:
    with pytest.raises(ValueError, match="unknown site"):
        settings_env_lines({"gmail": {"base_url": "x", "username": "u", "password": "p"}})


def test_settings_are_immutable() -> None:
    settings = Settings()
    with pytest.raises(ValueError, match="frozen"):
        settings.workers = 3  # type: ignore[misc]
