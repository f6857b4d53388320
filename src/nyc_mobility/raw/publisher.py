"""The publisher's own totals for a landed month: the TLC's monthly report (the registry's report
source, latest landed copy) read in Python, for the raw months' asset check before dbt runs. The
warehouse's ``qa_trips__publisher_reconciliation`` is the same comparison in SQL after the build.
"""

from __future__ import annotations

import calendar
import csv
import functools
import io
from dataclasses import dataclass
from pathlib import Path

from nyc_mobility import sources
from nyc_mobility.months import parse_month
from nyc_mobility.raw.layout import report_copies
from nyc_mobility.sources import RawSource


@dataclass(frozen=True)
class PublisherTrips:
    """The report's trips of one mode and month (trips per day x days, summed over its classes)."""

    mode: str
    month: str
    trips: int
    classes: tuple[str, ...]
    copy_date: str


@dataclass(frozen=True)
class Reconciled:
    """Our records beside the publisher's trips."""

    ours: int
    publisher: PublisherTrips
    tolerance: float

    @property
    def ratio(self) -> float:
        return self.ours / self.publisher.trips if self.publisher.trips else float("inf")

    @property
    def within(self) -> bool:
        return abs(self.ratio - 1) <= self.tolerance + 1e-12  # inclusive, whatever the float rounding

    def describe(self) -> str:
        return (
            f"{self.publisher.mode} {self.publisher.month}: {self.ours:,} records landed, the TLC's report "
            f"{self.publisher.trips:,} trips ({', '.join(self.publisher.classes)}; copy of "
            f"{self.publisher.copy_date}): ratio {self.ratio:.4f}, tolerance ±{self.tolerance:.0%}"
        )


def report_source() -> RawSource | None:
    return next((s for s in sources.static() if s.landing == "report"), None)


def _number(text: str) -> float | None:
    cleaned = text.strip().replace(",", "").removesuffix("%")
    if cleaned in ("", "-"):
        return None
    try:
        return float(cleaned)
    except ValueError:
        return None


def trips_per_day(path: Path) -> dict[tuple[str, str], float]:
    """(month, licence class) -> trips per day, from one landed copy of the report (read once per
    file version: a backfill checks every month of every source against the same copy)."""
    stat = path.stat()
    return _trips_per_day(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4)
def _trips_per_day(path: str, _mtime_ns: int, _size: int) -> dict[tuple[str, str], float]:
    return trips_per_day_of(Path(path).read_text(encoding="utf-8-sig"))


def trips_per_day_of(text: str) -> dict[tuple[str, str], float]:
    """(month, licence class) -> trips per day, from the text of a copy of the report."""
    reader = csv.DictReader(io.StringIO(text))
    found = {}
    for row in reader:
        row = {(k or "").strip(): (v or "") for k, v in row.items()}
        value = _number(row.get("Trips Per Day", ""))
        if value is not None:
            found[(row.get("Month/Year", "").strip(), row.get("License Class", "").strip())] = value
    return found


def publisher_trips(raw_dir: Path, mode: str, month: str) -> PublisherTrips | None:
    """The latest landed report's trips of ``mode`` in ``month`` (None: no report landed, a mode the
    report does not count, or a month it does not cover)."""
    record = report_source()
    trip_source = next((s for s in sources.trips() if s.mode == mode), None)
    if record is None or trip_source is None or not trip_source.report_license_classes:
        return None
    copies = report_copies(raw_dir, record)
    if not copies:
        return None
    copy_date, path = max(copies.items())
    classes = trip_source.report_license_classes
    trips = month_trips(trips_per_day(path), classes, month)
    return None if trips is None else PublisherTrips(mode, month, trips, classes, copy_date)


def month_trips(per_day: dict[tuple[str, str], float], classes: tuple[str, ...], month: str) -> int | None:
    """The report's trips of ``classes`` in ``month``: trips per day summed over the classes it states,
    times the days of the month (None: it states none of them)."""
    values = [per_day.get((month, c)) for c in classes]
    if all(v is None for v in values):
        return None
    day = parse_month(month)
    return round(sum(v or 0 for v in values) * calendar.monthrange(day.year, day.month)[1])
