"""Pointing the robot at running mock sites (the demo, ``mock-sites``, tests, the bench)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fixtures.server import MockSites


def mock_site_overrides(sites: MockSites) -> dict[str, Any]:
    """Settings overrides (each site's base URL and demo login) for running mock sites."""
    return {
        name: {
            "base_url": url,
            "username": sites.logins[name].email,
            "password": sites.logins[name].password,
        }
        for name, url in sites.urls.items()
    }
