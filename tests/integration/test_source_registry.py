"""A new raw source is one registry entry plus its dbt source and staging model.

A fake source (`scooter`, published as monthly parquet on the TLC host) is registered for the test
and followed through everything that reads the registry: ingest from a local mirror, the preflight,
its raw asset (downloaded and sample-written), the raw-file sensor, the CLI's source list and, with
one staging model added to a copy of the dbt project, a dbt build reconciled with the file's rows.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import dagster as dg
import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from nyc_mobility import raw, sources
from nyc_mobility.defs.sensors import month_fingerprints
from nyc_mobility.ingest.run import ingest, parse_sources
from nyc_mobility.ingest.urls import SourceUrls
from nyc_mobility.raw.preflight import RawFilesError, check_raw_files
from nyc_mobility.sample.context import SampleMonth
from nyc_mobility.sources import RawSource
from tests.conftest import RUN_ONCE
from tests.fake_hosts import Ok

MONTH = "2024-11"
SCOOTER = RawSource(
    name="scooter",
    description="A fake monthly trip source, for this test only.",
    folder="scooter",
    dbt_source="scooter",
    dbt_table="tripdata",
    staging_model="stg_scooter__trips",
    host="tlc",
    url_patterns=("{base}/trip-data/scooter_tripdata_{month}.parquet",),
    mode="scooter",
    mode_label="E-scooter",
    timestamp_columns=("started_at", "Start Time"),
    required_columns=(("started_at", "Start Time"), ("ended_at",)),
    sample_writer="tests.integration.test_source_registry:write_sample",
)


def scooter_table(month: str, n: int = 7) -> pa.Table:
    day = int(month[-2:])
    starts = [f"{month}-{1 + i:02d} 0{i % 9}:15:00" for i in range(n)]
    ends = [f"{month}-{1 + i:02d} 0{i % 9}:35:00" for i in range(n)]
    return pa.table(
        {
            "started_at": pa.array(starts).cast(pa.timestamp("us")),
            "ended_at": pa.array(ends).cast(pa.timestamp("us")),
            "vehicle": pa.array([f"S{day}{i}" for i in range(n)]),
        }
    )


def parquet_bytes(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


def write_sample(folder: Path, sample: SampleMonth) -> Path:
    """The fake source's sample writer (named by its registry entry)."""
    path = Path(folder) / f"scooter_tripdata_{sample.month}.parquet"
    pq.write_table(scooter_table(sample.month, n=3), path)
    return path


@pytest.fixture
def scooter():
    with sources.registered(SCOOTER):
        yield SCOOTER


def test_the_registry_is_the_one_list_of_sources(scooter):
    assert "scooter" in parse_sources("")
    assert parse_sources("scooter,yellow") == ["scooter", "yellow"]
    assert scooter in sources.trips() and sources.modes()["scooter"] == "E-scooter"
    with pytest.raises(ValueError, match="unknown source"):
        parse_sources("scooters")
    with pytest.raises(ValueError, match="clashes"):
        sources.register(RawSource(**{**SCOOTER.__dict__, "name": "scooter2"}))


def test_ingest_preflight_and_sensor_follow_a_registered_source(scooter, fake_hosts, tmp_path):
    raw_dir = tmp_path / "raw"
    fake_hosts.add(f"/trip-data/scooter_tripdata_{MONTH}.parquet", Ok(parquet_bytes(scooter_table(MONTH))))
    urls = SourceUrls(tlc_base=fake_hosts.url, enforce_allow_list=False)
    report = ingest(raw_dir, tmp_path / "downloads", [MONTH], ["scooter"], urls=urls)
    assert not report.failures, report.failures
    (landed,) = report.landed
    assert landed.files == [raw_dir / "scooter" / f"month={MONTH}" / f"scooter_tripdata_{MONTH}.parquet"]
    assert landed.metadata["rows"] == 7
    assert landed.metadata["first_timestamp"].startswith(f"{MONTH}-01")
    assert raw.landed_months(raw_dir)["scooter"] == [MONTH] and raw.trip_months(raw_dir) == {MONTH}

    from nyc_mobility.sample import land_zones

    land_zones(raw_dir)  # a build needs the zone shapes (refused without them)
    assert check_raw_files(raw_dir).checked == 1
    fingerprint = month_fingerprints(raw_dir)[MONTH][0]

    # A file without a required column is refused by the preflight, naming it; the sensor sees it.
    bad = raw.month_dir(raw_dir, scooter, MONTH) / "extra.parquet"
    pq.write_table(scooter_table(MONTH).drop_columns(["ended_at"]), bad)
    with pytest.raises(RawFilesError, match=r"extra\.parquet: missing required column\(s\) ended_at"):
        check_raw_files(raw_dir)
    assert month_fingerprints(raw_dir)[MONTH][0] != fingerprint


def _materialize(defs: dg.Definitions, source: RawSource) -> dg.AssetMaterialization:
    key = dg.AssetKey(list(source.asset_key_path))
    result = dg.materialize(
        [defs.resolve_assets_def(key)], partition_key=MONTH, instance=dg.DagsterInstance.ephemeral()
    )
    assert result.success
    (event,) = result.get_asset_materialization_events()
    return event.materialization


def test_the_raw_asset_of_a_registered_source_downloads_or_writes_the_sample(scooter, fake_hosts, tmp_path):
    from nyc_mobility import build_definitions

    fake_hosts.add(f"/trip-data/scooter_tripdata_{MONTH}.parquet", Ok(parquet_bytes(scooter_table(MONTH))))
    official = build_definitions(
        data_dir=tmp_path / "official",
        data_origin="official",
        tlc_base_url=fake_hosts.url,
        allow_any_host=True,
    )
    downloaded = _materialize(official, scooter)
    assert downloaded.metadata["action"].value == "downloaded"
    assert downloaded.metadata["rows"].value == 7

    sampled = _materialize(build_definitions(data_dir=tmp_path / "sample"), scooter)
    assert sampled.metadata["action"].value == "sample written"
    assert sampled.metadata["rows"].value == 3
    assert raw.landed_months(tmp_path / "sample" / "raw")["scooter"] == [MONTH]


STAGING_SQL = """
select
    cast(started_at as timestamp) as started_at,
    cast(ended_at as timestamp) as ended_at,
    {{ source_month_of('filename') }} as source_month,
    filename as source_file,
    file_row_number as source_row_number
from {{ source('scooter', 'tripdata') }}
"""
SOURCES_YML = """
version: 2
sources:
  - name: scooter
    description: A fake source.
    meta:
      formatter: template
    tables:
      - name: tripdata
        description: Fake trips.
        meta:
          external_location: >-
            read_parquet('{{ var("raw_dir") }}/scooter/month=*/*.parquet', hive_partitioning=true,
            hive_types_autocast=false, union_by_name=true, filename=true, file_row_number=true)
"""
MODELS_YML = """
version: 2
models:
  - name: stg_scooter__trips
    description: Fake trips, typed.
    columns:
      - name: started_at
        description: Start.
        data_tests: [not_null]
      - name: ended_at
        description: End.
      - name: source_month
        description: Month of the file.
        data_tests: [not_null]
      - name: source_file
        description: File.
      - name: source_row_number
        description: Row.
"""


@RUN_ONCE
def test_one_staging_model_makes_a_registered_source_a_dbt_model(scooter, fake_hosts, tmp_path):
    from nyc_mobility.dbt.project import installed_script, project_dir

    raw_dir = tmp_path / "raw"
    for month in (MONTH, "2024-12"):
        fake_hosts.add(
            f"/trip-data/scooter_tripdata_{month}.parquet", Ok(parquet_bytes(scooter_table(month)))
        )
    urls = SourceUrls(tlc_base=fake_hosts.url, enforce_allow_list=False)
    assert not ingest(raw_dir, tmp_path / "dl", [MONTH, "2024-12"], ["scooter"], urls=urls).failures

    project = tmp_path / "dbt_project"
    shutil.copytree(project_dir(), project, ignore=shutil.ignore_patterns("target", "logs"))
    folder = project / "models" / "staging" / scooter.folder
    folder.mkdir()
    (folder / f"_{scooter.dbt_source}__sources.yml").write_text(SOURCES_YML)
    (folder / f"_{scooter.dbt_source}__models.yml").write_text(MODELS_YML)
    (folder / f"{scooter.staging_model}.sql").write_text(STAGING_SQL)
    db = tmp_path / "w.duckdb"
    dbt_vars = {"raw_dir": str(raw_dir), "duckdb_path": str(db)}
    command = [
        installed_script("dbt"),
        "build",
        "--select",
        scooter.staging_model,
        "--vars",
        json.dumps(dbt_vars),
    ]
    command += ["--project-dir", str(project), "--profiles-dir", str(project)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:]

    expected = duckdb.sql(f"select count(*) from read_parquet('{raw_dir}/scooter/*/*.parquet')").fetchall()[
        0
    ][0]
    con = duckdb.connect(str(db), read_only=True)
    try:
        counts = dict(
            con.execute(f"select source_month, count(*) from {scooter.staging_model} group by 1").fetchall()
        )
    finally:
        con.close()
    assert expected == 14 and counts == {MONTH: 7, "2024-12": 7}
