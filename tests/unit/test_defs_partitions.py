"""Monthly partitions: the tags of one run over a range, and the dbt window a run turns into."""
# no `from __future__ import annotations`: Dagster reads the context annotation at runtime.

from datetime import datetime, timezone

import dagster as dg
import pytest

from nyc_mobility.defs.assets.dbt import partition_window
from nyc_mobility.defs.partitions import all_partitions_tags, monthly_partitions, range_tags
from nyc_mobility.defs.schedules import daily_build_schedule

START, END = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"
PARTITIONS = monthly_partitions("2024-01")


def test_range_tags_and_their_order():
    assert range_tags("2024-01", "2024-03") == {START: "2024-01", END: "2024-03"}
    with pytest.raises(ValueError, match="starts after it ends"):
        range_tags("2024-03", "2024-01")


def test_all_partitions_stop_at_the_last_complete_month():
    now = datetime(2024, 4, 15, 6, tzinfo=timezone.utc)
    assert all_partitions_tags(PARTITIONS, now) == {START: "2024-01", END: "2024-03"}
    assert all_partitions_tags(PARTITIONS, datetime(2024, 1, 20, tzinfo=timezone.utc)) == {}


def test_nyc_mobility_run_builds_the_months_on_disk_and_leaves_out_what_cannot_be_a_partition(tmp_path):
    from nyc_mobility.run.materialize import buildable_months
    from nyc_mobility.settings import Settings

    settings = Settings(data_dir=tmp_path, partitions_start="2024-01")
    this_month = datetime.now(timezone.utc).strftime("%Y-%m")
    for folder in (
        "month=2019-03",
        "month=2024-11",
        f"month={this_month}",
        "month=2024-11.bak",
        "month=2024-13",
    ):
        (tmp_path / "raw" / "tlc_yellow" / folder).mkdir(parents=True)
        (tmp_path / "raw" / "tlc_yellow" / folder / "f.parquet").write_bytes(b"PAR1")
    covering, months, outside = buildable_months(settings)
    assert covering.partitions_start == "2019-03"  # partitions start early enough
    assert months == ["2019-03", "2024-11"]
    assert outside == [this_month]  # the month in progress is not a partition yet: left out, with a note


def test_the_daily_schedule_requests_one_run_over_every_partition():
    job = dg.define_asset_job("dbt_build")
    schedule = daily_build_schedule(job, "0 6 * * *", PARTITIONS)
    context = dg.build_schedule_context(scheduled_execution_time=datetime(2024, 6, 2, 6, tzinfo=timezone.utc))
    request = schedule.evaluate_tick(context).run_requests[0]
    assert request.tags[START] == "2024-01" and request.tags[END] == "2024-05"


@pytest.mark.parametrize(
    ("kwargs", "window"),
    [
        ({"partition_key": "2024-11"}, ("2024-11", "2024-11")),
        ({"tags": range_tags("2024-09", "2024-11")}, ("2024-09", "2024-11")),
        ({}, (None, None)),  # a run without partition (`nyc-mobility run`): every month on disk
    ],
)
def test_partition_window_becomes_the_dbt_month_window(kwargs, window):
    seen = {}

    @dg.asset(partitions_def=PARTITIONS)
    def probe(context: dg.AssetExecutionContext) -> None:
        seen["window"] = partition_window(context)

    assert dg.materialize([probe], **kwargs).success
    assert seen["window"] == window


@pytest.mark.parametrize(
    ("kwargs", "window"),
    [
        ({"tags": range_tags("2024-09", "2024-11")}, ("2024-09", "2024-11")),
        ({"tags": {"dagster/partition": "2024-10"}}, ("2024-10", "2024-10")),
        ({}, (None, None)),
    ],
)
def test_an_unpartitioned_step_takes_the_window_of_its_run(kwargs, window):
    """Staging/dimensions and the hourly grid/quality steps test (and rebuild) the run's months."""
    seen = {}

    @dg.asset
    def probe(context: dg.AssetExecutionContext) -> None:
        seen["window"] = partition_window(context)

    assert dg.materialize([probe], **kwargs).success
    assert seen["window"] == window


def test_sample_mode_partitions_are_the_sample_months_widened_to_what_is_on_disk(tmp_path):
    from nyc_mobility.defs.partitions import settings_partitions
    from nyc_mobility.run.materialize import covering
    from nyc_mobility.settings import Settings

    sample = Settings(data_dir=tmp_path, sample_start="2024-10", sample_end="2024-11")
    assert settings_partitions(sample).get_partition_keys() == ["2024-10", "2024-11"]
    wider = covering(sample, {"2024-03", "2024-11", "2025-02"})
    keys = settings_partitions(wider).get_partition_keys()
    assert keys[0] == "2024-03" and keys[-1] == "2025-02" and len(keys) == 12
    official = Settings(data_dir=tmp_path, data_origin="official", partitions_start="2024-01")
    assert settings_partitions(official).get_partition_keys()[0] == "2024-01"
    assert official.partition_bounds() == ("2024-01", None)
