"""The pipeline on real published bytes from ../shared/data/real (landed through the raw layer).

Expected values are computed independently from the raw files with DuckDB, never through the models.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from pathlib import Path

import duckdb
import pytest

from nyc_mobility import raw
from nyc_mobility.sample.weather import response_for_month, write_response
from nyc_mobility.settings import Settings
from nyc_mobility.zones import files as zone_files
from tests.conftest import RUN_ONCE, build_in_process, query, scalar

# Builds of SQL-heavy fixtures, independent of the Python version: under tox, py311 only.
pytestmark = [pytest.mark.integration, RUN_ONCE]


def zip_shapefile(folder: Path, work: Path) -> Path:
    """The official taxi_zones.zip layout, from the real shapefile folder."""
    archive = work / "taxi_zones.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for part in sorted(folder.glob("taxi_zones.*")):
            z.write(part, f"taxi_zones/{part.name}")
    return archive


def _split_csv_by_month(src: Path, month_sql: str, out: Path) -> dict[str, Path]:
    """Write one CSV per month of ``month_sql`` (as a publisher's monthly file would be)."""
    con = duckdb.connect()
    months = [
        r[0]
        for r in con.execute(
            f"select distinct {month_sql} from read_csv('{src}', all_varchar=true)"
        ).fetchall()
    ]
    files = {}
    for month in months:
        target = out / f"{src.stem}_{month}.csv"
        exclude = "exclude (source_file)" if "source_file" in month_sql else ""
        con.execute(
            f"copy (select * {exclude} from read_csv('{src}', all_varchar=true) where {month_sql} = '{month}') "
            f"to '{target}' (header)"
        )
        files[month] = target
    return files


@pytest.fixture(scope="module")
def real_build(real_data: Path, tmp_path_factory) -> Settings:
    work = tmp_path_factory.mktemp("real")
    settings = Settings(data_dir=work / "data", data_origin="official")
    raw_dir = settings.raw_dir
    tlc = real_data / "tlc_yellow"
    raw.land_file(tlc / "yellow_tripdata_2025-01_head10000.parquet", raw_dir, "tlc_yellow", "2025-01")
    raw.land_file(
        tlc / "yellow_tripdata_2025-01_first5rows_official_types.parquet", raw_dir, "tlc_yellow", "2025-01"
    )
    raw.land_csv_as_parquet(
        tlc / "yellow_tripdata_2020-07_265rows_legacy_csv.csv", raw_dir, "tlc_yellow", "2020-07"
    )
    renamed = _split_csv_by_month(
        tlc / "yellow_tripdata_2018-2020_10_per_month_renamedcols.csv",
        "strftime(cast(pickup_datetime as timestamp), '%Y-%m')",
        work,
    )
    for month, path in renamed.items():
        raw.land_csv_as_parquet(path, raw_dir, "tlc_yellow", month)
    fhv = _split_csv_by_month(
        real_data / "tlc_fhv" / "fhv_tripdata_2019-2020_first_rows_per_month.csv",
        "regexp_extract(source_file, '(\\d{4}-\\d{2})', 1)",
        work,
    )
    for month, path in fhv.items():
        raw.land_csv_as_parquet(path, raw_dir, "tlc_fhv", month, name=f"fhv_tripdata_{month}.csv")
    raw.land_csv_as_parquet(
        real_data / "tlc_fhvhv" / "fhvhv_tripdata_2019-06_5000rows.csv", raw_dir, "tlc_fhvhv", "2019-06"
    )
    for csv in sorted((real_data / "citibike").glob("*.csv")):
        digits = re.search(r"(\d{4})(\d{2})", csv.name)
        month = f"{digits.group(1)}-{digits.group(2)}"
        archive = work / f"{csv.stem}.csv.zip"
        with zipfile.ZipFile(archive, "w") as z:
            z.write(csv, csv.name)
            z.writestr(f"__MACOSX/._{csv.name}", b"junk")
        raw.land_csv_archive(archive, raw_dir, "citibike", month)
    for response in sorted((real_data / "weather_openmeteo" / "daily_forecast_api_json").glob("NYC_*.json")):
        raw.land_file(response, raw_dir, "weather", response.stem[4:11])
    zone_files.land_zone_lookup(real_data / "tlc_zones" / "taxi_zone_lookup.csv", raw_dir)
    zone_files.land_zone_shapes(
        zip_shapefile(real_data / "tlc_zones" / "taxi_zones_shapefile", work), raw_dir
    )
    # Real weather covers 2024-01..2025-03; other trip months get generated archive responses.
    landed = raw.landed_months(raw_dir)
    trip_months = raw.trip_months(raw_dir)
    for month in sorted(trip_months - set(landed["weather"])):
        body, _ = response_for_month(month, seed=1)
        target = work / "weather" / f"open_meteo_{month}.json"
        raw.land_file(write_response(body, target), raw_dir, "weather", month)
    build = build_in_process(settings)
    failed = [e.check_name for e in build.result.check_evaluations() if not e.passed]
    assert build.result.success, failed
    return settings


def test_every_real_record_is_staged_none_dropped(real_build, real_data):
    db = real_build.warehouse_path
    tlc = real_data / "tlc_yellow"
    yellow_raw = duckdb.sql(
        f"""select (select count(*) from '{tlc}/yellow_tripdata_2025-01_head10000.parquet')
                 + (select count(*) from '{tlc}/yellow_tripdata_2025-01_first5rows_official_types.parquet')
                 + (select count(*) from read_csv('{tlc}/yellow_tripdata_2020-07_265rows_legacy_csv.csv', all_varchar=true))
                 + (select count(*) from read_csv('{tlc}/yellow_tripdata_2018-2020_10_per_month_renamedcols.csv', all_varchar=true))"""
    ).fetchall()[0][0]
    assert scalar(db, "select count(*) from stg_tlc__yellow_taxi") == yellow_raw
    fhv_raw = duckdb.sql(
        f"select count(*) from '{real_data}/tlc_fhv/fhv_tripdata_2019-2020_first_rows_per_month.csv'"
    ).fetchall()[0][0]
    assert scalar(db, "select count(*) from stg_tlc__fhv_taxi") == fhv_raw
    bike_raw = sum(
        duckdb.sql(f"select count(*) from read_csv('{p}', all_varchar=true)").fetchall()[0][0]
        for p in (real_data / "citibike").glob("*.csv")
    )
    assert scalar(db, "select count(*) from stg_citibike__trips") == bike_raw


def test_all_three_citibike_schemas_map_to_the_same_columns(real_build, real_data):
    db = real_build.warehouse_path
    per_month = dict(query(db, "select source_month, count(started_at) from stg_citibike__trips group by 1"))
    assert set(per_month) == {"2015-09", "2019-01", "2021-02", "2024-01"}
    for month, count in per_month.items():
        assert count == scalar(db, f"select count(*) from stg_citibike__trips where source_month = '{month}'")
    subscribers = duckdb.sql(
        f"select count(*) from read_csv('{real_data}/citibike/JC-201901-citibike-tripdata.csv') where usertype = 'Subscriber'"
    ).fetchall()[0][0]
    assert (
        scalar(
            db,
            "select count(*) from stg_citibike__trips where source_month = '2019-01' and member_type = 'member'",
        )
        == subscribers
    )
    title_case = query(
        db,
        "select count(*), count(start_station_id), count(member_type) from stg_citibike__trips where source_month = '2015-09'",
    )[0]
    assert title_case[0] == title_case[1] == title_case[2] > 6000
    ids = {
        r[0]
        for r in query(db, "select start_station_id from stg_citibike__trips where source_month = '2021-02'")
    }
    assert "JC105" in ids  # station ids stay text
    negative = duckdb.sql(
        f"select count(*) from read_csv('{real_data}/citibike/JC-202102-citibike-tripdata.csv') where ended_at < started_at"
    ).fetchall()[0][0]
    assert (
        scalar(
            db,
            "select count(*) from stg_citibike__trips where source_month = '2021-02' and invalid_reason = 'dropoff_before_pickup'",
        )
        == negative
        > 0
    )
    assert (
        scalar(
            db,
            "select count(*) from stg_citibike__trips where bike_type = 'electric_bike' and source_month = '2024-01'",
        )
        > 0
    )


def test_yellow_schema_variants_and_flags(real_build, real_data):
    db = real_build.warehouse_path
    airport = duckdb.sql(
        f"select sum(Airport_fee) from '{real_data}/tlc_yellow/yellow_tripdata_2025-01_head10000.parquet'"
    ).fetchall()[0][0]
    staged = scalar(
        db, "select sum(airport_fee_amount) from stg_tlc__yellow_taxi where source_file like '%head10000%'"
    )
    assert staged == pytest.approx(airport)
    assert (
        scalar(
            db,
            "select count(cbd_congestion_fee_amount) from stg_tlc__yellow_taxi where source_month = '2025-01'",
        )
        == 10005
    )
    assert (
        scalar(
            db,
            "select count(cbd_congestion_fee_amount) from stg_tlc__yellow_taxi where source_month = '2020-07'",
        )
        == 0
    )
    # 18 pickups of the 2025-01 file fall in December 2024
    assert (
        scalar(
            db,
            "select count(*) from stg_tlc__yellow_taxi where source_file like '%head10000%' and invalid_reason = 'outside_file_month'",
        )
        == 18
    )
    # The official-types file holds the head file's first 5 records again: landed in the same month,
    # the second copies are duplicate_record (quarantined), never counted twice.
    overlap = duckdb.sql(
        f"""select count(*) from (
              select * exclude (cbd_congestion_fee) from '{real_data}/tlc_yellow/yellow_tripdata_2025-01_head10000.parquet'
              intersect all
              select * exclude (cbd_congestion_fee) from '{real_data}/tlc_yellow/yellow_tripdata_2025-01_first5rows_official_types.parquet')"""
    ).fetchall()[0][0]
    assert overlap == 5
    duplicates = query(
        db,
        "select source_file like '%head10000%', source_row_number from stg_tlc__yellow_taxi "
        "where invalid_reason = 'duplicate_record' order by 2",
    )
    assert duplicates == [(True, row) for row in range(5)]
    assert scalar(
        db, "select count(*) from fct_trips where source_month = '2025-01' and mode = 'yellow_taxi'"
    ) == (scalar(db, "select count(*) from stg_tlc__yellow_taxi where source_month = '2025-01' and is_valid"))
    # publisher-renamed columns: two trips end before they start
    assert (
        scalar(
            db,
            "select count(*) from stg_tlc__yellow_taxi where source_file like '%renamedcols%' and invalid_reason = 'dropoff_before_pickup'",
        )
        == 2
    )
    assert (
        scalar(db, "select count(pickup_at) from stg_tlc__yellow_taxi where source_file like '%renamedcols%'")
        == 360
    )
    # the legacy CSV's refund row is flagged, not counted as a trip
    refund = query(
        db,
        "select invalid_reason from stg_tlc__yellow_taxi where source_month = '2020-07' and fare_amount < 0",
    )
    assert refund and all(r[0] in {"refund_or_void", "negative_fare"} for r in refund)


def test_fhv_casing_and_missing_zones(real_build):
    db = real_build.warehouse_path
    jan = query(
        db,
        "select count(*), count(pickup_location_id), count(*) filter (where is_valid) from stg_tlc__fhv_taxi where source_month = '2019-01'",
    )[0]
    assert jan[0] == 18 and jan[1] == 0 and jan[2] > 0  # no zone is not a reason to drop a trip
    assert scalar(db, "select count(dropoff_at) = count(*) from stg_tlc__fhv_taxi") is True


def test_real_weather_is_converted_to_metric_utc(real_build, real_data):
    body = json.loads(
        (real_data / "weather_openmeteo/daily_forecast_api_json/NYC_2024-11-05.json").read_text()
    )
    fahrenheit = body["hourly"]["temperature_2m"][12]
    utc = dt.datetime(2024, 11, 5, 12) - dt.timedelta(seconds=body["utc_offset_seconds"])
    staged = scalar(
        real_build.warehouse_path,
        "select temperature_c from stg_weather__hourly where observed_at_utc = ? and source_file like '%NYC_2024-11-05%'",
        [utc],
    )
    assert staged == pytest.approx((fahrenheit - 32) * 5 / 9)
    speed_mph = body["hourly"]["windspeed_10m"][12]
    kmh = scalar(
        real_build.warehouse_path,
        "select wind_speed_kmh from stg_weather__hourly where observed_at_utc = ? and source_file like '%NYC_2024-11-05%'",
        [utc],
    )
    assert kmh == pytest.approx(speed_mph * 1.609344)


def test_real_trips_reach_the_facts_with_weather(real_build):
    db = real_build.warehouse_path
    per_mode = dict(query(db, "select mode, count(*) from fct_trips group by 1"))
    valid = dict(query(db, "select mode, count(*) from int_trips__unioned where is_valid group by 1"))
    assert per_mode == valid
    assert set(per_mode) == {"yellow_taxi", "fhv", "hvfhv", "citibike"}
    assert scalar(db, "select count(*) from fct_trips where weather_hour is null") == 0


def test_jersey_city_bike_trips_are_outside_nyc(real_build):
    db = real_build.warehouse_path
    boroughs = dict(
        query(db, "select pickup_borough, count(*) from fct_trips where mode = 'citibike' group by 1")
    )
    assert boroughs.get("Outside NYC", 0) > 0.9 * sum(boroughs.values())  # the samples are Jersey City trips
    assert (
        scalar(db, "select count(*) from fct_trips where mode = 'citibike' and pickup_location_id is null")
        == 0
    )


REAL_METRICS = [
    "trips",
    "yellow_taxi_trips",
    "fhv_trips",
    "citibike_trips",
    "fare_per_mile",
    "card_tip_rate",
    "congestion_surcharge_amount",
    "airport_fee_amount",
    "median_fare",
    "avg_speed_kmh",
    "p90_trip_duration_minutes",
    "trips_per_hour",
    "wet_hour_trip_share",
    "trips_rolling_7d",
]


def test_metrics_on_real_records_match_hand_written_sql(real_build):
    """A few governed metrics per day on the real samples (2018-2025), against SQL over the facts."""
    from nyc_mobility.metrics import MetricsService
    from tests import metric_expectations as expect

    service = MetricsService(real_build.serving_path)
    con = duckdb.connect(
        str(real_build.serving_path), read_only=True, config={"autoinstall_known_extensions": False}
    )
    try:
        for name in REAL_METRICS:
            rows = service.query([name], ["metric_time__day"]).rows
            actual = {(d.date() if isinstance(d, dt.datetime) else d): v for d, v in rows}
            if name in expect.WINDOWED:
                wanted = expect.expected_windowed(con, name, sorted(actual))
            else:
                wanted = expect.expected_daily(con, name)
            assert any(v not in (None, 0) for v in wanted.values()), name
            wrong = [d for d in set(actual) | set(wanted) if not expect.same(actual.get(d), wanted.get(d))]
            assert wrong == [], (name, sorted(wrong)[:3])
    finally:
        service.close()
        con.close()


HVFHV_CSV = "tlc_fhvhv/fhvhv_tripdata_2019-06_5000rows.csv"


def test_real_hvfhv_records_are_staged_with_sentinels_flags_and_money_reconciled(real_build, real_data):
    """The 2019-06 CSV export (text, blank flags, 1970 on-scene sentinels) against DuckDB over its bytes."""
    db = real_build.warehouse_path
    con = duckdb.connect()
    con.execute(
        f"create table r as select row_number() over () - 1 as row_number, * "
        f"from read_csv('{real_data / HVFHV_CSV}', all_varchar=true)"
    )
    raw_rows, sentinels, shared_y, shared_n, wav_blank = con.execute(
        """select count(*), count(*) filter (where on_scene_datetime like '1970-01-01%'),
                  count(*) filter (where trim(shared_request_flag) = 'Y'),
                  count(*) filter (where trim(shared_request_flag) = 'N'),
                  count(*) filter (where coalesce(trim(wav_match_flag), '') = '')
           from r"""
    ).fetchone()
    assert sentinels == 176  # as the samples' README says
    staged = query(
        db,
        """select count(*), count(*) filter (where is_on_scene_sentinel), count(on_scene_at) filter (where is_on_scene_sentinel),
                  count(*) filter (where is_shared_request), count(*) filter (where not is_shared_request),
                  count(*) filter (where is_wav_match is null)
           from stg_tlc__hvfhv_trips""",
    )[0]
    assert staged == (raw_rows, sentinels, 0, shared_y, shared_n, wav_blank)
    # valid + quarantined = published; the facts' money is the raw money of the rows kept
    valid = scalar(db, "select count(*) from fct_trips where mode = 'hvfhv'")
    quarantined = query(db, "select source_row_number from qa_trips__quarantine where mode = 'hvfhv'")
    assert valid + len(quarantined) == raw_rows
    con.execute("create table q as select * from (values (-1)) as v(row_number)")
    if quarantined:
        con.executemany("insert into q values (?)", quarantined)
    want = con.execute(
        """select sum(base_passenger_fare::double), sum(driver_pay::double), sum(tips::double),
                  count(*) filter (where hvfhs_license_num = 'HV0003'),
                  quantile_cont(epoch(pickup_datetime::timestamp - request_datetime::timestamp) / 60.0, 0.5)
           from r where row_number not in (select row_number from q)"""
    ).fetchone()
    got = query(
        db,
        """select sum(fare_amount), sum(driver_pay_amount), sum(tip_amount),
                  count(*) filter (where company = 'Uber'), quantile_cont(wait_minutes, 0.5)
           from fct_trips where mode = 'hvfhv'""",
    )[0]
    for g, w in zip(got, want, strict=True):
        assert g == pytest.approx(w, rel=1e-9), (got, want)
    # every quarantined record breaks a rule visible in its raw bytes
    reasons = dict(
        query(db, "select invalid_reason, count(*) from qa_trips__quarantine where mode = 'hvfhv' group by 1")
    )
    assert set(reasons) <= {
        "outside_file_month",
        "zero_duration",
        "negative_fare",
        "negative_driver_pay",
        "impossible_speed",
        "duplicate_record",
        "dropoff_before_pickup",
    }, reasons


def test_a_bike_without_an_end_station_is_unknown_and_no_bike_rides_at_car_speed(real_build, real_data):
    """Jersey City trips not returned to a station have no end coordinates: their drop-off is unknown
    (264, missing_coordinates), never "Outside NYC"; and a straight-line speed no bike reaches (real
    rides at 127 and 139 mph) is quarantined, counted from the published files independently."""
    db = real_build.warehouse_path
    csv = f"{real_data}/citibike/JC-202102-citibike-tripdata.csv"
    no_end = duckdb.sql(
        f"""select count(*) from read_csv('{csv}', all_varchar=true)
            where (end_lat is null or end_lng is null) and started_at <= ended_at
              and start_lat is not null and try_cast(start_lat as double) <> 0"""
    ).fetchall()[0][0]
    assert no_end > 0
    zoned = dict(
        query(
            db,
            """select dropoff_location_id || ':' || dropoff_location_basis, count(*) from int_trips__unioned
               where mode = 'citibike' and source_month = '2021-02' and end_station_id is null
                 and invalid_reason is distinct from 'dropoff_before_pickup' group by 1""",
        )
    )
    assert zoned == {"264:missing_coordinates": no_end}
    fast = duckdb.sql(
        f"""select count(*) from (
              select 2 * 6371.0088 * asin(sqrt(
                  pow(sin(radians(end_lat::double - start_lat::double) / 2), 2)
                  + cos(radians(start_lat::double)) * cos(radians(end_lat::double))
                  * pow(sin(radians(end_lng::double - start_lng::double) / 2), 2))) as km,
                  epoch(ended_at::timestamp - started_at::timestamp) / 3600 as hours
              from read_csv('{csv}', all_varchar=true)
              where start_lat::double <> 0 and end_lat::double <> 0 and km <= 100)
            where hours > 0 and km / hours > 60"""
    ).fetchall()[0][0]
    assert fast > 0
    assert (
        scalar(
            db,
            "select count(*) from stg_citibike__trips where source_month = '2021-02' and invalid_reason = 'impossible_speed'",
        )
        == fast
    )
