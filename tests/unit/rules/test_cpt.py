import pytest

from robot.rules.cpt import cpt_for_minutes, duration_problems


@pytest.mark.parametrize(
    ("minutes", "code"),
    [
        (0, None),
        (15, None),
        (16, "90832"),
        (37, "90832"),
        (38, "90834"),
        (52, "90834"),
        (53, "90837"),
        (90, "90837"),
    ],
)
def test_cpt_code_follows_the_minute_bands(minutes: int, code: str | None) -> None:
    assert cpt_for_minutes(minutes) == code


@pytest.mark.parametrize(
    ("cpt", "minutes"),
    [("90832", 16), ("90832", 37), ("90834", 38), ("90834", 52), ("90837", 53)],
)
def test_agreeing_sources_have_no_problem(cpt: str, minutes: int) -> None:
    assert (
        duration_problems(
            cpt_code=cpt, note_minutes=minutes, clock_minutes=minutes, platform_minutes=minutes
        )
        == []
    )


@pytest.mark.parametrize(("cpt", "minutes"), [("90834", 37), ("90837", 52), ("90832", 38)])
def test_code_one_minute_off_its_band_is_named(cpt: str, minutes: int) -> None:
    problems = duration_problems(cpt_code=cpt, note_minutes=minutes, clock_minutes=minutes)
    assert problems == [
        f"CPT code {cpt} does not match {minutes} minutes (that is {cpt_for_minutes(minutes)})"
    ]


def test_fifteen_minutes_is_not_billable() -> None:
    problems = duration_problems(cpt_code="90832", note_minutes=15, clock_minutes=15)
    assert problems == ["15 minutes is under the 16-minute minimum: not billable"]


def test_each_disagreeing_length_is_named() -> None:
    problems = duration_problems(
        cpt_code="90837", note_minutes=53, clock_minutes=50, platform_minutes=45
    )
    assert problems == [
        "the note's start to end is 50 minutes but the note's duration is 53 minutes",
        "the Ruh Platform's billed duration is 45 minutes but the note's duration is 53 minutes",
    ]


def test_platform_minutes_are_optional() -> None:
    assert duration_problems(cpt_code="90837", note_minutes=53, clock_minutes=53) == []


def test_clock_minutes_stand_in_when_the_note_gives_no_duration() -> None:
    problems = duration_problems(
        cpt_code="90834", note_minutes=None, clock_minutes=53, platform_minutes=53
    )
    assert problems == ["CPT code 90834 does not match 53 minutes (that is 90837)"]


def test_nothing_known_means_nothing_to_compare() -> None:
    assert duration_problems(cpt_code=None, note_minutes=None, clock_minutes=None) == []
