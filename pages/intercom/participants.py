"""Intercom's "Manage participants" dialog: additions and removals staged, sent on Update."""

from __future__ import annotations

import re

from playwright.sync_api import Page

from pages.intercom._common import PARTICIPANTS_ENDPOINT, SITE, where
from pages.shell import CommitAnswer, submit_and_wait, texts_of
from pages.touch import act
from pages.widgets import choose_option, dialog


class IntercomManageParticipantsDialog:
    """The "Manage participants" dialog (More -> Manage participants).

    As in the real app, changes are *staged* in the dialog (people added, people marked
    for removal) and sent together by "Update", which closes the dialog; "Cancel" drops
    them. ``add_participant`` and ``remove_participant`` are one staged change plus
    "Update" each.
    """

    def __init__(self, page: Page) -> None:
        """Bind to the dialog on ``page``."""
        self.page = page
        self.where = where("Manage participants dialog")
        self.root = dialog(page, "Manage participants")
        self.listed_people = self.root.get_by_role("list", name="Participants", exact=True)
        self.add_people = self.root.get_by_role("combobox", name="Add people", exact=True)
        self.update_button = self.root.get_by_role("button", name="Update", exact=True)
        self.cancel_button = self.root.get_by_role("button", name="Cancel", exact=True)
        self.last_answer: CommitAnswer | None = None
        self._typed = ""

    def participants(self) -> list[str]:
        """The conversation's participants as saved (its Details panel), in order."""
        panel = self.page.get_by_role("region", name="Details", exact=True)
        return texts_of(panel.get_by_role("list", name="Participants").get_by_role("listitem"))

    def listed(self) -> list[str]:
        """The addresses the open dialog lists now, staged additions included."""
        return [
            _first_word(text)
            for text in texts_of(self.listed_people.get_by_role("listitem"))
            if "Will be removed" not in text
        ]

    # ---- Staging, then Update -------------------------------------------------------

    def fill_email_address(self, email: str) -> None:
        """Type ``email`` into "Add people" and wait for its suggestion (nothing staged)."""
        act(self.add_people).click()
        act(self.add_people).fill(email)
        self._typed = email

    def stage_addition(self, email: str) -> None:
        """Add ``email`` to the dialog's list (sent by ``update``)."""
        option = re.compile(rf"^\s*(.*\({re.escape(email)}\)|Add {re.escape(email)})\s*$", re.I)
        choose_option(
            self.root, "Add people", email, option, self.where, control="'Add people' address"
        )
        self._typed = ""

    def stage_removal(self, email: str) -> None:
        """Mark ``email`` for removal (sent by ``update``)."""
        button = self.listed_people.get_by_role("button", name=f"Remove {email}", exact=True)
        if button.count() != 1:
            raise self.where.missing("participant to remove")
        act(button).click()

    def update(self) -> CommitAnswer:
        """IRREVERSIBLE: click "Update": the staged changes are saved, the dialog closes."""
        self.last_answer = submit_and_wait(
            self.page,
            self.update_button,
            site=SITE,
            action="update the participants",
            endpoint=PARTICIPANTS_ENDPOINT,
        )
        return self.last_answer

    def add_participant(self) -> None:
        """IRREVERSIBLE: stage the address typed by ``fill_email_address``, then Update."""
        self.stage_addition(self._typed)
        self.update()

    def remove_participant(self, email: str) -> None:
        """IRREVERSIBLE: stage ``email``'s removal, then Update."""
        self.stage_removal(email)
        self.update()

    def close(self) -> None:
        """Click "Cancel": close the dialog, dropping whatever was staged."""
        act(self.cancel_button).click()
        self.root.wait_for(state="hidden")


def _first_word(text: str) -> str:
    parts = text.split()
    return parts[0] if parts else ""
