"""`nyc-mobility land`: local files of every accepted kind land with ingest's checks, all or nothing.

Counts are reconciled with plain DuckDB over the original bytes; bad files are refused naming the
file, and the raw folder is byte-for-byte what it was (no half month, no scratch left behind). The
build of landed real files (the 2020-07 legacy CSV, a zipped JC CSV) is in test_eras.py, in the one
warehouse of every era.
"""

from __future__ import annotations

import gzip
import json
import shutil
import stat
import zipfile
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from nyc_mobility.cli import app
from nyc_mobility.raw.manifest import read_manifest

LEGACY = "tlc_yellow/yellow_tripdata_2020-07_265rows_legacy_csv.csv"


def _land(data_dir: Path, *args: str):
    return CliRunner().invoke(app, ["land", *args, "--data-dir", str(data_dir)])


def _csv_rows(path: Path) -> int:
    return duckdb.sql(f"select count(*) from read_csv('{path}', all_varchar=true)").fetchall()[0][0]


def _parquet_rows(pattern: Path) -> int:
    return duckdb.sql(f"select count(*) from read_parquet('{pattern}')").fetchall()[0][0]


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()} | {
        str(p.relative_to(root)) + "/": b"" for p in sorted(root.rglob("*")) if p.is_dir()
    }


def _zip(path: Path, members: dict[str, Path | bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content if isinstance(content, bytes) else content.read_bytes())
    return path


def test_every_accepted_kind_lands_with_its_rows(real_data, tmp_path):
    data = tmp_path / "data"
    raw_dir = data / "raw"
    legacy = real_data / LEGACY
    result = _land(data, str(legacy), "--source", "yellow", "--month", "2020-07")
    assert result.exit_code == 0, result.output
    landed = raw_dir / "tlc_yellow" / "month=2020-07"
    assert _parquet_rows(landed / "*.parquet") == _csv_rows(legacy) > 0
    assert read_manifest(landed)["origin"] == "local"
    assert (
        stat.S_IMODE((landed / f"{legacy.stem}.parquet").stat().st_mode) & 0o044 == 0o044
    )  # readable by all

    jc = real_data / "citibike" / "JC-201901-citibike-tripdata.csv"
    archive = _zip(
        tmp_path / "JC-201901-citibike-tripdata.csv.zip", {jc.name: jc, "__MACOSX/._x.csv": b"junk"}
    )
    result = _land(data, str(archive), "--source", "citibike", "--month", "2019-01")
    assert result.exit_code == 0, result.output
    assert _parquet_rows(raw_dir / "citibike" / "month=2019-01" / "*.parquet") == _csv_rows(jc)

    hvfhv = real_data / "tlc_fhvhv" / "fhvhv_tripdata_2019-06_5000rows.csv"
    gz = tmp_path / "fhvhv_tripdata_2019-06.csv.gz"
    gz.write_bytes(gzip.compress(hvfhv.read_bytes()))
    result = _land(data, str(gz), "--source", "hvfhv", "--month", "2019-06")
    assert result.exit_code == 0, result.output
    folder = raw_dir / "tlc_fhvhv" / "month=2019-06"
    assert [p.name for p in folder.iterdir() if not p.name.startswith(".")] == [
        "fhvhv_tripdata_2019-06.parquet"
    ]
    assert _parquet_rows(folder / "*.parquet") == _csv_rows(hvfhv)

    parquet = real_data / "tlc_yellow" / "yellow_tripdata_2025-01_head10000.parquet"
    result = _land(data, str(parquet), "--source", "yellow", "--month", "2025-01")
    assert result.exit_code == 0, result.output
    landed = raw_dir / "tlc_yellow" / "month=2025-01" / parquet.name
    assert landed.read_bytes() == parquet.read_bytes()  # the published parquet lands unchanged

    lookup = real_data / "tlc_zones" / "taxi_zone_lookup.csv"
    shapes = _zip(
        tmp_path / "taxi_zones.zip",
        {f"taxi_zones/{p.name}": p for p in (real_data / "tlc_zones" / "taxi_zones_shapefile").iterdir()},
    )
    result = _land(data, str(lookup), str(shapes), "--source", "zones")
    assert result.exit_code == 0, result.output
    assert (raw_dir / "zones" / "taxi_zone_lookup.csv").read_bytes() == lookup.read_bytes()
    assert (raw_dir / "zones" / "taxi_zones" / "taxi_zones.shp").exists()
    assert not [p for p in raw_dir.rglob(".land-*")]


def _open_meteo(month: str) -> bytes:
    times = [f"{month}-01T{h:02d}:00" for h in range(24)]
    hourly = {"time": times, "temperature_2m": [1.0] * 24, "precipitation": [0.0] * 24}
    hourly |= {
        "rain": [0.0] * 24,
        "snowfall": [0.0] * 24,
        "weather_code": [0] * 24,
        "wind_speed_10m": [3.0] * 24,
    }
    return json.dumps({"timezone": "GMT", "utc_offset_seconds": 0, "hourly": hourly}).encode()


def test_open_meteo_json_lands_and_an_error_body_is_refused_with_its_reason(tmp_path):
    data = tmp_path / "data"
    good = tmp_path / "2024-03.json"
    good.write_bytes(_open_meteo("2024-03"))
    result = _land(data, str(good), "--source", "weather", "--month", "2024-03")
    assert result.exit_code == 0, result.output
    assert (
        data / "raw" / "weather" / "month=2024-03" / "open_meteo_2024-03.json"
    ).read_bytes() == good.read_bytes()
    wrong_month = _land(data, str(good), "--source", "weather", "--month", "2024-05")
    assert (
        wrong_month.exit_code == 1
        and "not in 2024-05" in wrong_month.output
        and str(good) in wrong_month.output
    )
    bad = tmp_path / "error.json"
    bad.write_text(json.dumps({"error": True, "reason": "Parameter 'start_date' is out of allowed range"}))
    result = _land(data, str(bad), "--source", "weather", "--month", "2024-04")
    assert result.exit_code == 1
    assert "Parameter 'start_date' is out of allowed range" in result.output and str(bad) in result.output


def _bad_files(tmp: Path, real_data: Path) -> dict[str, tuple[Path, str, str]]:
    """name -> (file, source, what the refusal must say)."""
    legacy = (real_data / LEGACY).read_text(encoding="utf-8")
    html = tmp / "yellow_tripdata_2020-07.parquet"
    html.write_bytes(b"<html><body>AccessDenied</body></html>")
    truncated = tmp / "truncated.parquet"
    truncated.write_bytes(
        (real_data / "tlc_yellow" / "yellow_tripdata_2025-01_head10000.parquet").read_bytes()[:5000]
    )
    broken_quote = tmp / "broken_quote.csv"
    lines = legacy.splitlines()
    broken_quote.write_text("\n".join([*lines[:50], lines[50].replace(",", ',"', 1), *lines[51:]]))
    wrong_columns = tmp / "not_trips.csv"
    wrong_columns.write_text("foo,bar\n1,2\n")
    short_row = tmp / "short_row.csv"
    short_row.write_text("\n".join([*lines[:10], "1,2020-07-01 00:10:00", *lines[10:]]))
    no_csv = _zip(tmp / "empty.zip", {"readme.txt": b"nothing here"})
    not_gzip = tmp / "plain.csv.gz"
    not_gzip.write_text(legacy)
    wrong_month = tmp / "yellow_2020-07_as_2019-07.csv"
    wrong_month.write_text(legacy)
    text = tmp / "notes.txt"
    text.write_text("hello")
    return {
        "html page": (html, "yellow", "not a complete parquet file"),
        "truncated parquet": (truncated, "yellow", "not a complete parquet file"),
        "broken quote": (broken_quote, "yellow", "not a readable CSV"),
        "missing columns": (wrong_columns, "yellow", "missing required column"),
        "short row": (short_row, "yellow", "not a readable CSV"),
        "zip without CSV": (no_csv, "citibike", "holds no CSV"),
        "not gzip": (not_gzip, "yellow", "not a readable gzip file"),
        "wrong month": (wrong_month, "yellow", "start outside 2019-07"),
        "unsupported kind": (text, "yellow", "a .txt file cannot be landed as yellow"),
        "no such file": (tmp / "missing.parquet", "yellow", "no such file"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "html page",
        "truncated parquet",
        "broken quote",
        "missing columns",
        "short row",
        "zip without CSV",
        "not gzip",
        "wrong month",
        "unsupported kind",
        "no such file",
    ],
)
def test_a_bad_file_is_refused_naming_it_and_nothing_changes(case, real_data, tmp_path):
    data = tmp_path / "data"
    good = real_data / LEGACY
    assert _land(data, str(good), "--source", "yellow", "--month", "2020-07").exit_code == 0
    before = _tree(data)
    path, source, says = _bad_files(tmp_path, real_data)[case]
    month = "2019-07" if case == "wrong month" else "2020-07"
    # beside a good file, replacing the landed month: neither lands, the landed month stays
    beside = [str(good)] if source == "yellow" and case != "wrong month" else []
    result = _land(data, *beside, str(path), "--source", source, "--month", month, "--replace")
    assert result.exit_code == 1, result.output
    assert says in result.output and str(path) in result.output, result.output
    assert "Traceback" not in result.output
    assert _tree(data) == before  # no half month, no scratch folder, no empty source folder


def test_a_landed_month_is_replaced_only_when_asked_and_only_all_at_once(real_data, tmp_path):
    data = tmp_path / "data"
    folder = data / "raw" / "tlc_yellow" / "month=2020-07"
    legacy = real_data / LEGACY
    assert _land(data, str(legacy), "--source", "yellow", "--month", "2020-07").exit_code == 0
    first = _tree(folder)
    again = _land(data, str(legacy), "--source", "yellow", "--month", "2020-07")
    assert again.exit_code == 1 and "--replace" in again.output
    bad = tmp_path / "bad.csv"
    bad.write_text("foo,bar\n1,2\n")
    renamed = tmp_path / "yellow_tripdata_2020-07.csv"
    shutil.copyfile(legacy, renamed)
    failed = _land(data, str(renamed), str(bad), "--source", "yellow", "--month", "2020-07", "--replace")
    assert failed.exit_code == 1
    assert _tree(folder) == first  # the old month is untouched by a replacement that failed
    done = _land(data, str(renamed), "--source", "yellow", "--month", "2020-07", "--replace")
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == [
        "yellow_tripdata_2020-07.parquet"
    ]
    assert read_manifest(folder)["files"] == {
        "yellow_tripdata_2020-07.parquet": (folder / "yellow_tripdata_2020-07.parquet").stat().st_size
    }


def test_usage_errors_are_one_line(tmp_path, real_data):
    data = tmp_path / "data"
    legacy = str(real_data / LEGACY)
    no_month = _land(data, legacy, "--source", "yellow")
    assert no_month.exit_code == 1 and "--month YYYY-MM" in no_month.output
    unknown = _land(data, legacy, "--source", "taxi", "--month", "2020-07")
    assert unknown.exit_code == 2 and "unknown source 'taxi'" in unknown.output
    bad_month = _land(data, legacy, "--source", "yellow", "--month", "2020-7")
    assert bad_month.exit_code == 2 and "expected YYYY-MM" in bad_month.output
    assert not data.exists() or not any(data.rglob("*.parquet"))
