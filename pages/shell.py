"""What every page of the four apps shares: the app's own "ready" signals and one commit.

The apps are single-page apps: a click on a link or a button does not load a document;
the app fetches in the background and marks ``main`` ``aria-busy`` until it has drawn the
answer. Page objects therefore wait for the app's signals, never for a page load:

- :func:`wait_until_loaded`: ``main`` is not busy, and the app is not showing an error
  (its "Something went wrong" state, a server error page, a login page); a page that did
  not load raises :class:`~robot.errors.TransientError` naming the page. A tab found
  drawn showing the same landmark, with nothing done to it since (:mod:`pages.touch`),
  is not asked again;
- :func:`submit_and_wait`: the one way a page object commits: click, wait for the answer
  of the commit endpoint, wait for the app to settle, and report what it said (the toast,
  or the error it shows). No answer (5xx, a lost response, a logout) raises
  :class:`~robot.errors.TransientError`: the change may or may not have been applied, and
  the flow must look before trying again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, Response
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from pages.touch import act, found_drawn, still_drawn, touches
from robot.errors import TransientError

# CSS only here: aria-busy is an ARIA *state*, and Playwright's role selectors have no
# filter for it. Every "is it loaded?" question in pages/ goes through this one selector.
NOT_BUSY = '[aria-busy="false"]'

# Headings the apps (and the servers in front of them) show instead of a page.
_ERRORS = "Something went wrong|Service unavailable|Bad gateway|Page not found"
_LOGIN = "Log in to"
_ERROR_HEADING = re.compile(rf"^\s*({_ERRORS})\b")
_LOGIN_HEADING = re.compile(rf"^\s*{_LOGIN}\b")
# Either of them, for the one question asked of a drawn page: a role query is a scan of
# the whole document, and one scan for both instead of one each made that question a
# sixth cheaper (6.4 -> 5.3 ms, timed on the demo practice's own pages).
_NOT_THE_APP_HEADING = re.compile(rf"^\s*({_ERRORS}|{_LOGIN})\b")


def not_busy(locator: Locator) -> Locator:
    """``locator`` once it is not ``aria-busy`` (a list page, a search, the whole app)."""
    return locator.and_(locator.page.locator(NOT_BUSY))


def text_of(locator: Locator) -> str:
    """The text of ``locator`` from the DOM, white space collapsed.

    ``text_content`` reads the document itself, so what is read does not depend on the
    stylesheet having loaded (``inner_text`` follows the layout: hidden by CSS, gone).
    """
    return " ".join((locator.text_content() or "").split())


def texts_of(locator: Locator) -> list[str]:
    """:func:`text_of` for every element ``locator`` matches."""
    return [" ".join(text.split()) for text in locator.all_text_contents()]


def wait_until_loaded(page: Page, *, site: str, screen: str) -> None:
    """Wait until the app has drawn ``screen``; raise TransientError if it could not."""
    _wait_until_drawn(page, None, site=site, screen=screen)


def require(page: Page, landmark: Locator, *, site: str, screen: str) -> None:
    """:func:`wait_until_loaded`, and then the screen's own landmark must be there."""
    _wait_until_drawn(page, landmark, site=site, screen=screen)


def _wait_until_drawn(page: Page, landmark: Locator | None, *, site: str, screen: str) -> None:
    # Found drawn with this landmark, and nothing done to the tab since: nothing to ask.
    if still_drawn(page, landmark):
        return
    if landmark is not None and still_drawn(page, None) and _is_settled(page, landmark, landmark):
        return  # drawn and untouched: the only new question was this screen's landmark
    main = page.get_by_role("main")
    errors = page.get_by_role("heading", name=_ERROR_HEADING)
    login = page.get_by_role("heading", name=_LOGIN_HEADING)
    drawn = not_busy(main).filter(visible=True)
    # Most checks find the app already drawn (a read after a read, or a click whose
    # answer is in): one question to the page answers them. Asked separately (drawn?
    # an error or the login? the landmark?) it took two or three: 366 of the robot's
    # 893 counts over three requests. The document's root is the one element that
    # holds all the others, wherever the app draws them.
    not_the_app = page.get_by_role("heading", name=_NOT_THE_APP_HEADING)
    settled = page.locator(":root").filter(has=drawn).filter(has_not=not_the_app)
    if landmark is not None:
        settled = settled.filter(has=landmark)
    if _is_settled(page, settled, landmark):
        return
    # Otherwise the app is still at work (nearly always): wait for it and ask again.
    try:
        drawn.or_(errors).first.wait_for()
    except PlaywrightTimeoutError as exc:
        raise TransientError(f"{site}: the {screen} did not load (no main region)") from exc
    if _is_settled(page, settled, landmark):
        return
    # It drew something else: say exactly what.
    if errors.count():
        raise TransientError(f"{site}: the {screen} did not load ({text_of(errors.first)})")
    if login.count():
        raise TransientError(f"{site} asked to log in again instead of showing the {screen}")
    if landmark is not None and landmark.count() == 0:
        raise TransientError(f"{site}: the app is not showing the {screen}")
    # Drawn, and busy again by now (the app began another load): that is accepted, and
    # the caller's own waits take it from here.


def _is_settled(page: Page, settled: Locator, landmark: Locator | None) -> bool:
    # Counted from just before the question: a fetch that ends while it is asked (the
    # app may draw its answer after) leaves the tab to be asked again next time.
    since = touches(page)
    if not settled.count():
        return False
    found_drawn(page, landmark, since=since)
    return True


@dataclass(frozen=True)
class CommitAnswer:
    """What the app said to a commit: its toast, or the error it showed."""

    ok: bool
    status: int
    message: str


def latest_toast(page: Page) -> str:
    """The newest toast's text ("Form submitted"), or "" if none is showing."""
    # Every toast's text in one call: one question to the page, not "how many?" and "what
    # does the last one say?", after every commit.
    toasts = texts_of(page.get_by_role("region", name="Notifications").get_by_role("status"))
    return toasts[-1] if toasts else ""


def shown_errors(page: Page) -> str:
    """Every error the app shows right now (alerts), joined."""
    return " ".join(t for t in texts_of(page.get_by_role("alert")) if t)


def submit_and_wait(
    page: Page,
    control: Locator,
    *,
    site: str,
    action: str,
    endpoint: re.Pattern[str],
    method: str = "POST",
) -> CommitAnswer:
    """Click ``control`` (IRREVERSIBLE) and wait for the app to have answered and settled.

    ``endpoint`` matches the path of the commit request (see the ``fixtures`` docstring
    for the mock apps' table), ``action`` names it for messages ("confirm the session").
    """

    def is_commit(response: Response) -> bool:
        path = urlsplit(response.url).path
        return response.request.method == method and endpoint.search(path) is not None

    try:
        with page.expect_response(is_commit) as answered:
            act(control).click()
        response = answered.value
    except PlaywrightTimeoutError as exc:
        raise TransientError(f"{site} did not answer when the robot tried to {action}") from exc
    except PlaywrightError as exc:
        raise TransientError(f"{site}: the request to {action} failed ({exc.message})") from exc
    status = response.status
    if status == 401:
        raise TransientError(f"{site} logged the robot out before it could {action}")
    if status >= 500:
        raise TransientError(
            f"{site} gave no answer to {action} (HTTP {status}): it may or may not have "
            "been applied; look before trying again"
        )
    try:
        not_busy(page.get_by_role("main")).wait_for()
    except PlaywrightTimeoutError as exc:
        raise TransientError(f"{site} did not finish showing the result of {action}") from exc
    if response.ok:
        return CommitAnswer(ok=True, status=status, message=latest_toast(page))
    return CommitAnswer(ok=False, status=status, message=shown_errors(page))
