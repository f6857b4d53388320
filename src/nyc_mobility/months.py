"""Month values (``YYYY-MM``): validated before they reach a path, a dbt var or SQL."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

_MONTH_RE = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


class InvalidMonthError(ValueError):
    """A month string that is not exactly ``YYYY-MM``."""


def parse_month(value: str) -> dt.date:
    """Parse ``YYYY-MM`` into the first day of that month, rejecting anything else."""
    match = _MONTH_RE.fullmatch(str(value).strip())
    if match is None:
        raise InvalidMonthError(f"invalid month {value!r}: expected YYYY-MM, e.g. 2024-01")
    year = int(match.group(1))
    if not 2000 <= year <= 2100:
        raise InvalidMonthError(f"invalid month {value!r}: year must be between 2000 and 2100")
    return dt.date(year, int(match.group(2)), 1)


def format_month(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def month_range(start: str, end: str) -> list[str]:
    """Every month from ``start`` to ``end`` inclusive, as ``YYYY-MM`` strings."""
    first, last = parse_month(start), parse_month(end)
    if last < first:
        raise InvalidMonthError(f"end month {end} is before start month {start}")
    return list(_iter_months(first, last))


def _iter_months(first: dt.date, last: dt.date) -> Iterator[str]:
    current = first
    while current <= last:
        yield format_month(current)
        current = next_month(current)


def month_bounds(month: str) -> tuple[dt.datetime, dt.datetime]:
    """Start (inclusive) and end (exclusive) of a month as naive datetimes."""
    first = parse_month(month)
    start = dt.datetime(first.year, first.month, 1)
    nxt = next_month(first)
    return start, dt.datetime(nxt.year, nxt.month, 1)
