"""Ruh Platform: a client's Billing tab (Invoices, Payments) and their dialogs.

Each irreversible click (Save, Charge, Refund Full Amount) is a method of its own, apart
from the form filling before it, so the commit gate can screenshot the filled dialog and
ask before the click. The platform saves in the background: each of them waits for the
platform's answer (see :func:`pages.shell.submit_and_wait`), never for a page load. The
lists come ten rows a page; reading one reads every page.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Self

from playwright.sync_api import Locator, Page

from pages.ruh_platform._text import (
    CHARGE_ENDPOINT,
    CREATE_INVOICE_ENDPOINT,
    REFUND_ENDPOINT,
    SAVE_INVOICE_ENDPOINT,
    SITE,
    optional,
    parse_date,
    parse_money,
    parse_time_zone,
    show_row,
    table_rows,
    where,
)
from pages.ruh_platform.profile import ProfileChrome
from pages.shell import CommitAnswer, require, shown_errors, submit_and_wait, text_of
from pages.touch import act
from pages.widgets import Name, choose_menu_item, choose_option, data_rows, dialog, exact

WHEN = re.compile(r"(\w{3} \d{1,2}, \d{4}) (\d{1,2}:\d{2} [AP]M \w+)$")


@dataclass(frozen=True)
class ChargeLine:
    """One charge listed against an invoice ("$0.00 succeeded")."""

    amount: Decimal
    outcome: str


@dataclass(frozen=True)
class InvoiceRow:
    """One row of the Invoices table."""

    id: str
    date: dt.date
    description: str  # "Appointment · Nov 18, 2026 10:00 AM CST · Priya Raman"
    type: str
    appointment_date: dt.date | None
    appointment_start: dt.time | None
    therapist: str | None
    amount: Decimal
    written_off: Decimal
    balance: Decimal
    status: str
    charges: tuple[ChargeLine, ...] = ()
    appointment_zone: str | None = None  # the zone label shown with the time ("CST")


@dataclass(frozen=True)
class PaymentRow:
    """One row of the Payments table."""

    id: str
    date: dt.date
    invoice_id: str | None
    amount: Decimal
    method: str
    refunded: Decimal
    status: str


@dataclass(frozen=True)
class ChargeResult:
    """What the platform answered to "Charge": "Charged $0.00", or why it failed.

    ``confirmed`` is always True now: an answer that never came raises TransientError
    (the charge may or may not have happened; look at the invoice before charging again).
    """

    ok: bool
    message: str
    confirmed: bool = True


def _invoice_row(cells: list[str]) -> InvoiceRow:
    number, issued, description, amount, written_off, balance, status, charges, _menu = cells
    kind, *parts = [p.strip() for p in description.split("·")]
    appointment_date: dt.date | None = None
    appointment_start: dt.time | None = None
    appointment_zone: str | None = None
    # Appointment invoices say when ("Nov 18, 2026 10:00 AM CST"), then who.
    when = re.match(WHEN, parts[0]) if parts else None
    if when is not None:
        appointment_date = parse_date(when.group(1))
        appointment_start, appointment_zone = parse_time_zone(when.group(2))
        parts = parts[1:]
    return InvoiceRow(
        id=number,
        date=parse_date(issued),
        description=description,
        type=kind,
        appointment_date=appointment_date,
        appointment_start=appointment_start,
        therapist=parts[0] if parts else None,
        amount=parse_money(amount),
        written_off=parse_money(written_off),
        balance=parse_money(balance),
        status=status,
        charges=_charge_lines(charges),
        appointment_zone=appointment_zone,
    )


def _charge_lines(text: str) -> tuple[ChargeLine, ...]:
    lines = []
    for part in text.split(";"):
        amount, _, outcome = part.strip().partition(" ")
        if amount.startswith("$"):
            lines.append(ChargeLine(amount=parse_money(amount), outcome=outcome.strip()))
    return tuple(lines)


class _Dialog:
    """A dialog of the Billing tab: knows its page and the platform's origin."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.last_answer: CommitAnswer | None = None

    def _commit(
        self, button: Locator, action: str, endpoint: re.Pattern[str], method: str
    ) -> CommitAnswer:
        self.last_answer = submit_and_wait(
            self.page, button, site=SITE, action=action, endpoint=endpoint, method=method
        )
        return self.last_answer


class BillingNavigation(ProfileChrome):
    """A client screen with the Billing tab's navigation (Invoices, Payments)."""

    def open_invoices(self) -> RuhInvoicesPage:
        """Billing -> Invoices."""
        self.open_billing_tab("Invoices")
        return RuhInvoicesPage(self.page, self.base_url)

    def open_payments(self) -> RuhPaymentsPage:
        """Billing -> Payments."""
        self.open_billing_tab("Payments")
        return RuhPaymentsPage(self.page, self.base_url)


class _BillingPage(BillingNavigation):
    table_name = ""

    def __init__(self, page: Page, base_url: str) -> None:
        super().__init__(page, base_url)
        self.table = page.get_by_role("table", name=self.table_name, exact=True)

    def alert(self) -> str | None:
        """The error the last change left (e.g. a declined card), if any."""
        return shown_errors(self.page) or None

    def _row_menu(self, kind: str, record_id: str, item: str) -> None:
        """Page to the row of ``record_id``, open its three-dot menu, pick ``item``."""
        button = exact(f"Actions for {kind} {record_id}")
        row = data_rows(self.table).filter(has=self.page.get_by_role("button", name=button))
        if not show_row(self.table, row, screen=self.table_name):
            raise where(self.table_name).missing(f"{kind} {record_id}")
        choose_menu_item(row, button, item, where(self.table_name))


class RuhInvoicesPage(_BillingPage):
    """Billing -> Invoices (``/clients/<client>/billing/invoices``)."""

    table_name = "Invoices"

    def __init__(self, page: Page, base_url: str) -> None:
        """Bind to ``page``; ``base_url`` is the Ruh Platform's origin."""
        super().__init__(page, base_url)
        self.create_button = page.get_by_role("button", name="Create New Invoice")

    def open(self, client_id: str) -> Self:
        """Go to the invoices of ``client_id`` (the opaque id this app gave the client)."""
        act(self.page).goto(f"{self.base_url}/clients/{client_id}/billing/invoices")
        require(self.page, self.table, site=SITE, screen="invoices")
        return self

    def invoices(self) -> list[InvoiceRow]:
        """Every invoice of the client, newest first (every page of the list)."""
        return [_invoice_row(cells) for cells in table_rows(self.table, screen="invoices")]

    def edit_invoice(self, invoice_id: str) -> EditInvoiceDialog:
        """Three-dot menu of ``invoice_id`` -> "Edit invoice" (paging to it if need be)."""
        self._row_menu("invoice", invoice_id, "Edit invoice")
        return EditInvoiceDialog(self.page, self.base_url, invoice_id)

    def charge_invoice(self, invoice_id: str) -> ChargeInvoiceDialog:
        """Three-dot menu of ``invoice_id`` -> "Charge invoice" (paging to it if need be)."""
        self._row_menu("invoice", invoice_id, "Charge invoice")
        return ChargeInvoiceDialog(self.page, self.base_url, invoice_id)

    def create_new_invoice(self) -> CreateInvoiceDialog:
        """Click "Create New Invoice"."""
        require(self.page, self.create_button, site=SITE, screen="invoices")
        act(self.create_button).click()
        return CreateInvoiceDialog(self.page, self.base_url)


class EditInvoiceDialog(_Dialog):
    """The "Edit invoice" dialog: write-off reason, amount, notes; then "Save"."""

    def __init__(self, page: Page, base_url: str, invoice_id: str) -> None:
        """Bind to the dialog of ``invoice_id`` (it loads when opened)."""
        super().__init__(page, base_url)
        self.dialog = dialog(page, f"Edit invoice {invoice_id}")
        self.dialog.wait_for()
        self.where = where(f"Edit invoice {invoice_id} dialog")
        self.amount = self.dialog.get_by_label("Write-off amount", exact=True)
        self.entire_amount = self.dialog.get_by_role("checkbox", name="Write off entire amount")
        self.notes = self.dialog.get_by_label("Notes", exact=True)
        self.save_button = self.dialog.get_by_role("button", name="Save", exact=True)

    def choose_write_off_reason(self, reason: str) -> None:
        """Pick ``reason`` (e.g. "Other") under "Write-off Reason"."""
        choose_option(self.dialog, "Write-off Reason", reason, exact(reason), self.where)

    def write_off_entire_amount(self) -> None:
        """Tick "Write off entire amount" (fills the amount with what is owed)."""
        act(self.entire_amount).check()

    def set_write_off_amount(self, amount: Decimal) -> None:
        """Type a write-off amount."""
        act(self.amount).fill(f"{amount:.2f}")

    def set_notes(self, text: str) -> None:
        """Replace the notes (e.g. "Billed on Headway.")."""
        act(self.notes).fill(text)

    def write_off_amount(self) -> Decimal | None:
        """The write-off amount as filled in, or None while empty."""
        value = self.amount.input_value().strip()
        return Decimal(value) if value else None

    def save(self) -> RuhInvoicesPage:
        """Click "Save" (IRREVERSIBLE: records the write-off); the answer: ``last_answer``."""
        self._commit(self.save_button, "save the invoice", SAVE_INVOICE_ENDPOINT, "PATCH")
        return RuhInvoicesPage(self.page, self.base_url)


class ChargeInvoiceDialog(_Dialog):
    """The "Charge invoice" dialog: the amount (prefilled with the balance), "Charge"."""

    def __init__(self, page: Page, base_url: str, invoice_id: str) -> None:
        """Bind to the dialog of ``invoice_id`` (it loads when opened)."""
        super().__init__(page, base_url)
        self.dialog = dialog(page, f"Charge invoice {invoice_id}")
        self.dialog.wait_for()
        self.amount = self.dialog.get_by_label("Amount", exact=True)
        self.charge_button = self.dialog.get_by_role("button", name="Charge", exact=True)

    def set_amount(self, amount: Decimal) -> None:
        """Type the amount to charge ($0 for a Headway-billed session)."""
        act(self.amount).fill(f"{amount:.2f}")

    def current_amount(self) -> Decimal:
        """The amount as filled in (the balance until changed)."""
        return Decimal(self.amount.input_value().strip() or "0")

    def charge(self) -> ChargeResult:
        """Click "Charge" (IRREVERSIBLE: charges the card on file) and read the answer."""
        answer = self._commit(self.charge_button, "charge the invoice", CHARGE_ENDPOINT, "POST")
        return ChargeResult(ok=answer.ok, message=answer.message)


class CreateInvoiceDialog(_Dialog):
    """The "Create New Invoice" dialog: type, therapist, Invoice Details; then "Save"."""

    def __init__(self, page: Page, base_url: str) -> None:
        """Bind to the open dialog."""
        super().__init__(page, base_url)
        self.dialog = dialog(page, "Create New Invoice")
        self.where = where("Create New Invoice dialog")
        self.details = self.dialog.get_by_role("group", name="Invoice Details")
        self.fee = self.details.get_by_role("status", name="Amount")
        self.save_button = self.dialog.get_by_role("button", name="Save", exact=True)

    def choose_type(self, kind: str) -> None:
        """Pick the invoice type ("Appointment", "Package" or "Custom")."""
        choose_option(self.dialog, "Invoice type", kind, exact(kind), self.where)

    def choose_therapist(self, name: str) -> None:
        """Pick the therapist (the client's covered therapist is preselected)."""
        choose_option(self.dialog, "Therapist", name, exact(name), self.where)

    def therapist(self) -> str:
        """The therapist currently chosen, as shown."""
        return self.dialog.get_by_role("combobox", name="Therapist").input_value().strip()

    def choose_appointment(self, option: Name) -> None:
        """Under Invoice Details, pick the appointment.

        ``option`` is the option's text ("Nov 17, 2026 · 2:00 PM EST · Late
        Cancellation") or a pattern matching it.
        """
        search = option if isinstance(option, str) else ""
        wanted = exact(option) if isinstance(option, str) else option
        choose_option(self.details, "Appointment", search, wanted, self.where)

    def set_amount(self, amount: Decimal) -> None:
        """Type the amount of a Package or Custom invoice (Appointment ones use the fee)."""
        act(self.details.get_by_role("spinbutton", name="Amount")).fill(f"{amount:.2f}")

    def amount(self) -> Decimal | None:
        """The invoice amount shown for the chosen appointment (None before choosing)."""
        shown = text_of(self.fee)
        return None if optional(shown) is None else parse_money(shown)

    def save(self) -> RuhInvoicesPage:
        """Click "Save" (IRREVERSIBLE: creates the invoice); the answer: ``last_answer``."""
        self._commit(self.save_button, "create the invoice", CREATE_INVOICE_ENDPOINT, "POST")
        return RuhInvoicesPage(self.page, self.base_url)


class RuhPaymentsPage(_BillingPage):
    """Billing -> Payments (``/clients/<client>/billing/payments``)."""

    table_name = "Payments"

    def open(self, client_id: str) -> Self:
        """Go to the payments of ``client_id`` (the opaque id this app gave the client)."""
        act(self.page).goto(f"{self.base_url}/clients/{client_id}/billing/payments")
        require(self.page, self.table, site=SITE, screen="payments")
        return self

    def payments(self) -> list[PaymentRow]:
        """Every payment of the client, newest first (every page of the list)."""
        result = []
        for number, paid_on, invoice, amount, method, refunded, status, _menu in table_rows(
            self.table, screen="payments"
        ):
            result.append(
                PaymentRow(
                    id=number,
                    date=parse_date(paid_on),
                    invoice_id=optional(invoice),
                    amount=parse_money(amount),
                    method=method,
                    refunded=parse_money(refunded),
                    status=status,
                )
            )
        return result

    def open_refund(self, payment_id: str) -> RefundPaymentDialog:
        """Three-dot menu of ``payment_id`` -> "Refund" (paging to it if need be)."""
        self._row_menu("payment", payment_id, "Refund")
        return RefundPaymentDialog(self.page, self.base_url, payment_id)


class RefundPaymentDialog(_Dialog):
    """The refund dialog of one payment: "Refund Full Amount"."""

    def __init__(self, page: Page, base_url: str, payment_id: str) -> None:
        """Bind to the dialog of ``payment_id`` (it loads when opened)."""
        super().__init__(page, base_url)
        self.dialog = dialog(page, f"Refund payment {payment_id}")
        self.dialog.wait_for()
        self.refund_button = self.dialog.get_by_role(
            "button", name="Refund Full Amount", exact=True
        )

    def refund_full_amount(self) -> RuhPaymentsPage:
        """Click "Refund Full Amount" (IRREVERSIBLE: the payment goes back to the card).

        Clicked again, it refunds the whole payment again. The answer: ``last_answer``.
        """
        self._commit(self.refund_button, "refund the payment", REFUND_ENDPOINT, "POST")
        return RuhPaymentsPage(self.page, self.base_url)
