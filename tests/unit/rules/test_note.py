from datetime import date, time

import pytest

from robot.rules.note import AdminNote, parse_admin_note
from robot.rules.note_render import render_admin_note

CANONICAL = """For admin use only
Client: Maya Thompson <maya.thompson@example.com>
Therapist: Sana Qureshi, LCSW
Session date: 2026-11-03
Session time: 4:00 PM - 4:53 PM PST
Duration: 53 minutes
Session type: Video
CPT code: 90837
Diagnosis code: F41.1
Client state: California
"""

EXPECTED = AdminNote(
    client_name="Maya Thompson",
    client_email="maya.thompson@example.com",
    therapist="Sana Qureshi, LCSW",
    session_date=date(2026, 11, 3),
    start=time(16, 0),
    end=time(16, 53),
    zone="America/Los_Angeles",
    duration_minutes=53,
    session_type="Video",
    cpt_code="90837",
    diagnosis_code="F41.1",
    client_state="California",
)


def test_canonical_note_reads_completely() -> None:
    parsed = parse_admin_note(CANONICAL)
    assert parsed.problems == ()
    assert parsed.note == EXPECTED
    assert parsed.readable


VARIANT = """Hi team, billing request below.
- **CLIENT STATE:** ca
- icd-10: f411
- CPT: 90837 (53+ min)
- Email: maya.thompson@example.com
- Client: Maya  Thompson
- Date: Tuesday, November 3, 2026
- Start time: 4pm
- End time: 4:53 PM
- Time zone: America/Los_Angeles
- Length: 53 min
- Modality: Video
- Provider: Sana Qureshi, LCSW
Thanks!
"""


def test_variant_labels_order_and_forms_read_the_same() -> None:
    parsed = parse_admin_note(VARIANT)
    assert parsed.problems == ()
    assert parsed.note == EXPECTED.model_copy(update={"session_type": "Video"})


@pytest.mark.parametrize(
    ("line", "field", "value"),
    [
        ("Session time: 16:00 - 16:53 PT", "start", time(16, 0)),
        ("Session time: 4:00 - 4:53 PM PT", "start", time(16, 0)),
        ("Date and time: Nov 3, 2026, 4:00 PM - 4:53 PM PT", "session_date", date(2026, 11, 3)),
        ("Date: 11/03/2026", "session_date", date(2026, 11, 3)),
        ("Duration: 1 hour", "duration_minutes", 60),
        ("Duration: 1h 5m", "duration_minutes", 65),
        ("Duration: 53 (face to face)", "duration_minutes", 53),
        ("Diagnosis (ICD-10): F41.1 Generalized anxiety disorder", "diagnosis_code", "F41.1"),
        ("State: NY", "client_state", "New York"),
        ("Time zone: Central", "zone", "America/Chicago"),
    ],
)
def test_field_forms(line: str, field: str, value: object) -> None:
    assert getattr(parse_admin_note(line).note, field) == value


@pytest.mark.parametrize(
    ("label", "problem"),
    [
        ("Client:", "no client name"),
        ("Therapist:", "no therapist"),
        ("Session date:", "no session date"),
        ("Duration:", "no session duration"),
        ("Session type:", "no session type"),
        ("CPT code:", "no CPT code"),
        ("Diagnosis code:", "no diagnosis code"),
        ("Client state:", "no client state"),
    ],
)
def test_missing_field_is_a_named_problem(label: str, problem: str) -> None:
    text = "\n".join(line for line in CANONICAL.splitlines() if not line.startswith(label))
    parsed = parse_admin_note(text)
    assert problem in parsed.problems


def test_missing_time_line_names_start_end_and_zone() -> None:
    text = CANONICAL.replace("Session time: 4:00 PM - 4:53 PM PST\n", "")
    assert parse_admin_note(text).problems == (
        "no session start time",
        "no session end time",
        "no time zone for the session time",
    )


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            "Session time: 4:00 PM - 4:53 PM PST",
            "Session time: around four",
            "unreadable session time 'around four'",
        ),
        (
            "Session time: 4:00 PM - 4:53 PM PST",
            "Session time: 4:00 - 4:53 PST",
            "unreadable session time '4:00 - 4:53 PST' (no AM or PM in '4:00 - 4:53')",
        ),
        (
            "Session time: 4:00 PM - 4:53 PM PST",
            "Session time: 4:00 PM - 4:53 PM Mars",
            "unreadable session time '4:00 PM - 4:53 PM Mars' (unknown time zone 'Mars')",
        ),
        (
            "Session date: 2026-11-03",
            "Session date: Monday, November 3, 2026",
            "unreadable session date 'Monday, November 3, 2026' (2026-11-03 is a Tuesday)",
        ),
        ("Session date: 2026-11-03", "Session date: soon", "unreadable session date 'soon'"),
        (
            "Duration: 53 minutes",
            "Duration: most of an hour",
            "unreadable session duration 'most of an hour'",
        ),
        ("CPT code: 90837", "CPT code: psychotherapy", "unreadable CPT code 'psychotherapy'"),
        ("CPT code: 90837", "CPT code: 90837, 90785", "more than one CPT code '90837, 90785'"),
        ("Diagnosis code: F41.1", "Diagnosis code: anxiety", "unreadable diagnosis code 'anxiety'"),
        ("Client state: California", "Client state: Ontario", "unknown client state 'Ontario'"),
    ],
)
def test_unreadable_field_is_quoted_and_left_empty(old: str, new: str, problem: str) -> None:
    parsed = parse_admin_note(CANONICAL.replace(old, new))
    assert parsed.problems == (problem,)


def test_unreadable_time_does_not_also_blame_the_zone() -> None:
    parsed = parse_admin_note(CANONICAL.replace("4:00 PM - 4:53 PM PST", "later"))
    assert parsed.note.start is None
    assert parsed.note.zone is None
    assert "no time zone for the session time" not in parsed.problems


def test_separate_zone_line_survives_an_unreadable_time() -> None:
    text = CANONICAL.replace("4:00 PM - 4:53 PM PST", "later") + "Time zone: PST\n"
    assert parse_admin_note(text).note.zone == "America/Los_Angeles"


def test_conflicting_lines_are_named_without_a_guess() -> None:
    parsed = parse_admin_note(CANONICAL + "Date: 2026-11-04\n")
    assert parsed.note.session_date is None
    assert parsed.problems == ("different session dates in the note: 2026-11-03, 2026-11-04",)


def test_repeated_agreeing_lines_are_fine() -> None:
    parsed = parse_admin_note(CANONICAL + "Date: Nov 3, 2026\n")
    assert parsed.problems == ()


def test_zone_on_time_line_and_zone_line_must_agree() -> None:
    parsed = parse_admin_note(CANONICAL + "Time zone: Eastern\n")
    assert parsed.note.zone is None
    assert any("different time zones" in problem for problem in parsed.problems)


def test_problems_never_quote_names_or_emails() -> None:
    text = CANONICAL + "Email: someone.else@example.com\nClient: Someone Else\nEmail: broken@\n"
    problems = " ".join(parse_admin_note(text).problems)
    assert "@" not in problems
    assert "Someone" not in problems
    assert "Maya" not in problems


@pytest.mark.parametrize("text", ["", "   \n", "Thanks for your help!", "4:00 PM - 4:53 PM"])
def test_text_without_labelled_fields_is_not_a_note(text: str) -> None:
    assert not parse_admin_note(text).readable


def test_render_writes_the_mock_intercom_layout() -> None:
    assert render_admin_note(EXPECTED) == CANONICAL


def test_render_uses_daylight_abbreviation_in_summer() -> None:
    summer = EXPECTED.model_copy(update={"session_date": date(2026, 7, 1)})
    assert "Session time: 4:00 PM - 4:53 PM PDT" in render_admin_note(summer)


def test_render_writes_iana_name_when_no_abbreviation_reads_back() -> None:
    phoenix = EXPECTED.model_copy(update={"zone": "America/Phoenix"})
    assert "4:53 PM America/Phoenix" in render_admin_note(phoenix)
