"""The jobs and the daily build schedule."""

from __future__ import annotations

from datetime import datetime, timezone

import dagster as dg

from nyc_mobility.partitions import all_partitions_tags

DAILY_SCHEDULE_NAME = "daily_dbt_build"
BUILD_JOB_NAME = "dbt_build"
RAW_MONTHLY_JOB_NAME = "raw_monthly"


def build_job(selection: dg.AssetSelection) -> dg.UnresolvedAssetJobDefinition:
    return dg.define_asset_job(
        BUILD_JOB_NAME,
        selection=selection,
        # Its steps take turns on the warehouse pool anyway: one process saves a Python start-up,
        # Dagster import and code load per step (the dbt commands still run in their own processes).
        executor_def=dg.in_process_executor,
        description=(
            "dbt build of every model (models, then their tests as asset checks) after the zone files, "
            "then the daily KPI table, the serving snapshot and the weather-impact report."
        ),
    )


def raw_monthly_job(selection: dg.AssetSelection) -> dg.UnresolvedAssetJobDefinition:
    return dg.define_asset_job(
        RAW_MONTHLY_JOB_NAME,
        selection=selection,
        description="Land one month (a partition) of every trip and weather source.",
    )


def daily_build_schedule(
    job: dg.UnresolvedAssetJobDefinition, cron: str, partitions: dg.MonthlyPartitionsDefinition
) -> dg.ScheduleDefinition:
    @dg.schedule(
        name=DAILY_SCHEDULE_NAME,
        job=job,
        cron_schedule=cron,
        execution_timezone="UTC",
        description=(
            f"Runs `dbt build` over every model on the cron '{cron}' (UTC): one run over every monthly "
            "partition (a single dbt invocation for the incremental models)."
        ),
        default_status=dg.DefaultScheduleStatus.STOPPED,
    )
    def _daily(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        now = context.scheduled_execution_time or datetime.now(timezone.utc)
        return dg.RunRequest(tags=all_partitions_tags(partitions, now))

    return _daily
