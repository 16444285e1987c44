"""CPT codes for psychotherapy, chosen by face-to-face minutes.

A session under 16 minutes cannot be billed at all; from there the code follows the
time bands 16-37 (90832), 38-52 (90834) and 53 or more (90837). Before anything is
billed, every source of the session's length must tell the same story: the note's
duration, its end minus start, the Ruh Platform's billed minutes and the note's code.
"""

from __future__ import annotations

MIN_BILLABLE_MINUTES = 16

# Lowest minute count of each band, highest first.
_BANDS: tuple[tuple[int, str], ...] = ((53, "90837"), (38, "90834"), (16, "90832"))


def cpt_for_minutes(minutes: int) -> str | None:
    """Return the psychotherapy CPT code for ``minutes`` face to face, or None under 16."""
    for lowest, code in _BANDS:
        if minutes >= lowest:
            return code
    return None


def duration_problems(
    *,
    cpt_code: str | None,
    note_minutes: int | None,
    clock_minutes: int | None,
    platform_minutes: int | None = None,
) -> list[str]:
    """Name every disagreement between the session's CPT code and its lengths.

    ``note_minutes`` is the note's "Duration", ``clock_minutes`` its end minus start and
    ``platform_minutes`` the Ruh Platform's billed duration; any may be None (unknown),
    and a missing one is reported by whoever read it, not here. An empty list means
    they agree and the session is long enough to bill.
    """
    problems: list[str] = []
    lengths = [
        (name, minutes)
        for name, minutes in (
            ("the note's duration", note_minutes),
            ("the note's start to end", clock_minutes),
            ("the Ruh Platform's billed duration", platform_minutes),
        )
        if minutes is not None
    ]
    if not lengths:
        return problems
    reference_name, reference = lengths[0]
    for name, minutes in lengths[1:]:
        if minutes != reference:
            problems.append(
                f"{name} is {minutes} minutes but {reference_name} is {reference} minutes"
            )
    expected = cpt_for_minutes(reference)
    if expected is None:
        problems.append(
            f"{reference} minutes is under the {MIN_BILLABLE_MINUTES}-minute minimum: not billable"
        )
    elif cpt_code is not None and cpt_code != expected:
        problems.append(
            f"CPT code {cpt_code} does not match {reference} minutes (that is {expected})"
        )
    return problems
