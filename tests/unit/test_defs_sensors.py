"""The raw-file sensor: new or changed month folders request one build, once (cursor)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import dagster as dg
import pytest

from nyc_mobility.defs.sensors import changed_months, month_fingerprints, raw_files_sensor
from nyc_mobility.settings import Settings

START, END = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"


def drop(
    raw_dir: Path, source: str, month: str, name: str, body: bytes = b"PAR1...PAR1", age: float = 600
) -> Path:
    path = raw_dir / source / f"month={month}" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    then = time.time() - age
    os.utime(path, (then, then))
    return path


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path, partitions_start="2024-01", raw_settle_seconds=60)


def tick(settings: Settings, cursor: str | None, instance: dg.DagsterInstance):
    sensor = raw_files_sensor(settings, dg.define_asset_job("dbt_build"))
    context = dg.build_sensor_context(cursor=cursor, instance=instance)
    result = sensor.evaluate_tick(context)
    return result, result.cursor if result.cursor is not None else cursor


def test_new_months_are_built_in_one_run_then_never_again(settings):
    drop(settings.raw_dir, "tlc_yellow", "2024-10", "yellow_tripdata_2024-10.parquet")
    drop(settings.raw_dir, "citibike", "2024-11", "202411-citibike-tripdata_1.parquet")
    drop(settings.raw_dir, "weather", "2024-11", "open_meteo_2024-11.json")
    with dg.instance_for_test() as instance:
        result, cursor = tick(settings, None, instance)
        (request,) = result.run_requests
        assert (request.tags[START], request.tags[END]) == ("2024-10", "2024-11")
        assert request.tags["nyc_mobility/changed_months"] == "2024-10,2024-11"
        assert set(json.loads(cursor)) == {"2024-10", "2024-11"}

        again, cursor = tick(settings, cursor, instance)
        assert again.run_requests == [] and "no new or changed raw files" in again.skip_message

        # A corrected November file is published: only November is rebuilt.
        drop(
            settings.raw_dir, "citibike", "2024-11", "202411-citibike-tripdata_1.parquet", b"PAR1 longer PAR1"
        )
        changed, cursor = tick(settings, cursor, instance)
        (request,) = changed.run_requests
        assert (request.tags[START], request.tags[END]) == ("2024-11", "2024-11")
        assert tick(settings, cursor, instance)[0].run_requests == []


def test_files_still_being_written_wait_for_a_later_tick(settings):
    drop(settings.raw_dir, "tlc_yellow", "2024-10", "yellow_tripdata_2024-10.parquet", age=5)
    drop(settings.raw_dir, "tlc_fhv", "2024-09", ".fhv_tripdata_2024-09.parquet.tmp")  # atomic landing
    with dg.instance_for_test() as instance:
        result, cursor = tick(settings, None, instance)
        assert result.run_requests == [] and "still being written: 2024-10" in result.skip_message
        assert cursor is None  # nothing recorded: the month is requested once it has settled


def test_months_outside_the_partitions_are_reported_not_dropped(settings):
    drop(settings.raw_dir, "tlc_yellow", "2019-03", "yellow_tripdata_2019-03.parquet")
    with dg.instance_for_test() as instance:
        result, cursor = tick(settings, None, instance)
        assert result.run_requests == []
        assert "not a partition" in result.skip_message and "2019-03" in result.skip_message
        assert "2019-03" in json.loads(cursor)  # said once, not on every tick


def test_fingerprints_change_with_size_or_time_and_ignore_hidden_files(tmp_path):
    path = drop(tmp_path, "tlc_yellow", "2024-10", "a.parquet")
    first = month_fingerprints(tmp_path)["2024-10"][0]
    drop(tmp_path, "tlc_yellow", "2024-10", ".a.parquet.partial")
    assert month_fingerprints(tmp_path)["2024-10"][0] == first
    os.utime(path, (time.time(), time.time()))
    assert month_fingerprints(tmp_path)["2024-10"][0] != first


def test_changed_months_compares_with_the_cursor():
    seen = {"2024-10": ("a", 0.0), "2024-11": ("b", 0.0), "2024-12": ("c", 95.0)}
    ready, settling = changed_months({"2024-10": "a", "2024-11": "old"}, seen, now=100.0, settle_seconds=60)
    assert ready == ["2024-11"] and settling == ["2024-12"]


def test_the_report_schedule_renders_only_when_the_snapshot_is_newer(settings):
    from nyc_mobility.defs.factory import definitions_from_settings
    from nyc_mobility.defs.jobs import REPORT_JOB_NAME
    from nyc_mobility.defs.schedules import REPORT_SCHEDULE_NAME

    definitions = definitions_from_settings(settings)
    schedule = definitions.resolve_schedule_def(REPORT_SCHEDULE_NAME)
    assert schedule.job_name == REPORT_JOB_NAME
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    build = {
        k.to_user_string() for k in definitions.resolve_job_def("dbt_build").asset_layer.selected_asset_keys
    }
    report = {
        k.to_user_string()
        for k in definitions.resolve_job_def(REPORT_JOB_NAME).asset_layer.selected_asset_keys
    }
    assert report == {"serving/weather_impact_report"} and not report & build
    assert "serving/warehouse_snapshot" in build

    def evaluate():
        return schedule.evaluate_tick(dg.build_schedule_context(scheduled_execution_time=None))

    assert evaluate().skip_message  # no snapshot yet: nothing to render
    serving, html = settings.serving_path, settings.report_path
    serving.parent.mkdir(parents=True)
    serving.write_bytes(b"snapshot")
    assert [r.tags["nyc_mobility/reason"] for r in evaluate().run_requests] == ["no report yet"]
    html.parent.mkdir(parents=True)
    html.write_text("report")
    os.utime(serving, (time.time() - 60, time.time() - 60))
    assert evaluate().skip_message  # the report is newer than the snapshot
    os.utime(serving, (time.time() + 5, time.time() + 5))  # a build published again
    assert "published after" in evaluate().run_requests[0].tags["nyc_mobility/reason"]
