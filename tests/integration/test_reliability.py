"""Idempotency and crash recovery.

- Materializing the same partition three times gives identical row counts and content hashes for
  every dbt model.
- A build killed with SIGKILL part-way through the monthly step (once dbt has started rebuilding
  fct_trips, whose pre-hook deletes the month first), then re-run, leaves every model exactly as a clean build does:
  no duplicates, no missing month, the quality summary reconciling; the served snapshot is never
  touched by the killed build.

Slow (four builds over the corpus month of tests/corpus.py) and independent of the Python version: under tox it runs in py311 only.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import duckdb
import pytest

from nyc_mobility.dbt.manifest import model_names
from nyc_mobility.dbt.project import installed_script
from nyc_mobility.settings import Settings
from tests.conftest import RUN_ONCE, query, scalar
from tests.corpus import SCALE, build

pytestmark = [pytest.mark.integration, RUN_ONCE]


def fingerprint(db: Path) -> dict[str, tuple[int, str]]:
    """Per dbt model: row count and an order-independent hash of every row's content."""
    prints = {}
    with duckdb.connect(str(db), read_only=True) as con:
        for model in model_names():
            prints[model] = con.execute(
                f"select count(*), coalesce(md5(string_agg(h, '' order by h)), '') "
                f"from (select md5(cast(t as varchar)) as h from {model} as t)"
            ).fetchone()
    return prints


@pytest.fixture(scope="module")
def landed(corpus_build) -> Settings:
    """The corpus month (sample + every crafted bad record), already materialized once."""
    return corpus_build


@pytest.fixture(scope="module")
def three_times(landed) -> list[dict[str, tuple[int, str]]]:
    prints = [fingerprint(landed.warehouse_path)]
    for _ in range(2):
        result = build(landed)
        assert result.success, [e.step_key for e in result.get_step_failure_events()]
        prints.append(fingerprint(landed.warehouse_path))
    return prints


def test_materializing_a_partition_three_times_is_identical(three_times):
    first = three_times[0]
    assert first["fct_trips"][0] > 0 and first["qa_trips__quarantine"][0] > 0
    assert len(first) == len(model_names())
    assert three_times[1] == first and three_times[2] == first


def start_run(settings: Settings) -> subprocess.Popen:
    env = {**os.environ, "NYC_MOBILITY_SAMPLE_SCALE": str(SCALE)}
    env.pop("DAGSTER_HOME", None)
    return subprocess.Popen(
        [installed_script("nyc-mobility"), "run", "--data-dir", str(settings.data_dir)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: the kill takes dbt with it
    )


def monthly_logs(settings: Settings) -> set[Path]:
    return set((settings.dbt_artifacts_dir / "runs").glob("*-dbt_monthly_assets/dbt.log"))


def wait_for_monthly_rebuild(
    settings: Settings, process: subprocess.Popen, earlier: set[Path], timeout: float = 300
) -> None:
    """Until dbt of the monthly step has started rebuilding fct_trips (the window's rows deleted)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read()[-3000:]
        for log in monthly_logs(settings) - earlier:
            text = log.read_text(errors="replace")
            if any(
                "START" in line and "incremental model" in line and "fct_trips" in line
                for line in text.splitlines()
            ):
                return
        time.sleep(0.05)
    raise AssertionError("the monthly dbt step never started")


def test_a_build_killed_mid_rebuild_then_rerun_is_consistent(landed, three_times, tmp_path):
    expected = three_times[-1]
    served = landed.serving_path
    served_before = served.stat().st_mtime_ns, served.stat().st_ino
    # The build is killed once dbt is rewriting the month's trips.
    earlier = monthly_logs(landed)
    process = start_run(landed)
    wait_for_monthly_rebuild(landed, process, earlier)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL
    assert (served.stat().st_mtime_ns, served.stat().st_ino) == served_before  # never touched

    rerun = start_run(landed)
    output, _ = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, output[-3000:]
    db = landed.warehouse_path
    assert scalar(db, "select count(*) - count(distinct trip_id) from fct_trips") == 0
    assert scalar(db, "select count(*) from int_trips__unioned where is_valid") == scalar(
        db, "select count(*) from fct_trips"
    )
    unreconciled = query(
        db,
        "select summary_id from qa_trips__source_month_summary where raw_rows <> valid_rows + quarantined_rows",
    )
    assert unreconciled == []
    assert fingerprint(db) == expected  # the same content as three clean builds
    assert served.stat().st_ino != served_before[1]  # the re-run published a new snapshot
