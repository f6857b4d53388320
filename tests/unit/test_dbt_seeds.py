"""The generated seeds as shipped: the US federal holidays (the `holidays` library, over the calendar)
and the trip modes (the source registry)."""

from __future__ import annotations

import csv
import io
import re

import yaml

from nyc_mobility.dbt import seeds
from nyc_mobility.dbt.project import project_dir

SEED = project_dir() / "seeds" / "us_federal_holidays.csv"
MODEL = project_dir() / "models" / "intermediate" / "int_calendar__us_federal_holidays.sql"


def test_the_shipped_seed_is_what_the_generator_writes():
    out = io.StringIO()
    seeds.write_seed(out)
    assert out.getvalue() == SEED.read_text(encoding="utf-8")


def test_the_shipped_trip_modes_are_the_registrys():
    out = io.StringIO()
    seeds.write_modes_seed(out)
    shipped = project_dir() / "seeds" / "trip_modes.csv"
    assert out.getvalue() == shipped.read_text(encoding="utf-8"), (
        "python -m nyc_mobility.dbt.seeds trip_modes"
    )
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    from nyc_mobility import sources

    assert {r["mode"]: r["mode_label"] for r in rows} == sources.modes()
    assert {r["mode"] for r in rows if r["is_metered"] == "true"} == {"yellow_taxi", "green_taxi"}


def test_the_shipped_report_classes_are_the_registrys():
    out = io.StringIO()
    seeds.write_report_classes_seed(out)
    shipped = project_dir() / "seeds" / "tlc_report_license_classes.csv"
    assert out.getvalue() == shipped.read_text(encoding="utf-8")
    rows = {r["license_class"]: r["mode"] for r in csv.DictReader(io.StringIO(out.getvalue()))}
    assert rows["FHV - High Volume"] == "hvfhv" and rows["FHV - Livery"] == "fhv" and len(rows) == 6


def test_the_seed_covers_the_calendar_with_a_year_of_margin_and_the_model_knows_its_years():
    variables = yaml.safe_load((project_dir() / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]
    assert int(variables["calendar_start"][:4]) - 1 >= seeds.FIRST_YEAR
    assert int(variables["calendar_end"][:4]) + 1 <= seeds.LAST_YEAR
    years = re.search(
        r"set seed_first_year, seed_last_year = (\d+), (\d+)", MODEL.read_text(encoding="utf-8")
    )
    assert years and (int(years[1]), int(years[2])) == (seeds.FIRST_YEAR, seeds.LAST_YEAR)
    rows = list(csv.DictReader(SEED.open(encoding="utf-8")))
    assert {r["holiday_date"][:4] for r in rows} == {
        str(y) for y in range(seeds.FIRST_YEAR, seeds.LAST_YEAR + 1)
    }


def test_known_holidays_and_observed_days():
    rows = {
        (r["holiday_date"], r["holiday_name"], r["is_observed_date"]) for r in csv.DictReader(SEED.open())
    }
    assert ("2021-06-19", "Juneteenth National Independence Day", "false") in rows
    assert ("2021-06-18", "Juneteenth National Independence Day", "true") in rows  # a Saturday
    assert not any(d.startswith("2020") and "Juneteenth" in n for d, n, _ in rows)  # federal from 2021
    assert ("2021-12-31", "New Year's Day", "true") in rows  # 2022-01-01 was a Saturday
    assert ("2024-11-28", "Thanksgiving Day", "false") in rows
    assert ("2023-01-16", "Martin Luther King Jr. Day", "false") in rows
