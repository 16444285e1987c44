"""The reconciliation's folder and files (flows.reconcile.files), with no browser."""

from __future__ import annotations

import csv
import io
import stat
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path

from flows.reconcile.files import CSV_COLUMNS, new_folder, write_files
from flows.reconcile.matching import reconcile
from flows.reconcile.model import (
    BilledRequest,
    ClientInvoice,
    ConfirmedSession,
    LateFee,
    Reconciliation,
)

EAST = "America/New_York"


def _found(requester: str = "Iris Kim") -> Reconciliation:
    missing = ConfirmedSession(
        client_name="Nadia Alvarez", client_email="nadia@example.com",
        provider="Sana Qureshi, LCSW", date=date(2026, 10, 12), start=time(9, 0), zone=EAST,
        cpt_codes=("90837",), confirmed_on=date(2026, 10, 13), paid_on=None,
        amount=Decimal("135.00"), headway_status="Missing",
    )  # fmt: skip
    lonely = BilledRequest(
        conversation_id="conv-rc1", client_name=requester, client_email="iris@example.com",
        date=date(2026, 11, 2), start=time(15, 0), zone=EAST, status="closed",
    )  # fmt: skip
    open_invoice = ClientInvoice(
        invoice_id="inv-oct12", date=date(2026, 10, 12), start=time(9, 0), zone=EAST,
        status="Open", amount=Decimal("150.00"), balance=Decimal("150.00"),
    )  # fmt: skip
    declined = LateFee(
        appointment_id="ap-lc6", client_name="Leila Patel", date=date(2026, 11, 5),
        invoice_id="inv-lc6", status="Failed", amount=Decimal("150.00"),
        balance=Decimal("150.00"),
    )  # fmt: skip
    return reconcile(
        sessions=[missing], requests=[lonely], invoices={"nadia@example.com": [open_invoice]},
        fees=[declined], today=date(2026, 11, 20),
    )  # fmt: skip


def test_the_folder_is_owner_only_and_so_are_both_files(tmp_path: Path) -> None:
    folder = new_folder(tmp_path / "runs", datetime(2026, 11, 20, 15, 4, 5, tzinfo=UTC))
    assert folder.name.startswith("reconcile-20261120T150405Z-")
    written = write_files(folder, _found(), datetime(2026, 11, 20, 15, 4, 5, tzinfo=UTC))
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "runs").stat().st_mode) == 0o700
    for path in (written.html, written.csv):
        assert path.parent == folder
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_csv_has_one_row_per_line_of_each_section(tmp_path: Path) -> None:
    folder = new_folder(tmp_path)
    written = write_files(folder, _found(), datetime(2026, 11, 20, tzinfo=UTC))
    rows = list(csv.DictReader(io.StringIO(written.csv.read_text("utf-8"))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [(r["section"], r["case"], r["client"], r["date_of_service"]) for r in rows] == [
        ("sessions", "missing", "Nadia Alvarez", "2026-10-12"),
        ("late_payouts", "missing", "Nadia Alvarez", "2026-10-12"),
        ("billed_without_session", "billed without session", "Iris Kim", "2026-11-02"),
        ("invoice_not_written_off", "invoice not written off", "Nadia Alvarez", "2026-10-12"),
        ("outstanding_fee", "outstanding balance", "Leila Patel", "2026-11-05"),
    ]
    late = rows[1]
    assert (late["expected_payout"], late["paid_on"], late["amount"]) == (
        "2026-10-31",
        "",
        "135.00",
    )
    assert (rows[3]["reference"], rows[3]["amount"], rows[3]["detail"]) == (
        "inv-oct12",
        "150.00",
        "invoice Open",
    )
    assert (rows[4]["reference"], rows[4]["detail"]) == ("inv-lc6", "invoice Failed")


def test_names_in_the_page_are_text_never_markup(tmp_path: Path) -> None:
    found = _found(requester="<b>Iris</b>")
    written = write_files(new_folder(tmp_path), found, datetime(2026, 11, 20, tzinfo=UTC))
    html = written.html.read_text("utf-8")
    assert "&lt;b&gt;Iris&lt;/b&gt;" in html
    assert "<b>Iris</b>" not in html
