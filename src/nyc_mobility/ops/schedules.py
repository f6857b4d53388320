"""The jobs and the daily build schedule."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import dagster as dg

from nyc_mobility.partitions import all_partitions_tags
from nyc_mobility.settings import Settings

DAILY_SCHEDULE_NAME = "daily_dbt_build"
BUILD_JOB_NAME = "dbt_build"
FULL_TESTS_JOB_NAME = "dbt_full_history_tests"
FULL_TESTS_SCHEDULE_NAME = "weekly_full_history_tests"
RAW_MONTHLY_JOB_NAME = "raw_monthly"
REPORT_JOB_NAME = "weather_report"
REPORT_SCHEDULE_NAME = "daily_weather_report"
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


def every_partition_schedule(
    name: str,
    job: dg.UnresolvedAssetJobDefinition,
    cron: str,
    partitions: dg.MonthlyPartitionsDefinition,
    *,
    description: str,
    default_status: dg.DefaultScheduleStatus,
    skip_without_months: bool = False,
) -> dg.ScheduleDefinition:
    """A schedule whose every tick requests one run of ``job`` over every monthly partition that
    exists then (``skip_without_months``: no run before the first month exists)."""

    @dg.schedule(
        name=name,
        job=job,
        cron_schedule=cron,
        execution_timezone="UTC",
        description=description,
        default_status=default_status,
    )
    def _every_partition(context: dg.ScheduleEvaluationContext) -> dg.RunRequest | dg.SkipReason:
        now = context.scheduled_execution_time or datetime.now(timezone.utc)
        tags = all_partitions_tags(partitions, now)
        if skip_without_months and not tags:
            return dg.SkipReason("no month yet")
        return dg.RunRequest(tags=tags)

    return _every_partition


def daily_build_schedule(
    job: dg.UnresolvedAssetJobDefinition, cron: str, partitions: dg.MonthlyPartitionsDefinition
) -> dg.ScheduleDefinition:
    return every_partition_schedule(
        DAILY_SCHEDULE_NAME,
        job,
        cron,
        partitions,
        description=(
            f"Runs `dbt build` over every model on the cron '{cron}' (UTC): one run over every monthly "
            "partition (a single dbt invocation for the incremental models)."
        ),
        default_status=dg.DefaultScheduleStatus.STOPPED,
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


def full_history_tests_schedule(
    job: dg.UnresolvedAssetJobDefinition, cron: str, partitions: dg.MonthlyPartitionsDefinition
) -> dg.ScheduleDefinition:
    return every_partition_schedule(
        FULL_TESTS_SCHEDULE_NAME,
        job,
        cron,
        partitions,
        description=f"Runs every dbt test over every month on the cron '{cron}' (UTC).",
        default_status=dg.DefaultScheduleStatus.RUNNING,
        skip_without_months=True,
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


def report_is_stale(serving: Path, report: Path) -> str | None:
    """Why the report needs rendering (None: it is newer than the snapshot, or there is no snapshot)."""
    if not serving.is_file():
        return None
    if not report.is_file():
        return "no report yet"
    if report.stat().st_mtime_ns < serving.stat().st_mtime_ns:
        return "the snapshot was published after the report was written"
    return None


def report_schedule(job: dg.UnresolvedAssetJobDefinition, settings: Settings) -> dg.ScheduleDefinition:
    """On ``report_cron``, one report run when the snapshot changed since the report was written."""

    @dg.schedule(
        name=REPORT_SCHEDULE_NAME,
        job=job,
        cron_schedule=settings.report_cron,
        execution_timezone="UTC",
        description=(
            f"Renders the weather-impact report on the cron '{settings.report_cron}' (UTC) when the "
            "serving snapshot is newer than the report."
        ),
        default_status=dg.DefaultScheduleStatus.RUNNING,
    )
    def _daily_report(context: dg.ScheduleEvaluationContext) -> dg.RunRequest | dg.SkipReason:
        reason = report_is_stale(settings.serving_path, settings.report_path)
        if reason is None:
            return dg.SkipReason("no snapshot yet, or the report is up to date")
        return dg.RunRequest(tags={"nyc_mobility/reason": reason})

    return _daily_report
