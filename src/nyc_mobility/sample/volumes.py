"""The sample's monthly volumes, calibrated against the TLC's own monthly report.

``volumes.csv`` (beside this module) holds each TLC mode's trips per month as the TLC's monthly
report states them (trips per day x days in the month; FHV the sum of the Black Car, Livery and Lux
Limo classes), derived from a copy of ``data_reports_monthly.csv`` by::

    python -m nyc_mobility.sample.volumes data_reports_monthly.csv > src/nyc_mobility/sample/volumes.csv

so that at ``scale=1.0`` a sample month holds about as many trips per mode as the city did (a unit
test checks the shipped table and the generator's expected counts against the report copy). A month
outside the table takes the nearest month the table has for that mode.
"""

from __future__ import annotations

import bisect
import csv
import functools
import sys
from pathlib import Path

TABLE = Path(__file__).with_name("volumes.csv")
MODES = ("yellow_taxi", "green_taxi", "fhv", "hvfhv")


@functools.cache
def _table() -> dict[str, dict[str, int]]:
    by_mode: dict[str, dict[str, int]] = {mode: {} for mode in MODES}
    with TABLE.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for mode in MODES:
                if row[mode]:
                    by_mode[mode][row["month"]] = int(row[mode])
    return by_mode


def monthly_trips(mode: str, month: str) -> int | None:
    """The report's trips of ``mode`` in ``month`` (YYYY-MM), or of the nearest month it states;
    None for a mode the report does not count (Citi Bike)."""
    months = _table().get(mode)
    if not months:
        return None
    if month in months:
        return months[month]
    ordered = sorted(months)
    at = bisect.bisect_left(ordered, month)
    nearest = min(ordered[max(at - 1, 0) : at + 1], key=lambda m: abs(_index(m) - _index(month)))
    return months[nearest]


def _index(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7])


def from_report(text: str) -> list[dict[str, str]]:
    """The table's rows (month, trips per mode) from the text of a report copy, read as the raw
    months' reconciliation reads it (nyc_mobility.raw.publisher)."""
    from nyc_mobility import sources
    from nyc_mobility.raw.publisher import month_trips, trips_per_day_of

    per_day = trips_per_day_of(text)
    classes = {s.mode: s.report_license_classes for s in sources.trips() if s.mode in MODES}
    rows = []
    for month in sorted({month for month, _class in per_day}):
        trips = {mode: month_trips(per_day, classes[mode], month) for mode in MODES}
        rows.append({"month": month, **{m: "" if n is None else str(n) for m, n in trips.items()}})
    return rows


if __name__ == "__main__":
    writer = csv.DictWriter(sys.stdout, fieldnames=("month", *MODES), lineterminator="\n")
    writer.writeheader()
    writer.writerows(from_report(Path(sys.argv[1]).read_text(encoding="utf-8-sig")))
