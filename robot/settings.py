"""The robot's configuration: environment variables and a ``.env`` file, checked at start-up.

Every setting is an environment variable with the prefix ``BILLING_ROBOT_``; a site's
fields are nested with ``__``, e.g. ``BILLING_ROBOT_HEADWAY__BASE_URL``. Build settings
with :func:`load_settings`, which turns pydantic's validation error into a
:class:`~robot.errors.ConfigError` whose message names the variable to fix.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Final, Literal, get_args
from urllib.parse import parse_qs, quote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from robot.browser_options import ACTION_TIMEOUT_MS, NAVIGATION_TIMEOUT_MS
from robot.errors import ConfigError

__all__ = [
    "DEFAULT_ROUTES",
    "ENV_PREFIX",
    "SITE_NAMES",
    "Settings",
    "SiteName",
    "SiteSettings",
    "env_var_name",
    "load_settings",
    "settings_env_lines",
]

ENV_PREFIX: Final = "BILLING_ROBOT_"
"""Prefix of every environment variable the robot reads."""

_NESTED_DELIMITER: Final = "__"

SiteName = Literal["intercom", "headway", "ruh_platform", "programs_sheet"]
"""The four web apps the procedure uses."""

SITE_NAMES: Final[tuple[SiteName, ...]] = get_args(SiteName)
"""All site names, in the order the procedure visits them."""

DEFAULT_ROUTES: Final[Mapping[SiteName, Mapping[str, str]]] = {
    "intercom": {"conversation": "/a/{workspace}/inbox/conversation/{id}"},
    "headway": {},
    "ruh_platform": {"client": "/clients/{id}"},
    "programs_sheet": {},
}
"""The deep links the apps keep stable, as the real products (and the mocks) lay them out."""

# Keys whose values must never be echoed back in an error message (a refused ledger URL
# may hold the very password it was refused for).
_SECRET_FIELDS: Final = frozenset({"password", "ledger_url", "ledger_password"})


def env_var_name(*loc: str | int) -> str:
    """Return the environment variable for a setting path, e.g. ``("headway", "base_url")``.

    >>> env_var_name("headway", "base_url")
    'BILLING_ROBOT_HEADWAY__BASE_URL'
    """
    return ENV_PREFIX + _NESTED_DELIMITER.join(str(part).upper() for part in loc)


class SiteSettings(BaseModel):
    """Where one web app lives and how the robot logs in to it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    base_url: str
    """The app's origin (``http(s)://host[:port]``), without a trailing slash."""
    username: str = Field(min_length=1)
    """The login name the robot uses."""
    password: SecretStr
    """The password; ``SecretStr`` so it never shows in repr, str or logs."""
    routes: dict[str, str] = Field(default_factory=dict)
    """Deep-link templates for records whose address is stable, e.g. Intercom's
    ``conversation`` (``/a/{workspace}/inbox/conversation/{id}``): one may set them per
    deployment (``BILLING_ROBOT_INTERCOM__ROUTES='{"conversation": "..."}'``); unset ones
    take :data:`DEFAULT_ROUTES`. Everything else is reached through the app's menus."""

    @field_validator("base_url")
    @classmethod
    def _valid_http_url(cls, value: str) -> str:
        # Validate with HttpUrl but keep a plain string: HttpUrl adds a trailing slash,
        # and page objects join paths onto the base URL themselves.
        HttpUrl(value)
        return value.rstrip("/")

    def url(self, path: str = "") -> str:
        """Join ``path`` (``"/calendar"`` or ``"calendar"``) onto the base URL."""
        if not path:
            return self.base_url
        return f"{self.base_url}/{path.lstrip('/')}"

    def route(self, site: SiteName, name: str, **parts: str) -> str:
        """The path of the deep link ``name`` of ``site``, its ``{parts}`` filled in."""
        template = self.routes.get(name) or DEFAULT_ROUTES[site][name]
        return template.format(**{key: quote(value, safe="") for key, value in parts.items()})


class Settings(BaseSettings):
    """Everything the robot can be told from outside; see the module docstring."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter=_NESTED_DELIMITER,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
    )

    # --- the sites (unset is fine for commands that do not browse, e.g. ``plan``) ---
    intercom: SiteSettings | None = None
    """Intercom: billing requests arrive and are closed here."""
    headway: SiteSettings | None = None
    """Headway: where the session is billed."""
    ruh_platform: SiteSettings | None = None
    """The Ruh Platform: appointments, invoices, payments."""
    programs_sheet: SiteSettings | None = None
    """The Programs Sheet: write-offs for sessions too old for Headway."""

    # --- how to run ---
    dry_run: bool = False
    """Rehearse: do everything up to, never including, an irreversible click."""
    supervised: bool = False
    """Ask an operator before every irreversible click."""
    headless: bool = True
    """Run the browser without a window (the batch); supervised runs usually turn it off."""
    workers: int = Field(default=1, ge=1, le=16)
    """Browser contexts working in parallel, each on its own work item."""
    runs_dir: Path = Path("runs")
    """Where each run's audit folder (``<runs_dir>/<run-id>/``) is created."""
    ledger_path: Path = Path("ledger.sqlite3")
    """The SQLite ledger that remembers which steps are done (when no ``ledger_url``)."""
    ledger_url: str | None = None
    """A PostgreSQL ledger shared by several robots, e.g.
    ``postgresql://robot@127.0.0.1:5432/billing``; without a password (see below)."""
    ledger_password: SecretStr | None = None
    """The PostgreSQL ledger's password (``BILLING_ROBOT_LEDGER_PASSWORD``)."""
    lease_seconds: int = Field(default=120, ge=1, le=86_400)
    """How long a claim on an item lasts unless its robot renews it; after that another
    robot may take the item over."""
    browser_executable: Path | None = None
    """A Chromium/Chrome binary to use instead of the discovered one."""
    max_item_attempts: int = Field(default=3, ge=1, le=20)
    """How many runs may claim a *failed* item before it is left for a person."""
    items_per_context: int = Field(default=20, ge=1, le=10_000)
    """A worker moves to a fresh browser context (its logins carried over) after this many
    items, so a long batch does not grow in memory: a context holds every request it made
    until it is closed."""
    max_consecutive_failures: int = Field(default=5, ge=1, le=1000)
    """The circuit breaker: after this many failed items in a row the run stops, since a
    site that fails every item is down, and grinding the rest through retries only
    hammers it."""

    # --- timeouts ---
    action_timeout_ms: int = Field(default=ACTION_TIMEOUT_MS, ge=100)
    """How long a click, fill or wait for an element may take (robot.browser_options)."""
    navigation_timeout_ms: int = Field(default=NAVIGATION_TIMEOUT_MS, ge=100)
    """How long a page load may take (robot.browser_options)."""

    # --- the retry policy (robot.retry) ---
    retry_attempts: int = Field(default=3, ge=1, le=10)
    """Attempts per unit of work for transient errors (1 = no retry)."""
    retry_initial_wait_s: float = Field(default=1.0, ge=0)
    """First back-off wait, doubled after each attempt (0 in tests)."""
    retry_max_wait_s: float = Field(default=30.0, ge=0)
    """Upper bound of a single back-off wait."""

    practice_email: str = "care@ruhcare.example"
    """The practice's own Intercom address, removed from a billing conversation's participants."""
    practice_timezone: str = "America/New_York"
    """The practice's time zone (IANA name): session times in notes are in this zone."""

    @field_validator("retry_max_wait_s")
    @classmethod
    def _max_not_below_initial(cls, value: float, info: ValidationInfo) -> float:
        initial = info.data.get("retry_initial_wait_s")
        if initial is not None and value < initial:
            raise ValueError(f"must be at least retry_initial_wait_s ({initial})")
        return value

    @field_validator("ledger_url")
    @classmethod
    def _postgres_url_without_password(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("postgresql", "postgres"):
            raise ValueError("must be a postgresql:// URL")
        query = parse_qs(parts.query)
        if parts.password is not None or "password" in query:
            # The URL is shown in reports and errors; the password must live apart.
            raise ValueError(
                "must not contain a password: set BILLING_ROBOT_LEDGER_PASSWORD instead"
            )
        return value

    @field_validator("practice_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"not an IANA time zone name: {value!r}") from exc
        return value

    def site(self, name: SiteName) -> SiteSettings:
        """Return one site's settings, or raise :class:`ConfigError` naming what to set."""
        self.require_sites(name)
        site: SiteSettings | None = getattr(self, name)
        assert site is not None  # require_sites just checked it
        return site

    def require_sites(self, *names: SiteName) -> None:
        """Fail with one :class:`ConfigError` naming every missing site (default: all four)."""
        wanted = names or SITE_NAMES
        for name in wanted:
            if name not in SITE_NAMES:
                raise ValueError(f"unknown site {name!r}; expected one of {SITE_NAMES}")
        missing = [name for name in wanted if getattr(self, name) is None]
        if missing:
            needed = ", ".join(
                env_var_name(name, field)
                for name in missing
                for field in ("base_url", "username", "password")
            )
            raise ConfigError(
                f"missing settings for {', '.join(missing)}: set {needed} "
                "(in the environment or .env; `billing-robot mock-sites` prints them "
                "for the mock sites)"
            )


def _describe(error: Mapping[str, Any]) -> str:
    loc = tuple(error.get("loc", ()))
    name = env_var_name(*loc) if loc else ENV_PREFIX + "*"
    message = str(error.get("msg", "invalid value"))
    value = error.get("input")
    shown = ""
    if not _SECRET_FIELDS.intersection(str(part) for part in loc) and isinstance(
        value, str | int | float | bool
    ):
        shown = f" (got {value!r})"
    return f"{name}: {message}{shown}"


def load_settings(**overrides: Any) -> Settings:
    """Build :class:`Settings` from overrides, the environment and a ``.env`` file.

    ``env_file=`` names the dotenv file (default ``.env`` in the working directory;
    ``None`` reads none); every other keyword is a setting (its field name).

    Overrides (e.g. CLI options) win over the environment; an override of ``None`` is
    ignored so a CLI can pass its unset options straight through. A wrong value raises
    :class:`ConfigError` naming each bad variable, e.g.
    ``BILLING_ROBOT_WORKERS: Input should be less than or equal to 16 (got 99)``.
    """
    env_file: str | Path | None = overrides.pop("env_file", ".env")
    given = {key: value for key, value in overrides.items() if value is not None}
    try:
        return Settings(_env_file=env_file, **given)
    except ValidationError as exc:
        lines = [_describe(error) for error in exc.errors(include_url=False)]
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(lines)) from None


_PLAIN_VALUE = re.compile(r"^[A-Za-z0-9_./:@%+=,-]*$")


def _env_value(value: str) -> str:
    if _PLAIN_VALUE.match(value):
        return value
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def settings_env_lines(
    urls_and_logins: Mapping[str, SiteSettings | Mapping[str, str]],
    extra: Iterable[tuple[str, str]] = (),
) -> list[str]:
    """Render ``BILLING_ROBOT_<SITE>__<FIELD>=value`` lines for a ``.env`` file.

    ``urls_and_logins`` maps a site name to its :class:`SiteSettings` or to a mapping with
    ``base_url``, ``username`` and ``password`` (what the mock-sites server knows).
    ``extra`` adds ``(setting, value)`` pairs such as ``("headless", "true")``. The
    password is written in clear: this is the file the operator asked for.
    """
    lines: list[str] = []
    for name, site in urls_and_logins.items():
        if name not in SITE_NAMES:
            raise ValueError(f"unknown site {name!r}; expected one of {SITE_NAMES}")
        if isinstance(site, SiteSettings):
            fields = {
                "base_url": site.base_url,
                "username": site.username,
                "password": site.password.get_secret_value(),
            }
        else:
            fields = {key: str(site[key]) for key in ("base_url", "username", "password")}
        lines.extend(f"{env_var_name(name, key)}={_env_value(val)}" for key, val in fields.items())
    lines.extend(f"{env_var_name(key)}={_env_value(val)}" for key, val in extra)
    return lines
