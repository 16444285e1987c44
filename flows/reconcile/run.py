"""One reconciliation: check the settings, log in everywhere, read, match, write the folder.

In order, as a run does it: the settings of the three sites read and a browser are
checked before anything is created; the folder (owner-only) and its ``events.jsonl``;
one browser context whose tab logs in to Intercom, Headway and the Ruh Platform
(the pre-flight) before anything is read; the reading; the matching, with no browser;
the two files. Read-only throughout: there is no commit gate and no ledger.

A rejected login raises :class:`AuthError`; a site that could not be read after the
retries raises :class:`TransientError` naming it (its traceback in the folder's
``errors.log``). The log carries counts only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from playwright.sync_api import Error as PlaywrightError

from flows.reconcile import read
from flows.reconcile.files import Written, new_folder, write_files
from flows.reconcile.matching import reconcile
from flows.reconcile.model import (
    BilledRequest,
    ClientInvoice,
    ConfirmedSession,
    LateFee,
    Reconciliation,
)
from flows.reconcile.tab import SITES, ReadingTab
from robot.browser import BrowserRuntime, resolve_executable
from robot.errorlog import ErrorLog
from robot.errors import TransientError
from robot.exit_codes import ExitCode
from robot.logging import configure_logging, get_logger
from robot.outcome import outcome_for_error
from robot.settings import Settings

__all__ = ["ReconcileResult", "check_reconcile_settings", "run_reconcile"]

_log = get_logger("flows.reconcile")


@dataclass(frozen=True)
class ReconcileResult:
    """What a reconciliation found, where it wrote it, and the command's exit code."""

    reconciliation: Reconciliation
    files: Written

    @property
    def exit_code(self) -> ExitCode:
        """3 when any case needs a person (sections 2-5), else 0."""
        return ExitCode.NEEDS_REVIEW if self.reconciliation.needs_a_person else ExitCode.OK


def check_reconcile_settings(settings: Settings) -> None:
    """Refuse to start (ConfigError naming the setting) without the three sites or a browser."""
    settings.require_sites(*SITES)
    resolve_executable(settings)


def run_reconcile(settings: Settings, *, today: date, since: date | None) -> ReconcileResult:
    """Read the three sites and write ``<runs_dir>/reconcile-<time>/`` (see module docstring)."""
    check_reconcile_settings(settings)
    folder = new_folder(settings.runs_dir)
    configure_logging(folder)
    _log.info("reconcile_started", folder=folder.name, today=today, since=since)
    with BrowserRuntime(settings) as runtime:
        context = runtime.new_context()
        try:
            tab = ReadingTab(context, settings)
            found = _read_everything(tab, since, ErrorLog(folder))
        finally:
            context.close()
    sessions, requests, invoices, fees = found
    result = reconcile(
        sessions=sessions,
        requests=requests,
        invoices=invoices,
        fees=fees,
        today=today,
        since=since,
    )
    files = write_files(folder, result, datetime.now(UTC).astimezone())
    _log.info("reconcile_finished", folder=folder.name, **result.counts())
    return ReconcileResult(reconciliation=result, files=files)


_Found = tuple[
    list[ConfirmedSession],
    list[BilledRequest],
    dict[str, list[ClientInvoice] | None],
    list[LateFee],
]


def _read_everything(tab: ReadingTab, since: date | None, errors: ErrorLog) -> _Found:
    try:
        tab.preflight()
        sessions = read.confirmed_sessions(tab)
        requests = read.billed_requests(tab, since)
        emails = [
            s.client_email
            for s in sessions
            if s.client_email and (since is None or s.date >= since)
        ]
        invoices = read.client_invoices(tab, emails)
        fees = read.late_fees(tab, since)
    except (TransientError, PlaywrightError) as error:
        # Still down after the retries: say which site, and that nothing was written; the
        # traceback goes to the folder's errors.log, for whoever looks into it.
        reason = outcome_for_error(error, None).reason or type(error).__name__
        log = errors.record("reconcile", error)
        raise TransientError(
            f"{tab.site_title()} could not be read ({reason}); no reconciliation was "
            f"written (details in {log}): run reconcile again later"
        ) from error
    return sessions, requests, invoices, fees
