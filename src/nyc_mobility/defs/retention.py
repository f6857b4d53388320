"""Log retention that really retains: the ``log_retention`` job and its daily schedule.

Dagster's instance ``retention:`` block only purges schedule and sensor ticks. Runs, their event
logs, their compute logs and the per-run dbt artifact folders are deleted here once they are older
than ``log_retention_days``. Only finished runs are touched, never a queued or running one.
"""

import datetime as dt
import shutil
from dataclasses import dataclass

import dagster as dg
from dagster._core.storage.dagster_run import FINISHED_STATUSES, RunsFilter

from nyc_mobility.settings import Settings

RETENTION_JOB_NAME = "log_retention"
RETENTION_SCHEDULE_NAME = "daily_log_retention"


@dataclass
class RetentionReport:
    runs_deleted: int = 0
    artifact_dirs_deleted: int = 0


def purge(
    instance: dg.DagsterInstance,
    settings: Settings,
    *,
    now: dt.datetime | None = None,
    keep_run_id: str | None = None,
) -> RetentionReport:
    """Delete finished runs (events and compute logs too) and dbt artifacts older than the cutoff."""
    now = now or dt.datetime.now(dt.timezone.utc)
    cutoff = now - dt.timedelta(days=settings.log_retention_days)
    report = RetentionReport()
    records = instance.get_run_records(
        filters=RunsFilter(statuses=list(FINISHED_STATUSES), updated_before=cutoff)
    )
    for record in records:
        run_id = record.dagster_run.run_id
        if run_id == keep_run_id:
            continue
        instance.compute_log_manager.delete_logs(prefix=[run_id])
        instance.delete_run(run_id)
        report.runs_deleted += 1
    runs_dir = settings.dbt_artifacts_dir / "runs"
    if runs_dir.is_dir():
        for folder in runs_dir.iterdir():
            modified = dt.datetime.fromtimestamp(folder.stat().st_mtime, dt.timezone.utc)
            if folder.is_dir() and modified < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
                report.artifact_dirs_deleted += 1
    return report


def retention_job(settings: Settings) -> dg.JobDefinition:
    @dg.op(name="purge_old_runs_and_logs")
    def purge_old_runs_and_logs(context: dg.OpExecutionContext) -> None:
        report = purge(context.instance, settings, keep_run_id=context.run_id)
        context.log.info(
            f"retention {settings.log_retention_days} days: deleted {report.runs_deleted} runs "
            f"(with event and compute logs) and {report.artifact_dirs_deleted} dbt artifact folders"
        )

    @dg.job(
        name=RETENTION_JOB_NAME,
        description=f"Deletes finished runs, their logs and dbt artifacts older than "
        f"{settings.log_retention_days} days.",
    )
    def log_retention() -> None:
        purge_old_runs_and_logs()

    return log_retention


def retention_schedule(job: dg.JobDefinition) -> dg.ScheduleDefinition:
    return dg.ScheduleDefinition(
        name=RETENTION_SCHEDULE_NAME,
        job=job,
        cron_schedule="30 3 * * *",
        execution_timezone="UTC",
        default_status=dg.DefaultScheduleStatus.STOPPED,
    )
