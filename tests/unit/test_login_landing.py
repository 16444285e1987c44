"""After a login the app sends the browser on to the page that asked for it; the robot
takes that page's answer instead of loading it a second time (a document per app)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flows.sites.base import _answers, _is_a_page_load

START = "http://127.0.0.1:8001/"


@dataclass
class FakeFrame:
    parent_frame: Any = None


@dataclass
class FakeRequest:
    url: str
    redirected_from: FakeRequest | None = None
    navigation: bool = True
    frame: FakeFrame = field(default_factory=FakeFrame)

    def is_navigation_request(self) -> bool:
        return self.navigation


@dataclass
class FakeResponse:
    request: FakeRequest
    status: int = 200


def _landing(*urls: str) -> Any:
    """The response at the end of a chain of requests for ``urls``, redirect by redirect."""
    request = None
    for url in urls:
        request = FakeRequest(url, redirected_from=request)
    assert request is not None
    return FakeResponse(request)


def test_the_start_page_it_was_sent_on_to_is_its_answer() -> None:
    login = "http://127.0.0.1:8001/login"
    assert _answers(_landing(login, START), START)
    # "/" sends the browser on to the app's home: still the answer a fresh load gives.
    assert _answers(_landing(login, START, "http://127.0.0.1:8001/clients"), START)


def test_a_login_that_lands_elsewhere_is_not_taken_for_the_page() -> None:
    login = "http://127.0.0.1:8001/login"
    assert not _answers(_landing(login, "http://127.0.0.1:8001/welcome"), START)
    assert not _answers(_landing(login), START)


def test_only_the_tabs_own_documents_count_as_a_landing() -> None:
    assert _is_a_page_load(_landing(START))
    assert not _is_a_page_load(FakeResponse(FakeRequest(START), status=302))
    assert not _is_a_page_load(FakeResponse(FakeRequest(START, navigation=False)))
    framed = FakeRequest(START, frame=FakeFrame(parent_frame=object()))
    assert not _is_a_page_load(FakeResponse(framed))
