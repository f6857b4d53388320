"""Monthly partitions: the tags of one run over a range, and the dbt window a run turns into."""
# no `from __future__ import annotations`: Dagster reads the context annotation at runtime.

from datetime import datetime, timezone

import dagster as dg
import pytest

from nyc_mobility.assets.dbt import partition_window
from nyc_mobility.ops.schedules import daily_build_schedule
from nyc_mobility.partitions import all_partitions_tags, covering_tags, monthly_partitions, range_tags

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


def test_covering_tags_span_the_months_and_refuse_non_partitions():
    assert covering_tags(PARTITIONS, ["2024-11", "2024-10", "2024-11"]) == {START: "2024-10", END: "2024-11"}
    assert covering_tags(PARTITIONS, []) == {}
    with pytest.raises(ValueError, match="2023-12 are not monthly partitions"):
        covering_tags(PARTITIONS, ["2023-12", "2024-02"])


def test_nyc_mobility_run_starts_the_partitions_at_the_first_month_on_disk(tmp_path):
    from nyc_mobility.runner import covering_settings
    from nyc_mobility.settings import Settings

    settings = Settings(data_dir=tmp_path, partitions_start="2024-01")
    assert covering_settings(settings, {"2019-03", "2024-11"}).partitions_start == "2019-03"
    assert covering_settings(settings, {"2024-11"}) is settings


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
