"""The US federal holidays seed, ``dbt_project/seeds/us_federal_holidays.csv``, from ``holidays``.

The calendar's holidays used to be a dbt Python model; a seed is read the same way by every engine
(DuckDB and Spark), so the package generates it from the ``holidays`` library (Juneteenth from 2021,
the Monday holidays, Saturday/Sunday observance including New Year's Day observed on 31 December)
and ships it. A holiday on a weekend is listed twice: on its date, and on the weekday it is observed
(``is_observed_date``). The years cover the dbt project's calendar (vars ``calendar_start`` and
``calendar_end``) with a year of margin either side; a unit test regenerates the shipped seed.

    python -m nyc_mobility.dbt.seeds > dbt_project/seeds/us_federal_holidays.csv
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


if __name__ == "__main__":
    write_seed(sys.stdout)
