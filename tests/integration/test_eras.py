"""Every era of the published files in one warehouse: 2009, 2010, 2014, 2015, 2019 and 2025 side by side,
with the real 2020-07 legacy CSV and a zipped Jersey City CSV landed by `nyc-mobility land` beside them.

The sample writes each month in its era's published columns (2009 yellow with its own names,
2010-2014 yellow with text payment
types and coordinates, 2014 green with coordinates, 2015 yellow/green coordinates with numeric
codes, 2015 FHV without drop-offs, 2019 and 2025 zone ids). Counts, money, payment codes and the
coordinate -> zone lookup are reconciled with DuckDB over the raw files: the expected zone of a
coordinate is computed here by a range join on the sample's zone cells (lon/lat rectangles), not
through the shapefile, pyproj or shapely the pipeline uses, at the documented precision (coordinates
rounded to 4 decimals, about 10 m).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import REAL_DATA, RUN_ONCE, build_in_process, query, scalar
from tests.integration.test_land import LEGACY, _csv_rows, _land, _zip

MONTHS = ("2009-07", "2010-03", "2014-05", "2015-06", "2019-06", "2025-01")
LANDED = ("2020-07", "2021-02")  # real files landed with `nyc-mobility land`, when the samples are here
SCALE = 0.001
pytestmark = RUN_ONCE  # one build of five months: version-independent, once is enough for CI's budget


@pytest.fixture(scope="module")
def eras(tmp_path_factory):
    from nyc_mobility.sample import land_source, land_zones, sample_sources
    from nyc_mobility.settings import Settings

    work = tmp_path_factory.mktemp("eras")
    data = work / "data"
    land_zones(data / "raw")
    for month in MONTHS:
        for source in sample_sources(month):
            land_source(data / "raw", month, source.name, scale=SCALE)
    if REAL_DATA.is_dir():  # and files the way users have them: the real 2020 CSV, a zipped JC CSV
        legacy = REAL_DATA / LEGACY
        assert _land(data, str(legacy), "--source", "yellow", "--month", "2020-07").exit_code == 0
        jc = REAL_DATA / "citibike" / "JC-202102-citibike-tripdata.csv"
        archive = _zip(work / "JC-202102-citibike-tripdata.csv.zip", {jc.name: jc})
        assert _land(data, str(archive), "--source", "citibike", "--month", "2021-02").exit_code == 0
        for month in LANDED:
            land_source(data / "raw", month, "weather", scale=SCALE)
    settings = Settings(data_dir=data, data_origin="official")
    build = build_in_process(settings)
    assert build.result.success
    assert build.result.plan.windows == [(MONTHS[0], MONTHS[-1])]  # gaps without files: one run
    return build.db, data / "raw"


def _raw(raw: Path, folder: str, month: str) -> str:
    return f"read_parquet('{raw}/{folder}/month={month}/*.parquet', union_by_name=true)"


def test_every_era_builds_with_zones_and_weather(eras):
    db, _ = eras
    built = dict(query(db, "select source_month, count(*) from fct_trips group by 1"))
    assert sorted(set(built) - set(LANDED)) == list(MONTHS)
    for month in MONTHS:
        share = scalar(
            db,
            "select avg(case when pickup_location_id not in (264, 265) then 1 else 0 end) from fct_trips "
            "where source_month = ? and mode in ('yellow_taxi', 'green_taxi')",
            [month],
        )
        assert share > 0.9, (month, share)  # zones on every era
        # calendar and weather cover every month landed, 2010 too
        assert (
            scalar(
                db, "select count(*) from fct_trips where source_month = ? and weather_hour is null", [month]
            )
            == 0
        )
    for month in ("2009-07", "2010-03"):
        modes = {
            m for (m,) in query(db, "select distinct mode from fct_trips where source_month = ?", [month])
        }
        assert modes == {"yellow_taxi"}  # nobody else published before 2013
    # the months are scattered over 16 years but the months between have no files: one build run,
    # whose KPI days are those of the months with files, each equal to the facts' count
    assert query(db, "select kpi_date, trips from kpi_daily where trips > 0 order by 1") == query(
        db, "select pickup_date, count(*) from fct_trips group by 1 order by 1"
    )
    assert scalar(db, "select count(*) from kpi_daily where strftime(kpi_date, '%Y') = '2012'") == 0


def test_staging_keeps_every_record_and_its_money_in_every_era(eras):
    db, raw = eras
    for month in ("2009-07", "2010-03", "2014-05", "2015-06"):
        total = "Total_Amt" if month < "2010" else "total_amount"
        expected = scalar(
            db,
            f"select [count(*), round(sum(cast({total} as double)), 2)] from {_raw(raw, 'tlc_yellow', month)}",
        )
        assert (
            scalar(
                db,
                "select [count(*), round(sum(total_amount), 2)] from int_trips__unioned where mode = 'yellow_taxi' and source_month = ?",
                [month],
            )
            == expected
        )
    for month in ("2014-05", "2015-06"):
        expected = scalar(
            db, f'select [count(*), round(sum("Total_amount"), 2)] from {_raw(raw, "tlc_green", month)}'
        )
        assert (
            scalar(
                db,
                "select [count(*), round(sum(total_amount), 2)] from int_trips__unioned where mode = 'green_taxi' and source_month = ?",
                [month],
            )
            == expected
        )


def test_text_payment_types_become_the_codes(eras):
    db, raw = eras
    for month, credit, cash, no_charge, dispute in (
        ("2009-07", "Credit", "CASH", "No Charge", "Dispute"),
        ("2010-03", "CRE", "CAS", "NOC", "DIS"),
        ("2014-05", "CRD", "CSH", "NOC", "DIS"),
    ):
        published = dict(
            query(db, f"select payment_type, count(*) from {_raw(raw, 'tlc_yellow', month)} group by 1")
        )
        staged = dict(
            query(
                db,
                "select payment_type, count(*) from int_trips__unioned where mode = 'yellow_taxi' and source_month = ? group by 1",
                [month],
            )
        )
        assert staged[1] == published[credit] and staged[2] == published[cash]
        assert staged[3] == published[no_charge] and staged[4] == published[dispute]
        assert sum(staged.values()) == sum(published.values()) and None not in staged


def test_fhv_2015_trips_without_drop_offs_are_trips(eras):
    db, raw = eras
    published = scalar(db, f"select count(*) from {_raw(raw, 'tlc_fhv', '2015-06')}")
    staged, valid, ended = scalar(
        db,
        "select [count(*), count(*) filter (where is_valid), count(dropoff_at)] from int_trips__unioned "
        "where mode = 'fhv' and source_month = '2015-06'",
    )
    assert staged == published and ended == 0
    assert valid > 0.98 * published  # only outside-month and duplicate records are quarantined
    assert (
        scalar(db, "select count(*) from fct_trips where mode = 'fhv' and source_month = '2015-06'") == valid
    )
    # the average duration counts only trips with a duration
    assert (
        scalar(
            db,
            "select count(trip_duration_minutes) from fct_trips where mode = 'fhv' and source_month = '2015-06'",
        )
        == 0
    )


def test_coordinates_get_the_zone_an_independent_range_join_gives(eras):
    from nyc_mobility.sample.shapes import CELL_DEGREES, zone_cells

    db, raw = eras
    cells = ", ".join(
        f"({location_id}, {float(ring[0][0])!r}, {float(ring[0][1])!r})"
        for location_id, _b, ring in zone_cells()
    )
    for mode, folder, month, end, lat, lng in (
        ("yellow_taxi", "tlc_yellow", "2009-07", "dropoff", '"End_Lat"', '"End_Lon"'),
        ("yellow_taxi", "tlc_yellow", "2010-03", "pickup", "pickup_latitude", "pickup_longitude"),
        ("yellow_taxi", "tlc_yellow", "2014-05", "dropoff", "dropoff_latitude", "dropoff_longitude"),
        ("green_taxi", "tlc_green", "2015-06", "pickup", '"Pickup_latitude"', '"Pickup_longitude"'),
    ):
        expected = dict(
            query(
                db,
                f"""
                with cells(location_id, lng0, lat0) as (values {cells}),
                points as (select row_number() over () as r, round(cast({lat} as double), 4) as lat,
                                  round(cast({lng} as double), 4) as lng from {_raw(raw, folder, month)}),
                zoned as (
                    select p.r, case
                        when p.lat is null or p.lng is null or p.lat = 0 or p.lng = 0 then 'missing'
                        when p.lng between 38.5 and 42.5 and p.lat between -76.5 and -71.5 then 'swapped'
                        when not (p.lat between 38.5 and 42.5 and p.lng between -76.5 and -71.5) then 'implausible'
                        else coalesce(cast(min(c.location_id) as varchar), '265') end as zone
                    from points as p
                    left join cells as c on p.lat > c.lat0 and p.lat < c.lat0 + {CELL_DEGREES}
                        and p.lng > c.lng0 and p.lng < c.lng0 + {CELL_DEGREES}
                    group by p.r, p.lat, p.lng
                )
                select zone, count(*) from zoned group by 1
                """,
            )
        )
        got = dict(
            query(
                db,
                f"""
                select case {end}_location_basis
                    when 'missing_coordinates' then 'missing' when 'swapped_coordinates' then 'swapped'
                    when 'implausible_coordinates' then 'implausible' else cast({end}_location_id as varchar) end,
                    count(*)
                from int_trips__unioned where mode = ? and source_month = ? group by 1
                """,
                [mode, month],
            )
        )
        assert got == expected, (mode, month)
        if mode == "yellow_taxi":  # enough records for every kind of junk coordinate
            assert expected.get("missing") and expected.get("swapped") and expected.get("implausible")
        assert sum(v for k, v in expected.items() if k.isdigit() and k != "265") > 0.9 * sum(
            expected.values()
        )
    bases = {
        b
        for (b,) in query(
            db, "select distinct pickup_location_basis from fct_trips where mode = 'yellow_taxi'"
        )
    }
    assert bases == {
        "published_zone",
        "coordinates",
        "missing_coordinates",
        "swapped_coordinates",
        "implausible_coordinates",
    }


def test_landed_real_files_build_beside_the_generated_eras(eras):
    """`land` of the real 2020-07 legacy CSV and of a JC CSV zipped here, built in the same warehouse."""
    if not REAL_DATA.is_dir():
        pytest.skip(f"real data samples not found at {REAL_DATA}")
    db, _ = eras
    legacy = REAL_DATA / LEGACY
    staged = "select count(*) from stg_tlc__yellow_taxi where source_month = '2020-07'"
    assert scalar(db, staged) == _csv_rows(legacy)
    jc = REAL_DATA / "citibike" / "JC-202102-citibike-tripdata.csv"
    assert scalar(db, "select count(*) from stg_citibike__trips where source_month = '2021-02'") == _csv_rows(
        jc
    )
    valid = scalar(db, f"{staged} and is_valid")
    assert (
        scalar(db, "select count(*) from fct_trips where mode = 'yellow_taxi' and source_month = '2020-07'")
        == valid
        > 0
    )
    systems = query(
        db, "select distinct system from fct_trips where mode = 'citibike' and source_month = '2021-02'"
    )
    assert systems == [("jersey_city",)]
    for month in LANDED:
        assert (
            scalar(
                db, "select count(*) from fct_trips where source_month = ? and weather_hour is null", [month]
            )
            == 0
        )
