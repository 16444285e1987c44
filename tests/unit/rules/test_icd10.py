import subprocess
import sys

import pytest

from robot.rules.icd10 import (
    Icd10Status,
    diagnosis_problem,
    find_icd10_codes,
    icd10_status,
    is_billable_icd10,
    normalise_icd10,
)


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("F41.1", "F41.1"),
        ("f41.1", "F41.1"),
        ("f411", "F41.1"),
        (" F41.1 ", "F41.1"),
        ("F 41 1", "F41.1"),
        ("F41", "F41"),
        ("s060x0a", "S06.0X0A"),
        ("Z3A.20", "Z3A.20"),
        ("anxiety", None),
        ("41.1", None),
        ("F41.12345", None),
        ("", None),
    ],
)
def test_normalise_fixes_case_spaces_and_the_dot(written: str, normal: str | None) -> None:
    assert normalise_icd10(written) == normal


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("F41.1 (Generalized anxiety disorder)", ["F41.1"]),
        ("Generalized anxiety disorder - f411", ["F41.1"]),
        ("F41.1, F33.1", ["F41.1", "F33.1"]),
        ("F41.1 / F41.1", ["F41.1"]),
        ("generalized anxiety", []),
    ],
)
def test_codes_are_found_inside_text(text: str, codes: list[str]) -> None:
    assert find_icd10_codes(text) == codes


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("F41.1", Icd10Status.BILLABLE),
        ("f411", Icd10Status.BILLABLE),
        ("F43.81", Icd10Status.BILLABLE),
        ("F99", Icd10Status.BILLABLE),
        ("S06.0X0A", Icd10Status.BILLABLE),
        ("F41", Icd10Status.HEADING),
        # F43.8 was billable until its children F43.81/F43.89 replaced it.
        ("F43.8", Icd10Status.HEADING),
        ("F41.5", Icd10Status.UNKNOWN),
        ("Z99.999", Icd10Status.UNKNOWN),
        ("F40-F48", Icd10Status.UNKNOWN),
        ("5", Icd10Status.UNKNOWN),
        ("anxiety", Icd10Status.UNKNOWN),
    ],
)
def test_status_against_the_code_set(code: str, status: Icd10Status) -> None:
    assert icd10_status(code) is status
    assert is_billable_icd10(code) is (status is Icd10Status.BILLABLE)


def test_billable_code_has_no_problem() -> None:
    assert diagnosis_problem("F41.1") is None


def test_heading_problem_names_the_code() -> None:
    assert diagnosis_problem("f41") == (
        "diagnosis code F41 is a heading, not a billable code; a more specific code is needed"
    )


def test_unknown_code_problem_names_the_code() -> None:
    assert diagnosis_problem("F41.5") == "diagnosis code F41.5 is not in the ICD-10-CM code set"


def test_importing_the_rules_does_not_load_the_code_set() -> None:
    code = (
        "import sys, robot.rules.icd10, robot.rules.plan; "
        "assert 'simple_icd_10_cm' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
