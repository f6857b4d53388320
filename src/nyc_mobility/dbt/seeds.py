"""The seeds the package generates and ships: ``us_federal_holidays`` from the ``holidays`` library and
``trip_modes`` and ``tlc_report_license_classes`` from the source registry (the congestion zone's is :mod:`nyc_mobility.zones.congestion`'s).

``trip_modes`` is ``dim_mode``: every trip mode of the registry (:mod:`nyc_mobility.sources`) with its
label, operator and groupings, so the labels the metrics show and the report's are one.

The US federal holidays seed:

The calendar's holidays used to be a dbt Python model; a seed is read the same way by every engine
(DuckDB and Spark), so the package generates it from the ``holidays`` library (Juneteenth from 2021,
the Monday holidays, Saturday/Sunday observance including New Year's Day observed on 31 December)
and ships it. A holiday on a weekend is listed twice: on its date, and on the weekday it is observed
(``is_observed_date``). The years cover the dbt project's calendar (vars ``calendar_start`` and
``calendar_end``) with a year of margin either side; a unit test regenerates the shipped seed.

    python -m nyc_mobility.dbt.seeds us_federal_holidays > dbt_project/seeds/us_federal_holidays.csv
    python -m nyc_mobility.dbt.seeds trip_modes > dbt_project/seeds/trip_modes.csv
    python -m nyc_mobility.dbt.seeds tlc_report_license_classes > dbt_project/seeds/tlc_report_license_classes.csv
"""

from __future__ import annotations

import csv
import sys
from typing import TextIO

FIRST_YEAR, LAST_YEAR = 2008, 2031
COLUMNS = ("holiday_date", "holiday_name", "is_observed_date")


def seed_rows(first_year: int = FIRST_YEAR, last_year: int = LAST_YEAR) -> list[tuple[str, str, str]]:
    import holidays

    calendar = holidays.country_holidays("US", years=range(first_year, last_year + 1), observed=True)
    rows = []
    for day, label in calendar.items():
        for name in label.split("; "):
            observed = name.lower().endswith("(observed)")
            plain = name.removesuffix(" (observed)").removesuffix(" (Observed)")
            rows.append((day.isoformat(), plain, "true" if observed else "false"))
    return sorted(rows)


def write_seed(out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(seed_rows())


MODE_COLUMNS = ("mode", "mode_label", "is_taxi", "is_metered", "operator")


def mode_rows() -> list[tuple[str, str, str, str, str]]:
    """One row per trip mode of the registry, in its order."""
    from nyc_mobility import sources

    def flag(value: bool) -> str:
        return "true" if value else "false"

    return [
        (s.mode, s.mode_label or s.mode, flag(s.is_taxi), flag(s.is_metered), s.operator or "")
        for s in sources.trips()
        if s.mode is not None
    ]


def write_modes_seed(out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(MODE_COLUMNS)
    writer.writerows(mode_rows())


def report_class_rows() -> list[tuple[str, str]]:
    """The TLC monthly report's licence classes and the trip mode whose files hold their trips."""
    from nyc_mobility import sources

    return [(c, s.mode) for s in sources.trips() if s.mode for c in s.report_license_classes]


def write_report_classes_seed(out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("license_class", "mode"))
    writer.writerows(report_class_rows())


WRITERS = {
    "us_federal_holidays": write_seed,
    "trip_modes": write_modes_seed,
    "tlc_report_license_classes": write_report_classes_seed,
}


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in WRITERS:
        raise SystemExit(f"usage: python -m nyc_mobility.dbt.seeds {{{'|'.join(WRITERS)}}}")
    WRITERS[sys.argv[1]](sys.stdout)
