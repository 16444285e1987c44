"""Headway's "New session" dialog: Session, Progress note, Sign & confirm.

Only ``sign_note_and_confirm`` changes anything on Headway (it confirms the session and
bills the client); every other method fills or reads the form, so the robot's commit gate
can screenshot the finished form and ask before that one click.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time

from playwright.sync_api import Locator, Page

from pages.headway._common import CONFIRM_ENDPOINT, SITE, where
from pages.headway.text import (
    parse_clock,
    parse_iso_date,
    parse_iso_time,
    parse_long_date,
    parse_minutes,
)
from pages.shell import CommitAnswer, submit_and_wait, text_of, texts_of
from pages.touch import act
from pages.widgets import choose_option, chosen_values, dialog, exact

CLIENT = "Client"
LOCATION = "Location"
CLIENT_JOIN_FROM = "Your client will join from"
RECURRENCE = "Recurrence"
CPT_CODES = "CPT Codes"
DIAGNOSIS_CODE = "Diagnosis Code"
SESSION_LOCATION = "Session Location"
TELEHEALTH_TYPE = "Type of telehealth session"
JOINED_FROM_STATE = "Where did you join the telehealth session from?"
_ATTESTATION = re.compile(r"attest", re.IGNORECASE)
_CLIENT_TEXT = re.compile(r"^(?P<name>.*?)\s*\((?P<email>[^()]*)\)\s*$")


@dataclass(frozen=True)
class SessionForm:
    """Everything the dialog holds, as filled (empty strings / None where not set)."""

    client_name: str
    client_email: str
    date: date | None
    start: time | None
    end: time | None
    duration_minutes: int | None
    location: str
    # As the option reads: "New York: Ruh Care, 245 Park Ave, New York, NY 10167".
    client_join_from: str
    recurrence: str
    cpt_codes: tuple[str, ...]
    # The code alone ("F41.1"), without its description.
    diagnosis_code: str
    session_location: str
    telehealth_type: str
    joined_from_state: str


class HeadwaySessionDialog:
    """The modal "New session" dialog opened from a calendar slot."""

    def __init__(self, page: Page, base_url: str) -> None:
        """Bind to the dialog on ``page``; ``base_url`` is Headway's origin."""
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.dialog = dialog(page, "New session")
        # Hidden steps drop out of the accessibility tree, so each of these names the
        # control of the step on screen (step 1 and step 2 both have a "Next").
        self.next_button = self.dialog.get_by_role("button", name="Next", exact=True)
        self.attestation = self.dialog.get_by_role("checkbox", name=_ATTESTATION)
        self.confirm_button = self.dialog.get_by_role(
            "button", name="Sign note & Confirm Session", exact=True
        )
        self.alerts = self.dialog.get_by_role("alert")
        self.summary_terms = self.dialog.get_by_role("term")
        self.summary_values = self.dialog.get_by_role("definition")
        self.where = where("New session dialog")
        self.last_answer: CommitAnswer | None = None

    def wait_until_open(self) -> None:
        """Wait for the dialog and its first step to be showing."""
        self.dialog.get_by_role("combobox", name=CLIENT, exact=True).wait_for()

    def is_open(self) -> bool:
        """True while the dialog is showing."""
        return self.dialog.is_visible()

    # ---- Step 1: Session ------------------------------------------------------------

    def select_client(self, search: str, client_name: str) -> None:
        """Under Session -> Client, type ``search`` and pick ``client_name``.

        Options read "Name (email)"; when ``search`` is the client's email the option must
        carry exactly that email too, so two clients of the same name never mix.
        """
        email = re.escape(search.strip()) if "@" in search else r"[^()]*"
        option = re.compile(rf"^\s*{re.escape(client_name)}\s*\({email}\)\s*$", re.IGNORECASE)
        choose_option(
            self.dialog, CLIENT, search, option, self.where, control="client matching the search"
        )

    def set_date(self, day: date) -> None:
        """Set "Date"."""
        act(self.dialog.get_by_label("Date", exact=True)).fill(day.isoformat())

    def set_start_time(self, value: time) -> None:
        """Set "Start time"."""
        act(self.dialog.get_by_label("Start time", exact=True)).fill(value.strftime("%H:%M"))

    def set_end_time(self, value: time) -> None:
        """Set "End time"."""
        act(self.dialog.get_by_label("End time", exact=True)).fill(value.strftime("%H:%M"))

    def duration_minutes(self) -> int | None:
        """The "Duration" Headway computes from start and end (None when they are invalid)."""
        return parse_minutes(text_of(self.dialog.get_by_label("Duration", exact=True)))

    def choose_location(self, name: str) -> None:
        """Pick "Location", e.g. "Virtual (my own telehealth link)"."""
        choose_option(self.dialog, LOCATION, name, exact(name), self.where)

    def choose_client_join_from(self, address_or_state: str) -> None:
        """Pick "Your client will join from" by the address or its state's name.

        Options read "New York: Ruh Care, 245 Park Ave, ..."; either part must match whole.
        """
        given = re.escape(address_or_state.strip())
        option = re.compile(rf"^\s*(?:{given}:.*|[^:]*:\s*{given})\s*$")
        choose_option(self.dialog, CLIENT_JOIN_FROM, address_or_state, option, self.where)

    def choose_recurrence(self, name: str) -> None:
        """Pick "Recurrence", e.g. "Does not repeat"."""
        act(self._radio(RECURRENCE, name)).check()

    def add_cpt_code(self, code: str) -> None:
        """Add ``code`` (e.g. "90837") under "CPT Codes"."""
        choose_option(
            self.dialog, CPT_CODES, code, re.compile(rf"^\s*{re.escape(code)}\b"), self.where
        )

    def choose_diagnosis_code(self, code: str) -> None:
        """Pick ``code`` (e.g. "F41.1") under "Diagnosis Code"."""
        choose_option(
            self.dialog, DIAGNOSIS_CODE, code, re.compile(rf"^\s*{re.escape(code)}\s"), self.where
        )

    def choose_session_location(self, name: str) -> None:
        """Pick "Session Location", e.g. "Virtual (Telehealth)"."""
        act(self._radio(SESSION_LOCATION, name)).check()

    def choose_telehealth_type(self, name: str) -> None:
        """Pick "Type of telehealth session": "Audiovisual" or "Audio-only"."""
        act(self._radio(TELEHEALTH_TYPE, name)).check()

    def choose_joined_from_state(self, state: str) -> None:
        """Pick the state (full name) under "Where did you join the telehealth session from?"."""
        choose_option(self.dialog, JOINED_FROM_STATE, state, exact(state), self.where)

    def check_attestation(self) -> None:
        """Check the step's Attestation box."""
        act(self.attestation).check()

    def can_go_next(self) -> bool:
        """True when "Next" is enabled (every required field of the step is set)."""
        return self.next_button.is_enabled()

    def next(self) -> None:
        """Click "Next"."""
        act(self.next_button).click()

    # ---- Step 2: Progress note --------------------------------------------------------

    def confirm_without_note(self) -> None:
        """Choose "Confirm without note"."""
        act(self.dialog.get_by_role("radio", name=re.compile(r"^\s*Confirm without note"))).check()

    # ---- Step 3: Sign & confirm -------------------------------------------------------

    def check_final_attestation(self) -> None:
        """Check the Attestation box again, on the last step."""
        act(self.attestation).check()

    def can_sign_and_confirm(self) -> bool:
        """True when "Sign note & Confirm Session" is enabled."""
        return self.confirm_button.is_enabled()

    def sign_note_and_confirm(self) -> CommitAnswer:
        """Click "Sign note & Confirm Session" (IRREVERSIBLE: confirms and bills).

        Headway answers in the background: on success the dialog closes and the calendar
        (the page underneath) is drawn again with the session on it; a refusal leaves the
        dialog open with Headway's reason (``last_answer``, ``refusal_message``). No
        answer raises TransientError.
        """
        self.last_answer = submit_and_wait(
            self.page,
            self.confirm_button,
            site=SITE,
            action="confirm the session",
            endpoint=CONFIRM_ENDPOINT,
        )
        if self.last_answer.ok:
            self.dialog.wait_for(state="hidden")
        return self.last_answer

    def close(self) -> None:
        """Close the dialog without confirming."""
        act(self.dialog.get_by_role("button", name="Close", exact=True)).click()
        self.dialog.wait_for(state="hidden")

    # ---- Reading ----------------------------------------------------------------------

    def refusal_message(self) -> str | None:
        """Why Headway can't confirm for the chosen client (insurance / payment), if it can't."""
        texts = [t for t in texts_of(self.alerts) if t]
        return " ".join(texts) or None

    def read_form(self) -> SessionForm:
        """The form as filled: read from step 1's fields, or from step 3's summary."""
        if self.summary_terms.count() > 0:
            return self._read_summary()
        return self._read_fields()

    def _read_fields(self) -> SessionForm:
        name, email = _split_client(self._combobox_text(CLIENT))
        return SessionForm(
            client_name=name,
            client_email=email,
            date=parse_iso_date(self.dialog.get_by_label("Date", exact=True).input_value()),
            start=parse_iso_time(self.dialog.get_by_label("Start time", exact=True).input_value()),
            end=parse_iso_time(self.dialog.get_by_label("End time", exact=True).input_value()),
            duration_minutes=self.duration_minutes(),
            location=self._combobox_text(LOCATION),
            client_join_from=self._combobox_text(CLIENT_JOIN_FROM),
            recurrence=self._checked(RECURRENCE),
            cpt_codes=tuple(_first_word(v) for v in chosen_values(self.dialog, CPT_CODES)),
            diagnosis_code=_first_word(self._combobox_text(DIAGNOSIS_CODE)),
            session_location=self._checked(SESSION_LOCATION),
            telehealth_type=self._checked(TELEHEALTH_TYPE),
            joined_from_state=self._combobox_text(JOINED_FROM_STATE),
        )

    def _read_summary(self) -> SessionForm:
        terms = texts_of(self.summary_terms)
        values = [_blank_dash(v) for v in texts_of(self.summary_values)]
        shown = dict(zip(terms, values, strict=False))
        name, email = _split_client(shown.get(CLIENT, ""))
        return SessionForm(
            client_name=name,
            client_email=email,
            date=parse_long_date(shown.get("Date", "")),
            start=parse_clock(shown.get("Start time", "")),
            end=parse_clock(shown.get("End time", "")),
            duration_minutes=parse_minutes(shown.get("Duration", "")),
            location=shown.get(LOCATION, ""),
            client_join_from=shown.get(CLIENT_JOIN_FROM, ""),
            recurrence=shown.get(RECURRENCE, ""),
            cpt_codes=tuple(re.findall(r"\b\d{5}\b", shown.get(CPT_CODES, ""))),
            diagnosis_code=_first_word(shown.get(DIAGNOSIS_CODE, "")),
            session_location=shown.get(SESSION_LOCATION, ""),
            telehealth_type=shown.get(TELEHEALTH_TYPE, ""),
            joined_from_state=shown.get(JOINED_FROM_STATE, ""),
        )

    def _radio(self, group: str, name: str) -> Locator:
        radios = self.dialog.get_by_role("radiogroup", name=group, exact=True)
        radio = radios.get_by_role("radio", name=exact(name))
        if radio.count() != 1:
            raise self.where.missing(f"'{group}' choice {name!r}")
        return radio

    def _checked(self, group: str) -> str:
        # A group hidden with its section (telehealth fields for an office visit) reads "".
        checked = self.dialog.get_by_role("radiogroup", name=group, exact=True).get_by_role(
            "radio", checked=True
        )
        return checked.input_value() if checked.count() == 1 else ""

    def _combobox_text(self, label: str) -> str:
        box = self.dialog.get_by_role("combobox", name=label, exact=True)
        return box.input_value().strip() if box.count() == 1 else ""


def _split_client(text: str) -> tuple[str, str]:
    match = _CLIENT_TEXT.match(text)
    return (match.group("name"), match.group("email")) if match else (text.strip(), "")


def _first_word(text: str) -> str:
    parts = text.split()
    return parts[0] if parts else ""


def _blank_dash(text: str) -> str:
    # The summary shows "—" for a field that does not apply (or was left empty).
    stripped = text.strip()
    return "" if stripped in ("—", "-") else stripped
