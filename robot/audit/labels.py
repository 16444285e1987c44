"""Plain words for the report: step, kind and status names, and what a person does next.

The ledger speaks in step names (``headway.confirm``) and statuses (``needs_review``); a
billing person reads "Sign note & confirm the session on Headway" and "Needs review".
Step and process labels are declared once, with the steps (``flows``), and handed to the
report; the fallbacks here only keep an unlabelled name readable.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from robot.audit.model import ItemFacts, ItemView, StepView

__all__ = [
    "MODE_LABELS",
    "STATUS_LABELS",
    "check_hint",
    "kind_label",
    "mode_label",
    "next_step",
    "next_step_for_status",
    "status_label",
    "step_label",
    "who_did",
]

STATUS_LABELS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "done": "Done",
        "needs_review": "Needs review",
        "failed": "Failed",
        "rehearsed": "Rehearsed (dry run)",
        "skipped": "Skipped",
        "stopped": "Stopped",
        "resolved": "Resolved by hand",
        "dismissed": "Dismissed",
    }
)
"""Each item status as the report names it."""

# What to look for on the site before redoing a step by hand, by step. ``{when}`` is
# "for <client> on <date of service>" as far as the facts go.
_CHECKS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "headway.confirm": "check Headway for a confirmed session {when}",
        "ruh.write-off": "check the Ruh Platform invoice {when} is not already written off",
        "ruh.charge-zero": "check the Ruh Platform invoice {when} for a $0 charge",
        "ruh.create-invoice": "check the Ruh Platform for an invoice {when}",
        "ruh.charge-full": "check the Ruh Platform invoice {when} for a charge",
        "ruh.refund": "check the Ruh Platform payments {when} for a refund",
        "sheet.write-off": "check the Programs Sheet for a Headway Write-Off entry {when}",
    }
)


def step_label(name: str) -> str:
    """A step with no label given: its name (the flows pass each step's declared label)."""
    return name


def kind_label(kind: str) -> str:
    """A kind with no label given: de-underscored (the flows pass each process's label)."""
    return kind.replace("_", " ").capitalize()


def status_label(status: str) -> str:
    """The item status as the report names it."""
    return STATUS_LABELS.get(status, status.replace("_", " ").capitalize())


def who_did(step: StepView) -> str:
    """Who did the step in this run, in the words the report uses."""
    if step.state == "intent":
        return "click may have landed — unverified"
    if step.state == "would_commit":
        return "rehearsed"
    if step.state == "skipped":
        return "skipped by operator"
    return "found already done" if step.found else "robot"


def next_step(item: ItemView) -> str | None:
    """What a person should do now: the item's own ``next_step`` or a default for its status."""
    if item.next_step:
        return item.next_step
    return next_step_for_status(item.status, click_may_have_landed=item.click_may_have_landed)


def next_step_for_status(status: str, *, click_may_have_landed: bool = False) -> str:
    """What a person does next with an item in ``status`` (empty when nothing)."""
    if status == "needs_review":
        return (
            "Correct what the reason names on the site, then `billing-robot resolve ITEM "
            "--retry` (or --done-by-hand / --dismiss REASON)."
        )
    if status == "failed" and click_may_have_landed:
        return (
            "Run the robot again: it checks the site before clicking and never does a step "
            "twice. Before doing it by hand, check the site first."
        )
    if status in ("failed", "stopped"):
        return "Run the robot again: it carries on from the last step it finished."
    if status == "skipped":
        return "Run the item again (`billing-robot run`) to resume at the skipped step."
    return ""


def check_hint(item: ItemView) -> str | None:
    """What to check before redoing the item by hand, when a click may have landed.

    The item's own ``check_hint`` wins; otherwise one is made from the step and facts.
    """
    if not item.click_may_have_landed:
        return None
    if item.check_hint:
        return item.check_hint
    step = item.intent_step
    name = step.name if step is not None else ""
    template = _CHECKS.get(name)
    if template is None:
        where = "Intercom" if name.startswith("intercom.") else "the site"
        template = f"check {where} for the result of “{step_label(name)}” {{when}}"
    text = f"{template.format(when=_when(item.facts))} before doing this by hand"
    return " ".join(text.split())  # no double space where the facts said nothing


def _when(facts: ItemFacts) -> str:
    parts = []
    if facts.client_name:
        parts.append(f"for {facts.client_name}")
    if facts.date_of_service is not None:
        day = facts.date_of_service
        parts.append(f"on {day:%b} {day.day}, {day.year}")
    return " ".join(parts)


MODE_LABELS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "live": "Live: the robot clicked",
        "dry_run": "Dry run: nothing was clicked",
        "supervised": "Supervised: an operator approved each click",
    }
)
"""Each run mode in plain words."""


def mode_label(mode: str) -> str:
    """The run mode in plain words."""
    return MODE_LABELS.get(mode, mode)
