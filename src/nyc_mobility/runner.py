"""Materialize every asset in-process (what ``nyc-mobility run`` does)."""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from nyc_mobility.factory import definitions_from_settings
from nyc_mobility.project import manifest_path
from nyc_mobility.settings import Settings
from nyc_mobility.summary import BuildSummary, CheckOutcome, dbt_models, row_counts


def instance_for_run() -> dg.DagsterInstance:
    """The instance of ``$DAGSTER_HOME`` when set (runs show up in the UI), else an ephemeral one."""
    if os.environ.get("DAGSTER_HOME"):
        return dg.DagsterInstance.get()
    return dg.DagsterInstance.ephemeral()


def months_to_land(settings: Settings) -> list[str]:
    """Sample mode with no trip files on disk: the sample's months. Otherwise build what is on disk."""
    from nyc_mobility.months import month_range

    if settings.data_origin == "sample" and not trip_months_on_disk(settings):
        return month_range(settings.sample_start, settings.sample_end)
    return []


def trip_months_on_disk(settings: Settings) -> set[str]:
    from nyc_mobility import raw

    return raw.trip_months(settings.raw_dir)


def covering_settings(settings: Settings, months: set[str]) -> Settings:
    """The settings with partitions starting early enough for every month to build."""
    from nyc_mobility.months import format_month, parse_month

    valid = {format_month(parse_month(m)) for m in months}
    if valid and min(valid) < settings.partitions_start:
        return settings.model_copy(update={"partitions_start": min(valid)})
    return settings


def build_tags(settings: Settings) -> dict[str, str]:
    """One run over every trip month on disk, as one partition range."""
    from nyc_mobility.partitions import covering_tags, monthly_partitions

    return covering_tags(monthly_partitions(settings.partitions_start), trip_months_on_disk(settings))


@dataclass
class Materialization:
    """The in-process runs of one build: one raw partition run per landed month, then the build."""

    raw_runs: dict[str, dg.ExecuteInProcessResult]
    build: dg.ExecuteInProcessResult

    @property
    def success(self) -> bool:
        return self.build.success and all(r.success for r in self.raw_runs.values())

    def check_evaluations(self) -> list:
        return self.build.get_asset_check_evaluations()


def materialize(
    settings: Settings, instance: dg.DagsterInstance, log_level: str = "WARNING"
) -> Materialization:
    from nyc_mobility.ops.schedules import BUILD_JOB_NAME, RAW_MONTHLY_JOB_NAME

    to_land = months_to_land(settings)
    settings = covering_settings(settings, set(to_land) | trip_months_on_disk(settings))
    defs = definitions_from_settings(settings)
    run_config = {"loggers": {"console": {"config": {"log_level": log_level}}}}
    raw_runs = {
        month: defs.resolve_job_def(RAW_MONTHLY_JOB_NAME).execute_in_process(
            instance=instance, raise_on_error=False, run_config=run_config, partition_key=month
        )
        for month in to_land
    }
    build = defs.resolve_job_def(BUILD_JOB_NAME).execute_in_process(
        instance=instance, raise_on_error=False, run_config=run_config, tags=build_tags(settings)
    )
    return Materialization(raw_runs, build)


def run_all(settings: Settings, *, log_level: str = "WARNING", log_file: Path | None = None) -> BuildSummary:
    """Land the sample's months when needed (one raw partition run per month), then build every
    trip month on disk in one run over their partition range (partitions start early enough).

    With ``log_file``, dbt's and Dagster's console output goes there.
    """
    started = time.monotonic()
    with contextlib.ExitStack() as stack:
        if log_file is not None:
            log_file.parent.mkdir(parents=True, exist_ok=True)
            handle = stack.enter_context(log_file.open("w", encoding="utf-8"))
            stack.enter_context(contextlib.redirect_stdout(handle))
            stack.enter_context(contextlib.redirect_stderr(handle))
        instance = stack.enter_context(instance_for_run())
        runs = materialize(settings, instance, log_level)
        failed = [
            f"{event.step_key} [{month}]"
            for month, landed in runs.raw_runs.items()
            for event in landed.get_step_failure_events()
        ]
        result = runs.build
        checks = [
            CheckOutcome(
                asset=evaluation.asset_key.to_user_string(),
                name=evaluation.check_name,
                passed=evaluation.passed,
                severity=evaluation.severity.value,
            )
            for evaluation in result.get_asset_check_evaluations()
        ]
        failed += [event.step_key or "?" for event in result.get_step_failure_events()]
    summary = BuildSummary(
        success=result.success
        and not failed
        and not any(not c.passed and c.severity == "ERROR" for c in checks),
        duration_seconds=time.monotonic() - started,
        checks=checks,
        failed_steps=failed,
    )
    summary.row_counts = row_counts(settings.warehouse_path, dbt_models(manifest_path()))
    return summary
