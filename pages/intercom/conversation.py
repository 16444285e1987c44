"""One Intercom conversation: the thread, participants, attributes, the form, replies."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Self
from urllib.parse import urlsplit

from playwright.sync_api import Locator, Page

from pages.intercom._common import (
    ATTRIBUTE_ENDPOINT,
    CLOSE_ENDPOINT,
    REPLY_ENDPOINT,
    SESSION_FORM_ENDPOINT,
    SITE,
    conversation_path,
    insert_macro,
    status_from,
    where,
)
from pages.intercom.models import (
    AuthorType,
    CloseResult,
    ConversationDetails,
    SessionProcessedForm,
    ThreadMessage,
)
from pages.intercom.participants import IntercomManageParticipantsDialog
from pages.shell import (
    CommitAnswer,
    not_busy,
    require,
    submit_and_wait,
    text_of,
    texts_of,
)
from pages.touch import act
from pages.widgets import choose_option, described, dialog, exact

ADMIN_NOTE_START = "For admin use only"
SESSION_PROCESSED = "Headway Session Processed"
INSURANCE_BILLING = "Insurance Billing"

# Each message of the thread is an article named for its kind.
_KINDS: dict[str, tuple[AuthorType, bool]] = {
    "Client message": ("client", False),
    "Bot message": ("bot", False),
    "Teammate reply": ("admin", False),
    "Internal note": ("admin", True),
}
_MACRO_PREFIX = "Sent with macro:"
_CONVERSATION_PATH = re.compile(r"^/a/[^/]+/inbox/conversation/[^/]+$")


class IntercomConversationPage:
    """``/a/<workspace>/inbox/conversation/<id>``: one conversation and what is done to it."""

    def __init__(self, page: Page, base_url: str) -> None:
        """Bind to ``page``; ``base_url`` is Intercom's origin."""
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.title = page.get_by_role("heading", level=1)
        self.thread = page.get_by_role("log", name="Conversation thread")
        self.details_panel = page.get_by_role("region", name="Details", exact=True)
        self.participant_list = self.details_panel.get_by_role(
            "list", name="Participants", exact=True
        )
        self.more_button = page.get_by_role("button", name="More", exact=True)
        self.close_button = page.get_by_role("button", name="Close", exact=True)
        self.attributes_panel = page.get_by_role(
            "region", name="Conversation attributes", exact=True
        )
        self.insurance_billing_field = self.attributes_panel.get_by_role(
            "group", name=INSURANCE_BILLING, exact=True
        )
        self.insurance_billing = self.insurance_billing_field.get_by_role(
            "combobox", name=INSURANCE_BILLING, exact=True
        )
        self.session_form = page.get_by_role("form", name=SESSION_PROCESSED, exact=True)
        self.submit_button = self.session_form.get_by_role("button", name="Submit", exact=True)
        composer = page.get_by_role("form", name="Reply composer", exact=True)
        self.reply_box = composer.get_by_role("textbox", name="Reply", exact=True)
        self.send_button = composer.get_by_role("button", name="Send", exact=True)
        self.last_answer: CommitAnswer | None = None
        self._billing_choice: str | None = None

    # ---- Navigation and reading ------------------------------------------------------

    def open(self, conversation_id: str, workspace: str) -> Self:
        """Go to the conversation's deep link under ``workspace``."""
        act(self.page).goto(f"{self.base_url}{conversation_path(workspace, conversation_id)}")
        self.wait_until_open()
        return self

    def wait_until_open(self, conversation_id: str | None = None) -> None:
        """Wait for the conversation to be drawn (TransientError if the app could not)."""
        require(self.page, self.thread, site=SITE, screen="conversation")
        if conversation_id is not None and not self.page.url.endswith(f"/{conversation_id}"):
            raise where("conversation").missing(f"conversation {conversation_id}")

    def is_showing(self) -> bool:
        """True when the browser shows a conversation (not an error or the login page)."""
        on_path = bool(_CONVERSATION_PATH.search(urlsplit(self.page.url).path))
        return on_path and self.thread.count() == 1

    def details(self) -> ConversationDetails:
        """Subject, contact, status, view, creation time, participants, Insurance Billing."""
        require(self.page, self.details_panel, site=SITE, screen="conversation")
        shown = described(self.details_panel)
        created_at = self.details_panel.get_by_role("time").get_attribute("datetime")
        participants = texts_of(self.participant_list.get_by_role("listitem"))
        billing = self.insurance_billing.input_value().strip()
        return ConversationDetails(
            id=shown["ID"],
            subject=text_of(self.title),
            contact_name=shown["Contact"],
            contact_email=shown["Email"],
            status=status_from(shown["Status"]),
            view=None if shown["View"] in ("", "—") else shown["View"],
            created=shown["Created"],
            created_at=datetime.fromisoformat(created_at) if created_at else None,
            participants=tuple(participants),
            insurance_billing=billing or None,
        )

    def attributes(self) -> dict[str, str]:
        """The conversation attributes shown besides the editable ones (name -> value).

        E.g. ``{"Billing issue": "Headway client charged"}``; empty when none is set.
        """
        require(self.page, self.attributes_panel, site=SITE, screen="conversation")
        return described(self.attributes_panel)

    def admin_note(self) -> str | None:
        """The full text of the internal note starting "For admin use only" (None if none).

        Read from the document, line breaks included: the page shows them only through
        its stylesheet, and a robot must read the same text without it.
        """
        require(self.page, self.thread, site=SITE, screen="conversation")
        notes = self.thread.get_by_role("article", name="Internal note", exact=True).filter(
            has_text=ADMIN_NOTE_START
        )
        if notes.count() == 0:
            return None
        return _body(notes.first)

    def messages(self) -> list[ThreadMessage]:
        """Every message of the thread, oldest first (submitted forms excluded)."""
        require(self.page, self.thread, site=SITE, screen="conversation")
        found: list[ThreadMessage] = []
        for article in self.thread.get_by_role("article").all():
            kind = _KINDS.get(article.get_attribute("aria-label") or "")
            if kind is None:
                continue  # a submitted form: see submitted_forms()
            found.append(_read_message(article, *kind))
        return found

    def replies(self) -> list[ThreadMessage]:
        """The team's replies sent to the contact (no internal notes), oldest first."""
        return [m for m in self.messages() if m.author_type == "admin" and not m.internal]

    def submitted_forms(self) -> list[SessionProcessedForm]:
        """The "Headway Session Processed" forms already submitted, as the thread shows them."""
        require(self.page, self.thread, site=SITE, screen="conversation")
        cards = self.thread.get_by_role("article", name=SESSION_PROCESSED, exact=True)
        return [_read_form(card) for card in cards.all()]

    # ---- Manage participants -------------------------------------------------------------

    def manage_participants(self) -> IntercomManageParticipantsDialog:
        """Three-dot "More" menu -> "Manage participants"; returns the dialog."""
        require(self.page, self.more_button, site=SITE, screen="conversation")
        act(self.more_button).click()
        act(
            self.page.get_by_role("menu").get_by_role("menuitem", name="Manage participants")
        ).click()
        participants = IntercomManageParticipantsDialog(self.page)
        participants.root.wait_for()
        return participants

    # ---- Headway Session Processed form --------------------------------------------------

    def fill_session_processed_form(self, form: SessionProcessedForm) -> None:
        """Fill every field of "Headway Session Processed" (types only, submits nothing)."""
        require(self.page, self.session_form, site=SITE, screen="conversation")
        scope = self.session_form
        form_where = where("Headway Session Processed form")
        act(scope.get_by_label("Client email", exact=True)).fill(form.client_email)
        choose_option(scope, "Therapist", form.therapist, exact(form.therapist), form_where)
        act(scope.get_by_label("Date", exact=True)).fill(form.date.isoformat())
        act(scope.get_by_label("Start time", exact=True)).fill(form.start_time.strftime("%H:%M"))
        act(scope.get_by_label("End time", exact=True)).fill(form.end_time.strftime("%H:%M"))
        act(scope.get_by_label("Duration", exact=True)).fill(str(form.duration_minutes))
        # Options read "90834 · Psychotherapy, 45 minutes": match on the code alone.
        choose_option(
            scope, "CPT code", form.cpt_code, _starts_with_word(form.cpt_code), form_where
        )
        act(scope.get_by_label("Diagnosis code", exact=True)).fill(form.diagnosis_code)

    def submit_session_processed_form(self) -> None:
        """IRREVERSIBLE: click the form's "Submit" (the answer is in ``last_answer``)."""
        self.last_answer = submit_and_wait(
            self.page,
            self.submit_button,
            site=SITE,
            action="submit the Headway Session Processed form",
            endpoint=SESSION_FORM_ENDPOINT,
        )

    # ---- Conversation attributes (saved as soon as a value is picked) -------------------

    def choose_insurance_billing(self, value: str) -> None:
        """Type ``value`` ("Billed", ...) into "Insurance Billing" and wait for its option.

        Nothing is saved yet: Intercom saves an attribute the moment an option is picked,
        which ``save_insurance_billing`` does.
        """
        require(self.page, self.insurance_billing, site=SITE, screen="conversation")
        self._billing_choice = value
        self._offer(value)

    def save_insurance_billing(self) -> None:
        """IRREVERSIBLE: pick the value typed by ``choose_insurance_billing`` (it saves)."""
        if self._billing_choice is None:
            raise ValueError("choose_insurance_billing() first: there is nothing to save")
        self.set_insurance_billing(self._billing_choice)

    def set_insurance_billing(self, value: str) -> CommitAnswer:
        """IRREVERSIBLE: pick ``value`` in "Insurance Billing" and wait for "Saved"."""
        option = self._offer(value)
        self.last_answer = submit_and_wait(
            self.page,
            option,
            site=SITE,
            action="save the Insurance Billing attribute",
            endpoint=ATTRIBUTE_ENDPOINT,
            method="PUT",
        )
        self._billing_choice = None
        return self.last_answer

    def insurance_billing_state(self) -> str:
        """What the attribute says about its last save ("Saved", "Not saved" or "")."""
        state = self.insurance_billing_field.get_by_role("status")
        return text_of(state) if state.count() else ""

    def _offer(self, value: str) -> Locator:
        listbox = self.insurance_billing_field.get_by_role(
            "listbox", name=INSURANCE_BILLING, exact=True
        )
        option = listbox.get_by_role("option", name=exact(value))
        if not option.is_visible():
            act(self.insurance_billing).click()
            act(self.insurance_billing).fill(value)
            not_busy(listbox).wait_for()
        if option.count() != 1:
            raise where("conversation").missing(f"'{INSURANCE_BILLING}' value {value!r}")
        return option

    # ---- Close ---------------------------------------------------------------------------

    def close_conversation(self) -> None:
        """IRREVERSIBLE: click "Close" (see ``try_close`` for what Intercom answered)."""
        self.try_close()

    def try_close(self) -> CloseResult:
        """IRREVERSIBLE: click "Close" and say what Intercom did.

        If Intercom first asks for required attributes, its dialog is cancelled (nothing is
        closed) and the result names the attributes it asked for.
        """
        require(self.page, self.close_button, site=SITE, screen="conversation")
        self.last_answer = submit_and_wait(
            self.page,
            self.close_button,
            site=SITE,
            action="close the conversation",
            endpoint=CLOSE_ENDPOINT,
        )
        if self.last_answer.ok:
            return CloseResult(closed=True, message=self.last_answer.message)
        asked = dialog(self.page, "Required attributes")
        names: tuple[str, ...] = ()
        if asked.count():
            missing = asked.get_by_role("list", name="Missing attributes")
            names = tuple(texts_of(missing.get_by_role("listitem")))
            act(asked.get_by_role("button", name="Cancel", exact=True)).click()
            asked.wait_for(state="hidden")
        return CloseResult(
            closed=False, required_attributes=names, message=self.last_answer.message
        )

    # ---- Reply ---------------------------------------------------------------------------

    def insert_macro(self, name: str) -> None:
        """Click "Insert macro", search, pick exactly ``name``: its text goes into "Reply"."""
        require(self.page, self.reply_box, site=SITE, screen="conversation")
        insert_macro(self.page, name)

    def write_reply(self, text: str) -> None:
        """Type ``text`` into "Reply" (replacing what is there)."""
        act(self.reply_box).fill(text)

    def reply_draft(self) -> str:
        """What "Reply" holds now (to check a macro went in before sending)."""
        return self.reply_box.input_value()

    def send_reply(self) -> CommitAnswer:
        """IRREVERSIBLE: click "Send"."""
        self.last_answer = submit_and_wait(
            self.page, self.send_button, site=SITE, action="send the reply", endpoint=REPLY_ENDPOINT
        )
        return self.last_answer


def _starts_with_word(text: str) -> re.Pattern[str]:
    return re.compile(rf"^\s*{re.escape(text)}\b")


def _body(article: Locator) -> str:
    # The message text with its own line breaks (see admin_note).
    return (article.get_by_role("paragraph").first.text_content() or "").strip()


def _read_message(article: Locator, author_type: AuthorType, internal: bool) -> ThreadMessage:
    macro_note = article.get_by_role("note", name="Macro", exact=True)
    macro = None
    if macro_note.count():
        macro = text_of(macro_note).removeprefix(_MACRO_PREFIX).strip()
    at = article.get_by_role("time").get_attribute("datetime")
    return ThreadMessage(
        author=text_of(article.get_by_role("heading")),
        author_type=author_type,
        internal=internal,
        text=_body(article),
        macro=macro,
        at=datetime.fromisoformat(at) if at else None,
    )


def _read_form(card: Locator) -> SessionProcessedForm:
    shown = described(card)
    return SessionProcessedForm(
        client_email=shown["Client email"],
        therapist=shown["Therapist"],
        date=date.fromisoformat(shown["Date"]),
        start_time=time.fromisoformat(shown["Start time"]),
        end_time=time.fromisoformat(shown["End time"]),
        duration_minutes=int(shown["Duration"]),
        cpt_code=shown["CPT code"],
        diagnosis_code=shown["Diagnosis code"],
    )
