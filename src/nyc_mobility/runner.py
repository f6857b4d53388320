"""Materialize every asset in-process (what ``nyc-mobility run`` does)."""

from __future__ import annotations

import contextlib
import os
import time
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


def run_all(settings: Settings, *, log_level: str = "WARNING", log_file: Path | None = None) -> BuildSummary:
    """Materialize every asset; with ``log_file``, dbt's and Dagster's console output goes there."""
    defs = definitions_from_settings(settings)
    job = defs.resolve_implicit_global_asset_job_def()
    started = time.monotonic()
    with contextlib.ExitStack() as stack:
        if log_file is not None:
            log_file.parent.mkdir(parents=True, exist_ok=True)
            handle = stack.enter_context(log_file.open("w", encoding="utf-8"))
            stack.enter_context(contextlib.redirect_stdout(handle))
            stack.enter_context(contextlib.redirect_stderr(handle))
        instance = stack.enter_context(instance_for_run())
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": log_level}}}},
        )
        checks = [
            CheckOutcome(
                asset=evaluation.asset_key.to_user_string(),
                name=evaluation.check_name,
                passed=evaluation.passed,
                severity=evaluation.severity.value,
            )
            for evaluation in result.get_asset_check_evaluations()
        ]
        failed = [event.step_key or "?" for event in result.get_step_failure_events()]
    summary = BuildSummary(
        success=result.success and not any(not c.passed and c.severity == "ERROR" for c in checks),
        duration_seconds=time.monotonic() - started,
        checks=checks,
        failed_steps=failed,
    )
    summary.row_counts = row_counts(settings.warehouse_path, dbt_models(manifest_path()))
    return summary
