import pytest

from robot.rules.states import STATES, state_name


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("California", "California"),
        ("california", "California"),
        ("CA", "California"),
        ("ca", "California"),
        ("new  york", "New York"),
        ("NY", "New York"),
        ("N.Y.", "New York"),
        ("Washington, D.C.", "District of Columbia"),
        ("DC", "District of Columbia"),
        ("TX (Texas)", "Texas"),
        ("Texas - TX", "Texas"),
        ("CA (Texas)", None),
        ("Cali", None),
        ("ZZ", None),
        ("", None),
    ],
)
def test_state_name_reads_names_and_codes(written: str, name: str | None) -> None:
    assert state_name(written) == name


def test_every_code_and_name_reads_back() -> None:
    for code, name in STATES.items():
        assert state_name(code) == name
        assert state_name(name.upper()) == name
