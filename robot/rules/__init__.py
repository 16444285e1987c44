"""Billing rules: pure functions from the admin note to the Headway entry, no browser."""
