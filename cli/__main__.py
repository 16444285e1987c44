"""``python -m cli``: the same as ``billing-robot``."""

from cli.app import app

app()
