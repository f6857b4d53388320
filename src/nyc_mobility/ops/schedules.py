"""The daily build schedule."""

from __future__ import annotations

import dagster as dg

DAILY_SCHEDULE_NAME = "daily_dbt_build"
BUILD_JOB_NAME = "dbt_build"
RAW_MONTHLY_JOB_NAME = "raw_monthly"


def build_job(selection: dg.AssetSelection) -> dg.UnresolvedAssetJobDefinition:
    return dg.define_asset_job(
        BUILD_JOB_NAME,
        selection=selection,
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


def daily_build_schedule(job: dg.UnresolvedAssetJobDefinition, cron: str) -> dg.ScheduleDefinition:
    return dg.ScheduleDefinition(
        name=DAILY_SCHEDULE_NAME,
        job=job,
        cron_schedule=cron,
        execution_timezone="UTC",
        description=f"Runs `dbt build` over every model on the cron '{cron}' (UTC).",
        default_status=dg.DefaultScheduleStatus.STOPPED,
    )
