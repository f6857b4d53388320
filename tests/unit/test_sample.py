"""The embedded sample writes the published formats, deterministically, with realistic shape."""

import datetime as dt
import json
import zipfile

import duckdb
import numpy as np
import pyarrow.parquet as pq
import pytest

from nyc_mobility.ingest.urls import WEATHER_VARIABLES
from nyc_mobility.sample import demand, write_published
from nyc_mobility.sample.weather import simulate
from nyc_mobility.sample.zones import zone_table

YELLOW_2024_SCHEMA = {
    "VendorID": "int32",
    "tpep_pickup_datetime": "timestamp[us]",
    "tpep_dropoff_datetime": "timestamp[us]",
    "passenger_count": "int64",
    "trip_distance": "double",
    "RatecodeID": "int64",
    "store_and_fwd_flag": "string",
    "PULocationID": "int32",
    "DOLocationID": "int32",
    "payment_type": "int64",
    "fare_amount": "double",
    "extra": "double",
    "mta_tax": "double",
    "tip_amount": "double",
    "tolls_amount": "double",
    "improvement_surcharge": "double",
    "total_amount": "double",
    "congestion_surcharge": "double",
    "Airport_fee": "double",
}


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    folder = tmp_path_factory.mktemp("published")
    return write_published(folder, "2025-01", scale=0.003, max_rows_per_csv=2000)


def test_yellow_parquet_has_the_official_names_and_types(published):
    schema = pq.read_schema(published["yellow"])
    types = {f.name: str(f.type) for f in schema}
    assert {k: types[k] for k in YELLOW_2024_SCHEMA} == YELLOW_2024_SCHEMA
    assert types["cbd_congestion_fee"] == "double"  # published from 2025-01 on
    assert published["yellow"].name == "yellow_tripdata_2025-01.parquet"


def test_fhv_parquet_uses_the_published_casing(published):
    names = pq.read_schema(published["fhv"]).names
    assert names == [
        "dispatching_base_num",
        "pickup_datetime",
        "dropOff_datetime",
        "PUlocationID",
        "DOlocationID",
        "SR_Flag",
        "Affiliated_base_number",
    ]


def test_citibike_zip_holds_split_csvs_and_macosx_junk(published):
    with zipfile.ZipFile(published["citibike"]) as z:
        names = z.namelist()
        header = z.read("202501-citibike-tripdata_1.csv").decode().splitlines()[0]
    assert published["citibike"].name == "202501-citibike-tripdata.csv.zip"
    assert "202501-citibike-tripdata_2.csv" in names  # more rows than max_rows_per_csv
    assert any(n.startswith("__MACOSX/") for n in names)
    assert header.replace('"', "") == (
        "ride_id,rideable_type,started_at,ended_at,start_station_name,start_station_id,end_station_name,"
        "end_station_id,start_lat,start_lng,end_lat,end_lng,member_casual"
    )


def test_weather_is_the_open_meteo_archive_shape_and_covers_the_local_month(published):
    body = json.loads(published["weather"].read_text())
    assert body["utc_offset_seconds"] == 0 and body["timezone"] == "GMT"
    hourly = body["hourly"]
    assert hourly["time"][0] == "2025-01-01T00:00"
    assert len(hourly["time"]) == 31 * 24 + 24  # the month in UTC plus one day for local evening hours
    assert all(len(v) == len(hourly["time"]) for v in hourly.values())
    assert body["hourly_units"]["temperature_2m"] == "°C"
    # exactly the variables the downloader requests from the archive API
    assert set(hourly) == {"time", *WEATHER_VARIABLES}


def test_same_seed_same_data(tmp_path):
    a = write_published(tmp_path / "a", "2024-03", scale=0.001, seed=7)
    b = write_published(tmp_path / "b", "2024-03", scale=0.001, seed=7)
    c = write_published(tmp_path / "c", "2024-03", scale=0.001, seed=8)
    assert pq.read_table(a["yellow"]).equals(pq.read_table(b["yellow"]))
    assert a["weather"].read_bytes() == b["weather"].read_bytes()
    assert not pq.read_table(a["yellow"]).equals(pq.read_table(c["yellow"]))


def test_dirty_records_are_a_few_percent(published):
    bad = duckdb.sql(
        f"""select avg(case when tpep_dropoff_datetime < tpep_pickup_datetime
                            or fare_amount < 0 or trip_distance > 1000
                            or strftime(tpep_pickup_datetime, '%Y-%m') <> '2025-01' then 1 else 0 end)
            from '{published["yellow"]}'"""
    ).fetchall()[0][0]
    assert 0.005 < bad < 0.05


def test_rush_hours_and_rain_shape_demand():
    rng = np.random.default_rng(1)

    series = simulate(dt.datetime(2024, 6, 1), 30 * 24 + 24, seed=3)
    hours = demand.month_hours("2024-06", series)
    counts = demand.hourly_counts("citibike", hours, 0.05, rng)
    hod = np.array([h.hour for h in hours.starts])
    weekday = np.array([h.weekday() < 5 for h in hours.starts])
    assert counts[weekday & (hod == 8)].mean() > 3 * counts[weekday & (hod == 3)].mean()
    wet = hours.precipitation >= 0.5
    assert wet.any()
    factor = demand.weather_factor("citibike", hours.temperature, hours.precipitation)
    assert factor[wet].mean() < 0.5 * factor[~wet].mean()
    taxi = demand.weather_factor("yellow_taxi", hours.temperature, hours.precipitation)
    assert taxi[wet].mean() > taxi[~wet].mean()  # taxis gain riders when it rains


def test_zone_table_matches_the_published_layout():
    table = zone_table()
    assert len(table) == 265
    assert table[131] == (132, "Queens", "JFK Airport", "Airports")
    assert table[42][:3] == (43, "Manhattan", "Central Park")


@pytest.mark.parametrize(
    ("source", "month", "columns", "absent"),
    [
        (
            "yellow",
            "2009-06",
            [
                "vendor_name",
                "Trip_Pickup_DateTime",
                "Start_Lon",
                "End_Lat",
                "Payment_Type",
                "Fare_Amt",
                "surcharge",
                "Total_Amt",
            ],
            ["PULocationID", "improvement_surcharge"],
        ),
        (
            "yellow",
            "2012-03",
            [
                "vendor_id",
                "pickup_datetime",
                "pickup_longitude",
                "dropoff_latitude",
                "rate_code",
                "surcharge",
                "payment_type",
            ],
            ["PULocationID", "tpep_pickup_datetime"],
        ),
        (
            "yellow",
            "2016-06",
            ["VendorID", "tpep_pickup_datetime", "pickup_longitude", "RateCodeID", "improvement_surcharge"],
            ["PULocationID", "congestion_surcharge"],
        ),
        ("yellow", "2016-07", ["PULocationID", "DOLocationID"], ["pickup_longitude"]),
        (
            "green",
            "2014-05",
            [
                "lpep_pickup_datetime",
                "Lpep_dropoff_datetime",
                "Pickup_longitude",
                "Dropoff_latitude",
                "Total_amount",
                "Trip_type",
            ],
            ["PULocationID", "improvement_surcharge"],
        ),
        ("green", "2016-07", ["PULocationID"], ["Pickup_longitude"]),
        (
            "fhv",
            "2015-06",
            ["Dispatching_base_num", "Pickup_date", "locationID"],
            ["dropOff_datetime", "DropOff_datetime"],
        ),
        (
            "fhv",
            "2018-06",
            ["Pickup_DateTime", "DropOff_datetime", "PUlocationID", "Dispatching_base_number"],
            ["Affiliated_base_number"],
        ),
    ],
)
def test_the_sample_writes_each_era_in_its_published_columns(tmp_path, source, month, columns, absent):
    import pyarrow.parquet as pq

    from nyc_mobility.sample import write_source

    names = pq.read_schema(write_source(tmp_path, month, source, scale=0.001)).names
    assert set(columns) <= set(names), names
    assert not set(absent) & set(names)


def test_era_coordinates_keep_published_duplicates_identical_and_carry_the_real_defects(tmp_path):
    import duckdb

    from nyc_mobility.sample import write_source

    path = write_source(tmp_path, "2013-04", "yellow", scale=0.01)
    con = duckdb.connect()
    total, zero, swapped, far = con.execute(
        f"select count(*), count(*) filter (where pickup_latitude = 0 and pickup_longitude = 0),"
        f" count(*) filter (where pickup_latitude < -70), count(*) filter (where pickup_latitude between 1 and 10)"
        f" from '{path}'"
    ).fetchall()[0]
    assert zero > 0 and swapped > 0 and far > 0 and zero + swapped + far < 0.05 * total
    # records published twice (every column equal) are still twice the same record, coordinates included
    duplicated = con.execute(
        f"select count(*) - (select count(*) from (select distinct * from '{path}')) from '{path}'"
    ).fetchall()[0][0]
    assert duplicated > 0
