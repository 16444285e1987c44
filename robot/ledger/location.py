"""Where a ledger lives, said without its secret: the only form that may be shown or logged."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

__all__ = ["display_url", "embedded_password"]


def embedded_password(url: str) -> bool:
    """True when ``url`` carries a password (``user:secret@host`` or ``?password=``)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    return parts.password is not None or any(key == "password" for key, _ in query)


def display_url(url: str) -> str:
    """``url`` with any password removed, e.g. ``postgresql://robot@db:5432/billing``."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, hostport = netloc.rsplit("@", 1)
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}@{hostport}" if user else hostport
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "password"]
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query), parts.fragment))
