"""Faults an operator meets, each ending in a clear message (cause and fix) or a repaired state,
never a traceback: a landing killed half-way, a second run on the same data directory, a damaged
warehouse or snapshot, a read-only or full disk, a publish killed half-way, and a failing build whose
console must show the root cause (the preflight's bad files, the failing dbt node).

Every scenario starts from one sample build copied into its own data directory.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nyc_mobility import raw, sources
from nyc_mobility.cli import app
from nyc_mobility.raw.manifest import IN_PROGRESS, MANIFEST, incomplete_landings
from nyc_mobility.run.lock import data_dir_lock
from nyc_mobility.sample import generate, sample_sources
from nyc_mobility.settings import Settings
from nyc_mobility.zones import files as zone_files
from tests.conftest import RUN_ONCE, scalar
from tests.fake_hosts import Ok

pytestmark = [pytest.mark.integration, RUN_ONCE]
MONTHS = ("2024-10", "2024-11")
SCALE = 0.0005


def cli(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("faults") / "data"
    result = cli("run", "--data-dir", str(data), "--sample-scale", str(SCALE))
    assert result.exit_code == 0, result.output
    return data


@pytest.fixture
def data(built, tmp_path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(built, copy)
    return copy


def files_digest(raw_dir: Path) -> dict[str, str]:
    """sha256 of every landed sample file, by path under the raw directory."""
    return {
        str(p.relative_to(raw_dir)): hashlib.sha256(p.read_bytes()).hexdigest()
        for source in sample_sources()
        for folder in raw.month_folders(raw_dir, source).values()
        for p in folder.iterdir()
        if raw.is_landed(p)
    }


@pytest.fixture(scope="module")
def reference_files(tmp_path_factory) -> dict[str, str]:
    """The same sample landed independently (no run, no kill): what a repaired run must hold."""
    raw_dir = tmp_path_factory.mktemp("reference") / "raw"
    generate(raw_dir, MONTHS[0], MONTHS[-1], scale=SCALE)
    return files_digest(raw_dir)


def test_an_interrupted_landing_is_landed_again_and_missing_months_are_filled(data, reference_files):
    raw_dir = data / "raw"
    bikes = raw.month_dir(raw_dir, "citibike", MONTHS[0])
    # what SIGKILL leaves half-way through landing a month: the marker, part of the files
    (bikes / IN_PROGRESS).write_text('{"origin": "sample"}')
    next(p for p in bikes.iterdir() if raw.is_landed(p)).unlink()
    # and a month the killed run never reached
    for source in sample_sources():
        shutil.rmtree(raw.month_dir(raw_dir, source, MONTHS[1]))
    assert [str(i) for i in incomplete_landings(raw_dir)] == [
        f"citibike {MONTHS[0]}: its landing was interrupted"
    ]
    result = cli("run", "--data-dir", str(data), "--sample-scale", str(SCALE))
    assert result.exit_code == 0, result.output
    assert "landed again (sample): citibike 2024-10" in result.output
    assert files_digest(raw_dir) == reference_files
    assert incomplete_landings(raw_dir) == []
    for source in sample_sources():
        for month in MONTHS:
            folder = raw.month_dir(raw_dir, source, month)
            assert (folder / MANIFEST).exists() and not (folder / IN_PROGRESS).exists()
    assert (
        scalar(
            data / "warehouse" / "nyc_mobility.duckdb", "select count(distinct source_month) from fct_trips"
        )
        == 2
    )


def test_a_run_killed_while_landing_is_repaired_by_the_next_run(tmp_path, reference_files):
    data = tmp_path / "data"
    command = [
        sys.executable,
        "-m",
        "nyc_mobility.cli",
        "run",
        "--data-dir",
        str(data),
        "--sample-scale",
        str(SCALE),
    ]
    child = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list((data / "raw").glob("*/month=*/" + IN_PROGRESS)):
        time.sleep(0.005)
    os.killpg(child.pid, signal.SIGKILL)  # while a month is being landed
    child.wait()
    result = cli("run", "--data-dir", str(data), "--sample-scale", str(SCALE))
    assert result.exit_code == 0, result.output
    assert files_digest(data / "raw") == reference_files
    assert incomplete_landings(data / "raw") == []


def test_a_second_run_on_the_same_data_directory_is_refused_or_waits(data):
    with data_dir_lock(data):
        refused = cli("run", "--data-dir", str(data))
    assert refused.exit_code == 1
    assert "another nyc-mobility run" in refused.output and "--wait" in refused.output
    assert "Traceback" not in refused.output
    holder = threading.Event()

    def hold_for_a_second():
        with data_dir_lock(data):
            holder.set()
            time.sleep(1.5)

    # the waiting run also meets a copy left by a publish killed half-way, and one still being written
    serving = data / "serving"
    stale = serving / ".nyc_mobility.duckdb.killed.tmp"
    stale.write_bytes(b"half a copy")
    busy = serving / ".nyc_mobility.duckdb.busy.tmp"
    busy.write_bytes(b"in progress")
    fd = os.open(busy, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    thread = threading.Thread(target=hold_for_a_second)
    thread.start()
    holder.wait()
    try:
        waited = cli("run", "--data-dir", str(data), "--wait")
    finally:
        thread.join()
        os.close(fd)
    assert waited.exit_code == 0, waited.output
    assert not stale.exists() and busy.exists()  # the killed publish's copy is gone, the live one kept


def test_a_damaged_warehouse_is_named_with_its_recovery(data):
    warehouse = data / "warehouse" / "nyc_mobility.duckdb"
    warehouse.write_bytes(b"this is not a database" * 1000)
    result = cli("run", "--data-dir", str(data))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "is damaged" in result.output and "--rebuild" in result.output
    rebuilt = cli("run", "--data-dir", str(data), "--rebuild")
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "moved the previous warehouse aside" in rebuilt.output
    assert list(warehouse.parent.glob("nyc_mobility.duckdb.*.old"))
    assert scalar(warehouse, "select count(*) from fct_trips") > 0


def test_a_damaged_snapshot_is_named_for_readers(data):
    snapshot = data / "serving" / "nyc_mobility.duckdb"
    snapshot.write_bytes(b"\x00" * 20000)
    for args in (("metrics", "query", "--metrics", "trips"), ("report",)):
        result = cli(*args, "--data-dir", str(data))
        assert result.exit_code != 0
        assert "is damaged" in result.output and "nyc-mobility run" in result.output, result.output


def test_read_only_data_directories_get_a_clear_message():
    # /sys is mounted read-only here, for root too
    result = cli("run", "--data-dir", "/sys/nyc-mobility-test/data")
    assert result.exit_code == 1 and "cannot write /sys/nyc-mobility-test" in result.output
    assert "--data-dir" in result.output and "Traceback" not in result.output


def test_report_to_a_read_only_place_gets_a_clear_message(data):
    snapshot = data / "serving" / "nyc_mobility.duckdb"
    result = cli("report", "--database", str(snapshot), "--output", "/sys/nyc-mobility-test/report.html")
    assert result.exit_code != 0 and "cannot write" in result.output and "Traceback" not in result.output


def test_a_full_disk_shows_no_space_left_on_device_and_keeps_the_snapshot(data, monkeypatch):
    snapshot = data / "serving" / "nyc_mobility.duckdb"
    before = hashlib.sha256(snapshot.read_bytes()).hexdigest()

    def full_disk(warehouse, target, *_args):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))

    monkeypatch.setattr("nyc_mobility.serving.publishing.publish_marts", full_disk)
    result = cli("run", "--data-dir", str(data), "--all")  # nothing changed: --all builds (and publishes)
    assert result.exit_code == 1
    assert "No space left on device" in result.output and "serving__warehouse_snapshot" in result.output
    assert hashlib.sha256(snapshot.read_bytes()).hexdigest() == before


def test_a_failed_build_shows_its_root_cause_on_the_console(data):
    raw_dir = data / "raw"
    bad = raw.month_dir(raw_dir, "yellow", MONTHS[1]) / "truncated.parquet"
    bad.write_bytes(b"PAR1" + b"\x00" * 64)
    result = cli("run", "--data-dir", str(data))
    assert result.exit_code == 1
    assert f"{bad}" in result.output.replace("\n", "") and "PAR1" in result.output
    bad.unlink()
    # a dbt test failing with severity error: two zones with one id in the lookup
    lookup = zone_files.zone_lookup_path(raw_dir)
    lines = lookup.read_text().splitlines()
    lookup.write_text("\n".join([*lines, lines[1]]) + "\n")
    result = cli("run", "--data-dir", str(data))
    assert result.exit_code == 1
    assert "cause" in result.output and "stg_zones__taxi_zones" in result.output
    assert "Traceback" not in result.output


def test_landed_months_survive_the_registry_order(data):
    # every monthly source of the registry has its months on disk after a sample run
    months = raw.landed_months(data / "raw")
    assert {s.name for s in sources.monthly()} == set(months)
    assert all(months[s.name] == list(MONTHS) for s in sample_sources())
    assert Settings(data_dir=data).raw_dir == data / "raw"


def test_an_interrupted_download_is_downloaded_again(fake_hosts, tmp_path):
    """An official month whose landing was killed: `run` repairs it by downloading it again."""
    from nyc_mobility.run.runner import repair_landings
    from tests.corpus import parquet_bytes, yellow_row

    settings = Settings(
        data_dir=tmp_path / "data", data_origin="official", tlc_base_url=fake_hosts.url, allow_any_host=True
    )
    fake_hosts.add(
        "/trip-data/yellow_tripdata_2024-11.parquet", Ok(parquet_bytes([yellow_row(i) for i in range(5)]))
    )
    folder = raw.month_dir(settings.raw_dir, "yellow", "2024-11")
    folder.mkdir(parents=True)
    (folder / "yellow_tripdata_2024-11.parquet").write_bytes(b"PAR1 half")
    (folder / IN_PROGRESS).write_text('{"origin": "official"}')
    notes = repair_landings(settings)
    assert notes == ["landed again (official): yellow 2024-11: its landing was interrupted"]
    assert incomplete_landings(settings.raw_dir) == [] and (folder / MANIFEST).exists()
    assert scalar_rows(folder / "yellow_tripdata_2024-11.parquet") == 5


def scalar_rows(path: Path) -> int:
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).metadata.num_rows


def test_mf_on_a_read_only_data_directory_keeps_its_log_elsewhere(data, monkeypatch):
    """mf only reads the snapshot: when the data directory cannot take its log, it still runs."""
    import nyc_mobility.cli.mf as mf_command

    seen = {}

    def fake_run(command, env, check):
        seen["log"] = env["DBT_LOG_PATH"]
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(mf_command.subprocess, "run", fake_run)
    result = cli("mf", "validate-configs", "--data-dir", "/sys/nyc-mobility-test/data")
    assert result.exit_code == 0, result.output
    assert not seen["log"].startswith("/sys/")


def test_engine_spark_without_its_requirements_names_them_and_builds_nothing(tmp_path, monkeypatch):
    import nyc_mobility.dbt.spark as spark_serving

    monkeypatch.setattr(
        spark_serving,
        "missing_requirements",
        lambda method=None: ["pyspark is not installed (pip install 'nyc-mobility[spark]')"],
    )
    result = cli("run", "--data-dir", str(tmp_path / "data"), "--engine", "spark")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "engine spark: pyspark is not installed" in result.output
    assert not (tmp_path / "data" / "warehouse").exists() and not (tmp_path / "data" / "raw").exists()
    wrong = cli("run", "--data-dir", str(tmp_path / "data"), "--engine", "postgres")
    assert wrong.exit_code != 0 and "engine" in wrong.output


def test_missing_spark_requirements_are_named():
    from nyc_mobility.dbt.spark import missing_requirements

    problems = missing_requirements("session")
    try:
        import dbt.adapters.spark  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError:
        assert any("pip install 'nyc-mobility[spark]'" in p for p in problems)
    else:
        assert all("java" in p.lower() for p in problems)
    thrift = missing_requirements("thrift")
    try:
        import pyhive  # noqa: F401
    except ImportError:
        assert any("thrift method needs PyHive" in p for p in thrift)
    else:
        assert not any("PyHive" in p for p in thrift)
    assert not any("java" in p.lower() for p in thrift)  # a server elsewhere needs no local Java
