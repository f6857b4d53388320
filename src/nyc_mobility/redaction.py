"""Secrets never reach a message, a log line or the UI: URLs are shown without credentials or query."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


def redact_url(url: str) -> str:
    """``url`` without user:password and with its query and fragment masked (tokens live there).

    ``https://user:tok@host/path?sig=abc`` -> ``https://host/path?…``
    """
    try:
        parts = urlsplit(str(url))
    except ValueError:
        return "<unparseable URL>"
    if not parts.scheme or not parts.netloc:
        return str(url) if "?" not in str(url) else str(url).split("?", 1)[0] + "?…"
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "…" if parts.query else "", ""))


def host_only(url: str) -> str:
    """``scheme://host/…``: for URLs whose path is itself a secret (webhooks)."""
    parts = urlsplit(str(url))
    return f"{parts.scheme}://{parts.hostname}/…"
