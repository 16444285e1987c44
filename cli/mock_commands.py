"""``billing-robot mock-sites``: serve the mock practice until Ctrl-C."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.errors import fail, one_line_errors
from robot.exit_codes import ExitCode


def mock_sites(
    scenario: Annotated[str, typer.Option(help="Scenario: demo, small or generated:N.")] = "demo",
    env_file: Annotated[
        Path | None, typer.Option(help="Also write the settings lines to this file.")
    ] = None,
    port: Annotated[int, typer.Option(help="First port (0: any free ports).")] = 0,
    latency: Annotated[
        str | None,
        typer.Option(
            help="How long each load and save takes: 'fast' (the scenario's own, a few ms), "
            "'real' (200-3000 ms, as the real apps) or 'MIN-MAX' in ms. Default: "
            "MOCK_LATENCY from the environment, else 'fast'."
        ),
    ] = None,
) -> None:
    """Serve the mock practice until Ctrl-C; print its URLs, logins and settings lines."""
    import threading

    from cli.mock_sites import mock_site_overrides
    from fixtures.scenario import SITE_NAMES
    from fixtures.server import MockSites
    from fixtures.world import parse_latency
    from robot.settings import settings_env_lines

    ports = {site: port + offset for offset, site in enumerate(SITE_NAMES)} if port else None
    if latency is not None:
        try:
            parse_latency(latency, given_as="--latency")
        except ValueError as error:
            raise fail(str(error), ExitCode.SETTINGS) from error
    with one_line_errors(), MockSites.start(scenario, ports=ports, latency=latency) as sites:
        low, high = sites.world.latency_ranges["intercom"]
        typer.echo(f"serving scenario {scenario!r} (each answer takes {low}-{high} ms):")
        for name, url in sites.urls.items():
            login = sites.logins[name]
            typer.echo(f"  {name:15} {url}  (login {login.email} / {login.password})")
        lines = settings_env_lines(mock_site_overrides(sites))
        typer.echo("\nsettings for the robot:\n" + "\n".join(lines))
        if env_file is not None:
            env_file.write_text("\n".join(lines) + "\n", "utf-8")
            env_file.chmod(0o600)
            typer.echo(f"written to {env_file}")
        typer.echo("Ctrl-C to stop.")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            typer.echo("stopped")
