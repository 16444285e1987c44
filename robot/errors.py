"""The robot's exceptions: each one says *what happens next* to the work item or the run.

The split follows robocorp's work items: a business exception means the data is wrong and
a person must look (never retried); an application exception means the machinery failed
and trying again may help. Messages carry ids, codes and amounts only — never a client's
or therapist's name, an email address or note text — because they reach logs and reports.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "AuthError",
    "BillingRobotError",
    "BusinessRuleError",
    "ConfigError",
    "ControlNotFound",
    "StopRequested",
    "TransientError",
]


class BillingRobotError(Exception):
    """Base of every error the robot raises on purpose.

    Catch this (not ``Exception``) where a flow turns an error into an item outcome, so a
    programming error (``TypeError``, ``KeyError``) still surfaces as a crash.
    """


class BusinessRuleError(BillingRobotError):
    """The data is wrong or missing: the item goes to *needs review*, nothing is clicked.

    Raised when a cross-check fails (the admin note's duration, its end minus start, the
    Ruh Platform's billed minutes and the CPT code disagree), the diagnosis code is not a
    valid ICD-10-CM code, the session is too short to bill, the appointment is too old,
    the client lacks insurance or a payment method, or a record the procedure needs is
    absent. Never retried: the same data gives the same answer.
    """

    def __init__(self, reason: str, *, facts: Mapping[str, object] | None = None) -> None:
        """``reason`` in plain words; ``facts``: what was read before the rule broke."""
        super().__init__(reason)
        self.facts: dict[str, object] = dict(facts or {})
        """Billing facts read before the rule broke (client, date of service...): the
        review table needs them to say which session a person must look at."""

    def with_facts(self, facts: Mapping[str, object]) -> BusinessRuleError:
        """The same verdict, carrying ``facts`` too (those already carried win)."""
        return BusinessRuleError(str(self), facts={**facts, **self.facts})


class TransientError(BillingRobotError):
    """A site was slow, flaky, or logged us out: the unit of work is retried.

    Raised when a page did not reach the expected state, a response was lost, a login
    page appeared mid-run, or a commit could not be verified afterwards. The one retry
    policy (:mod:`robot.retry`) replays the unit from a known URL; after the last attempt
    the item is marked *failed* and a later run may try it again.
    """


class ControlNotFound(BillingRobotError):  # noqa: N818 - a finding, named for what it says
    """A page lacks a control or option the procedure names: the site changed, not the data.

    Raised by a page object once the part of the page that should hold it has loaded, so
    absence is a fact, not a slow load: e.g. "Intercom has no macro named 'Failed Payment
    - Late Cancellation Fee'". Never retried (it will still be missing); the item fails
    with this message and a screenshot, and a person fixes the name or the site.
    """

    def __init__(self, site: str, page: str, control: str) -> None:
        """Name the ``site``, the ``page`` (or dialog) and the missing ``control``."""
        super().__init__(f"{site} has no {control} ({page})")
        self.site = site
        self.page = page
        self.control = control


class AuthError(BillingRobotError):
    """A site rejected our credentials: the whole run stops.

    Raised by a login action when the site answers "wrong username or password" (or
    locks the account). Retrying would only risk a lockout, so this is never retried and
    no further item is started.
    """


class ConfigError(BillingRobotError):
    """The configuration is wrong or incomplete: the robot refuses to start.

    Raised at start-up by :func:`robot.settings.load_settings` and
    :meth:`robot.settings.Settings.require_sites`, and when no browser can be found. The
    message names the setting (e.g. ``BILLING_ROBOT_WORKERS``) and what to do.
    """


class StopRequested(BillingRobotError):  # noqa: N818 - a request, not an error; name is API
    """The operator answered *stop* at a supervised commit: end the run now.

    Raised by the commit gate in supervised mode. Nothing was clicked for the step that
    was being asked about; the item stays claimable for a later run.
    """
