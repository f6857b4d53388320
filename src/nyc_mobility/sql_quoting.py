"""Quoting for the few SQL texts the package composes itself: DuckDB statements that take no bind
parameters (``attach``, ``set allowed_directories``, ``copy ... to``, ``create view``) built from
values the package holds — its own paths and folders, catalog, table and column names read from a
file's schema or a manifest.

Untrusted text (a user's filter, a metric or dimension name) never goes through here: it is parsed
and validated first (``nyc_mobility.metrics.filters``), and everything else is a bind parameter.
"""

from __future__ import annotations

from collections.abc import Iterable
from os import PathLike


def literal(text: str | PathLike[str]) -> str:
    """A single-quoted SQL string literal (a single quote inside is doubled)."""
    return "'" + str(text).replace("'", "''") + "'"


def literals(items: Iterable[str | PathLike[str]]) -> str:
    """Comma-separated string literals (for a list such as ``[...]`` or ``in (...)``)."""
    return ", ".join(literal(item) for item in items)


def identifier(name: str) -> str:
    """A double-quoted SQL identifier (a double quote inside is doubled)."""
    return '"' + str(name).replace('"', '""') + '"'
