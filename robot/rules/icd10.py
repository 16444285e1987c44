"""Diagnosis codes: ICD-10-CM, and which of them Headway can bill.

Only a *billable* code (a leaf of the code tree, such as F41.1) can go on a claim; a
category heading (F41) or a code that is not in the current code set cannot. The code set
comes from the ``simple-icd-10-cm`` package, which parses a 10 MB XML file when imported
(seconds), so the rules ask a compact index of it instead (``icd10_index``): built from
the package the first time it is needed, then read from the user's cache in milliseconds.
Nothing is loaded at module import: the CLI's start-up and ``--help`` must not pay for it.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from robot.rules.icd10_index import CodeIndex

# Letter, digit, letter-or-digit; then up to four more after the dot (X is a placeholder).
_COMPACT = re.compile(r"([A-Z][0-9][0-9A-Z])\.?([0-9A-Z]{1,4})?")
_IN_TEXT = re.compile(
    r"(?<![A-Za-z0-9.])[A-Za-z][0-9][0-9A-Za-z](?:\.?[0-9A-Za-z]{1,4})?(?![A-Za-z0-9])"
)


def normalise_icd10(text: str) -> str | None:
    """Return ``text`` as a code in its usual form ("f 411" -> "F41.1"), or None.

    Only the shape is checked here; whether the code exists is ``icd10_status``'s job.
    """
    compact = re.sub(r"\s+", "", text).upper()
    match = _COMPACT.fullmatch(compact)
    if match is None:
        return None
    category, rest = match.groups()
    return f"{category}.{rest}" if rest else category


def find_icd10_codes(text: str) -> list[str]:
    """Return the distinct code-shaped tokens in ``text``, normalised, in order.

    "F41.1 (Generalized anxiety disorder)" gives ["F41.1"]; a bare "f 41 1" gives
    ["F41.1"] too, since spaces inside a lone code are a typing slip.
    """
    whole = normalise_icd10(text)
    if whole is not None:
        return [whole]
    codes: list[str] = []
    for match in _IN_TEXT.finditer(text):
        code = normalise_icd10(match.group(0))
        if code is not None and code not in codes:
            codes.append(code)
    return codes


@cache
def _code_index() -> CodeIndex:
    # Imported here, not at the top, so that reading a note (which only needs the code
    # shapes above) never touches the cache or the package; loaded once per process.
    from robot.rules.icd10_index import default_cache_dir, load_code_index

    return load_code_index(default_cache_dir())


class Icd10Status(StrEnum):
    """What a diagnosis code is, as far as a claim is concerned."""

    BILLABLE = "billable"
    HEADING = "heading"
    UNKNOWN = "unknown"


def icd10_status(code: str) -> Icd10Status:
    """Classify ``code`` (any spelling ``normalise_icd10`` accepts) against ICD-10-CM."""
    normal = normalise_icd10(code)
    if normal is None:
        return Icd10Status.UNKNOWN
    # Chapters ("5") and blocks ("F40-F48") are in the code set too, but never codes, so
    # the index holds neither and they come out unknown.
    index = _code_index()
    if index.is_billable(normal):
        return Icd10Status.BILLABLE
    if index.is_heading(normal):
        return Icd10Status.HEADING
    return Icd10Status.UNKNOWN


def is_billable_icd10(code: str) -> bool:
    """Return True if ``code`` is a billable ICD-10-CM code (a leaf, such as F41.1)."""
    return icd10_status(code) is Icd10Status.BILLABLE


def diagnosis_problem(code: str) -> str | None:
    """Say in words why ``code`` cannot go on a Headway claim, or None if it can."""
    status = icd10_status(code)
    shown = normalise_icd10(code) or code
    if status is Icd10Status.HEADING:
        return (
            f"diagnosis code {shown} is a heading, not a billable code; "
            "a more specific code is needed"
        )
    if status is Icd10Status.UNKNOWN:
        return f"diagnosis code {shown} is not in the ICD-10-CM code set"
    return None
