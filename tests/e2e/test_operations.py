"""Operations under the daemon, from `nyc-mobility init`: queued concurrent builds, a three-month
backfill as one run, the raw-file sensor, failure alerts to a local webhook, and a reader loop on
the serving snapshot during the builds."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster._core.execution.backfill import BulkActionStatus, PartitionBackfill
from dagster._core.instance.ref import InstanceRef
from dagster._core.storage.dagster_run import DagsterRunStatus, RunsFilter
from dagster._core.workspace.context import WorkspaceProcessContext
from dagster._core.workspace.load_target import WorkspaceFileTarget

from nyc_mobility import sources
from nyc_mobility.dbt.project import installed_script
from nyc_mobility.metrics import MetricsService
from nyc_mobility.sample import generate
from tests.conftest import RUN_ONCE_DAGSTER
from tests.fake_hosts import Ok

pytestmark = [pytest.mark.e2e, RUN_ONCE_DAGSTER]

MONTHS = ["2024-09", "2024-10", "2024-11"]
START, END = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"
FINISHED = {DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED}


class SnapshotReader(threading.Thread):
    """Queries the serving snapshot in a loop: every read must succeed and be self-consistent."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path, self.stop = path, threading.Event()
        self.reads, self.errors, self.states = 0, [], set()

    def run(self) -> None:
        service = None
        while not self.stop.is_set():
            if not self.path.exists():
                time.sleep(0.2)
                continue
            try:
                with duckdb.connect(str(self.path), read_only=True) as con:
                    trips, grid = con.execute(
                        "select (select count(*) from fct_trips), (select sum(trip_count) from fct_hourly_mobility)"
                    ).fetchone()
                service = service or MetricsService(self.path)
                by_mode = service.query(["trips"], group_by=["mode"]).to_dicts()
                metric = sum(row["trips"] for row in by_mode)
                if trips != grid or metric != trips:
                    self.errors.append(f"inconsistent snapshot: {trips} trips, grid {grid}, metric {metric}")
                self.states.add(trips)
                self.reads += 1
            except Exception as exc:  # every failure is the finding
                self.errors.append(f"{type(exc).__name__}: {exc}")
            time.sleep(0.1)
        if service is not None:
            service.close()


def launch(job: str, tags: dict[str, str], workspace: Path, env: dict[str, str]) -> None:
    done = subprocess.run(
        [
            installed_script("dagster"),
            "job",
            "launch",
            "-j",
            job,
            "-w",
            str(workspace),
            "--tags",
            json.dumps(tags),
        ],
        env=env,
        cwd=workspace.parent,
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-2000:]


def add_backfill(instance: dg.DagsterInstance, workspace: Path, job: str, months: list[str]) -> str:
    """What the UI's "Launch backfill" does for a job: a partition backfill for the daemon."""
    from dagster._core.utils import make_new_backfill_id

    with WorkspaceProcessContext(instance, WorkspaceFileTarget([str(workspace)])) as context:
        location = context.create_request_context().get_code_location("nyc_mobility")
        repository = next(iter(location.get_repositories().values()))
        partition_set = next(p for p in repository.get_partition_sets() if p.job_name == job)
        backfill_id = make_new_backfill_id()
        instance.add_backfill(
            PartitionBackfill(
                backfill_id=backfill_id,
                partition_set_origin=partition_set.get_remote_origin(),
                status=BulkActionStatus.REQUESTED,
                partition_names=months,
                from_failure=False,
                reexecution_steps=None,
                tags={},
                backfill_timestamp=time.time(),
            )
        )
    return backfill_id


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(2)
    raise AssertionError(f"timed out waiting for {what}")


def test_daemon_queues_builds_backfills_in_one_run_alerts_and_never_blocks_readers(tmp_path, fake_hosts):
    home, data = tmp_path / "home", tmp_path / "data"
    init = subprocess.run(
        [installed_script("nyc-mobility"), "init", str(home), "--data-dir", str(data)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert init.returncode == 0, init.stderr
    workspace = home / "workspace.yaml"
    generate(data / "raw", MONTHS[0], MONTHS[-1], scale=0.0005)
    # A month that cannot land: its folders are files, so the raw run for it fails (writing nothing).
    for source in sources.monthly():
        (data / "raw" / source.folder / "month=2024-08").write_text("not a folder")
    fake_hosts.add("/alerts", Ok(b"ok"))
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "NYC_MOBILITY_DATA_DIR": str(data),
        "NYC_MOBILITY_PARTITIONS_START": "2024-08",
        "NYC_MOBILITY_SAMPLE_SCALE": "0.0005",
        "NYC_MOBILITY_DBT_THREADS": "1",
        "NYC_MOBILITY_ALERT_SINKS": "log,webhook",
        "NYC_MOBILITY_ALERT_WEBHOOK_URL": fake_hosts.url + "/alerts",
        "NYC_MOBILITY_RAW_SETTLE_SECONDS": "0",
        "NYC_MOBILITY_RAW_SENSOR_INTERVAL_SECONDS": "5",
    }
    reader = SnapshotReader(data / "serving" / "nyc_mobility.duckdb")
    reader.start()
    log = (tmp_path / "daemon.log").open("w")
    daemon = subprocess.Popen(
        [installed_script("dagster-daemon"), "run", "-w", str(workspace)],
        env=env,
        cwd=home,
        stdout=log,
        stderr=log,
    )
    try:
        with dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(home))) as instance:
            backfill_id = add_backfill(instance, workspace, "dbt_build", MONTHS)
            launch("raw_monthly", {"dagster/partition": "2024-08"}, workspace, env)

            def all_done():
                runs = instance.get_runs()
                kinds = {
                    r.tags.get("dagster/backfill") or r.tags.get("dagster/sensor_name") or r.job_name
                    for r in runs
                }
                ready = {backfill_id, "raw_files_sensor", "raw_monthly"} <= kinds
                return runs if ready and all(r.status in FINISHED for r in runs) else None

            runs = wait_for(all_done, 900, "the sensor run, the backfill run and the failing run")
            by_kind = {}
            for run in runs:
                by_kind.setdefault(
                    run.tags.get("dagster/backfill") or run.tags.get("dagster/sensor_name") or run.job_name,
                    [],
                ).append(run)

            # The three-month backfill is one run over the range; the sensor asked for one build too.
            (backfill_run,) = by_kind[backfill_id]
            (sensor_run,) = by_kind["raw_files_sensor"]
            for run in (backfill_run, sensor_run):
                assert run.status == DagsterRunStatus.SUCCESS, run.run_id
                assert (run.tags[START], run.tags[END]) == (MONTHS[0], MONTHS[-1])
            # Both builds were in flight together and queued for the warehouse, without lock errors.
            spans = [instance.get_run_record_by_id(r.run_id) for r in (backfill_run, sensor_run)]
            assert max(s.start_time for s in spans) < min(s.end_time for s in spans)
            for run in (backfill_run, sensor_run):
                messages = " ".join(e.message or "" for e in instance.all_logs(run.run_id))
                assert "Could not set lock" not in messages and "lock on file" not in messages
            dbt_steps = {
                e.step_key
                for e in instance.all_logs(backfill_run.run_id)
                if e.dagster_event and e.dagster_event.event_type_value == "STEP_SUCCESS"
            }
            assert {"dbt_upstream_assets", "dbt_monthly_assets"} <= dbt_steps
            monthly = instance.get_materialized_partitions(dg.AssetKey("fct_trips"))
            assert set(MONTHS) <= set(monthly)

            # The failing run reached the webhook with its id, step, error and link.
            (failed,) = by_kind["raw_monthly"]
            assert failed.status == DagsterRunStatus.FAILURE
            posted = wait_for(lambda: fake_hosts.posts.get("/alerts"), 120, "the webhook alert")
            alert = json.loads(posted[0][1])
            assert alert["run_id"] == failed.run_id and alert["job_name"] == "raw_monthly"
            assert alert["failed_steps"] and "month=2024-08" in alert["error"]
            assert alert["run_url"].endswith(f"/runs/{failed.run_id}")

            # The sensor's cursor holds the built months: its next ticks request nothing more.
            assert len(instance.get_runs(RunsFilter(tags={"dagster/sensor_name": "raw_files_sensor"}))) == 1
    finally:
        daemon.terminate()
        daemon.wait(timeout=60)
        log.close()
        reader.stop.set()
        reader.join(timeout=30)
    assert reader.errors == []
    assert reader.reads > 5 and reader.states
