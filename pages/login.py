"""The login page every app shows (and sends a browser to when its session has expired).

Logging in is a plain form post, as single sign-on pages are; the app it lands on is the
single-page app (see :mod:`pages.shell`).
"""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Page

from pages.shell import text_of
from pages.touch import act


@dataclass(frozen=True)
class LoginResult:
    """What the app said after the login form was submitted."""

    ok: bool
    message: str = ""


class LoginPage:
    """``/login`` of any app: email, password, "Log in"."""

    def __init__(self, page: Page, base_url: str) -> None:
        """Bind to ``page``; ``base_url`` is the app's origin."""
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.email = page.get_by_label("Email")
        self.password = page.get_by_label("Password")
        self.submit = page.get_by_role("button", name="Log in")
        self.error = page.get_by_role("alert")
        # Every page of a logged-in app has the account menu's "Log out".
        self.logged_in = page.get_by_role("button", name="Log out", exact=True)

    def is_showing(self) -> bool:
        """True when the browser is on this app's login page."""
        return self.page.url.startswith(f"{self.base_url}/login")

    def open(self) -> LoginPage:
        """Go to the login page."""
        act(self.page).goto(f"{self.base_url}/login")
        return self

    def log_in(self, email: str, password: str) -> LoginResult:
        """Fill and submit the form; report whether the app let us in."""
        act(self.email).fill(email)
        act(self.password).fill(password)
        act(self.submit).click()
        # The answer is the app (logged in) or the login page again with its error.
        self.logged_in.or_(self.error).first.wait_for()
        if self.logged_in.count():
            return LoginResult(ok=True)
        return LoginResult(ok=False, message=text_of(self.error.first))
