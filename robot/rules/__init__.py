"""Billing rules: from a "For admin use only" note to a checked Headway entry; no browser.

One concern per module, every rule a small pure function that takes "today" and zones
as arguments (no hidden clock):

- ``note``: read the admin note into ``AdminNote`` (and write one back, for tests);
- ``datetext``: the dates and clock times people write; ``states``: US state names;
- ``timezones``: zone labels ("EST" is New York, daylight saving included), conversion,
  daylight-saving gaps and overlaps;
- ``cpt``: CPT code by face-to-face minutes and the duration cross-checks;
- ``icd10``: billable ICD-10-CM diagnosis codes, asked of ``icd10_index``, a compact
  index of the code set built on first use and cached in the user's cache folder;
- ``telehealth``: session type to Headway's telehealth type;
- ``windows``: Headway's 30-day limit and timely-billing flags; ``payout``: payout dates;
- ``plan``: all of the above as one ``BillingPlan``, and the ``plan`` command's body.

Importing this package loads nothing heavy; keep it that way (the CLI imports lazily).
"""
