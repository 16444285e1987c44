"""The Intercom page objects, each public method exercised on the mock Intercom."""

from __future__ import annotations

import re
from datetime import date, time
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

from fixtures.server import MockSites
from pages.intercom import (
    IntercomConversationPage,
    IntercomInboxPage,
    IntercomNewConversationPage,
    SessionProcessedForm,
    conversation_path,
    dismiss_whats_new,
    handle_popups,
    product_tour_dialog,
    whats_new_dialog,
)
from pages.login import LoginPage
from robot.errors import ControlNotFound, TransientError
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
def conversation(page: Page, intercom: str, sites: MockSites) -> IntercomConversationPage:
    """conv-0001 (Jonah Thompson's billing request), open."""
    return IntercomConversationPage(page, intercom).open("conv-0001", sites.intercom_workspace)


def stored(sites: MockSites, conversation_id: str = "conv-0001") -> dict[str, Any]:
    return next(c for c in mock_state(sites)["conversations"] if c["id"] == conversation_id)


def test_login_lands_in_the_workspace_inbox(page: Page, intercom: str, sites: MockSites) -> None:
    inbox = IntercomInboxPage(page, intercom)
    assert inbox.workspace() == sites.intercom_workspace
    assert re.search(r"/a/[a-z0-9]{8}/inbox$", page.url)


def test_inbox_lists_the_views_and_opens_one(page: Page, intercom: str) -> None:
    inbox = IntercomInboxPage(page, intercom).open()
    assert inbox.view_names()[-1] == BILLING_VIEW
    view = inbox.open_view(BILLING_VIEW)
    assert view.name() == BILLING_VIEW
    assert re.search(r"/inbox/view/\d{7}$", page.url), "views have opaque ids"


def test_a_missing_view_is_named_at_once(page: Page, intercom: str) -> None:
    with pytest.raises(ControlNotFound, match=r"Intercom has no view named '9\. Nope'"):
        IntercomInboxPage(page, intercom).open_view("9. Nope")


def test_view_reads_its_rows_and_opens_a_conversation(page: Page, intercom: str) -> None:
    view = IntercomInboxPage(page, intercom).open_view(BILLING_VIEW)
    rows = view.conversations()
    assert [r.id for r in rows] == ["conv-0003", "conv-0002", "conv-0001"]  # oldest first
    assert rows[2].contact_email == CLIENT_EMAIL
    assert rows[2].status == "open"
    opened = view.open_conversation("conv-0001")
    assert opened.details().id == "conv-0001"


@pytest.mark.scenario("generated:65")
def test_view_is_read_to_its_end_by_scrolling(page: Page, intercom: str) -> None:
    view = IntercomInboxPage(page, intercom).open_view(BILLING_VIEW)
    table = page.get_by_role("table", name="Conversations")
    expect(table.get_by_role("row")).to_have_count(21)  # header + the first 20
    rows = view.conversations()
    assert len(rows) == 65
    assert len({r.id for r in rows}) == 65
    opened = view.open_conversation(rows[-1].id)
    assert opened.details().id == rows[-1].id


def test_search_from_the_topbar_and_open_a_result(page: Page, intercom: str) -> None:
    search = IntercomInboxPage(page, intercom).search("Headway billing request")
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


def test_admin_note_keeps_its_lines_without_the_stylesheet(
    page: Page, intercom: str, sites: MockSites
) -> None:
    """The line breaks show only through CSS; the robot reads them from the document."""

    def no_css(route: Route) -> None:
        route.abort()

    page.route(re.compile(r"\.css$"), no_css)
    conversation = IntercomConversationPage(page, intercom).open(
        "conv-0001", sites.intercom_workspace
    )
    note = conversation.admin_note()
    assert note is not None
    assert len(note.splitlines()) == 10
    assert note.splitlines()[4] == "Session time: 10:00 AM - 10:45 AM CST"


def test_messages_read_the_thread(conversation: IntercomConversationPage) -> None:
    messages = conversation.messages()
    assert [(m.author_type, m.internal) for m in messages] == [("bot", False), ("admin", True)]
    assert conversation.replies() == []


def test_participants_are_staged_and_sent_by_update(
    conversation: IntercomConversationPage, sites: MockSites
) -> None:
    dialog = conversation.manage_participants()
    assert dialog.participants() == [PRACTICE_EMAIL]
    dialog.stage_addition(CLIENT_EMAIL)
    dialog.stage_removal(PRACTICE_EMAIL)
    assert dialog.listed() == [CLIENT_EMAIL]
    assert stored(sites)["participants"] == [PRACTICE_EMAIL], "nothing is saved before Update"
    answer = dialog.update()
    assert (answer.ok, answer.message) == (True, "Participants updated")
    assert conversation.details().participants == (CLIENT_EMAIL,)
    assert stored(sites)["participants"] == [CLIENT_EMAIL]


def test_cancel_drops_staged_participants(
    conversation: IntercomConversationPage, sites: MockSites
) -> None:
    dialog = conversation.manage_participants()
    dialog.stage_removal(PRACTICE_EMAIL)
    dialog.close()
    assert conversation.manage_participants().listed() == [PRACTICE_EMAIL]
    assert stored(sites)["participants"] == [PRACTICE_EMAIL]


def test_add_and_remove_participant_each_commit_one_change(
    conversation: IntercomConversationPage, sites: MockSites
) -> None:
    dialog = conversation.manage_participants()
    dialog.fill_email_address(CLIENT_EMAIL)
    dialog.add_participant()
    assert stored(sites)["participants"] == [PRACTICE_EMAIL, CLIENT_EMAIL]
    dialog = conversation.manage_participants()
    dialog.remove_participant(PRACTICE_EMAIL)
    assert dialog.participants() == [CLIENT_EMAIL]
    assert stored(sites)["participants"] == [CLIENT_EMAIL]


def test_session_processed_form_is_filled_submitted_and_read_back(
    conversation: IntercomConversationPage, sites: MockSites
) -> None:
    assert conversation.submitted_forms() == []
    conversation.fill_session_processed_form(FORM)
    conversation.submit_session_processed_form()
    assert conversation.last_answer is not None
    assert conversation.last_answer.message == "Form submitted"
    assert conversation.submitted_forms() == [FORM]
    assert len(stored(sites)["session_processed_forms"]) == 1


def test_insurance_billing_saves_when_picked(
    conversation: IntercomConversationPage, sites: MockSites
) -> None:
    conversation.choose_insurance_billing("Billed")
    assert stored(sites)["attributes"]["Insurance Billing"] == "Needs billing"
    conversation.save_insurance_billing()
    assert conversation.insurance_billing_state() == "Saved"
    assert conversation.details().insurance_billing == "Billed"
    assert stored(sites)["attributes"]["Insurance Billing"] == "Billed"


def test_an_unknown_attribute_value_is_named_at_once(
    conversation: IntercomConversationPage,
) -> None:
    with pytest.raises(ControlNotFound, match="'Insurance Billing' value 'Paid'"):
        conversation.choose_insurance_billing("Paid")


def test_close_conversation_closes_it(
    conversation: IntercomConversationPage, sites: MockSites
) -> None:
    conversation.close_conversation()
    assert conversation.details().status == "closed"
    assert stored(sites)["status"] == "closed"


def test_close_asks_for_a_required_attribute_first(
    page: Page, intercom: str, sites: MockSites
) -> None:
    with sites.world.lock:
        sites.world.state.conversation("conv-0002").attributes = {}
    conversation = IntercomConversationPage(page, intercom).open(
        "conv-0002", sites.intercom_workspace
    )
    result = conversation.try_close()
    assert (result.closed, result.required_attributes) == (False, ("Insurance Billing",))
    assert stored(sites, "conv-0002")["status"] == "open"
    conversation.set_insurance_billing("Billed")
    assert conversation.try_close().closed
    assert stored(sites, "conv-0002")["status"] == "closed"


def test_a_lost_answer_is_transient_and_the_change_stands(
    conversation: IntercomConversationPage, sites: MockSites
) -> None:
    arm_fault(sites, "intercom", kind="lose_response", path="/close$")
    with pytest.raises(TransientError, match="may or may not have been applied"):
        conversation.close_conversation()
    assert stored(sites)["status"] == "closed"


def test_macro_reply_is_inserted_then_sent(
    conversation: IntercomConversationPage, sites: MockSites
) -> None:
    conversation.insert_macro("Failed Payment - Card Declined")
    assert "did not go through" in conversation.reply_draft()
    answer = conversation.send_reply()
    assert answer.message == "Reply sent"
    reply = conversation.replies()[-1]
    assert reply.macro == "Failed Payment - Card Declined"
    assert stored(sites)["messages"][-1]["macro"] == "Failed Payment - Card Declined"


def test_a_missing_macro_is_named_at_once(conversation: IntercomConversationPage) -> None:
    with pytest.raises(ControlNotFound) as missing:
        conversation.insert_macro("Failed Payment - Late Fee")
    assert str(missing.value) == (
        "Intercom has no macro named 'Failed Payment - Late Fee' (Insert macro dialog)"
    )
    assert conversation.reply_draft() == ""


def test_the_same_macro_can_be_sent_twice(
    conversation: IntercomConversationPage, sites: MockSites
) -> None:
    for _ in range(2):
        conversation.insert_macro("Failed Payment - Card Declined")
        conversation.send_reply()
    macros = [m["macro"] for m in stored(sites)["messages"]]
    assert macros.count("Failed Payment - Card Declined") == 2


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
    assert page.url.endswith(conversation_path(sites.intercom_workspace, details.id))


def test_whats_new_is_dismissed_directly(page: Page, intercom: str, sites: MockSites) -> None:
    arm_fault(sites, "intercom", kind="popup")
    IntercomInboxPage(page, intercom).open()
    expect(whats_new_dialog(page)).to_be_visible()
    dismiss_whats_new(page)
    expect(whats_new_dialog(page)).to_have_count(0)


def test_popup_handler_clears_the_way(page: Page, intercom: str, sites: MockSites) -> None:
    handle_popups(page)
    arm_fault(sites, "intercom", kind="popup")
    conversation = IntercomConversationPage(page, intercom).open(
        "conv-0002", sites.intercom_workspace
    )
    conversation.set_insurance_billing("Billed")
    assert stored(sites, "conv-0002")["attributes"]["Insurance Billing"] == "Billed"


def test_product_tour_shows_at_random_and_is_skipped(
    page: Page, intercom: str, sites: MockSites
) -> None:
    with sites.world.lock:
        sites.world.state.behaviour.product_tour_chance = 1.0
    page.goto(f"{intercom}{conversation_path(sites.intercom_workspace, 'conv-0001')}")
    expect(product_tour_dialog(page)).to_be_visible()
    handle_popups(page)
    conversation = IntercomConversationPage(page, intercom)
    dialog = conversation.manage_participants()  # the handler skips the tour first
    dialog.close()
    expect(product_tour_dialog(page)).to_have_count(0)


def test_a_page_that_failed_to_load_is_transient(
    page: Page, intercom: str, sites: MockSites
) -> None:
    arm_fault(sites, "intercom", kind="fail", path="/inbox/conversation/")
    with pytest.raises(TransientError, match="conversation did not load"):
        IntercomConversationPage(page, intercom).open("conv-0001", sites.intercom_workspace)
