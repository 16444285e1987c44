"""billing-robot: the engine (settings, browser, commit gate, ledger, audit trail, CLI)."""
