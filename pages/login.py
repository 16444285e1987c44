"""The login page every app shows (and redirects to when a session expires)."""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Page


@dataclass(frozen=True)
class LoginResult:
    """What the app said after the login form was submitted."""

    ok: bool
    message: str = ""


class LoginPage:
    """``/login`` of any mock or real app: email, password, "Log in"."""

    def __init__(self, page: Page, base_url: str) -> None:
        """Bind to ``page``; ``base_url`` is the app's origin."""
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.email = page.get_by_label("Email")
        self.password = page.get_by_label("Password")
        self.submit = page.get_by_role("button", name="Log in")
        self.error = page.get_by_role("alert")

    def is_showing(self) -> bool:
        """True when the browser is on this app's login page."""
        return self.page.url.startswith(f"{self.base_url}/login")

    def open(self) -> LoginPage:
        """Go to the login page."""
        self.page.goto(f"{self.base_url}/login")
        return self

    def log_in(self, email: str, password: str) -> LoginResult:
        """Fill and submit the form; report whether the app let us in."""
        self.email.fill(email)
        self.password.fill(password)
        # The form posts and the browser loads the answer: the page asked for (logged in),
        # or the login page again with an error. Waiting for that navigation covers both.
        with self.page.expect_navigation():
            self.submit.click()
        if self.is_showing():
            return LoginResult(ok=False, message=self.error.inner_text())
        return LoginResult(ok=True)
