"""Reconciliation (issue 12, part 3): the three sites compared, without changing anything.

What Headway paid, what Intercom says was billed, and what the Ruh Platform still shows
owed, read the way a person would:

- :mod:`~flows.reconcile.model`: what is read and what is found (plain data);
- :mod:`~flows.reconcile.matching`: the rules, with no browser;
- :mod:`~flows.reconcile.tab`, :mod:`~flows.reconcile.read`: the reading, by page objects;
- :mod:`~flows.reconcile.files`: the owner-only folder, ``reconciliation.html`` and ``.csv``;
- :mod:`~flows.reconcile.run`: one reconciliation from settings to folder.
"""
