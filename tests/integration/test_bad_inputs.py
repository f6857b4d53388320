"""The bad-input corpus: every malformed input is generated here (never a hand-edited binary) and
its outcome asserted: a clear error naming the file and the problem (nothing landed, nothing
built, the previous tables intact), or the bad records quarantined with the right reason.

- FILE_CASES: files that must never be built: landing refuses them, and when one is dropped into
  the raw folders by hand the build's preflight refuses to start dbt (checked here without dbt).
- The record cases: one build over a month holding crafted records, each with its expected reason.
- One end-to-end case: a truncated file dropped by hand fails the next build before dbt, leaving
  the warehouse and the served snapshot exactly as they were.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from nyc_mobility import raw
from nyc_mobility.raw import formats
from nyc_mobility.raw.preflight import RawFilesError, check_raw_files
from nyc_mobility.sample import land_zones
from tests.conftest import RUN_ONCE, query, scalar
from tests.corpus import (
    HEADER,
    MONTH,
    RECORDS,
    YELLOW_SCHEMA,
    _zip_bytes,
    build,
    parquet_bytes,
    weather_body,
    write_yellow,
    yellow_row,
)

pytestmark = pytest.mark.integration


# name -> (source folder, file name, bytes, expected problem); each lands in month=MONTH by hand.
def _file_cases() -> dict[str, tuple[str, str, bytes, str]]:
    good = parquet_bytes([yellow_row(0)])
    no_fare = pa.Table.from_pylist([yellow_row(0)], schema=YELLOW_SCHEMA).drop_columns(["fare_amount"])
    renamed = pa.Table.from_pylist([yellow_row(0)], schema=YELLOW_SCHEMA).rename_columns(
        ["pickup_time" if n == "tpep_pickup_datetime" else n for n in YELLOW_SCHEMA.names]
    )
    # 2015-2016 FHV files publish no drop-off (a valid era); none publishes no pickup time
    fhv_cut = pa.table({"dispatching_base_num": ["B00013"], "dropOff_datetime": [datetime(2024, 11, 1)]})
    bike_cut = pa.table({"ride_id": ["x"], "started_at": ["2024-11-01 08:00:00"]})

    def table_bytes(table: pa.Table) -> bytes:
        sink = io.BytesIO()
        pq.write_table(table, sink)
        return sink.getvalue()

    gap = weather_body()
    gap["hourly"]["precipitation"] = gap["hourly"]["precipitation"][:-3]
    no_temperature = weather_body()
    del no_temperature["hourly"]["temperature_2m"]
    return {
        "truncated parquet": (
            "tlc_yellow",
            "yellow_tripdata_2024-11.parquet",
            good[: len(good) // 2],
            "not a complete parquet file",
        ),
        "HTML error page saved as .parquet": (
            "tlc_yellow",
            "yellow_tripdata_2024-11.parquet",
            b"<html><body>403 Forbidden</body></html>",
            "not a complete parquet file",
        ),
        "empty file": ("tlc_yellow", "yellow_tripdata_2024-11.parquet", b"", "empty file"),
        "corrupt footer": (
            "tlc_yellow",
            "yellow_tripdata_2024-11.parquet",
            b"PAR1" + b"\x00" * 64 + b"PAR1",
            "unreadable parquet footer",
        ),
        "missing required column": (
            "tlc_yellow",
            "yellow_tripdata_2024-11.parquet",
            table_bytes(no_fare),
            "missing required column(s) fare_amount",
        ),
        "renamed column": (
            "tlc_yellow",
            "yellow_tripdata_2024-11.parquet",
            table_bytes(renamed),
            "tpep_pickup_datetime / pickup_datetime",
        ),
        "FHV without its pickup time column": (
            "tlc_fhv",
            "fhv_tripdata_2024-11.parquet",
            table_bytes(fhv_cut),
            "pickup_datetime / Pickup_date",
        ),
        "Citi Bike without coordinates": (
            "citibike",
            "202411-citibike-tripdata_1.parquet",
            table_bytes(bike_cut),
            "start_lat / start station latitude",
        ),
        "a CSV left in a parquet folder": (
            "tlc_yellow",
            "yellow_tripdata_2024-11.csv",
            b"VendorID,fare_amount\n1,2\n",
            "unexpected file type .csv",
        ),
        "truncated weather JSON": (
            "weather",
            "open_meteo_2024-11.json",
            json.dumps(weather_body()).encode()[:100],
            "not a JSON document",
        ),
        "weather error response": (
            "weather",
            "open_meteo_2024-11.json",
            b'{"error": true, "reason": "Parameter hourly is invalid"}',
            "Open-Meteo returned an error",
        ),
        "weather with missing hours in one variable": (
            "weather",
            "open_meteo_2024-11.json",
            json.dumps(gap).encode(),
            "hourly arrays of different lengths",
        ),
        "weather without temperature": (
            "weather",
            "open_meteo_2024-11.json",
            json.dumps(no_temperature).encode(),
            "no hourly temperature_2m",
        ),
        "non-UTF-8 weather JSON": (
            "weather",
            "open_meteo_2024-11.json",
            b'{"hourly": {"time": ["\xff\xfe"]}}',
            "not a JSON document",
        ),
    }


FILE_CASES = _file_cases()


@pytest.mark.parametrize("case", list(FILE_CASES))
def test_a_bad_file_dropped_by_hand_is_refused_before_dbt_naming_it(case, tmp_path):
    source, name, body, problem = FILE_CASES[case]
    path = tmp_path / "raw" / source / f"month={MONTH}" / name
    path.parent.mkdir(parents=True)
    path.write_bytes(body)
    write_yellow(tmp_path / "raw" / "tlc_yellow" / "month=2024-10" / "ok.parquet", [yellow_row(1)])
    land_zones(tmp_path / "raw")
    with pytest.raises(RawFilesError) as caught:
        check_raw_files(tmp_path / "raw")
    assert [p.path for p in caught.value.problems] == [path]  # the good files are not blamed
    assert problem in str(caught.value) and str(path) in str(caught.value)


LANDING_CASES: dict[str, tuple[str, bytes, Callable[[Path, Path], object], str]] = {
    "zip with junk and no CSV": (
        "202411-citibike-tripdata.zip",
        _zip_bytes({"__MACOSX/._x.csv": b"junk", "readme.txt": b"hello"}),
        lambda f, raw_dir: raw.land_csv_archive(f, raw_dir, "citibike", MONTH),
        "the archive holds no trip CSV",
    ),
    "HTML page saved as .zip": (
        "202411-citibike-tripdata.zip",
        b"<html>Not Found</html>",
        lambda f, raw_dir: raw.land_csv_archive(f, raw_dir, "citibike", MONTH),
        "not a valid zip archive",
    ),
    "CSV with a broken quote": (
        "202411-citibike-tripdata_1.csv",
        (
            HEADER
            + '\nA1,classic_bike,"2024-11-01 08:00:00,2024-11-01 08:10:00,a,1,b,2,40.7,-74.0,40.71,-74.01,member\n'
        ).encode(),
        lambda f, raw_dir: raw.land_csv_as_parquet(f, raw_dir, "citibike", MONTH),
        "not a readable CSV",
    ),
    "CSV with non-UTF-8 bytes": (
        "202411-citibike-tripdata_1.csv",
        (HEADER + "\nA1,classic_bike,2024-11-01 08:00:00,2024-11-01 08:10:00,").encode()
        + "Café Ñ".encode("latin-1")
        + b",1,b,2,40.7,-74.0,40.71,-74.01,member\n",
        lambda f, raw_dir: raw.land_csv_as_parquet(f, raw_dir, "citibike", MONTH),
        "not a readable CSV",
    ),
    "empty CSV": (
        "202411-citibike-tripdata_1.csv",
        b"",
        lambda f, raw_dir: raw.land_csv_as_parquet(f, raw_dir, "citibike", MONTH),
        "not a readable CSV",
    ),
    "zone lookup without its header": (
        "taxi_zone_lookup.csv",
        b"1,EWR,Newark Airport,EWR\n",
        lambda f, raw_dir: formats.zone_lookup(f),
        "no LocationID,Borough header",
    ),
    "shapefile zip without .dbf": (
        "taxi_zones.zip",
        _zip_bytes({"taxi_zones/taxi_zones.shp": b"x", "taxi_zones/taxi_zones.shx": b"x"}),
        lambda f, raw_dir: formats.shapes_zip(f),
        "no .dbf",
    ),
}


@pytest.mark.parametrize("case", list(LANDING_CASES))
def test_landing_refuses_a_bad_file_naming_it_and_lands_nothing(case, tmp_path):
    name, body, land, problem = LANDING_CASES[case]
    downloaded = tmp_path / "downloads" / name
    downloaded.parent.mkdir()
    downloaded.write_bytes(body)
    raw_dir = tmp_path / "raw"
    with pytest.raises((raw.RawFileError, formats.InvalidContentError)) as caught:
        land(downloaded, raw_dir)
    assert problem in str(caught.value)
    if isinstance(caught.value, raw.RawFileError):
        assert str(downloaded) in str(caught.value)
    assert not [p for p in raw_dir.rglob("*") if p.is_file()]  # nothing half-landed


@RUN_ONCE
@pytest.mark.parametrize("case", list(RECORDS))
def test_each_crafted_record_gets_its_reason(corpus_build, case):
    row_number = list(RECORDS).index(case)
    expected = RECORDS[case][1]
    got = query(
        corpus_build.warehouse_path,
        "select invalid_reason, is_valid from stg_tlc__yellow_taxi "
        "where source_file like '%_corpus.parquet' and source_row_number = ?",
        [row_number],
    )
    assert got == [(expected, expected is None)]
    in_facts = scalar(
        corpus_build.warehouse_path,
        "select count(*) from fct_trips where source_file_name like '%_corpus.parquet' and source_row_number = ?",
        [row_number],
    )
    quarantined = query(
        corpus_build.warehouse_path,
        "select invalid_reason from qa_trips__quarantine where source_file_name like '%_corpus.parquet' "
        "and source_row_number = ?",
        [row_number],
    )
    assert (in_facts, quarantined) == ((1, []) if expected is None else (0, [(expected,)]))


@RUN_ONCE
def test_text_typed_columns_are_cast_and_extra_columns_ignored(corpus_build):
    rows = query(
        corpus_build.warehouse_path,
        "select source_row_number, invalid_reason, fare_amount, pickup_location_id from stg_tlc__yellow_taxi "
        "where source_file like '%_text.parquet' order by 1",
    )
    assert rows == [(0, None, 17.7, 161), (1, "missing_timestamp", 17.7, 161)]


@RUN_ONCE
def test_a_file_for_the_wrong_month_is_quarantined_whole(corpus_build):
    reasons = query(
        corpus_build.warehouse_path,
        "select invalid_reason, count(*) from qa_trips__quarantine "
        "where source_file_name = 'yellow_tripdata_2024-10.parquet' group by 1",
    )
    assert reasons == [("outside_file_month", 3)]


@RUN_ONCE
def test_mixed_line_endings_keep_every_record(corpus_build):
    rows = query(
        corpus_build.warehouse_path,
        "select ride_id, invalid_reason from stg_citibike__trips where source_file like '%_mixed.parquet' order by 1",
    )
    assert rows == [("M1", None), ("M2", None), ("M3", "missing_location")]


@RUN_ONCE
def test_missing_weather_hours_are_filled_not_lost(corpus_build):
    rows = query(
        corpus_build.warehouse_path,
        "select strftime(weather_hour, '%H'), is_filled from dim_weather "
        "where weather_hour in ('2024-11-10 09:00', '2024-11-10 10:00') order by 1",  # 14-15 h UTC
    )
    assert rows == [("09", True), ("10", True)]


@RUN_ONCE
def test_the_quality_summary_reconciles_with_the_corpus(corpus_build):
    off = query(
        corpus_build.warehouse_path,
        "select summary_id from qa_trips__source_month_summary where raw_rows <> valid_rows + quarantined_rows",
    )
    assert off == []
    by_reason = json.loads(
        scalar(
            corpus_build.warehouse_path,
            "select rows_by_reason from qa_trips__source_month_summary where summary_id = 'yellow_taxi|2024-11'",
        )
    )
    assert by_reason["duplicate_record"] >= 1 and by_reason["outside_file_month"] >= 4


@RUN_ONCE
def test_a_bad_file_dropped_after_a_build_fails_the_next_one_and_changes_nothing(corpus_build, tmp_path):
    db, served = corpus_build.warehouse_path, corpus_build.serving_path
    before = (scalar(db, "select count(*) from fct_trips"), served.stat().st_mtime_ns, db.stat().st_mtime_ns)
    bad = corpus_build.raw_dir / "tlc_fhv" / f"month={MONTH}" / "fhv_tripdata_2024-11_copy.parquet"
    bad.write_bytes(b"PAR1" + b"\x00" * 10)  # a copy interrupted by hand
    try:
        result = build(corpus_build)
        assert not result.success
        (failure,) = result.get_step_failure_events()
        assert failure.step_key == "dbt_upstream_assets"
        message = failure.event_specific_data.error.message + str(
            failure.event_specific_data.user_failure_data
        )
        assert str(bad) in message and "not a complete parquet file" in message
        after = (
            scalar(db, "select count(*) from fct_trips"),
            served.stat().st_mtime_ns,
            db.stat().st_mtime_ns,
        )
        assert after == before  # dbt never started: the warehouse and the snapshot are untouched
        with duckdb.connect(str(served), read_only=True) as con:
            assert con.execute("select count(*) from fct_trips").fetchone()[0] == before[0]
    finally:
        bad.unlink()


def test_a_build_without_zone_shapes_is_refused_before_dbt_with_the_fix(tmp_path):
    write_yellow(tmp_path / "raw" / "tlc_yellow" / "month=2024-10" / "ok.parquet", [yellow_row(1)])
    with pytest.raises(RawFilesError) as caught:
        check_raw_files(tmp_path / "raw")
    assert [p.path.name for p in caught.value.problems] == ["taxi_zones.shp"]
    assert "not landed" in str(caught.value) and "taxi_zones.zip" in str(caught.value)


def test_shapes_landed_before_the_grid_existed_get_it_at_the_preflight(tmp_path):
    from nyc_mobility.zones.grid import grid_path, is_current

    _lookup, shp = land_zones(tmp_path / "raw")
    grid_path(shp).unlink()  # as an earlier version landed them
    check_raw_files(tmp_path / "raw")
    assert is_current(shp)


def test_shapes_broken_on_disk_are_a_preflight_problem_naming_them_not_a_traceback(tmp_path):
    _lookup, shp = land_zones(tmp_path / "raw")
    shp.write_bytes(b"not a shapefile")  # changed since landing: the grid is written again, and cannot be
    with pytest.raises(RawFilesError) as caught:
        check_raw_files(tmp_path / "raw")
    assert [p.path for p in caught.value.problems] == [shp]
    assert "zone grid cannot be written" in str(caught.value)
