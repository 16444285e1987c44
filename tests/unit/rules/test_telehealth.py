import pytest

from robot.rules.telehealth import (
    SessionKind,
    session_kind,
    session_type_problem,
    telehealth_type,
)


@pytest.mark.parametrize(
    ("written", "kind"),
    [
        ("Video", SessionKind.VIDEO),
        ("video call", SessionKind.VIDEO),
        ("Telehealth (video)", SessionKind.VIDEO),
        ("Audio-visual", SessionKind.VIDEO),
        ("audio and video", SessionKind.VIDEO),
        ("Phone", SessionKind.AUDIO_ONLY),
        ("Phone call", SessionKind.AUDIO_ONLY),
        ("Audio only", SessionKind.AUDIO_ONLY),
        ("audio-only", SessionKind.AUDIO_ONLY),
        ("In person", SessionKind.IN_PERSON),
        ("in-office", SessionKind.IN_PERSON),
        ("Carrier pigeon", SessionKind.UNKNOWN),
    ],
)
def test_session_kind_reads_free_text(written: str, kind: SessionKind) -> None:
    assert session_kind(written) is kind


def test_video_is_audiovisual() -> None:
    assert telehealth_type("Video") == "Audiovisual"
    assert session_type_problem("Video") is None


def test_phone_is_entered_as_audio_only_for_headway_to_decide() -> None:
    """The procedure: "the appropriate option based on session type"; the plan is Headway's."""
    assert telehealth_type("Phone") == "Audio-only"
    assert session_type_problem("Phone") is None


def test_in_person_and_unknown_go_to_review() -> None:
    assert session_type_problem("In person") is not None
    assert session_type_problem("Carrier pigeon") == "unknown session type 'Carrier pigeon'"
