"""``nyc-mobility run`` in-process: the guards around a build (nyc_mobility.run.materialize) and its summary.

Before the build: the data directory is locked for this run, must be writable, the warehouse must
open (``rebuild`` moves a damaged one aside), interrupted landings are landed again, and months
that cannot be partitions (stray folders, the current month) are left out with a warning. After it:
rows per model, every check, and for a failure the root cause (the preflight's bad files, the
failing dbt node's error), not only the step's name.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from pathlib import Path

import dagster as dg

from nyc_mobility.dbt.manifest import model_names
from nyc_mobility.errors import KnownError, root_cause
from nyc_mobility.run.materialize import materialize
from nyc_mobility.run.summary import BuildSummary, CheckOutcome, publisher_lines, row_counts
from nyc_mobility.settings import Settings


class RunError(KnownError, RuntimeError):
    """A known condition that stops the run before it starts; the message says why and what to do."""


def instance_for_run() -> dg.DagsterInstance:
    """The instance of ``$DAGSTER_HOME`` when set (runs show up in the UI), else an ephemeral one."""
    if os.environ.get("DAGSTER_HOME"):
        return dg.DagsterInstance.get()
    return dg.DagsterInstance.ephemeral()


def repair_landings(settings: Settings) -> list[str]:
    """Land again every month whose landing was interrupted (killed half-way)."""
    from nyc_mobility.raw.manifest import clear, incomplete_landings

    notes = []
    for incomplete in incomplete_landings(settings.raw_dir):
        origin = incomplete.origin or settings.data_origin
        if origin == "local":  # files a user brought cannot be fetched again: they land them again
            raise RunError(
                f"the landing of local files for {incomplete} was interrupted: land them again "
                "(nyc-mobility land ... --replace)"
            )
        clear(incomplete)
        if origin == "sample":
            from nyc_mobility.sample import land_source

            land_source(
                settings.raw_dir, incomplete.month, incomplete.source.name, scale=settings.sample_scale
            )
        else:
            from nyc_mobility.ingest.run import ingest
            from nyc_mobility.ingest.urls import urls_of

            report = ingest(
                settings.raw_dir,
                settings.data_dir / "downloads",
                [incomplete.month],
                [incomplete.source.name],
                urls=urls_of(settings),
            )
            if report.failures:
                raise RunError(f"could not land {incomplete} again: {report.failures[0].error}")
        notes.append(f"landed again ({origin}): {incomplete}")
    return notes


def check_writable(settings: Settings) -> None:
    """Fail now, clearly, when the data directory cannot be written (not deep inside dbt)."""
    for folder in (settings.data_dir, settings.dbt_artifacts_dir, settings.warehouse_path.parent):
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()


def check_warehouse(settings: Settings, *, rebuild: bool) -> list[str]:
    """The warehouse must open; with ``rebuild`` a damaged (or any) one is moved aside first."""
    import duckdb

    from nyc_mobility.errors import damaged_database, explain_text, held_by_another

    path = settings.warehouse_path
    if not path.exists():
        return []
    if rebuild:
        aside = path.with_name(f"{path.name}.{time.strftime('%Y%m%d-%H%M%S')}.old")
        os.replace(path, aside)
        wal = path.with_name(path.name + ".wal")
        if wal.exists():
            os.replace(wal, aside.with_name(aside.name + ".wal"))
        return [f"moved the previous warehouse aside to {aside}; every month is built again"]
    try:
        duckdb.connect(str(path), read_only=True, config={"autoinstall_known_extensions": False}).close()
    except duckdb.Error as error:
        text = str(error)
        if held_by_another(text) is not None:  # DuckDB's wording of a held lock, not "block"
            raise RunError(
                f"the warehouse {path} is in use by another process (a Dagster build?): wait for it"
            ) from None
        raise RunError(
            explain_text(text, warehouse=path) or damaged_database(text, warehouse=path, snapshot=None)
        ) from None
    return []


def failure_messages(result: dg.ExecuteInProcessResult) -> list[str]:
    """The root cause of every failed step (:func:`nyc_mobility.errors.root_cause`)."""
    return [
        f"{event.step_key}: {root_cause(event.step_failure_data.error if event.step_failure_data else None)}"
        for event in result.get_step_failure_events()
    ]


def preflight_warnings(settings: Settings) -> list[str]:
    from nyc_mobility.raw import stray_folders
    from nyc_mobility.raw.preflight import RawFilesError, check_raw_files

    try:
        return check_raw_files(settings.raw_dir).warnings
    except RawFilesError:
        return [f"{p}: not a month folder (month=YYYY-MM); ignored" for p in stray_folders(settings.raw_dir)]


def run_all(
    settings: Settings,
    *,
    log_level: str = "WARNING",
    log_file: Path | None = None,
    rebuild: bool = False,
    wait: bool = False,
    on_wait: Callable[[str], None] = lambda _message: None,
    everything: bool = False,
) -> BuildSummary:
    """Land what the sample lacks and repair interrupted landings, then build the trip months whose
    raw files changed since the last successful build (``everything``, a first build or
    ``rebuild``: every month on disk), one run per range of months (gaps without files bridged).

    With ``log_file``, dbt's and Dagster's console output goes there. Known conditions (another run,
    a read-only or full disk, a damaged warehouse) raise :class:`RunError` or ``OSError`` before
    anything is written.
    """
    from nyc_mobility.run.lock import data_dir_lock
    from nyc_mobility.serving.temporaries import remove_stale_temporaries

    started = time.monotonic()
    if settings.engine == "spark":
        from nyc_mobility.dbt.spark import missing_requirements

        if problems := missing_requirements():
            raise RunError("engine spark: " + "; ".join(problems))
    check_writable(settings)
    with data_dir_lock(settings.data_dir, wait=wait, on_wait=on_wait), contextlib.ExitStack() as stack:
        notes = check_warehouse(settings, rebuild=rebuild)
        notes += remove_stale_temporaries(settings.serving_path)
        notes += repair_landings(settings)
        if log_file is not None:
            log_file.parent.mkdir(parents=True, exist_ok=True)
            log_file.unlink(missing_ok=True)  # a new file: a progress reader tells it from the last run's
            handle = stack.enter_context(log_file.open("w", encoding="utf-8", buffering=1))
            stack.enter_context(contextlib.redirect_stdout(handle))
            stack.enter_context(contextlib.redirect_stderr(handle))
        instance = stack.enter_context(instance_for_run())
        runs = materialize(settings, instance, log_level, notes, everything=everything or rebuild)
        notes += preflight_warnings(settings)
        failed, errors = [], []
        for month, landed in runs.raw_runs.items():
            failed += [f"{event.step_key} [{month}]" for event in landed.get_step_failure_events()]
            errors += [f"[{month}] {m}" for m in failure_messages(landed)]
        checks = [
            CheckOutcome(
                asset=evaluation.asset_key.to_user_string(),
                name=evaluation.check_name,
                passed=evaluation.passed,
                severity=evaluation.severity.value,
            )
            for evaluation in runs.check_evaluations()
        ]
        for result in runs.builds:
            failed += [event.step_key or "?" for event in result.get_step_failure_events()]
            errors += failure_messages(result)
    summary = BuildSummary(
        success=runs.success
        and not failed
        and not any(not c.passed and c.severity == "ERROR" for c in checks),
        duration_seconds=time.monotonic() - started,
        checks=checks,
        failed_steps=failed,
        warnings=notes,
        errors=errors,
    )
    summary.row_counts = row_counts(settings.warehouse_path, model_names())
    summary.publisher = publisher_lines(settings.warehouse_path)
    return summary
