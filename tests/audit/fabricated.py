"""A fabricated run for the report's tests: a few items of every status, real PNG files.

Nothing here touches a browser or a site: the run folder, its screenshots and the view
model are made up, so the report can be checked against known figures:

- sessions confirmed by the robot: 3 (90837 x 2, 90834 x 1), the first at 11:52 PM on
  Nov 15 (paid Nov 30, 2026), two after midnight (paid Dec 15, 2026);
- invoices written off: 3, $450.00;
- late-cancellation fees: 1 charged $75.00, 1 declined $95.00;
- refunds: 1, $120.00; Programs Sheet write-offs: 1, $120.00;
- a found-already-done confirmation (not counted) and a rehearsed one (not counted).
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from flows.processes import ALL_PROCESSES
from robot.audit import ItemFacts, ItemView, RunFolder, RunInfo, StepView

EASTERN = ZoneInfo("America/New_York")
# Just before midnight: the first session is confirmed on Nov 15 (paid Nov 30), the next
# ones after midnight, on Nov 16 (paid Dec 15).
START = datetime(2026, 11, 15, 23, 50, tzinfo=EASTERN)

BILLING_STEPS = (
    "intercom.add-client",
    "intercom.remove-self",
    "headway.confirm",
    "intercom.session-form",
    "intercom.billed",
    "intercom.close",
    "ruh.write-off",
    "ruh.charge-zero",
)

LANDED_HINT = (
    "check Headway for a session on Nov 20, 2026 at 10:00 AM EST before doing this by hand"
)


@dataclass(frozen=True)
class Fabricated:
    """The run, its items and its folder."""

    folder: RunFolder
    run: RunInfo
    items: list[ItemView]

    def item(self, item_id: str) -> ItemView:
        """One item by id."""
        return next(item for item in self.items if item.item_id == item_id)


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A solid-colour PNG (no imaging library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


class _Shots:
    """Writes an item's numbered screenshots like the gate does; returns relative paths."""

    def __init__(self, folder: RunFolder, item_id: str) -> None:
        self.folder = folder
        self.item_id = item_id
        self.counter = folder.counter(item_id)

    def take(self, label: str, rgb: tuple[int, int, int] = (210, 225, 245)) -> str:
        path = self.folder.item_dir(self.item_id) / f"{next(self.counter):02d}-{label}.png"
        path.write_bytes(png(320, 480, rgb))
        return path.relative_to(self.folder.path).as_posix()


def _at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def _done_steps(
    shots: _Shots, names: tuple[str, ...], start: float, *, found: tuple[str, ...] = ()
) -> list[StepView]:
    steps = []
    for offset, name in enumerate(names):
        begin = _at(start + offset)
        if name in found:
            files = [shots.take(f"{name}-found-done", (230, 230, 230))]
        else:
            files = [shots.take(f"{name}-before"), shots.take(f"{name}-after", (200, 240, 210))]
        steps.append(
            StepView(
                name=name,
                state="done",
                found=name in found,
                started_at=begin,
                ended_at=begin + timedelta(seconds=4 if name not in found else 0),
                screenshots=files,
            )
        )
    return steps


def _billing(
    folder: RunFolder,
    item_id: str,
    client: str,
    dos: date,
    cpt: str,
    amount: str,
    payout: date | None,
    start: float,
    *,
    found: tuple[str, ...] = (),
) -> ItemView:
    shots = _Shots(folder, item_id)
    steps = _done_steps(shots, BILLING_STEPS, start, found=found)
    return ItemView(
        item_id=item_id,
        kind="headway_billing",
        status="done",
        attempts=1,
        conversation_url=f"https://app.intercom.example/conversations/{item_id.split(':')[-1]}",
        facts=ItemFacts(
            client_name=client,
            date_of_service=dos,
            therapist="Dr. Maya Ortiz",
            cpt_code=cpt,
            diagnosis_code="F41.1",
            amount=Decimal(amount),
            payout_date=payout,
            written_off_amount=Decimal(amount),
        ),
        steps=steps,
    )


def fabricate(runs_dir: Path) -> Fabricated:
    """Build the run folder under ``runs_dir`` and return the run and its items."""
    folder = RunFolder(runs_dir, "20261116T045000Z-fab001")
    items: list[ItemView] = []

    # Confirmed on Nov 15 (paid Nov 30) and Nov 16 (paid Dec 15): the payout boundary.
    items.append(
        _billing(
            folder, "intercom:conv-101", "Jane Roe", date(2026, 11, 10), "90837",
            "150.00", date(2026, 11, 30), 0,
        )
    )
    second = _billing(
        folder, "intercom:conv-102", "Sam Lee", date(2026, 11, 12), "90834",
        "130.00", date(2026, 12, 15), 10, found=("intercom.add-client",),
    )
    # The ledger's evidence and the folder listing both name the confirm screenshots.
    confirm = second.steps[2]
    doubled = StepView(
        name=confirm.name,
        state=confirm.state,
        started_at=confirm.started_at,
        ended_at=confirm.ended_at,
        screenshots=[*confirm.screenshots, *confirm.screenshots],
    )
    items.append(
        ItemView(
            item_id=second.item_id,
            kind=second.kind,
            status=second.status,
            attempts=1,
            conversation_url=second.conversation_url,
            facts=second.facts,
            steps=[*second.steps[:2], doubled, *second.steps[3:]],
        )
    )
    items.append(
        _billing(
            folder, "intercom:conv-103", "Ada Park", date(2026, 11, 13), "90837",
            "170.00", date(2026, 12, 15), 20,
        )
    )
    # Confirmed by a person before the robot came: found, not counted.
    items.append(
        _billing(
            folder, "intercom:conv-104", "Omar Haddad", date(2026, 11, 11), "90837",
            "150.00", None, 30, found=("headway.confirm", "ruh.write-off"),
        )
    )

    shots = _Shots(folder, "late-cancel:apt-201")
    items.append(
        ItemView(
            item_id="late-cancel:apt-201",
            kind="late_cancellation",
            status="done",
            attempts=1,
            facts=ItemFacts(
                client_name="Lena Fischer",
                date_of_service=date(2026, 11, 9),
                therapist="Dr. Maya Ortiz",
                amount=Decimal("75.00"),
                fee_amount=Decimal("75.00"),
                fee_outcome="charged",
            ),
            steps=_done_steps(shots, ("ruh.create-invoice", "ruh.charge-full"), 40),
        )
    )
    shots = _Shots(folder, "late-cancel:apt-202")
    items.append(
        ItemView(
            item_id="late-cancel:apt-202",
            kind="late_cancellation",
            status="done",
            reason="the card was declined; the Failed Payment macro was sent",
            attempts=1,
            facts=ItemFacts(
                client_name="Tom Becker",
                date_of_service=date(2026, 11, 8),
                therapist="Dr. Ken Adams",
                amount=Decimal("95.00"),
                fee_amount=Decimal("95.00"),
                fee_outcome="declined",
            ),
            steps=_done_steps(
                shots,
                ("ruh.create-invoice", "ruh.charge-full", "intercom.failed-payment-reply"),
                45,
            ),
        )
    )
    shots = _Shots(folder, "wrong-charge:conv-301")
    items.append(
        ItemView(
            item_id="wrong-charge:conv-301",
            kind="wrong_charge",
            status="done",
            attempts=1,
            facts=ItemFacts(
                client_name="Grace Kim",
                date_of_service=date(2026, 9, 28),
                therapist="Dr. Ken Adams",
                amount=Decimal("120.00"),
                refund_amount=Decimal("120.00"),
                sheet_write_off_amount=Decimal("120.00"),
            ),
            steps=_done_steps(
                shots, ("ruh.refund", "intercom.refund-notice", "sheet.write-off"), 50
            ),
        )
    )

    problem = _Shots(folder, "intercom:conv-105").take("review-note", (255, 236, 200))
    items.append(
        ItemView(
            item_id="intercom:conv-105",
            kind="headway_billing",
            status="needs_review",
            reason="the note says 53 minutes but the Ruh Platform billed 45 minutes",
            next_step="Ask the therapist which duration is right and correct the note or the "
            "appointment, then run the robot on it again.",
            attempts=1,
            conversation_url="https://app.intercom.example/conversations/conv-105",
            facts=ItemFacts(
                client_name="Nora Quinn",
                date_of_service=date(2026, 11, 12),
                therapist="Dr. Ken Adams",
                cpt_code="90837",
                amount=Decimal("150.00"),
            ),
            problem_screenshot=problem,
        )
    )
    items.append(
        ItemView(
            item_id="intercom:conv-106",
            kind="headway_billing",
            status="needs_review",
            reason="diagnosis code F41.X is not a valid ICD-10-CM code",
            next_step="Look up the client's diagnosis (Client profile → Action → Diagnosis) "
            "and fix the admin note.",
            attempts=1,
            conversation_url="https://app.intercom.example/conversations/conv-106",
            facts=ItemFacts(client_name="Victor Hale", date_of_service=date(2026, 11, 13)),
        )
    )

    # Failed after the confirm click: the click may have landed.
    shots = _Shots(folder, "intercom:conv-107")
    steps = _done_steps(shots, BILLING_STEPS[:2], 60)
    before = shots.take("headway.confirm-before")
    steps.append(
        StepView(name="headway.confirm", state="intent", started_at=_at(63), screenshots=[before])
    )
    failed_shot = shots.take("failed", (250, 215, 215))
    trace = folder.trace_path("intercom:conv-107")
    trace.write_bytes(b"PK fake trace")
    items.append(
        ItemView(
            item_id="intercom:conv-107",
            kind="headway_billing",
            status="failed",
            reason="TimeoutError: the confirmation did not appear within 30 s",
            attempts=3,
            conversation_url="https://app.intercom.example/conversations/conv-107",
            facts=ItemFacts(
                client_name="Iris Moreau",
                date_of_service=date(2026, 11, 20),
                therapist="Dr. Maya Ortiz",
                cpt_code="90837",
                diagnosis_code="F32.1",
                amount=Decimal("150.00"),
            ),
            steps=steps,
            failed_step="headway.confirm",
            check_hint=LANDED_HINT,
            problem_screenshot=failed_shot,
            trace=trace.relative_to(folder.path).as_posix(),
        )
    )
    items.append(
        ItemView(
            item_id="intercom:conv-108",
            kind="headway_billing",
            status="failed",
            reason="Headway did not load the calendar after 3 tries",
            attempts=3,
            facts=ItemFacts(client_name="Paul Young", date_of_service=date(2026, 11, 14)),
        )
    )

    shots = _Shots(folder, "intercom:conv-109")
    rehearsed = [
        StepView(name="intercom.add-client", state="would_commit",
                 screenshots=[shots.take("intercom.add-client-would-commit")]),
    ]
    items.append(
        ItemView(
            item_id="intercom:conv-109",
            kind="headway_billing",
            status="rehearsed",
            reason="dry run: nothing was changed",
            facts=ItemFacts(client_name="Rita Cole", date_of_service=date(2026, 11, 14)),
            steps=rehearsed,
        )
    )
    shots = _Shots(folder, "intercom:conv-110")
    items.append(
        ItemView(
            item_id="intercom:conv-110",
            kind="headway_billing",
            status="skipped",
            reason="the operator skipped intercom.add-client; later steps left alone",
            attempts=1,
            facts=ItemFacts(client_name="Hugo Stone", date_of_service=date(2026, 11, 15)),
            steps=[
                StepView(name="intercom.add-client", state="skipped",
                         screenshots=[shots.take("intercom.add-client-before")]),
            ],
        )
    )

    run = RunInfo(
        run_id=folder.run_id,
        mode="live",
        started_at=START,
        ended_at=START + timedelta(minutes=72, seconds=9),
        ledger_location="/srv/billing-robot/ledger.sqlite3",
        exit_code=1,
        exit_meaning="some items failed or need review",
    )
    return Fabricated(folder, run, [_labelled(item) for item in items])


def _labelled(item: ItemView) -> ItemView:
    """The labels the flows declare, as the run hands them to the report."""
    steps = [replace(step, label=STEP_LABELS.get(step.name, step.label)) for step in item.steps]
    return replace(item, steps=steps, kind_label=KIND_LABELS.get(item.kind, item.kind_label))


STEP_LABELS = {step.name: step.label for process in ALL_PROCESSES for step in process.steps}
KIND_LABELS = {process.kind: process.label for process in ALL_PROCESSES}
