"""A gzipped CSV has the zip members' caps (issue 32): it may not expand beyond 200x its size (or
8 GiB), through `land` and through the download check; a real-sized one lands. Generated streams."""

from __future__ import annotations

import gzip

import pytest

from nyc_mobility import raw
from nyc_mobility.raw import formats
from nyc_mobility.raw.landing import MAX_RATIO

HEADER = b"VendorID,tpep_pickup_datetime,tpep_dropoff_datetime,trip_distance,PULocationID,DOLocationID,fare_amount,total_amount\n"


def bomb(path, ratio: int) -> None:
    """A gzip whose content is a CSV padded with one repeated line: it expands ~``ratio`` times."""
    line = b"1,2024-10-01 00:00:00,2024-10-01 00:10:00,1.0,161,236,10.0,12.5\n"
    body = HEADER + line * 20_000
    with gzip.open(path, "wb", compresslevel=9) as out:
        out.write(body)
        while path.stat().st_size * ratio > out.tell():  # compressed size grows slowly: pad
            out.write(line * 200_000)
            out.flush()


@pytest.mark.parametrize("ratio", [MAX_RATIO + 50, 5 * MAX_RATIO])
def test_a_gzip_bomb_is_refused_by_land_and_by_the_download_check(tmp_path, ratio):
    from nyc_mobility.ingest.local import land_local

    path = tmp_path / "yellow_tripdata_2024-10.csv.gz"
    bomb(path, ratio)
    with pytest.raises(raw.RawFileError, match="decompression bomb"):
        land_local(tmp_path / "raw", [path], "yellow", "2024-10")
    assert not list((tmp_path / "raw").rglob("*.parquet"))
    assert not list(tmp_path.glob("*.csv"))  # the partial expansion is gone too
    with pytest.raises(formats.InvalidContentError, match="decompression bomb"):
        formats.csv_download(path)


def test_a_gzipped_csv_within_the_ratio_lands(tmp_path):
    from nyc_mobility.ingest.local import land_local

    path = tmp_path / "yellow_tripdata_2024-10.csv.gz"
    rows = [
        f"{i % 2 + 1},2024-10-{1 + i % 28:02d} 0{i % 9}:00:00,2024-10-{1 + i % 28:02d} 0{i % 9}:30:00,"
        f"{i % 7}.5,{1 + i % 263},{1 + i % 261},{i % 40}.25,{i % 40 + 3}.75"
        for i in range(3000)
    ]
    path.write_bytes(gzip.compress(HEADER + "\n".join(rows).encode() + b"\n"))
    assert formats.csv_download(path)["columns"] == 8
    landing = land_local(tmp_path / "raw", [path], "yellow", "2024-10")
    assert landing.rows == 3000
