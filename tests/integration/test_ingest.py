"""`nyc-mobility ingest` against a local server playing the official hosts, fed real published bytes.

Faults are injected (500 then success, a stalled response, a truncated body, an HTML page with
status 200, a zip with junk and two CSVs, the misspelled `citbike` name, a yearly archive); what
lands then builds into the marts with counts reconciled against the served bytes. The high-volume
for-hire month is the real 2019-06 sample (served as parquet), the 2025 HVFHV and green months are
files of the sample generator in the official 2025 types.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from nyc_mobility import raw, sources
from nyc_mobility.cli import app
from nyc_mobility.ingest.urls import SourceUrls
from nyc_mobility.sample import write_source
from nyc_mobility.sample.weather import response_for_month
from nyc_mobility.settings import Settings
from tests.conftest import RUN_ONCE, build_in_process, query, scalar
from tests.fake_hosts import Ok, Stall, Status, Truncate

pytestmark = pytest.mark.integration
MONTHS = {
    "yellow": ["2020-07", "2025-01"],
    "fhv": ["2020-01", "2020-02"],
    "citibike": ["2015-09", "2019-01", "2021-02", "2024-01"],
    "hvfhv": ["2019-06", "2025-01"],
    "green": ["2025-01"],
}


def _jersey_city_split(r: Path) -> tuple[bytes, bytes]:
    """The 25 real 2024-01 rows as two files: the first 12 for the NYC archive, the rest for JC's."""
    lines = (
        (r / "citibike/JC-202401-citibike-tripdata_first25rows_transcribed.csv").read_text().splitlines(True)
    )
    return "".join(lines[:13]).encode(), "".join(lines[:1] + lines[13:]).encode()


def _write(folder: Path, body: bytes) -> Path:
    path = folder / "jc_part.csv"
    path.write_bytes(body)
    return path


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return buffer.getvalue()


def _parquet_from_csv(csv: Path, where: str = "true", exclude: str = "") -> bytes:
    con = duckdb.connect()
    table = con.sql(f"select * {exclude} from read_csv('{csv}') where {where}").fetch_arrow_table()
    import pyarrow.parquet as pq

    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


@pytest.fixture
def official(fake_hosts, real_data: Path, tmp_path: Path):
    r = real_data
    hosts = fake_hosts
    hosts.add(
        "/trip-data/yellow_tripdata_2025-01.parquet",
        Status(500),
        Ok((r / "tlc_yellow/yellow_tripdata_2025-01_head10000.parquet").read_bytes()),
    )
    legacy = _parquet_from_csv(r / "tlc_yellow/yellow_tripdata_2020-07_265rows_legacy_csv.csv")
    hosts.add("/trip-data/yellow_tripdata_2020-07.parquet", Truncate(legacy, 200), Ok(legacy))
    fhv_csv = r / "tlc_fhv/fhv_tripdata_2019-2020_first_rows_per_month.csv"
    for month in MONTHS["fhv"]:
        hosts.add(
            f"/trip-data/fhv_tripdata_{month}.parquet",
            Ok(
                _parquet_from_csv(
                    fhv_csv, f"source_file = 'fhv_tripdata_{month}.csv'", "exclude (source_file)"
                )
            ),
        )
    # 2015-09 and 2019-01 live in yearly archives (one of them with a nested monthly zip)
    hosts.add(
        "/tripdata/2015-citibike-tripdata.zip",
        Ok(
            _zip(
                {
                    "2015-citibike-tripdata/201509-citibike-tripdata.csv": (
                        r / "citibike/JC-201509-citibike-tripdata.csv"
                    ).read_bytes(),
                    "2015-citibike-tripdata/201510-citibike-tripdata.csv": b"tripduration,starttime\n1,2015-10-01 00:00:00\n",
                }
            )
        ),
    )
    hosts.add(
        "/tripdata/2019-citibike-tripdata.zip",
        Ok(
            _zip(
                {
                    "201901-citibike-tripdata.zip": _zip(
                        {
                            "201901-citibike-tripdata_1.csv": (
                                r / "citibike/JC-201901-citibike-tripdata.csv"
                            ).read_bytes()
                        }
                    ),
                }
            )
        ),
    )
    v3 = (r / "citibike/JC-202102-citibike-tripdata.csv").read_text().splitlines(keepends=True)
    half = len(v3) // 2
    hosts.add("/tripdata/2021-citibike-tripdata.zip", Status(404))
    hosts.add(
        "/tripdata/202102-citibike-tripdata.csv.zip",
        Ok(
            _zip(
                {
                    "202102-citibike-tripdata_1.csv": "".join(v3[:half]).encode(),
                    "202102-citibike-tripdata_2.csv": "".join(v3[:1] + v3[half:]).encode(),
                    "__MACOSX/._202102-citibike-tripdata_1.csv": b"\x00\x05\x16\x07junk",
                }
            )
        ),
    )
    # 2024-01: the NYC archive (misspelled) and the Jersey City system's own `JC-` archive (a 500 first)
    nyc_part, jc_part = _jersey_city_split(r)
    hosts.add(
        "/tripdata/202401-citbike-tripdata.csv.zip", Ok(_zip({"202401-citbike-tripdata.csv": nyc_part}))
    )
    hosts.add(
        "/tripdata/JC-202401-citibike-tripdata.csv.zip",
        Status(500),
        Ok(_zip({"JC-202401-citibike-tripdata.csv": jc_part})),
    )
    hvfhv_csv = r / "tlc_fhvhv/fhvhv_tripdata_2019-06_5000rows.csv"
    hosts.add("/trip-data/fhvhv_tripdata_2019-06.parquet", Status(503), Ok(_parquet_from_csv(hvfhv_csv)))
    generated = tmp_path / "served"
    for source, name in (("hvfhv", "fhvhv"), ("green", "green")):
        body = write_source(generated, "2025-01", source, scale=0.0005).read_bytes()
        faults = (Truncate(body, 1000), Ok(body)) if source == "green" else (Ok(body),)
        hosts.add(f"/trip-data/{name}_tripdata_2025-01.parquet", *faults)
    urls = SourceUrls(
        tlc_base=hosts.url,
        citibike_base=f"{hosts.url}/tripdata",
        open_meteo_base=hosts.url,
        enforce_allow_list=False,
    )
    weather_months = sorted({m for months in MONTHS.values() for m in months})
    for index, month in enumerate(weather_months):
        body = json.dumps(response_for_month(month, seed=3)[0]).encode()
        path = urls.urls_for(sources.get("weather"), month)[0].removeprefix(hosts.url)
        hosts.add(path, Stall(1.5, body), Ok(body)) if index == 0 else hosts.add(path, Ok(body))
    hosts.add("/misc/taxi_zone_lookup.csv", Ok((r / "tlc_zones/taxi_zone_lookup.csv").read_bytes()))
    shapes = {
        f"taxi_zones/{p.name}": p.read_bytes()
        for p in (r / "tlc_zones/taxi_zones_shapefile").glob("taxi_zones.*")
    }
    hosts.add("/misc/taxi_zones.zip", Status(502), Ok(_zip(shapes)))
    return hosts, weather_months


def _ingest(hosts, data_dir: Path, months: list[str], sources: str):
    return CliRunner().invoke(
        app,
        [
            "ingest",
            "--start",
            months[0],
            "--end",
            months[-1],
            "--sources",
            sources,
            "--data-dir",
            str(data_dir),
            "--tlc-base-url",
            hosts.url,
            "--citibike-base-url",
            f"{hosts.url}/tripdata",
            "--open-meteo-base-url",
            hosts.url,
            "--allow-any-host",
            "--attempts",
            "3",
            "--timeout",
            "0.5",
            "--backoff",
            "0.01",
        ],
    )


@RUN_ONCE  # a whole build of many months: version-independent, once is enough for CI's budget
def test_ingest_lands_every_source_then_builds_with_reconciled_counts(official, real_data, tmp_path):
    hosts, weather_months = official
    data_dir = tmp_path / "data"
    for source, months in MONTHS.items():
        for month in months:  # months are not contiguous: one call per month
            result = _ingest(hosts, data_dir, [month], source)
            assert result.exit_code == 0, result.output
    for month in weather_months:
        assert _ingest(hosts, data_dir, [month], "weather").exit_code == 0
    result = _ingest(hosts, data_dir, ["2025-01"], "zones,yellow")
    assert result.exit_code == 0 and "already present" in result.output  # idempotent re-run
    result = _ingest(hosts, data_dir, ["2025-01"], "hvfhv,green")
    assert result.exit_code == 0 and "already present" in result.output
    assert hosts.hits["/trip-data/fhvhv_tripdata_2019-06.parquet"] == 2  # 503, then the file
    assert hosts.hits["/trip-data/green_tripdata_2025-01.parquet"] == 2  # truncated, then the file
    assert hosts.hits["/trip-data/yellow_tripdata_2025-01.parquet"] == 2  # 500, then the file; not again
    assert hosts.hits["/trip-data/yellow_tripdata_2020-07.parquet"] == 2  # truncated, then the file
    stalled = (
        SourceUrls(open_meteo_base=hosts.url)
        .urls_for(sources.get("weather"), weather_months[0])[0]
        .removeprefix(hosts.url)
    )
    assert hosts.hits[stalled] == 2  # timed out, then answered
    assert not list(data_dir.rglob("*.part")) and not list(data_dir.rglob(".*.tmp"))

    raw_dir = data_dir / "raw"
    assert (raw_dir / "zones" / "taxi_zones" / "taxi_zones.shp").exists()
    assert sorted(p.name for p in (raw_dir / "citibike" / "month=2021-02").iterdir() if raw.is_landed(p)) == [
        "202102-citibike-tripdata_1.parquet",
        "202102-citibike-tripdata_2.parquet",
    ]
    assert [p.name for p in (raw_dir / "citibike" / "month=2015-09").iterdir() if raw.is_landed(p)] == [
        "201509-citibike-tripdata.parquet"
    ]

    settings = Settings(data_dir=data_dir, data_origin="official")
    build = build_in_process(settings)
    assert build.result.success, [e.check_name for e in build.result.check_evaluations() if not e.passed]
    db = settings.warehouse_path
    served = {
        "2015-09": "JC-201509-citibike-tripdata.csv",
        "2019-01": "JC-201901-citibike-tripdata.csv",
        "2021-02": "JC-202102-citibike-tripdata.csv",
        "2024-01": "JC-202401-citibike-tripdata_first25rows_transcribed.csv",
    }
    # the Jersey City system's own archive lands beside the NYC one, its trips marked as such
    jc_rows = duckdb.sql(
        "select count(*) from read_csv(?, all_varchar=true)",
        params=[str(_write(tmp_path, _jersey_city_split(real_data)[1]))],
    ).fetchall()[0][0]
    for month, name in served.items():
        expected = duckdb.sql(
            f"select count(*) from read_csv('{real_data}/citibike/{name}', all_varchar=true)"
        ).fetchall()[0][0]
        assert (
            scalar(db, f"select count(*) from stg_citibike__trips where source_month = '{month}'") == expected
        )
    systems = dict(
        query(
            db, "select system, count(*) from stg_citibike__trips where source_month = '2024-01' group by 1"
        )
    )
    assert systems == {"nyc": 12, "jersey_city": jc_rows} and jc_rows == 13
    assert hosts.hits["/tripdata/JC-202401-citibike-tripdata.csv.zip"] == 2  # 500, then the archive
    assert "JC-202401-citibike-tripdata.parquet" in {
        p.name for p in (raw_dir / "citibike" / "month=2024-01").iterdir()
    }
    assert scalar(db, "select count(*) from stg_tlc__yellow_taxi where source_month = '2025-01'") == 10000
    per_mode = dict(query(db, "select mode, count(*) from fct_trips group by 1"))
    assert per_mode == dict(
        query(db, "select mode, count(*) from int_trips__unioned where is_valid group by 1")
    )
    assert set(per_mode) == {"yellow_taxi", "green_taxi", "fhv", "hvfhv", "citibike"}
    hvfhv_raw = duckdb.sql(
        f"select count(*) from read_csv('{real_data}/tlc_fhvhv/fhvhv_tripdata_2019-06_5000rows.csv')"
    )
    assert (
        scalar(db, "select count(*) from stg_tlc__hvfhv_trips where source_month = '2019-06'")
        == (hvfhv_raw.fetchall()[0][0])
    )
    for model, name in (("stg_tlc__hvfhv_trips", "tlc_fhvhv"), ("stg_tlc__green_taxi", "tlc_green")):
        landed = duckdb.sql(f"select count(*) from '{raw_dir}/{name}/month=2025-01/*.parquet'").fetchall()[0][
            0
        ]
        assert scalar(db, f"select count(*) from {model} where source_month = '2025-01'") == landed > 0
    # the hourly grid covers every hour of the months with trips, and only those: a gap in the history
    # (2015-09 .. 2025-01 with most months absent) stays a gap instead of a decade of zero rows
    months = [m for (m,) in query(db, "select distinct source_month from fct_trips order by 1")]
    grid_months = [
        m
        for (m,) in query(
            db, "select distinct strftime(pickup_hour, '%Y-%m') from fct_hourly_mobility order by 1"
        )
    ]
    assert grid_months == months and len(months) < 24
    hours = sum(
        duckdb.sql(
            f"select count(*) from range(timestamp '{m}-01', timestamp '{m}-01' + interval 1 month, "
            "interval 1 hour)"
        ).fetchall()[0][0]
        for m in months
    )
    keys = scalar(
        db, "select count(*) from (select distinct mode, company, pickup_borough from fct_hourly_mobility)"
    )
    assert scalar(db, "select count(*) from fct_hourly_mobility") == hours * keys
    # bike trips carry zones: the Jersey City samples are outside NYC, never a wrong NYC zone
    bike = dict(
        query(db, "select pickup_borough, count(*) from fct_trips where mode = 'citibike' group by 1")
    )
    assert bike.get("Outside NYC", 0) > 0.9 * sum(bike.values())


def test_html_page_with_status_200_is_reported_and_never_landed(fake_hosts, tmp_path):
    fake_hosts.add("/trip-data/fhv_tripdata_2024-01.parquet", Ok(b"<html>AccessDenied</html>", "text/html"))
    result = _ingest(fake_hosts, tmp_path / "data", ["2024-01"], "fhv")
    assert result.exit_code == 1
    assert "fhv_tripdata_2024-01.parquet: the response is not the expected file" in result.output.replace(
        "\n", ""
    )
    assert not list((tmp_path / "data").rglob("*.parquet"))


def test_official_hosts_only_unless_overridden(tmp_path):
    result = CliRunner().invoke(
        app,
        [
            "ingest",
            "--start",
            "2024-01",
            "--sources",
            "fhv",
            "--data-dir",
            str(tmp_path),
            "--tlc-base-url",
            "http://127.0.0.1:9",
        ],
    )
    assert result.exit_code == 1
    assert "not an HTTPS URL on an allowed host" in result.output.replace("\n", "")
