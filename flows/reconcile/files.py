"""The reconciliation folder: ``reconciliation.html`` for a person, ``.csv`` for a sheet.

``<runs_dir>/reconcile-<UTC time>/`` is owner-only (folder 0700, files 0600) like a run
folder: both files name clients. Each CSV row is one line of one section, keyed by
(section, case, client, date of service), so a spreadsheet can filter and compare runs.
"""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Final

import jinja2

from flows.reconcile.model import (
    LateFee,
    Reconciliation,
    SessionPayout,
    UnmatchedRequest,
    UnwrittenInvoice,
)
from robot.audit import private_dir, write_private
from robot.audit.present import NOT_KNOWN, long_day, money

HTML_FILE: Final = "reconciliation.html"
CSV_FILE: Final = "reconciliation.csv"
TEMPLATE: Final = "reconciliation.html.j2"

CSV_COLUMNS: Final = (
    "section",
    "case",
    "client",
    "date_of_service",
    "time",
    "provider",
    "expected_payout",
    "paid_on",
    "amount",
    "reference",
    "detail",
)
"""The CSV's header; dates are ISO (``2026-11-20``), amounts plain (``150.00``)."""

# Section ids of the CSV, in the report's order.
SESSIONS: Final = "sessions"
LATE_PAYOUTS: Final = "late_payouts"
BILLED_WITHOUT_SESSION: Final = "billed_without_session"
INVOICE_NOT_WRITTEN_OFF: Final = "invoice_not_written_off"
OUTSTANDING_FEE: Final = "outstanding_fee"

PAYOUT_RULE: Final = (
    "a session confirmed on the 1st-15th is paid on the last day of that month; on the "
    "16th or later, on the 15th of the next month. Headway notes that a bank can take an "
    "extra day or two."
)


@dataclass(frozen=True)
class Written:
    """Where the files went."""

    folder: Path
    html: Path
    csv: Path


def new_folder(runs_dir: Path, now: datetime | None = None) -> Path:
    """Create ``<runs_dir>/reconcile-<UTC time>-<random>/`` owner-only and return it."""
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    if not runs_dir.exists():
        private_dir(runs_dir)
    return private_dir(runs_dir / f"reconcile-{stamp}-{secrets.token_hex(3)}")


def write_files(folder: Path, result: Reconciliation, generated_at: datetime) -> Written:
    """Write the HTML page and the CSV into ``folder`` (0600 each)."""
    html = write_private(folder / HTML_FILE, render_html(result, generated_at))
    table = write_private(folder / CSV_FILE, render_csv(result))
    return Written(folder=folder, html=html, csv=table)


# ---- CSV ---------------------------------------------------------------------------------


def csv_rows(result: Reconciliation) -> list[dict[str, str]]:
    """Every line of every section, as the CSV writes it."""
    rows = [_payout_row(SESSIONS, p) for p in result.sessions]
    rows += [_payout_row(LATE_PAYOUTS, p) for p in result.late_payouts]
    rows += [_request_row(r) for r in result.billed_without_session]
    rows += [_invoice_row(u) for u in result.invoices_not_written_off]
    rows += [_fee_row(f) for f in result.outstanding_fees]
    return rows


def render_csv(result: Reconciliation) -> str:
    """The CSV text (header first)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(csv_rows(result))
    return out.getvalue()


def _row(section: str, case: str, client: str, day: date | None, **values: str) -> dict[str, str]:
    row = dict.fromkeys(CSV_COLUMNS, "")
    row.update(section=section, case=case, client=client, date_of_service=_iso(day), **values)
    return row


def _payout_row(section: str, payout: SessionPayout) -> dict[str, str]:
    s = payout.session
    return _row(
        section,
        payout.state.value,
        s.client_name,
        s.date,
        time=_clock(s.start),
        provider=s.provider,
        expected_payout=_iso(payout.expected_payout),
        paid_on=_iso(s.paid_on),
        amount=_plain(s.amount),
        reference=", ".join(s.cpt_codes),
        detail=f"Headway shows {s.headway_status}" if s.headway_status else "",
    )


def _request_row(unmatched: UnmatchedRequest) -> dict[str, str]:
    r = unmatched.request
    return _row(
        BILLED_WITHOUT_SESSION,
        "billed without session",
        r.client_name,
        r.date,
        time=_clock(r.start),
        reference=r.conversation_id,
        detail=unmatched.reason,
    )


def _invoice_row(unwritten: UnwrittenInvoice) -> dict[str, str]:
    s, invoice = unwritten.session, unwritten.invoice
    return _row(
        INVOICE_NOT_WRITTEN_OFF,
        "invoice not written off",
        s.client_name,
        s.date,
        time=_clock(s.start),
        provider=s.provider,
        amount=_plain(invoice.balance) if invoice else "",
        reference=invoice.invoice_id if invoice else "",
        detail=unwritten.reason,
    )


def _fee_row(fee: LateFee) -> dict[str, str]:
    return _row(
        OUTSTANDING_FEE,
        "outstanding balance",
        fee.client_name,
        fee.date,
        amount=_plain(fee.balance if fee.balance is not None else fee.amount),
        reference=fee.invoice_id,
        detail=f"invoice {fee.status}" if fee.status else "invoice not on the Billing tab",
    )


def _iso(day: date | None) -> str:
    return day.isoformat() if day is not None else ""


def _clock(value: time | None) -> str:
    return value.strftime("%H:%M") if value is not None else ""


def _plain(amount: Decimal | None) -> str:
    return f"{amount:.2f}" if amount is not None else ""


# ---- HTML --------------------------------------------------------------------------------


def render_html(result: Reconciliation, generated_at: datetime) -> str:
    """The page a billing person reads (``templates/reconciliation.html.j2``)."""
    return (
        _environment()
        .get_template(TEMPLATE)
        .render(
            r=result,
            generated_at=generated_at,
            payout_rule=PAYOUT_RULE,
        )
    )


def _clock_text(value: time | None) -> str:
    if value is None:
        return NOT_KNOWN
    return value.strftime("%I:%M %p").lstrip("0")


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        # From the installed package: works from a wheel, not only from a checkout.
        loader=jinja2.PackageLoader("flows.reconcile", "templates"),
        autoescape=True,  # client names are data, never markup
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(money=money, day=long_day, clock=_clock_text)
    return env
