"""The jobs: the daily build, the seed's dbt job, the raw months, the full-history tests and the report."""

from __future__ import annotations

from datetime import datetime, timezone

import dagster as dg

from nyc_mobility.defs.partitions import all_partitions_tags

BUILD_JOB_NAME = "dbt_build"
FULL_TESTS_JOB_NAME = "dbt_full_history_tests"
RAW_MONTHLY_JOB_NAME = "raw_monthly"
REPORT_JOB_NAME = "weather_report"
# The seed's name for the dbt project's assets, kept as a job so its commands still work:
# `dagster job execute -m nyc_mobility.definitions -j dbt_analytics_assets`.
DBT_JOB_NAME = "dbt_analytics_assets"


def build_job(selection: dg.AssetSelection) -> dg.UnresolvedAssetJobDefinition:
    return dg.define_asset_job(
        BUILD_JOB_NAME,
        selection=selection,
        # Its steps take turns on the warehouse pool anyway: one process saves a Python start-up,
        # Dagster import and code load per step (the dbt commands still run in their own processes).
        executor_def=dg.in_process_executor,
        description=(
            "dbt build of every model (models, then their tests as asset checks) after the zone files, "
            "then the daily KPI table and the serving snapshot (the weather-impact report has its own "
            "job and schedule)."
        ),
    )


def dbt_job(
    selection: dg.AssetSelection, partitions: dg.MonthlyPartitionsDefinition
) -> dg.UnresolvedAssetJobDefinition:
    """Launched without a partition (``dagster job execute``), a run covers every monthly partition
    that existed when the definitions were loaded (Dagster evaluates the dbt tests of a partitioned
    model only inside a partitioned run); a partition chosen in the UI replaces that range."""
    return dg.define_asset_job(
        DBT_JOB_NAME,
        selection=selection,
        executor_def=dg.in_process_executor,
        tags=all_partitions_tags(partitions, datetime.now(timezone.utc)),
        description=(
            "The seed's `dbt_analytics_assets`: dbt build of every model (its tests as asset checks) over "
            "every monthly partition, or the ones it is launched with; no KPI table, snapshot or report."
        ),
    )


def raw_monthly_job(selection: dg.AssetSelection) -> dg.UnresolvedAssetJobDefinition:
    return dg.define_asset_job(
        RAW_MONTHLY_JOB_NAME,
        selection=selection,
        description="Land one month (a partition) of every trip and weather source.",
    )


def full_history_tests_job(checks: dg.AssetSelection) -> dg.UnresolvedAssetJobDefinition:
    """Every dbt test (the asset checks of the dbt assets) over every month, nothing rebuilt."""
    return dg.define_asset_job(
        FULL_TESTS_JOB_NAME,
        selection=checks,
        executor_def=dg.in_process_executor,
        description=(
            "Every dbt data test over every month of the history, no model rebuilt. A build tests the "
            "months it builds only (a month costs the month); this job checks what spans months, e.g. "
            "a trip_id repeated in two months."
        ),
    )


def report_job(selection: dg.AssetSelection) -> dg.UnresolvedAssetJobDefinition:
    """The weather-impact report alone: it reads the snapshot, never the warehouse."""
    return dg.define_asset_job(
        REPORT_JOB_NAME,
        selection=selection,
        executor_def=dg.in_process_executor,
        description=(
            "Renders the weather-impact report over the latest report_months months from the serving "
            "snapshot. Not part of a month's build, whose cost must not grow with the history."
        ),
    )
