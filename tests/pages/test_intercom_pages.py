"""The Intercom page objects, each public method exercised once on the mock Intercom."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from fixtures.server import MockSites
from pages.intercom import (
    IntercomConversationPage,
    IntercomInboxPage,
    IntercomNewConversationPage,
    IntercomSearchPage,
    IntercomViewPage,
    SessionProcessedForm,
    dismiss_whats_new,
    handle_whats_new,
    whats_new_dialog,
)
from pages.login import LoginPage
from tests.plugins.mock_sites import arm_fault, mock_state

BILLING_VIEW = "5. Insurance Billing View"
PRACTICE_EMAIL = "care@ruhcare.example"
CLIENT_EMAIL = "jonah.thompson1@example.com"  # conv-0001's client in the small scenario

FORM = SessionProcessedForm(
    client_email=CLIENT_EMAIL,
    therapist="Priya Raman",
    date=date(2026, 11, 18),
    start_time=time(10, 0),
    end_time=time(10, 45),
    duration_minutes=45,
    cpt_code="90834",
    diagnosis_code="F32.1",
)


@pytest.fixture
def intercom(page: Page, sites: MockSites) -> str:
    """Intercom's origin, with the browser logged in."""
    base = sites.urls["intercom"]
    login = sites.logins["intercom"]
    page.goto(f"{base}/login")
    assert LoginPage(page, base).log_in(login.email, login.password).ok
    return base


@pytest.fixture
def conversation(page: Page, intercom: str) -> IntercomConversationPage:
    """conv-0001 (Jonah Thompson's billing request), open."""
    return IntercomConversationPage(page, intercom).open("conv-0001")


def stored(sites: MockSites, conversation_id: str = "conv-0001") -> dict[str, Any]:
    return next(c for c in mock_state(sites)["conversations"] if c["id"] == conversation_id)


def test_inbox_lists_the_views_and_opens_one(page: Page, intercom: str) -> None:
    inbox = IntercomInboxPage(page, intercom).open()
    assert inbox.view_names()[-1] == BILLING_VIEW
    view = inbox.open_view(BILLING_VIEW)
    assert view.name() == BILLING_VIEW


def test_view_reads_its_rows_and_opens_a_conversation(page: Page, intercom: str) -> None:
    view = IntercomViewPage(page, intercom).open(5)
    rows = view.conversations()
    assert [r.id for r in rows] == ["conv-0003", "conv-0002", "conv-0001"]  # oldest first
    assert rows[2].contact_email == CLIENT_EMAIL
    assert rows[2].status == "open"
    opened = view.open_conversation("conv-0001")
    assert opened.details().id == "conv-0001"


def test_inbox_search_returns_the_results_page(page: Page, intercom: str) -> None:
    results = IntercomInboxPage(page, intercom).open().search(CLIENT_EMAIL).results()
    assert [r.id for r in results] == ["conv-0001"]


def test_search_page_opens_a_result(page: Page, intercom: str) -> None:
    search = IntercomSearchPage(page, intercom).open("Headway billing request")
    assert len(search.results()) == 3
    opened = search.search(CLIENT_EMAIL).open_conversation("conv-0001")
    assert opened.details().contact_email == CLIENT_EMAIL


def test_details_reads_the_header_and_panel(conversation: IntercomConversationPage) -> None:
    details = conversation.details()
    assert details.subject == "Headway billing request: session on 2026-11-18"
    assert (details.contact_name, details.contact_email) == ("Jonah Thompson", CLIENT_EMAIL)
    assert (details.status, details.view) == ("open", BILLING_VIEW)
    assert details.participants == (PRACTICE_EMAIL,)
    assert details.insurance_billing == "Needs billing"
    assert details.created_at is not None
    assert details.created_at.isoformat() == "2026-11-19T14:00:00+00:00"


def test_admin_note_reads_the_whole_note(conversation: IntercomConversationPage) -> None:
    note = conversation.admin_note()
    assert note is not None
    assert note.startswith("For admin use only\nClient: Jonah Thompson")
    assert note.endswith("Client state: Texas")


def test_messages_read_the_thread(conversation: IntercomConversationPage) -> None:
    messages = conversation.messages()
    assert [(m.author_type, m.internal) for m in messages] == [("bot", False), ("admin", True)]
    assert conversation.replies() == []


def test_participants_are_added_and_removed_in_the_dialog(
    conversation: IntercomConversationPage, sites: MockSites
) -> None:
    dialog = conversation.manage_participants()
    assert dialog.participants() == [PRACTICE_EMAIL]
    dialog.fill_email_address(CLIENT_EMAIL)
    dialog.add_participant()
    assert dialog.participants() == [PRACTICE_EMAIL, CLIENT_EMAIL]
    dialog.remove_participant(PRACTICE_EMAIL)
    assert dialog.participants() == [CLIENT_EMAIL]
    dialog.close()
    assert conversation.details().participants == (CLIENT_EMAIL,)
    assert stored(sites)["participants"] == [CLIENT_EMAIL]


def test_session_processed_form_is_filled_submitted_and_read_back(
    conversation: IntercomConversationPage, sites: MockSites
) -> None:
    assert conversation.submitted_forms() == []
    conversation.fill_session_processed_form(FORM)
    conversation.submit_session_processed_form()
    assert conversation.toast_message() == "Form submitted"
    assert conversation.submitted_forms() == [FORM]
    assert len(stored(sites)["session_processed_forms"]) == 1


def test_insurance_billing_is_chosen_then_saved(
    conversation: IntercomConversationPage, sites: MockSites
) -> None:
    conversation.choose_insurance_billing("Billed")
    assert stored(sites)["attributes"]["Insurance Billing"] == "Needs billing"
    conversation.save_insurance_billing()
    assert conversation.details().insurance_billing == "Billed"
    assert stored(sites)["attributes"]["Insurance Billing"] == "Billed"


def test_close_conversation_closes_it(
    conversation: IntercomConversationPage, sites: MockSites
) -> None:
    conversation.close_conversation()
    assert conversation.details().status == "closed"
    assert stored(sites)["status"] == "closed"


def test_lost_answer_leaves_the_conversation_page(
    conversation: IntercomConversationPage, sites: MockSites
) -> None:
    assert conversation.is_showing()
    arm_fault(sites, "intercom", kind="lose_response", path="/close$")
    conversation.close_conversation()
    assert not conversation.is_showing()
    assert stored(sites)["status"] == "closed"


def test_macro_reply_is_inserted_then_sent(
    conversation: IntercomConversationPage, sites: MockSites
) -> None:
    conversation.insert_macro("Failed Payment - Card Declined")
    assert "did not go through" in conversation.reply_draft()
    conversation.send_reply()
    reply = conversation.replies()[-1]
    assert reply.macro == "Failed Payment - Card Declined"
    assert stored(sites)["messages"][-1]["macro"] == "Failed Payment - Card Declined"


def test_written_reply_is_sent_without_a_macro(
    conversation: IntercomConversationPage, sites: MockSites
) -> None:
    conversation.write_reply("We have billed your session.")
    conversation.send_reply()
    assert conversation.replies()[-1].text == "We have billed your session."
    assert stored(sites)["messages"][-1]["macro"] is None


def test_new_conversation_is_sent_with_a_macro(page: Page, intercom: str, sites: MockSites) -> None:
    new = IntercomNewConversationPage(page, intercom).open()
    new.fill(CLIENT_EMAIL, "Scheduled payment failed")
    new.write_message("Hello,")
    new.insert_macro("Failed Payment - Late Cancellation Fee")
    assert new.message_draft().startswith("Hello,\n\nHi there, we were unable")
    opened = new.send()
    details = opened.details()
    assert (details.subject, details.contact_email) == ("Scheduled payment failed", CLIENT_EMAIL)
    created = next(c for c in mock_state(sites)["conversations"] if c["id"] == details.id)
    assert created["messages"][0]["macro"] == "Failed Payment - Late Cancellation Fee"


def test_whats_new_is_dismissed_directly(page: Page, intercom: str, sites: MockSites) -> None:
    arm_fault(sites, "intercom", kind="popup")
    IntercomInboxPage(page, intercom).open()
    expect(whats_new_dialog(page)).to_be_visible()
    dismiss_whats_new(page)
    expect(whats_new_dialog(page)).to_have_count(0)


def test_whats_new_handler_clears_the_way(page: Page, intercom: str, sites: MockSites) -> None:
    handle_whats_new(page)
    arm_fault(sites, "intercom", kind="popup")
    conversation = IntercomConversationPage(page, intercom).open("conv-0002")
    conversation.choose_insurance_billing("Billed")
    conversation.save_insurance_billing()
    assert stored(sites, "conv-0002")["attributes"]["Insurance Billing"] == "Billed"
