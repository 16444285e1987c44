"""The report of a fabricated run, opened in Chromium and read the way a person reads it."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from robot.audit import ItemView, run_totals
from robot.audit.present import long_day
from tests.audit.fabricated import LANDED_HINT, Fabricated, fabricate

pytestmark = pytest.mark.browser


@pytest.fixture
def fab(tmp_path: Path) -> Fabricated:
    return fabricate(tmp_path / "runs")


@pytest.fixture
def report(page: Page, fab: Fabricated) -> Page:
    path = fab.folder.finish(fab.run, fab.items)
    page.goto(path.as_uri())
    return page


def table(page: Page, caption: str) -> Locator:
    """A table by its caption (its accessible name)."""
    return page.get_by_role("table", name=caption)


def row(scope: Locator, text: str) -> Locator:
    return scope.get_by_role("row").filter(has_text=text)


def confirmed_by_robot(item: ItemView) -> bool:
    return any(s.name == "headway.confirm" and s.by_robot_now for s in item.steps)


def test_the_page_is_organised_by_headings(report: Page) -> None:
    expect(report.get_by_role("heading", level=1)).to_have_text("Billing run of Nov 15, 2026")
    for name in ("What this run did", "The run", "Expected Headway payouts",
                 "Needs review (2)", "Failed (2)", "Every item (13)"):
        expect(report.get_by_role("heading", level=2, name=name)).to_be_visible()


def test_every_review_item_shows_its_reason_next_step_and_links(
    report: Page, fab: Fabricated
) -> None:
    review = table(report, "The data did not add up")
    to_review = [i for i in fab.items if i.status == "needs_review"]
    expect(review.get_by_role("row")).to_have_count(len(to_review) + 1)  # + the header
    for item in to_review:
        assert item.facts.client_name
        assert item.reason
        assert item.next_step
        line = row(review, item.facts.client_name)
        expect(line).to_contain_text(item.reason)
        expect(line).to_contain_text(item.next_step)
        expect(line).to_contain_text(long_day(item.facts.date_of_service))
        expect(line.get_by_role("link", name="Open in Intercom")).to_have_attribute(
            "href", str(item.conversation_url)
        )
    thumb = review.get_by_role("img", name="Screenshot of the problem for Nora Quinn")
    expect(thumb).to_be_visible()
    assert thumb.evaluate("img => img.naturalWidth") > 0  # the relative path resolves
    # The thumbnail's link (named by the image's alt text) opens the full screenshot.
    full = review.get_by_role("link", name="Screenshot of the problem for Nora Quinn")
    expect(full).to_have_attribute(
        "href", str(fab.item("intercom:conv-105").problem_screenshot)
    )


def test_the_money_and_work_totals_are_shown(report: Page) -> None:
    done = table(report, "Counted only when the robot clicked and verified it")
    for label, count, amount in (
        ("Sessions confirmed on Headway", "3", "—"),
        ("Invoices written off on the Ruh Platform", "3", "$450.00"),
        ("Late-cancellation fees charged", "1", "$75.00"),
        ("Late-cancellation fees declined", "1", "$95.00"),
        ("Refunds", "1", "$120.00"),
        ("Programs Sheet write-offs", "1", "$120.00"),
    ):
        line = done.get_by_role("row").filter(has=report.get_by_role("rowheader", name=label))
        expect(line.get_by_role("cell")).to_have_text([count, amount])
    expect(done).to_contain_text("by CPT: 90834 × 1, 90837 × 2")


def test_every_confirmed_session_has_a_payout_date(report: Page, fab: Fabricated) -> None:
    payouts = table(report, "Sessions this run confirmed on Headway")
    expect(report.get_by_text("sessions confirmed on the 1st–15th of a month")).to_be_visible()
    confirmed = [i for i in fab.items if confirmed_by_robot(i)]
    assert len(confirmed) == run_totals(fab.items).sessions_confirmed == 3
    for item in confirmed:
        assert item.facts.payout_date is not None
        paid_on = long_day(item.facts.payout_date)
        expect(row(payouts, paid_on)).to_have_count(1)
        card = report.get_by_role("article", name=str(item.facts.client_name))
        expect(card.get_by_role("definition").filter(has_text=paid_on)).to_be_visible()
    expect(row(payouts, "Nov 30, 2026").get_by_role("cell")).to_have_text(["Nov 30, 2026", "1"])
    expect(row(payouts, "Dec 15, 2026").get_by_role("cell")).to_have_text(["Dec 15, 2026", "2"])


def test_a_click_that_may_have_landed_is_the_first_thing_on_the_page(report: Page) -> None:
    alert = report.get_by_role("region", name="Check before redoing by hand: a click may have landed")
    expect(alert).to_be_in_viewport()
    hint = alert.get_by_text(LANDED_HINT)
    expect(hint).to_be_visible()
    expect(hint).to_have_css("font-weight", "700")
    expect(alert.get_by_role("link", name="Iris Moreau")).to_have_attribute(
        "href", "#item-intercom_conv-107"
    )


def test_the_failed_table_says_where_and_whether_a_click_may_have_landed(
    report: Page, fab: Fabricated
) -> None:
    failed = table(report, "The sites did not answer as expected")
    landed = row(failed, "Iris Moreau")
    expect(landed).to_contain_text("TimeoutError: the confirmation did not appear within 30 s")
    expect(landed).to_contain_text("Sign note & confirm the session on Headway")
    expect(landed).to_contain_text("Yes, unverified.")
    expect(landed.get_by_text(LANDED_HINT)).to_have_css("font-weight", "700")
    expect(landed.get_by_role("cell", name="3", exact=True)).to_be_visible()
    expect(landed.get_by_role("link", name="trace.zip")).to_have_attribute(
        "href", str(fab.item("intercom:conv-107").trace)
    )
    calm = row(failed, "Paul Young")
    expect(calm.get_by_role("cell", name="No", exact=True)).to_be_visible()


def test_an_item_card_says_who_did_each_step(report: Page) -> None:
    card = report.get_by_role("article", name="Sam Lee")
    card.get_by_text("8 steps").click()  # done items start folded
    steps = card.get_by_role("table", name="Steps of Sam Lee, in order")
    expect(row(steps, "Add the client's email address as a participant")).to_contain_text(
        "found already done"
    )
    confirm = row(steps, "Sign note & confirm the session on Headway")
    expect(confirm).to_contain_text("robot")
    expect(confirm).to_contain_text("4 s")
    # Listed twice by the caller, shown once.
    expect(confirm.get_by_role("img")).to_have_count(2)
    expect(confirm.get_by_role("img", name="before the click")).to_have_count(1)

    landed = report.get_by_role("article", name="Iris Moreau")
    expect(landed.get_by_role("cell", name="click may have landed — unverified")).to_be_visible()
    rehearsed = report.get_by_role("article", name="Rita Cole")
    expect(rehearsed.get_by_role("cell", name="rehearsed", exact=True)).to_be_visible()
    skipped = report.get_by_role("article", name="Hugo Stone")
    expect(skipped.get_by_role("cell", name="skipped by operator")).to_be_visible()
