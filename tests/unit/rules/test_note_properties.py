"""Properties of the note parser: it never raises, and it reads back what render wrote."""

from datetime import date, time

from hypothesis import given, settings
from hypothesis import strategies as st

from robot.rules.note import FIELD_LABELS, AdminNote, parse_admin_note
from robot.rules.note_render import render_admin_note
from robot.rules.states import STATES

SETTINGS = settings(max_examples=100, deadline=None)

_word = st.from_regex(r"[A-Z][a-z]{1,8}", fullmatch=True)
_name = st.lists(_word, min_size=1, max_size=3).map(" ".join)
_email = st.from_regex(r"[a-z]{1,8}(\.[a-z]{1,8})?@[a-z]{2,8}\.(com|org)", fullmatch=True)
_therapist = st.tuples(_name, st.sampled_from(["", ", LCSW", ", PhD", ", LMFT"])).map("".join)
_clock = st.builds(time, hour=st.integers(0, 23), minute=st.integers(0, 59))
_zone = st.sampled_from(
    [
        "America/New_York",
        "America/Chicago",
        "America/Denver",
        "America/Los_Angeles",
        "America/Anchorage",
        "Pacific/Honolulu",
        "America/Phoenix",
        "Europe/London",
        "UTC",
    ]
)
_icd = st.from_regex(r"[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?", fullmatch=True)
_type = st.one_of(st.sampled_from(["Video", "Phone", "In person", "Audio only"]), _name)


def _maybe(strategy: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return st.one_of(st.none(), strategy)


_FIELDS: dict[str, st.SearchStrategy[object]] = {
    "client_name": _name,
    "client_email": _email,
    "therapist": _therapist,
    "session_date": st.dates(date(2020, 1, 1), date(2035, 12, 31)),
    "start": _clock,
    "end": _clock,
    "zone": _zone,
    "duration_minutes": st.integers(0, 999),
    "session_type": _type,
    "cpt_code": st.from_regex(r"[0-9]{5}", fullmatch=True),
    "diagnosis_code": _icd,
    "client_state": st.sampled_from(sorted(STATES.values())),
}
notes = st.builds(AdminNote, **{name: _maybe(field) for name, field in _FIELDS.items()})
complete_notes = st.builds(AdminNote, **_FIELDS)

# Text that looks like a note: real labels with arbitrary values, mixed with noise.
_note_like_line = st.one_of(
    st.tuples(st.sampled_from(sorted(FIELD_LABELS)), st.text(max_size=40)).map(": ".join),
    st.text(max_size=40),
)
note_like_text = st.lists(_note_like_line, max_size=15).map("\n".join)


@SETTINGS
@given(st.text())
def test_parser_never_raises_on_arbitrary_text(text: str) -> None:
    parsed = parse_admin_note(text)
    assert isinstance(parsed.problems, tuple)


@SETTINGS
@given(note_like_text)
def test_parser_never_raises_on_note_like_text(text: str) -> None:
    parsed = parse_admin_note(text)
    for field, value in parsed.note.model_dump().items():
        # A field the note left empty is always explained.
        assert value is not None or parsed.problems, field


@SETTINGS
@given(notes)
def test_rendered_note_parses_back_to_the_same_model(note: AdminNote) -> None:
    assert parse_admin_note(render_admin_note(note)).note == note


@SETTINGS
@given(complete_notes)
def test_complete_rendered_note_has_no_problems(note: AdminNote) -> None:
    assert parse_admin_note(render_admin_note(note)).problems == ()
