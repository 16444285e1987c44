"""The floor's replay is held to the robot's end state, clock readings aside."""

from __future__ import annotations

from cli.floor import _from_popup_handler, _placeholder, _timeless
from pages.intercom import popup


def test_clock_readings_are_set_aside_and_nothing_else() -> None:
    robot = {"charges": [{"amount": "0.00", "at": "10:00"}], "created_at": "10:00", "id": "s1"}
    replay = {"charges": [{"amount": "0.00", "at": "10:05"}], "created_at": "10:05", "id": "s1"}
    assert _timeless(robot) == _timeless(replay)
    # A second charge, or a different amount, is a different end state.
    assert _timeless(robot) != _timeless({**replay, "charges": replay["charges"] * 2})
    assert _timeless(robot) != _timeless({**replay, "id": "s2"})


def test_a_login_value_is_recorded_as_its_placeholder() -> None:
    secrets = {"hunter2": "{password:headway}"}
    assert _placeholder("hunter2", secrets) == "{password:headway}"
    assert _placeholder("F41.1", secrets) == "F41.1"
    assert _placeholder(3, secrets) == 3


def test_a_popup_handlers_clicks_are_told_from_the_flows() -> None:
    """The replay has the same handlers: a recorded "Dismiss" would come too late."""
    assert not _from_popup_handler()
    # Code running in the handlers' module, as Playwright runs them inside a blocked click.
    scope = {"ask": _from_popup_handler}
    exec(compile("answer = ask()", popup.__file__, "exec"), scope)
    assert scope["answer"] is True
