"""Inputs that used to go silently wrong or break the build, in one warehouse: time-zone-aware
timestamps, trips through both daylight-saving transitions, impossible money, files with the same
name in two months, months of two eras with renamed and retyped columns, a source with no files,
stray folders. Every number is reconciled with plain DuckDB over the raw files or Python's zoneinfo.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pyarrow as pa
import pytest
from pydantic import ValidationError

from nyc_mobility import raw
from nyc_mobility.raw.preflight import RawFilesError, check_raw_files
from nyc_mobility.sample import generate
from nyc_mobility.settings import Settings
from tests.conftest import ONCE_PER_DUCKDB, RUN_ONCE, query, scalar
from tests.corpus import YELLOW_SCHEMA, write_yellow, yellow_row

# One build of hostile files: checked under three host time zones in py311
# (test_results_do_not_depend_on_the_host_time_zone), and once more under py310's DuckDB 1.x.
pytestmark = [pytest.mark.integration, ONCE_PER_DUCKDB]
NY = ZoneInfo("America/New_York")
MONTHS = ("2024-03", "2024-11")
SCALE = 0.0004


def utc_instant(local: datetime) -> datetime:
    return local.replace(tzinfo=NY).astimezone(timezone.utc)


def tz_aware_rows() -> list[dict]:
    """New York 08:00 + n minutes, published as UTC instants (TIMESTAMP WITH TIME ZONE)."""
    return [
        yellow_row(
            100 + n,
            tpep_pickup_datetime=utc_instant(datetime(2024, 11, 6, 8, n)),
            tpep_dropoff_datetime=utc_instant(datetime(2024, 11, 6, 8, n + 25)),
        )
        for n in range(3)
    ]


DST_TRIPS = {  # (pickup, dropoff) in New York wall-clock time -> minutes between the instants
    "spring forward": (datetime(2024, 3, 10, 1, 58), datetime(2024, 3, 10, 3, 2), 4.0),
    "fall back, ends in the repeated hour": (
        datetime(2024, 11, 3, 1, 50),
        datetime(2024, 11, 3, 1, 10),
        20.0,
    ),
    "fall back, within the first 01:xx": (datetime(2024, 11, 3, 1, 10), datetime(2024, 11, 3, 1, 50), 40.0),
    "fall back, from before": (datetime(2024, 11, 3, 0, 50), datetime(2024, 11, 3, 1, 10), 20.0),
}
MONEY = {  # case -> (changes, reason)
    "negative total with a zero fare": ({"fare_amount": 0.0, "total_amount": -12.0}, "negative_amount"),
    "negative tip": ({"tip_amount": -3.0}, "negative_amount"),
    "negative congestion surcharge": ({"congestion_surcharge": -2.5}, "negative_amount"),
    "total below its fare": ({"total_amount": 5.0}, "total_below_fare"),
    "keyed-in total": ({"total_amount": 98765.4}, "excessive_amount"),
    "refund on a disputed payment": (
        {"total_amount": -25.7, "tip_amount": -4.0, "payment_type": 4},
        "refund_or_void",
    ),
}
TEXT_ERA = pa.schema(
    [(name, pa.string()) for name in ("vendor_id", "pickup_datetime", "dropoff_datetime", "passenger_count",
                                      "trip_distance", "rate_code_id", "pickup_location_id", "dropoff_location_id",
                                      "payment_type", "fare_amount", "tip_amount", "total_amount")]
)  # fmt: skip


def text_era_rows(n: int = 4) -> list[dict]:
    """The 2020-era CSV spellings, landed as text (a CSV month beside parquet months)."""
    rows = []
    for i in range(n):
        pickup = datetime(2024, 3, 12, 9, i)
        rows.append(
            {
                "vendor_id": "2",
                "pickup_datetime": f"{pickup:%Y-%m-%d %H:%M:%S}",
                "dropoff_datetime": f"{pickup + timedelta(minutes=15):%Y-%m-%d %H:%M:%S}",
                "passenger_count": "1",
                "trip_distance": "2.0",
                "rate_code_id": "1",
                "pickup_location_id": "161",
                "dropoff_location_id": "236",
                "payment_type": "1",
                "fare_amount": "12.5",
                "tip_amount": "1.0",
                "total_amount": "17.0",
            }
        )
    return rows


def hostile_raw(raw_dir: Path) -> None:
    """The sample for both months, then the hostile files beside it."""
    generate(raw_dir, MONTHS[0], MONTHS[-1], scale=SCALE)
    shutil.rmtree(raw_dir / "tlc_fhv")  # a user who never ingested FHV
    nov = raw_dir / "tlc_yellow" / "month=2024-11"
    mar = raw_dir / "tlc_yellow" / "month=2024-03"
    zoned = pa.schema(
        [
            pa.field(f.name, pa.timestamp("us", tz="UTC")) if f.name.startswith("tpep_") else f
            for f in YELLOW_SCHEMA
        ]
    )
    write_yellow(nov / "zoned.parquet", tz_aware_rows(), zoned)
    dst = [
        yellow_row(200 + i, tpep_pickup_datetime=p, tpep_dropoff_datetime=d, trip_distance=1.0)
        for i, (p, d, _) in enumerate(DST_TRIPS.values())
    ]
    write_yellow(nov / "dst.parquet", [r for r in dst if r["tpep_pickup_datetime"].month == 11])
    write_yellow(mar / "dst.parquet", [r for r in dst if r["tpep_pickup_datetime"].month == 3])
    write_yellow(
        nov / "money.parquet",
        [yellow_row(300 + i, **changes) for i, (changes, _) in enumerate(MONEY.values())],
    )
    # the same file name in two month folders
    write_yellow(nov / "trips.parquet", [yellow_row(400 + i) for i in range(3)])
    march = [{**yellow_row(400 + i), "tpep_pickup_datetime": datetime(2024, 3, 5, 8, i),
              "tpep_dropoff_datetime": datetime(2024, 3, 5, 8, 30)} for i in range(3)]  # fmt: skip
    write_yellow(mar / "trips.parquet", march)
    write_yellow(mar / "yellow_tripdata_2024-03_legacy.parquet", text_era_rows(), TEXT_ERA)
    # a file with no rows
    write_yellow(nov / "empty.parquet", [])
    # stray folders dbt must not read
    shutil.copytree(nov, raw_dir / "tlc_yellow" / "month=2024-11.bak")
    (raw_dir / "citibike" / "month=2024-11 (copy)").mkdir()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    from nyc_mobility.run.runner import run_all

    # official: a user who lands what they have (the sample would fill in the missing FHV)
    settings = Settings(data_dir=tmp_path_factory.mktemp("hostile") / "data", data_origin="official")
    hostile_raw(settings.raw_dir)
    summary = run_all(settings)
    assert summary.success, (summary.failed_steps, summary.errors)
    return settings, summary


def test_a_missing_source_and_stray_folders_are_warnings_and_the_build_succeeds(hostile):
    settings, summary = hostile
    notes = "\n".join(summary.warnings)
    assert "no fhv files" in notes and "month=2024-11.bak" in notes and "month=2024-11 (copy)" in notes
    assert "empty.parquet: the file has no rows" in notes
    row = query(
        settings.warehouse_path,
        "select raw_rows, note from qa_trips__source_month_summary where mode = 'fhv'",
    )
    assert row == [(0, "no files landed for this source: built as an empty source")]
    assert scalar(settings.warehouse_path, "select count(*) from fct_trips where mode = 'fhv'") == 0


def test_every_published_record_is_staged_once_and_strays_are_not_read(hostile):
    settings, _ = hostile
    files = f"{settings.raw_dir}/tlc_yellow/month=????-??/*.parquet"
    expected = duckdb.sql(f"select count(*) from read_parquet('{files}', union_by_name=true)").fetchall()[0][
        0
    ]
    assert scalar(settings.warehouse_path, "select count(*) from stg_tlc__yellow_taxi") == expected
    assert (
        scalar(
            settings.warehouse_path,
            "select count(*) from stg_tlc__yellow_taxi where source_file like '%.bak%'",
        )
        == 0
    )
    db = settings.warehouse_path
    assert scalar(db, "select count(*) from int_trips__unioned") == scalar(
        db, "select count(distinct trip_id) from int_trips__unioned"
    )
    same_name = query(
        db,
        "select source_month, count(*) from int_trips__unioned where source_file like '%/trips.parquet' group by 1 order by 1",
    )
    assert same_name == [("2024-03", 3), ("2024-11", 3)]


def test_time_zone_aware_timestamps_are_new_york_wall_clock(hostile):
    settings, _ = hostile
    rows = query(settings.warehouse_path,
                 "select pickup_at, dropoff_at, trip_duration_minutes, invalid_reason from stg_tlc__yellow_taxi "
                 "where source_file like '%/zoned.parquet' order by pickup_at")  # fmt: skip
    expected = [
        (r["tpep_pickup_datetime"].astimezone(NY).replace(tzinfo=None),
         r["tpep_dropoff_datetime"].astimezone(NY).replace(tzinfo=None), 25.0, None)
        for r in tz_aware_rows()
    ]  # fmt: skip
    assert rows == expected


def test_durations_across_daylight_saving_transitions_are_measured_on_the_instants(hostile):
    settings, _ = hostile
    got = {
        (p, d): (minutes, reason)
        for p, d, minutes, reason in query(
            settings.warehouse_path,
            "select pickup_at, dropoff_at, trip_duration_minutes, invalid_reason from stg_tlc__yellow_taxi "
            "where source_file like '%/dst.parquet'",
        )
    }
    for case, (pickup, dropoff, minutes) in DST_TRIPS.items():
        assert got[(pickup, dropoff)] == (minutes, None), case
        # independent: the instants Python's zoneinfo gives, trying both readings of a repeated hour
        readings = [
            (
                dropoff.replace(tzinfo=NY, fold=fd).astimezone(timezone.utc)
                - pickup.replace(tzinfo=NY, fold=fp).astimezone(timezone.utc)
            ).total_seconds()
            / 60
            for fp in (0, 1)
            for fd in (0, 1)
        ]
        assert min(r for r in readings if r >= 0) == minutes, case
    trips = query(
        settings.warehouse_path, "select count(*) from fct_trips where source_file_name = 'dst.parquet'"
    )
    assert trips == [(len(DST_TRIPS),)]


def test_every_money_column_that_feeds_a_metric_is_checked(hostile):
    settings, _ = hostile
    reasons = dict(
        query(
            settings.warehouse_path,
            "select source_row_number, invalid_reason from stg_tlc__yellow_taxi where source_file like '%/money.parquet'",
        )
    )
    assert [reasons[i] for i in range(len(MONEY))] == [reason for _, reason in MONEY.values()]
    revenue = scalar(
        settings.warehouse_path, "select count(*) from fct_trips where source_file_name = 'money.parquet'"
    )
    assert revenue == 0  # none of them is counted as revenue


def test_months_of_two_eras_with_renamed_and_retyped_columns_build_together(hostile):
    settings, _ = hostile
    legacy = query(settings.warehouse_path,
                   "select vendor_id, pickup_location_id, rate_code_id, fare_amount, invalid_reason "
                   "from stg_tlc__yellow_taxi where source_file like '%legacy.parquet' order by source_row_number")  # fmt: skip
    assert legacy == [(2, 161, 1, 12.5, None)] * 4


def test_months_that_dbt_would_read_but_are_not_months_stop_the_build(tmp_path):
    (tmp_path / "tlc_yellow" / "month=2024-13").mkdir(parents=True)
    write_yellow(tmp_path / "tlc_yellow" / "month=2024-13" / "x.parquet", [yellow_row(1)])
    with pytest.raises(RawFilesError, match=r"month=2024-13: not a month folder"):
        check_raw_files(tmp_path)
    assert raw.landed_months(tmp_path)["yellow"] == []


@pytest.mark.parametrize("name", ["data[1]", "data*", "da?ta", "x{a,b}"])
def test_data_dirs_with_glob_characters_are_refused_clearly(tmp_path, name):
    with pytest.raises(ValidationError, match="glob"):
        Settings(data_dir=tmp_path / name)


def _content_hash(db: Path, model: str) -> str:
    """The table's content, order-free; paths (which name the data directory) left out."""
    columns = [c for (c,) in query(db, f"select column_name from (describe {model})") if c != "source_file"]
    body = ", ".join(f'"{c}"' for c in columns)
    rows = query(
        db,
        f"select md5(string_agg(h, '' order by h)) from (select md5(cast(row({body}) as varchar)) as h from {model})",
    )
    return rows[0][0]


@RUN_ONCE
def test_results_do_not_depend_on_the_host_time_zone(hostile, tmp_path):
    """The same raw files built by `nyc-mobility run` under three host time zones: identical tables."""
    settings, _ = hostile
    hashes = {}
    for tz in ("America/New_York", "Asia/Tokyo"):  # and this process's own zone (UTC in CI), below
        data = tmp_path / tz.replace("/", "_") / "data"
        shutil.copytree(settings.raw_dir, data / "raw")
        env = {**os.environ, "TZ": tz, "NYC_MOBILITY_DATA_ORIGIN": "official"}
        done = subprocess.run([sys.executable, "-m", "nyc_mobility.cli", "run", "--data-dir", str(data)],
                              env=env, capture_output=True, text=True, timeout=900)  # fmt: skip
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        db = data / "warehouse" / "nyc_mobility.duckdb"
        hashes[tz] = {
            m: _content_hash(db, m) for m in ("stg_tlc__yellow_taxi", "fct_trips", "fct_hourly_mobility")
        }
    here = {m: _content_hash(settings.warehouse_path, m) for m in hashes["Asia/Tokyo"]}
    assert hashes["America/New_York"] == hashes["Asia/Tokyo"] == here
