"""Headway's Patients list decides whom a client is billed under (no browser).

Procedure step 3.2: "select the therapist the client is covered with". The provider
Headway lists must be the note's therapist; anything else is a review, never a guess.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from flows.standard_billing.facts import headway_coverage_problem
from pages.headway import PatientRow

EMAIL = "maya.thompson@example.com"


BASE = PatientRow(
    name="Maya Thompson",
    email=EMAIL,
    provider="Sana Qureshi, LCSW",
    insurer="Aetna",
    insurance_verified=True,
    payment_on_file=True,
)


def _row(provider: str = "Sana Qureshi, LCSW", **overrides: Any) -> PatientRow:
    return replace(BASE, provider=provider, **overrides)


@pytest.mark.parametrize(
    "therapist", ["Sana Qureshi, LCSW", "Sana Qureshi", "  sana qureshi , lcsw", "SANA QURESHI"]
)
def test_the_note_s_therapist_listed_by_headway_is_billable(therapist: str) -> None:
    assert headway_coverage_problem([_row()], EMAIL, therapist) is None


def test_the_email_is_matched_whatever_its_case() -> None:
    assert headway_coverage_problem([_row()], EMAIL.upper(), "Sana Qureshi") is None


def test_another_provider_is_a_review_that_names_both() -> None:
    problem = headway_coverage_problem([_row("Priya Raman, LPC")], EMAIL, "Sana Qureshi, LCSW")
    assert problem == (
        "Headway lists the client with another provider (Priya Raman, LPC), "
        "not the session's therapist (Sana Qureshi, LCSW)"
    )


def test_a_client_headway_lists_with_no_provider_is_a_review() -> None:
    problem = headway_coverage_problem([_row("Unassigned")], EMAIL, "Sana Qureshi, LCSW")
    assert problem is not None
    assert problem.startswith("Headway lists the client with another provider (Unassigned)")
    blank = headway_coverage_problem([_row("")], EMAIL, "Sana Qureshi, LCSW")
    assert blank is not None
    assert "another provider (none)" in blank


def test_a_note_naming_no_therapist_is_left_to_the_note_s_own_checks() -> None:
    assert headway_coverage_problem([_row("Priya Raman, LPC")], EMAIL, "") is None


def test_only_the_client_s_own_row_counts() -> None:
    other = _row("Sana Qureshi, LCSW", email="someone.else@example.com")
    mine = _row("Priya Raman, LPC")
    problem = headway_coverage_problem([other, mine], EMAIL, "Sana Qureshi")
    assert problem is not None
    assert "another provider (Priya Raman, LPC)" in problem


def test_a_client_headway_does_not_list_is_a_review() -> None:
    problem = headway_coverage_problem([_row(email="x@example.com")], EMAIL, "Sana Qureshi")
    assert problem == "the client is not among Headway's patients"


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"insurance_verified": False}, "Headway has no verified insurance on file for the client"),
        ({"payment_on_file": False}, "Headway has no payment method on file for the client"),
    ],
)
def test_insurance_and_payment_on_file_are_still_required(
    overrides: dict[str, Any], expected: str
) -> None:
    assert headway_coverage_problem([_row(**overrides)], EMAIL, "Sana Qureshi") == expected
