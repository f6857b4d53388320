"""The schedules: the daily build and the weekly full-history tests over every monthly partition, and
the report when the snapshot changed since it was written."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import dagster as dg

from nyc_mobility.defs.partitions import all_partitions_tags
from nyc_mobility.settings import Settings

DAILY_SCHEDULE_NAME = "daily_dbt_build"
FULL_TESTS_SCHEDULE_NAME = "weekly_full_history_tests"
REPORT_SCHEDULE_NAME = "daily_weather_report"


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
