"""Model contracts on the demo build (two sample months incl. the DST fall-back), checked with SQL."""

from __future__ import annotations

from collections import Counter

import dagster as dg
import duckdb
import pytest

from nyc_mobility import raw, sources
from tests.conftest import query, scalar

pytestmark = pytest.mark.integration

CORE_MODELS = [
    "stg_tlc__yellow_taxi",
    "stg_tlc__fhv_taxi",
    "stg_citibike__trips",
    "stg_weather__hourly",
    "dim_date",
    "dim_time",
    "dim_weather",
    "dim_location",
    "fct_trips",
    "fct_hourly_mobility",
    "metricflow_time_spine",
]


def test_every_model_has_rows_and_every_check_passed(sample_build):
    for model in CORE_MODELS:
        assert scalar(sample_build.db, f"select count(*) from {model}") > 0, model
    evaluations = sample_build.result.check_evaluations()
    assert len(evaluations) > 90
    assert [e.check_name for e in evaluations if not e.passed] == []


def test_every_dbt_test_runs_once_in_the_step_that_builds_its_model(sample_build):
    """Two dbt steps (upstream, monthly): no test is lost between them or run twice."""
    from nyc_mobility import build_definitions
    from nyc_mobility.defs.assets.dbt import build_dbt_assets

    owner = {key: d.op.name for d in build_dbt_assets(sample_build.settings) for key in d.check_keys}
    evaluations = sample_build.result.check_evaluations()
    ran = Counter(dg.AssetCheckKey(e.asset_key, e.check_name) for e in evaluations)
    assert set(ran) == set(owner) and set(ran.values()) == {1}
    emitted_by = {
        event.event_specific_data.asset_check_key: event.step_key
        for event in sample_build.result.build.all_events
        if event.event_type_value == "ASSET_CHECK_EVALUATION"
    }
    assert emitted_by == owner
    # the CLI's summary reports every check the code location (the UI) has: nothing else to fail
    defined = set(build_definitions(sample_build.settings).resolve_asset_graph().asset_check_keys)
    assert defined == set(ran)
    steps = set(emitted_by.values())
    assert steps == {"dbt_upstream_assets", "dbt_monthly_assets"}


def test_staging_keeps_every_published_record(sample_build):
    raw_dir = sample_build.settings.raw_dir
    for model, folder in ((s.staging_model, s.folder) for s in sources.trips()):
        published = duckdb.sql(
            f"select count(*) from read_parquet('{raw_dir}/{folder}/*/*.parquet')"
        ).fetchall()[0][0]
        assert scalar(sample_build.db, f"select count(*) from {model}") == published


def test_facts_take_exactly_the_valid_records(sample_build):
    db = sample_build.db
    valid = scalar(db, "select count(*) from int_trips__unioned where is_valid")
    flagged = query(
        db, "select invalid_reason, count(*) from int_trips__unioned where not is_valid group by 1"
    )
    assert scalar(db, "select count(*) from fct_trips") == valid
    reasons = dict(flagged)
    assert {"dropoff_before_pickup", "outside_file_month", "zero_duration", "negative_fare"} <= set(reasons)
    assert all(count > 0 for count in reasons.values())


def test_trip_ids_are_unique_and_facts_do_not_fan_out(sample_build):
    db = sample_build.db
    assert scalar(db, "select count(*) - count(distinct trip_id) from fct_trips") == 0
    per_mode = dict(query(db, "select mode, count(*) from fct_trips group by 1"))
    assert set(per_mode) == {"yellow_taxi", "green_taxi", "fhv", "hvfhv", "citibike"}


def test_weather_covers_every_trip_hour_including_the_fall_back_hour(sample_build):
    db = sample_build.db
    assert scalar(db, "select count(*) from fct_trips where weather_hour is null") == 0
    assert scalar(db, "select count(*) - count(distinct weather_hour) from dim_weather") == 0
    # 2024-11-03 01:00 happens twice in New York; both UTC hours fold into one local row.
    row = query(db, "select utc_hours_in_local_hour from dim_weather where weather_hour = '2024-11-03 01:00'")
    assert row == [(2,)]
    fall_back_trips = scalar(db, "select count(*) from fct_trips where pickup_hour = '2024-11-03 01:00'")
    joined = scalar(
        db,
        "select count(*) from fct_trips t join dim_weather w on w.weather_hour = t.pickup_hour "
        "where t.pickup_hour = '2024-11-03 01:00'",
    )
    assert joined == fall_back_trips


def test_weather_local_time_is_derived_from_utc(sample_build):
    # EDT (UTC-4) on 2024-10-15, EST (UTC-5) on 2024-11-15
    rows = query(
        sample_build.db,
        "select weather_hour, first_observed_at_utc from dim_weather "
        "where weather_hour in ('2024-10-15 12:00', '2024-11-15 12:00') order by 1",
    )
    assert [str(r[1]) for r in rows] == ["2024-10-15 16:00:00", "2024-11-15 17:00:00"]


def test_hourly_mobility_is_a_zero_filled_grid(sample_build):
    db = sample_build.db
    hours = 31 * 24 + 30 * 24  # October and November 2024 (wall-clock hours)
    boroughs = scalar(db, "select count(distinct borough) from dim_location") + (
        0 if scalar(db, "select count(*) from dim_location where borough = 'Unknown'") else 1
    )
    assert scalar(db, "select count(distinct pickup_hour) from fct_hourly_mobility") == hours
    # every mode once, but HVFHV once per company (the seed's four licences)
    assert scalar(db, "select count(*) from fct_hourly_mobility") == hours * (4 + 4) * boroughs
    companies = query(db, "select distinct company from fct_hourly_mobility where mode = 'hvfhv' order by 1")
    assert [c for (c,) in companies] == ["Juno", "Lyft", "Uber", "Via"]
    assert scalar(db, "select count(*) from fct_hourly_mobility where trip_count = 0") > 0
    assert scalar(db, "select sum(trip_count) from fct_hourly_mobility") == scalar(
        db, "select count(*) from fct_trips"
    )
    # independent check of one cell against the facts
    cell = query(
        db,
        """select h.trip_count, (select count(*) from fct_trips t where t.mode = 'yellow_taxi'
                  and t.pickup_borough = 'Manhattan' and date_trunc('hour', t.pickup_at) = '2024-10-01 18:00')
           from fct_hourly_mobility h where h.mode = 'yellow_taxi' and h.pickup_borough = 'Manhattan'
             and h.pickup_hour = '2024-10-01 18:00'""",
    )
    assert cell[0][0] == cell[0][1] > 0


def test_calendar_holidays_and_business_days(sample_build):
    rows = dict(
        (str(d), (h, b))
        for d, h, b in query(
            sample_build.db,
            "select date_day, holiday_name, is_business_day from dim_date where date_day in "
            "('2024-11-11', '2024-11-28', '2022-12-26', '2021-06-18', '2024-11-12', '2024-11-09')",
        )
    )
    assert rows["2024-11-11"] == ("Veterans Day", False)
    assert rows["2024-11-28"] == ("Thanksgiving Day", False)
    assert rows["2022-12-26"] == ("Christmas Day (observed)", False)
    assert rows["2021-06-18"][0].startswith("Juneteenth") and rows["2021-06-18"][0].endswith("(observed)")
    assert rows["2024-11-12"] == (None, True)
    assert rows["2024-11-09"] == (None, False)  # a Saturday


def test_day_parts(sample_build):
    parts = dict(query(sample_build.db, "select hour_of_day, day_part from dim_time"))
    assert (parts[8], parts[12], parts[17], parts[21], parts[3]) == (
        "morning_rush",
        "midday",
        "evening_rush",
        "evening",
        "late_night",
    )


def test_bike_distance_is_great_circle_and_taxi_distance_is_reported(sample_build):
    db = sample_build.db
    # Independent haversine for one bike trip, from the staged coordinates
    row = query(
        db,
        """select f.trip_distance_km,
                  2 * 6371.0088 * asin(sqrt(pow(sin(radians(s.end_lat - s.start_lat) / 2), 2)
                     + cos(radians(s.start_lat)) * cos(radians(s.end_lat))
                     * pow(sin(radians(s.end_lng - s.start_lng) / 2), 2)))
           from fct_trips f join int_trips__unioned u using (trip_id)
           join stg_citibike__trips s on s.source_file = u.source_file and s.source_row_number = u.source_row_number
           where f.mode = 'citibike' and f.trip_distance_km > 0 limit 1""",
    )
    assert row[0][0] == pytest.approx(row[0][1], rel=1e-9)
    taxi = query(
        db, "select trip_distance_miles, trip_distance_km from fct_trips where mode = 'yellow_taxi' limit 1"
    )
    assert taxi[0][1] == pytest.approx(taxi[0][0] * 1.609344)


def test_bikes_ride_less_in_the_rain(sample_build):
    rain, dry = query(
        sample_build.db,
        """select avg(trip_count) filter (where precipitation_intensity in ('moderate', 'heavy')),
                  avg(trip_count) filter (where precipitation_intensity = 'none')
           from (select pickup_hour, precipitation_intensity, sum(trip_count) as trip_count
                 from fct_hourly_mobility where mode = 'citibike' and pickup_hour_of_day between 7 and 20
                 group by all)""",
    )[0]
    assert rain < 0.7 * dry


def test_bike_trips_get_zones_from_the_shapes(sample_build):
    db = sample_build.db
    boroughs = dict(
        query(db, "select pickup_borough, count(*) from fct_trips where mode = 'citibike' group by 1")
    )
    assert {"Manhattan", "Brooklyn", "Queens", "Outside NYC"} <= set(boroughs)
    assert "Unknown" not in boroughs
    # every station across the Hudson (ids JC*, HB*) is outside NYC, every other one inside
    wrong = scalar(
        db,
        """select count(*) from fct_trips where mode = 'citibike' and
           ((start_station_id similar to '(JC|HB).*') <> (pickup_location_id = 265))""",
    )
    assert wrong == 0


def test_the_jersey_city_system_is_its_own_and_counts_with_its_files(sample_build):
    """Trips of the `JC-` files are `jersey_city` (counted over the raw bytes), every other bike is `nyc`."""
    db, raw_dir = sample_build.db, sample_build.settings.raw_dir
    files = sorted((raw_dir / "citibike").glob("month=*/JC-*.parquet"))
    assert len(files) == len(raw.month_folders(raw_dir, "citibike")) > 0  # one a month
    published = duckdb.sql(f"select count(*) from read_parquet({[str(f) for f in files]})").fetchall()[0][0]
    assert scalar(db, "select count(*) from stg_citibike__trips where system = 'jersey_city'") == published
    valid = scalar(db, "select count(*) from stg_citibike__trips where system = 'jersey_city' and is_valid")
    assert scalar(db, "select count(*) from fct_trips where system = 'jersey_city'") == valid > 0
    systems = dict(query(db, "select coalesce(system, '-'), count(distinct mode) from fct_trips group by 1"))
    assert systems == {"nyc": 1, "jersey_city": 1, "-": 4}  # a bike system, never on a taxi
    # a Jersey City trip starts at a station across the Hudson: outside NYC
    assert (
        scalar(
            db, "select count(*) from fct_trips where system = 'jersey_city' and pickup_location_id <> 265"
        )
        == 0
    )


def test_quarantine_and_summary_reconcile_with_the_published_files(sample_build):
    db = sample_build.db
    raw_dir = sample_build.settings.raw_dir
    for mode, folder in ((s.mode, s.folder) for s in sources.trips()):
        published = dict(
            duckdb.sql(
                f"select month, count(*) from read_parquet('{raw_dir}/{folder}/*/*.parquet', hive_partitioning=true) group by 1"
            ).fetchall()
        )
        summary = dict(
            (m, (r, v, q))
            for m, r, v, q in query(
                db,
                "select source_month, raw_rows, valid_rows, quarantined_rows from qa_trips__source_month_summary where mode = ?",
                [mode],
            )
        )
        assert {m: s[0] for m, s in summary.items()} == published
        for month, (raw_rows, valid_rows, quarantined) in summary.items():
            assert raw_rows == valid_rows + quarantined
            assert valid_rows == scalar(
                db, "select count(*) from fct_trips where mode = ? and source_month = ?", [mode, month]
            )
    reasons = dict(query(db, "select invalid_reason, count(*) from qa_trips__quarantine group by 1"))
    assert reasons == dict(
        query(db, "select invalid_reason, count(*) from int_trips__unioned where not is_valid group by 1")
    )


def test_the_build_is_one_run_over_the_landed_months_as_partitions(sample_build):
    run = sample_build.result.build.dagster_run
    months = sorted({m for m in raw.landed_months(sample_build.settings.raw_dir)["yellow"]})
    assert run.tags["dagster/asset_partition_range_start"] == months[0]
    assert run.tags["dagster/asset_partition_range_end"] == months[-1]
    partitions = {
        (m.asset_key.to_user_string(), m.partition)
        for m in sample_build.result.build.get_asset_materialization_events()
        for m in [m.materialization]
        if m.partition is not None
    }
    monthly = (
        "fct_trips",
        "int_trips__unioned",
        "int_tlc__coordinate_zones",
        "int_citibike__station_zones",
        "fct_hourly_mobility",
        "qa_trips__quarantine",
        "qa_trips__source_month_summary",
        "qa_trips__publisher_reconciliation",  # rebuilt whole in the monthly step (small)
    )
    assert partitions == {(key, month) for key in monthly for month in months}


def test_duplicate_records_are_quarantined_once_and_the_first_copy_is_a_trip(sample_build):
    """The sample publishes a few yellow records twice; count them independently in the raw files."""
    files = str(sample_build.settings.raw_dir / "tlc_yellow" / "month=*" / "*.parquet")
    key = (
        "VendorID, tpep_pickup_datetime, tpep_dropoff_datetime, passenger_count, trip_distance, RatecodeID, "
        "PULocationID, DOLocationID, payment_type, fare_amount, tip_amount, total_amount"
    )
    expected = dict(
        duckdb.sql(
            f"select regexp_extract(filename, 'month=([0-9-]+)', 1) as m, count(*) - count(distinct ({key})) "
            f"from read_parquet('{files}', filename=true) group by m"
        ).fetchall()
    )
    assert sum(expected.values()) > 0
    flagged = dict(
        query(
            sample_build.db,
            "select source_month, count(*) from qa_trips__quarantine "
            "where mode = 'yellow_taxi' and invalid_reason = 'duplicate_record' group by 1",
        )
    )
    assert flagged == {m: n for m, n in expected.items() if n}
    # every quarantined copy has its first copy among the trips
    orphans = scalar(
        sample_build.db,
        """select count(*) from stg_tlc__yellow_taxi as d
           where d.invalid_reason = 'duplicate_record' and not exists (
               select 1 from stg_tlc__yellow_taxi as o
               where o.is_valid and o.source_month = d.source_month and o.pickup_at = d.pickup_at
                 and o.dropoff_at = d.dropoff_at and o.total_amount = d.total_amount
                 and o.pickup_location_id = d.pickup_location_id)""",
    )
    assert orphans == 0


def test_dbt_materializations_carry_row_counts_and_column_types(sample_build):
    """What the UI shows on an asset: its row count and every column with its type (and description)."""
    db = sample_build.db
    events = {
        event.asset_key.to_user_string(): event.step_materialization_data.materialization
        for event in sample_build.result.build.get_asset_materialization_events()
    }
    for model in ("fct_trips", "fct_hourly_mobility", "int_trips__unioned", "dim_location", "hvfhs_licenses"):
        metadata = events[model].metadata
        assert metadata["dagster/row_count"].value == scalar(db, f"select count(*) from {model}"), model
        columns = metadata["dagster/column_schema"].value.columns
        types = dict(
            query(
                db,
                f"select column_name, data_type from information_schema.columns where table_name = '{model}'",
            )
        )
        assert {c.name: c.type for c in columns} == types and all(c.type for c in columns), model
    trips = {c.name: c for c in events["fct_trips"].metadata["dagster/column_schema"].value.columns}
    assert trips["wait_minutes"].type == "DOUBLE" and "Request to pickup" in trips["wait_minutes"].description
    staging = events["stg_tlc__hvfhv_trips"].metadata
    assert "dagster/row_count" not in staging  # a view: counting it would read the raw files again
    assert staging["dagster/column_schema"].value.columns


@pytest.mark.parametrize("months", [1, 2, 12])
def test_the_report_covers_the_latest_months_with_trips(sample_build, months):
    """A build renders the report after every publish: it covers the latest ``report_months``
    months, so its cost does not grow with the history. Its headline trips are that window's,
    counted here from fct_trips by the local pickup date."""
    import re

    from nyc_mobility.metrics import MetricsService
    from nyc_mobility.metrics.report import headline_table, render, report_window

    first = {1: "2024-11-01", 2: "2024-10-01", 12: "2024-10-01"}[months]
    expected = scalar(
        sample_build.db,
        f"select count(*) from fct_trips where pickup_date between date '{first}' and date '2024-11-30'",
    )
    service = MetricsService(sample_build.settings.serving_path)
    try:
        window = report_window(service, months)
        assert (str(window.start), str(window.end)) == (first, "2024-11-30")
        trips = re.search(
            r"<code>trips</code></td><td class='num'>([\d,]+)<", headline_table(service, window)
        )
        assert trips and int(trips.group(1).replace(",", "")) == expected
        assert f"Trips from {first} to 2024-11-30" in render(service, months)
    finally:
        service.close()
    assert expected > 0 and (months > 1) == (first == "2024-10-01")
