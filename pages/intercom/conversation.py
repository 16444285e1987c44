"""One Intercom conversation: the thread, participants, attributes, the form, replies."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Self
from urllib.parse import urlsplit

from playwright.sync_api import Locator, Page

from pages.intercom._common import click_and_wait_for_load, insert_macro, status_from
from pages.intercom.models import (
    AuthorType,
    ConversationDetails,
    SessionProcessedForm,
    ThreadMessage,
)
from pages.widgets import choose_option, dialog, exact

ADMIN_NOTE_START = "For admin use only"
SESSION_PROCESSED = "Headway Session Processed"

# Each message of the thread is an article named for its kind.
_KINDS: dict[str, tuple[AuthorType, bool]] = {
    "Client message": ("client", False),
    "Bot message": ("bot", False),
    "Teammate reply": ("admin", False),
    "Internal note": ("admin", True),
}
_MACRO_PREFIX = "Sent with macro:"
_CONVERSATION_PATH = re.compile(r"^/conversations/(?!new$)[^/]+$")


class IntercomManageParticipantsDialog:
    """The "Manage participants" dialog (More -> Manage participants).

    It stays open across its changes: adding or removing someone reloads the conversation
    with the dialog open again.
    """

    def __init__(self, page: Page) -> None:
        """Bind to the dialog on ``page``."""
        self.page = page
        self.root = dialog(page, "Manage participants")
        self.current = self.root.get_by_role("list", name="Current participants", exact=True)
        self.email_address = self.root.get_by_label("Email address", exact=True)
        self.add_button = self.root.get_by_role("button", name="Add participant", exact=True)
        self.done_button = self.root.get_by_role("button", name="Done", exact=True)

    def participants(self) -> list[str]:
        """The participants' email addresses, as the dialog lists them."""
        # The dialog's content arrives after a moment; the address field comes with it.
        self.email_address.wait_for()
        texts = self.current.get_by_role("listitem").all_inner_texts()
        # Each item shows the address, then its "Remove" button.
        return [text.strip().splitlines()[0].strip() for text in texts if text.strip()]

    def fill_email_address(self, email: str) -> None:
        """Type the address to add into "Email address"."""
        self.email_address.fill(email)

    def add_participant(self) -> None:
        """IRREVERSIBLE: click "Add participant" (waits for the page to come back)."""
        click_and_wait_for_load(self.page, self.add_button)

    def remove_participant(self, email: str) -> None:
        """IRREVERSIBLE: click "Remove <email>" (waits for the page to come back)."""
        button = self.root.get_by_role("button", name=f"Remove {email}", exact=True)
        click_and_wait_for_load(self.page, button)

    def close(self) -> None:
        """Click "Done" to close the dialog."""
        self.done_button.click()
        self.root.wait_for(state="hidden")


class IntercomConversationPage:
    """``/conversations/<id>``: one conversation and everything done to it."""

    def __init__(self, page: Page, base_url: str) -> None:
        """Bind to ``page``; ``base_url`` is Intercom's origin."""
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.title = page.get_by_role("heading", level=1)
        self.thread = page.get_by_role("log", name="Conversation thread")
        self.details_panel = page.get_by_role("region", name="Details", exact=True)
        self.participant_list = page.get_by_role("list", name="Participants", exact=True)
        self.more_button = page.get_by_role("button", name="More", exact=True)
        self.close_button = page.get_by_role("button", name="Close", exact=True)
        self.attribute_form = page.get_by_role("form", name="Insurance Billing attribute")
        self.insurance_billing = self.attribute_form.get_by_role(
            "combobox", name="Insurance Billing", exact=True
        )
        self.save_attribute_button = self.attribute_form.get_by_role(
            "button", name="Save attribute", exact=True
        )
        self.session_form = page.get_by_role("form", name=SESSION_PROCESSED, exact=True)
        self.submit_button = self.session_form.get_by_role("button", name="Submit", exact=True)
        composer = page.get_by_role("form", name="Reply composer", exact=True)
        self.reply_box = composer.get_by_role("textbox", name="Reply", exact=True)
        self.send_button = composer.get_by_role("button", name="Send", exact=True)
        self.toasts = page.get_by_role("status")

    # ---- Navigation and reading ------------------------------------------------------

    def open(self, conversation_id: str) -> Self:
        """Go to the conversation's stable address."""
        self.page.goto(f"{self.base_url}/conversations/{conversation_id}")
        return self

    def is_showing(self) -> bool:
        """True when the browser shows a conversation (not an error page or the login page).

        After an IRREVERSIBLE click whose answer was lost, the browser is left on the site's
        error page: this is how a flow tells, before re-reading the conversation.
        """
        return bool(_CONVERSATION_PATH.search(urlsplit(self.page.url).path))

    def details(self) -> ConversationDetails:
        """Subject, contact, status, view, creation time, participants, Insurance Billing."""
        self.details_panel.wait_for()
        terms = [t.strip() for t in self.details_panel.get_by_role("term").all_inner_texts()]
        values = [v.strip() for v in self.details_panel.get_by_role("definition").all_inner_texts()]
        shown = dict(zip(terms, values, strict=True))
        created_at = self.details_panel.get_by_role("time").get_attribute("datetime")
        participants = self.participant_list.get_by_role("listitem").all_inner_texts()
        billing = self.insurance_billing.input_value().strip()
        return ConversationDetails(
            id=shown["ID"],
            subject=self.title.inner_text().strip(),
            contact_name=shown["Contact"],
            contact_email=shown["Email"],
            status=status_from(shown["Status"]),
            view=None if shown["View"] in ("", "—") else shown["View"],
            created=shown["Created"],
            created_at=datetime.fromisoformat(created_at) if created_at else None,
            participants=tuple(p.strip() for p in participants),
            insurance_billing=billing or None,
        )

    def attributes(self) -> dict[str, str]:
        """The conversation attributes shown besides "Insurance Billing" (name -> value).

        E.g. ``{"Billing issue": "Headway client charged"}``; empty when none is set.
        """
        panel = self.page.get_by_role("region", name="Conversation attributes", exact=True)
        # The panel's own form is always there: once it shows, the values are in place.
        self.attribute_form.wait_for()
        terms = [t.strip() for t in panel.get_by_role("term").all_inner_texts()]
        values = [v.strip() for v in panel.get_by_role("definition").all_inner_texts()]
        return dict(zip(terms, values, strict=True))

    def admin_note(self) -> str | None:
        """The full text of the internal note starting "For admin use only" (None if none)."""
        self.thread.wait_for()
        notes = self.thread.get_by_role("article", name="Internal note", exact=True).filter(
            has_text=ADMIN_NOTE_START
        )
        if notes.count() == 0:
            return None
        # The note's text as the DOM holds it, line breaks included: inner_text() would
        # return what the stylesheet renders, one line when the CSS failed to load.
        body = notes.first.get_by_role("paragraph").text_content() or ""
        return body.strip()

    def messages(self) -> list[ThreadMessage]:
        """Every message of the thread, oldest first (submitted forms excluded)."""
        self.thread.wait_for()
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
        self.thread.wait_for()
        cards = self.thread.get_by_role("article", name=SESSION_PROCESSED, exact=True)
        return [_read_form(card) for card in cards.all()]

    def toast_message(self) -> str | None:
        """The toast the last change left ("Form submitted", ...), if still shown."""
        if self.toasts.count() == 0:
            return None
        return self.toasts.first.inner_text().strip()

    # ---- Manage participants -------------------------------------------------------------

    def manage_participants(self) -> IntercomManageParticipantsDialog:
        """Three-dot "More" menu -> "Manage participants"; returns the dialog."""
        self.more_button.click()
        self.page.get_by_role("menu").get_by_role("menuitem", name="Manage participants").click()
        participants = IntercomManageParticipantsDialog(self.page)
        participants.root.wait_for()
        return participants

    # ---- Headway Session Processed form --------------------------------------------------

    def fill_session_processed_form(self, form: SessionProcessedForm) -> None:
        """Fill every field of "Headway Session Processed" (types only, submits nothing)."""
        scope = self.session_form
        scope.get_by_label("Client email", exact=True).fill(form.client_email)
        choose_option(scope, "Therapist", form.therapist, exact(form.therapist))
        scope.get_by_label("Date", exact=True).fill(form.date.isoformat())
        scope.get_by_label("Start time", exact=True).fill(form.start_time.strftime("%H:%M"))
        scope.get_by_label("End time", exact=True).fill(form.end_time.strftime("%H:%M"))
        scope.get_by_label("Duration", exact=True).fill(str(form.duration_minutes))
        # Options read "90834 · Psychotherapy, 45 minutes": match on the code alone.
        choose_option(scope, "CPT code", form.cpt_code, _starts_with_word(form.cpt_code))
        scope.get_by_label("Diagnosis code", exact=True).fill(form.diagnosis_code)

    def submit_session_processed_form(self) -> None:
        """IRREVERSIBLE: click the form's "Submit" (waits for the page to come back)."""
        click_and_wait_for_load(self.page, self.submit_button)

    # ---- Conversation attributes ---------------------------------------------------------

    def choose_insurance_billing(self, value: str) -> None:
        """Pick ``value`` ("Billed", ...) in the "Insurance Billing" attribute (not saved)."""
        choose_option(self.attribute_form, "Insurance Billing", value, exact(value))

    def save_insurance_billing(self) -> None:
        """IRREVERSIBLE: click "Save attribute" (waits for the page to come back)."""
        click_and_wait_for_load(self.page, self.save_attribute_button)

    # ---- Close ---------------------------------------------------------------------------

    def close_conversation(self) -> None:
        """IRREVERSIBLE: click "Close" (waits for the page to come back)."""
        click_and_wait_for_load(self.page, self.close_button)

    # ---- Reply ---------------------------------------------------------------------------

    def insert_macro(self, name: str) -> None:
        """Click "Insert macro", search, pick ``name``: its text goes into "Reply"."""
        insert_macro(self.page, name)

    def write_reply(self, text: str) -> None:
        """Type ``text`` into "Reply" (replacing what is there)."""
        self.reply_box.fill(text)

    def reply_draft(self) -> str:
        """What "Reply" holds now (to check a macro went in before sending)."""
        return self.reply_box.input_value()

    def send_reply(self) -> None:
        """IRREVERSIBLE: click "Send" (waits for the page to come back)."""
        click_and_wait_for_load(self.page, self.send_button)


def _starts_with_word(text: str) -> re.Pattern[str]:
    return re.compile(rf"^\s*{re.escape(text)}\b")


def _read_message(article: Locator, author_type: AuthorType, internal: bool) -> ThreadMessage:
    macro_note = article.get_by_role("note", name="Macro", exact=True)
    macro = None
    if macro_note.count():
        macro = macro_note.inner_text().strip().removeprefix(_MACRO_PREFIX).strip()
    at = article.get_by_role("time").get_attribute("datetime")
    return ThreadMessage(
        author=article.get_by_role("heading").inner_text().strip(),
        author_type=author_type,
        internal=internal,
        text=article.get_by_role("paragraph").inner_text().strip(),
        macro=macro,
        at=datetime.fromisoformat(at) if at else None,
    )


def _read_form(card: Locator) -> SessionProcessedForm:
    terms = [t.strip() for t in card.get_by_role("term").all_inner_texts()]
    values = [v.strip() for v in card.get_by_role("definition").all_inner_texts()]
    shown = dict(zip(terms, values, strict=True))
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
