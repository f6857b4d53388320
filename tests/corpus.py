"""The bad-input corpus's crafted records and the one build over them (shared by the corpus
and the reliability tests: building it once keeps the suite fast)."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import dagster as dg
import pyarrow as pa
import pyarrow.parquet as pq

from nyc_mobility import raw
from nyc_mobility.defs.factory import definitions_from_settings
from nyc_mobility.defs.jobs import BUILD_JOB_NAME
from nyc_mobility.sample import generate
from nyc_mobility.settings import Settings

MONTH = "2024-11"
SCALE = 0.0005
YELLOW_SCHEMA = pa.schema(
    [
        ("VendorID", pa.int32()),
        ("tpep_pickup_datetime", pa.timestamp("us")),
        ("tpep_dropoff_datetime", pa.timestamp("us")),
        ("passenger_count", pa.int64()),
        ("trip_distance", pa.float64()),
        ("RatecodeID", pa.int64()),
        ("store_and_fwd_flag", pa.string()),
        ("PULocationID", pa.int32()),
        ("DOLocationID", pa.int32()),
        ("payment_type", pa.int64()),
        ("fare_amount", pa.float64()),
        ("extra", pa.float64()),
        ("mta_tax", pa.float64()),
        ("tip_amount", pa.float64()),
        ("tolls_amount", pa.float64()),
        ("improvement_surcharge", pa.float64()),
        ("total_amount", pa.float64()),
        ("congestion_surcharge", pa.float64()),
        ("Airport_fee", pa.float64()),
    ]
)


def yellow_row(minute: int, **changes) -> dict:
    """A clean yellow record of MONTH (each ``minute`` gives a distinct trip)."""
    pickup = datetime(2024, 11, 5, 8) + timedelta(minutes=minute)
    row = {
        "VendorID": 2,
        "tpep_pickup_datetime": pickup,
        "tpep_dropoff_datetime": pickup + timedelta(minutes=18),
        "passenger_count": 1,
        "trip_distance": 3.1,
        "RatecodeID": 1,
        "store_and_fwd_flag": "N",
        "PULocationID": 161,
        "DOLocationID": 236,
        "payment_type": 1,
        "fare_amount": 17.7,
        "extra": 0.0,
        "mta_tax": 0.5,
        "tip_amount": 4.0,
        "tolls_amount": 0.0,
        "improvement_surcharge": 1.0,
        "total_amount": 25.7,
        "congestion_surcharge": 2.5,
        "Airport_fee": 0.0,
    }
    row.update(changes)
    return row


def write_yellow(path: Path, rows: list[dict], schema: pa.Schema = YELLOW_SCHEMA) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)
    return path


def parquet_bytes(rows: list[dict]) -> bytes:
    sink = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(rows, schema=YELLOW_SCHEMA), sink)
    return sink.getvalue()


def weather_body(hours: int = 48) -> dict:
    start = datetime(2024, 11, 1)
    times = [(start + timedelta(hours=h)).strftime("%Y-%m-%dT%H:%M") for h in range(hours)]
    return {
        "utc_offset_seconds": 0,
        "hourly_units": {"temperature_2m": "°C", "precipitation": "mm"},
        "hourly": {"time": times, "temperature_2m": [10.0] * hours, "precipitation": [0.0] * hours},
    }


def _zip_bytes(members: dict[str, bytes]) -> bytes:
    sink = io.BytesIO()
    with zipfile.ZipFile(sink, "w") as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return sink.getvalue()


HEADER = "ride_id,rideable_type,started_at,ended_at,start_station_name,start_station_id,end_station_name,end_station_id,start_lat,start_lng,end_lat,end_lng,member_casual"
# ---- records: one build over a month holding every crafted record ---------------------------
RECORDS = {  # case -> (yellow row, expected invalid_reason or None for a valid trip)
    "clean record": (yellow_row(0), None),
    "dropoff before pickup": (
        yellow_row(1, tpep_dropoff_datetime=datetime(2024, 11, 5, 7, 30)),
        "dropoff_before_pickup",
    ),
    "zero duration": (yellow_row(2, tpep_dropoff_datetime=datetime(2024, 11, 5, 8, 2)), "zero_duration"),
    "1970 sentinel": (
        yellow_row(
            3, tpep_pickup_datetime=datetime(1970, 1, 1), tpep_dropoff_datetime=datetime(1970, 1, 1, 0, 9)
        ),
        "sentinel_timestamp",
    ),
    "missing timestamp": (yellow_row(4, tpep_pickup_datetime=None), "missing_timestamp"),
    "pickup in another month": (
        yellow_row(
            5,
            tpep_pickup_datetime=datetime(2024, 10, 31, 23, 50),
            tpep_dropoff_datetime=datetime(2024, 11, 1, 0, 5),
        ),
        "outside_file_month",
    ),
    "more than a day": (yellow_row(6, tpep_dropoff_datetime=datetime(2024, 11, 7, 9)), "excessive_duration"),
    "negative distance": (yellow_row(7, trip_distance=-2.0), "invalid_distance"),
    "absurd distance": (yellow_row(8, trip_distance=183000.5), "invalid_distance"),
    "impossible speed": (yellow_row(9, trip_distance=150.0), "impossible_speed"),
    "refund": (yellow_row(10, fare_amount=-17.7, total_amount=-25.7, payment_type=4), "refund_or_void"),
    "negative fare on a card payment": (yellow_row(11, fare_amount=-5.0, payment_type=1), "negative_fare"),
    "missing fare": (yellow_row(12, fare_amount=None), "negative_fare"),
    "missing zones are kept (valid)": (yellow_row(13, PULocationID=None, DOLocationID=None), None),
    "duplicate of the clean record": (yellow_row(0), "duplicate_record"),
}


def build_corpus(data_dir: Path) -> Settings:
    settings = Settings(data_dir=data_dir, sample_scale=SCALE)
    generate(settings.raw_dir, MONTH, MONTH, scale=SCALE)
    month_dir = settings.raw_dir / "tlc_yellow" / f"month={MONTH}"
    write_yellow(month_dir / "yellow_tripdata_2024-11_corpus.parquet", [row for row, _ in RECORDS.values()])
    # Wrong column types (strings where numbers and times belong) and extra unknown columns.
    typed = pa.schema([(f.name, pa.string()) for f in YELLOW_SCHEMA] + [("unknown_vendor_note", pa.string())])
    text_rows = [
        {**{k: str(v) for k, v in yellow_row(30).items()}, "unknown_vendor_note": "extra column"},
        {
            **{k: str(v) for k, v in yellow_row(31).items()},
            "tpep_pickup_datetime": "not a time",
            "unknown_vendor_note": "x",
        },
    ]
    write_yellow(month_dir / "yellow_tripdata_2024-11_text.parquet", text_rows, typed)
    # A file for the wrong month, landed under November.
    october = [
        yellow_row(
            40 + i,
            tpep_pickup_datetime=datetime(2024, 10, 3, 9, i),
            tpep_dropoff_datetime=datetime(2024, 10, 3, 9, 30),
        )
        for i in range(3)
    ]
    write_yellow(month_dir / "yellow_tripdata_2024-10.parquet", october)
    # Citi Bike CSV with mixed line endings and a record without coordinates, landed from a zip.
    lines = [
        HEADER,
        "M1,classic_bike,2024-11-05 08:00:00,2024-11-05 08:12:00,a,5905.14,b,6140.05,40.7420,-73.9897,40.7505,-73.9934,member",
        "M2,electric_bike,2024-11-05 09:00:00,2024-11-05 09:07:00,a,5905.14,b,6140.05,40.7420,-73.9897,40.7505,-73.9934,casual",
        "M3,classic_bike,2024-11-05 10:00:00,2024-11-05 10:09:00,a,5905.14,,,0,0,40.7505,-73.9934,member",
    ]
    text = lines[0] + "\r\n" + lines[1] + "\n" + lines[2] + "\r\n" + lines[3] + "\n"
    archive = settings.data_dir / "202411-citibike-mixed.zip"
    archive.write_bytes(_zip_bytes({"202411-citibike-tripdata_mixed.csv": text.encode()}))
    raw.land_csv_archive(archive, settings.raw_dir, "citibike", MONTH)
    # Weather with two missing hours (every variable), filled downstream.
    weather = next((settings.raw_dir / "weather" / f"month={MONTH}").glob("*.json"))
    body = json.loads(weather.read_text())
    drop = {body["hourly"]["time"].index(t) for t in ("2024-11-10T14:00", "2024-11-10T15:00")}
    body["hourly"] = {
        k: [v for i, v in enumerate(values) if i not in drop] for k, values in body["hourly"].items()
    }
    weather.write_text(json.dumps(body))
    result = build(settings)
    assert result.success, [e.step_key for e in result.get_step_failure_events()]
    return settings


def build(settings: Settings) -> dg.ExecuteInProcessResult:
    job = definitions_from_settings(settings).resolve_job_def(BUILD_JOB_NAME)
    return job.execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), partition_key=MONTH, raise_on_error=False
    )
