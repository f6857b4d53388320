import zipfile
from pathlib import Path

import duckdb
import pytest

from nyc_mobility import raw, sources


def _csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_citibike_zip_lands_every_csv_and_ignores_junk(tmp_path):
    archive = tmp_path / "202406-citbike-tripdata.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("202406-citbike-tripdata_1.csv", "ride_id,start_station_id\nA,JC105\n")
        z.writestr("202406-citbike-tripdata_2.csv", "ride_id,start_station_id\nB,4953.04\n")
        z.writestr("__MACOSX/._202406-citbike-tripdata_1.csv", b"\x00\x05junk")
        z.writestr("readme.txt", "not a trip file")
    landed = raw.land_csv_archive(archive, tmp_path / "raw", "citibike", "2024-06")
    assert sorted(p.name for p in landed) == [
        "202406-citbike-tripdata_1.parquet",
        "202406-citbike-tripdata_2.parquet",
    ]
    rows = duckdb.sql(
        f"select start_station_id from read_parquet('{tmp_path}/raw/citibike/month=2024-06/*.parquet') order by 1"
    ).fetchall()
    assert rows == [("4953.04",), ("JC105",)]  # text kept as text, never 4953.04 -> 4953.0


def test_zip_without_csv_is_an_error_naming_the_file(tmp_path):
    archive = tmp_path / "bad.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("__MACOSX/._x.csv", b"junk")
    with pytest.raises(raw.RawFileError, match=r"bad\.zip: the archive holds no trip CSV"):
        raw.land_csv_archive(archive, tmp_path / "raw", "citibike", "2024-06")
    assert not (tmp_path / "raw" / "citibike" / "month=2024-06").exists() or not any(
        (tmp_path / "raw" / "citibike" / "month=2024-06").iterdir()
    )


def test_html_saved_as_zip_is_an_error_naming_the_file(tmp_path):
    archive = _csv(tmp_path / "202401-citibike-tripdata.csv.zip", "<html>Access Denied</html>")
    with pytest.raises(raw.RawFileError, match=r"202401-citibike-tripdata\.csv\.zip: not a valid zip"):
        raw.land_csv_archive(archive, tmp_path / "raw", "citibike", "2024-01")


def test_csv_landing_keeps_values_as_text(tmp_path):
    src = _csv(tmp_path / "yellow.csv", "VendorID,trip_distance\n1,1.50\n2,0.00\n")
    target = raw.land_csv_as_parquet(src, tmp_path / "raw", "tlc_yellow", "2020-07")
    assert target == tmp_path / "raw" / "tlc_yellow" / "month=2020-07" / "yellow.parquet"
    assert duckdb.sql(f"select trip_distance from '{target}'").fetchall() == [("1.50",), ("0.00",)]


def test_atomic_path_leaves_nothing_behind_on_failure(tmp_path):
    target = tmp_path / "out" / "file.parquet"
    with pytest.raises(RuntimeError), raw.atomic_path(target) as tmp:
        tmp.write_text("half written")
        raise RuntimeError("boom")
    assert not target.exists()
    assert not (tmp_path / "out").exists()  # the folder it created is gone too


def test_landed_and_missing_sources(tmp_path):
    raw_dir = tmp_path / "raw"
    assert raw.missing_sources(raw_dir) == sources.names()
    src = _csv(tmp_path / "w.json", "{}")
    raw.land_file(src, raw_dir, "weather", "2024-01", name="open_meteo_2024-01.json")
    assert raw.landed_months(raw_dir)["weather"] == ["2024-01"]
    assert "weather" not in raw.missing_sources(raw_dir)


def test_month_dir_rejects_bad_months_and_sources(tmp_path):
    with pytest.raises(ValueError, match="invalid month"):
        raw.month_dir(tmp_path, "tlc_yellow", "2024-01/../../etc")
    with pytest.raises(ValueError, match="not a monthly source"):
        raw.month_dir(tmp_path, "zones", "2024-01")
