"""`ingest` from a mirror that serves the CSV forms (older mirrors and archives), not the parquet.

The files are the sample's 2014-era records written as the TLC's CSVs were: yellow gzipped with
the 2014 header's leading spaces, green plain with the 2013-2014 rows' two trailing empty fields.
Landed values are reconciled with DuckDB over the served bytes.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import duckdb
import pytest

from tests.fake_hosts import Ok, Truncate
from tests.integration.test_ingest import _ingest

MONTH = "2014-05"


def _era_csv(tmp_path: Path, source: str) -> tuple[bytes, list[str]]:
    from nyc_mobility.sample import write_source

    parquet = write_source(tmp_path / "published", MONTH, source, scale=0.001)
    csv = tmp_path / f"{source}.csv"
    con = duckdb.connect()
    con.execute(f"copy (select * from read_parquet('{parquet}')) to '{csv}' (header, delimiter ',')")
    header, *rows = csv.read_text(encoding="utf-8").splitlines()
    return header, rows


@pytest.fixture
def mirror(fake_hosts, tmp_path):
    header, rows = _era_csv(tmp_path, "yellow")
    spaced = ", ".join(name.strip() for name in header.split(","))  # `vendor_id, pickup_datetime, ...`
    # mtime 10: the gzip header holds a newline byte (a check reading the compressed bytes as text
    # under the download's temporary name failed on such files, depending on the clock)
    yellow = gzip.compress(("\n".join([spaced, *rows]) + "\n").encode(), mtime=10)
    g_header, g_rows = _era_csv(tmp_path, "green")
    green = ("\r\n".join([g_header, *(row + ",," for row in g_rows)]) + "\r\n").encode()
    fake_hosts.add(f"/trip-data/yellow_tripdata_{MONTH}.csv.gz", Ok(yellow))
    fake_hosts.add(f"/trip-data/green_tripdata_{MONTH}.csv", Ok(green))
    return fake_hosts, yellow, green, len(rows), len(g_rows)


def test_ingest_lands_the_csv_forms_when_no_parquet_is_served(mirror, tmp_path):
    hosts, yellow, green, yellow_rows, green_rows = mirror
    data = tmp_path / "data"
    result = _ingest(hosts, data, [MONTH], "yellow,green")
    assert result.exit_code == 0, result.output
    # parquet first (404), then the CSV forms
    assert hosts.hits[f"/trip-data/yellow_tripdata_{MONTH}.parquet"] == 1
    assert hosts.hits[f"/trip-data/yellow_tripdata_{MONTH}.csv.gz"] == 1
    assert hosts.hits[f"/trip-data/green_tripdata_{MONTH}.csv"] == 1
    landed_yellow = data / "raw" / "tlc_yellow" / f"month={MONTH}" / f"yellow_tripdata_{MONTH}.parquet"
    landed_green = data / "raw" / "tlc_green" / f"month={MONTH}" / f"green_tripdata_{MONTH}.parquet"
    con = duckdb.connect()
    columns = [r[0] for r in con.execute(f"describe select * from '{landed_yellow}'").fetchall()]
    assert columns[:3] == ["vendor_id", "pickup_datetime", "dropoff_datetime"]  # trimmed names
    lines = gzip.decompress(yellow).decode().splitlines()
    names = lines[0].split(",")
    assert names[1] == " pickup_datetime"  # served as the 2014 files were
    total, payment = names.index(" total_amount"), names.index(" payment_type")
    values = [line.split(",") for line in lines[1:]]
    expected = (
        len(values),
        pytest.approx(sum(float(v[total]) for v in values)),
        len({v[payment] for v in values}),
    )
    assert (
        con.execute(
            f"select count(*), sum(cast(total_amount as double)), count(distinct payment_type) from '{landed_yellow}'"
        ).fetchall()[0]
        == expected
    )
    assert expected[0] == yellow_rows > 0
    # green: every row ends in two empty fields past the header; nothing is lost by dropping them
    lines = [line for line in green.decode().split("\r\n") if line]
    total = lines[0].split(",").index("Total_amount")
    raw_total = sum(float(line.split(",")[total]) for line in lines[1:])
    landed_total = con.execute(
        f"select sum(cast(\"Total_amount\" as double)), count(*) from '{landed_green}'"
    ).fetchall()[0]
    assert landed_total == (pytest.approx(raw_total), green_rows)
    assert green_rows > 0


def test_a_truncated_gzip_from_a_mirror_is_refused_and_nothing_lands(fake_hosts, tmp_path):
    header, rows = _era_csv(tmp_path, "yellow")
    body = gzip.compress(("\n".join([header, *rows]) + "\n").encode())
    fake_hosts.add(
        f"/trip-data/yellow_tripdata_{MONTH}.csv.gz",
        Truncate(body, len(body) // 2),
        Truncate(body, len(body) // 2),
        Truncate(body, len(body) // 2),
    )
    result = _ingest(fake_hosts, tmp_path / "data", [MONTH], "yellow")
    assert result.exit_code == 1
    assert f"yellow_tripdata_{MONTH}.csv.gz" in result.output.replace("\n", "")
    assert not list((tmp_path / "data" / "raw").rglob("*.parquet"))


def test_nothing_served_in_any_form_names_every_candidate(fake_hosts, tmp_path):
    result = _ingest(fake_hosts, tmp_path / "data", [MONTH], "fhv")
    assert result.exit_code == 1
    output = result.output.replace("\n", "")
    assert f"fhv_tripdata_{MONTH}.parquet" in output and f"fhv_tripdata_{MONTH}.csv.gz" in output
