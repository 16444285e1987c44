"""The audit trail: one owner-only folder per run with screenshots, traces and a report.

Modules, one concern each:

- :mod:`~robot.audit.files`: owner-only folders and files (0700 / 0600);
- :mod:`~robot.audit.folder`: :class:`RunFolder`, the run's folder and its entry point
  :meth:`RunFolder.finish` (writes ``summary.json`` and ``report.html``);
- :mod:`~robot.audit.evidence`: :class:`PageEvidence`, the gate's numbered screenshots;
- :mod:`~robot.audit.model`: the view model the callers fill (:class:`RunInfo`,
  :class:`ItemView`, :class:`StepView`, :class:`ItemFacts`);
- :mod:`~robot.audit.ledger_views`: views built from the ledger and the folder;
- :mod:`~robot.audit.labels`, :mod:`~robot.audit.present`: plain words and formats;
- :mod:`~robot.audit.totals`: what the run did in money and work;
- :mod:`~robot.audit.report`, :mod:`~robot.audit.summary`: the two renderings.

The report names clients and carries billing facts (it is owner-only, like the folder);
the console and JSON logs do not. No artefact holds a password or a cookie.
"""

from robot.audit.evidence import PageEvidence
from robot.audit.files import private_dir, write_private
from robot.audit.folder import REPORT_FILE, SUMMARY_FILE, TRACE_FILE, RunFolder, new_run_id
from robot.audit.ledger_views import (
    ItemResult,
    collect_results,
    facts_from,
    item_view,
    item_views,
    view_from_result,
)
from robot.audit.model import (
    FeeOutcome,
    ItemFacts,
    ItemStatusName,
    ItemView,
    RunInfo,
    RunMode,
    StepStateName,
    StepView,
)
from robot.audit.report import render_report
from robot.audit.summary import render_summary, summary_document
from robot.audit.totals import PAYOUT_RULE, RunTotals, run_totals

__all__ = [
    "PAYOUT_RULE",
    "REPORT_FILE",
    "SUMMARY_FILE",
    "TRACE_FILE",
    "FeeOutcome",
    "ItemFacts",
    "ItemResult",
    "ItemStatusName",
    "ItemView",
    "PageEvidence",
    "RunFolder",
    "RunInfo",
    "RunMode",
    "RunTotals",
    "StepStateName",
    "StepView",
    "collect_results",
    "facts_from",
    "item_view",
    "item_views",
    "new_run_id",
    "private_dir",
    "render_report",
    "render_summary",
    "run_totals",
    "summary_document",
    "view_from_result",
    "write_private",
]
