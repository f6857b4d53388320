"""One dbt step of a build, around the invocation itself: before it the raw files pass the preflight,
the folders exist, the kept parse is restored and (engine spark) Spark's requirements are met; after
it the parse is kept for the next step. The Dagster asset only runs dbt between the two.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nyc_mobility.dbt.args import build_args, invocation_target_path
from nyc_mobility.dbt.parse_cache import restore_parse_cache, save_parse_cache
from nyc_mobility.errors import KnownError
from nyc_mobility.settings import Settings


class SparkUnavailableError(KnownError):
    """engine spark without what a Spark build needs (the extra, Java, a reachable server)."""


@dataclass(frozen=True)
class DbtStep:
    """What one dbt invocation runs with: its arguments, its own target folder, where a Spark build
    exports what it built (None on DuckDB), and what the preflight checked and noticed without
    stopping it."""

    args: list[str]
    target: Path
    export: Path | None = None
    files_checked: int = 0
    warnings: list[str] = field(default_factory=list)


def prepare_step(
    settings: Settings,
    name: str,
    run_id: str,
    window: tuple[str | None, str | None],
    project_dir: Path,
    *,
    full_refresh: bool = False,
) -> DbtStep:
    """Everything before ``dbt build`` of step ``name`` over the months ``window``: raises
    :class:`~nyc_mobility.raw.preflight.RawFilesError` naming every unreadable landed file (dbt
    never starts, the warehouse stays as it was) or :class:`SparkUnavailableError`."""
    from nyc_mobility.raw.preflight import check_raw_files

    report = check_raw_files(settings.raw_dir)
    settings.dbt_artifacts_dir.mkdir(parents=True, exist_ok=True)
    settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    target = invocation_target_path(settings, run_id, name)
    restore_parse_cache(settings, target, project_dir)
    export = None
    if settings.engine == "spark":
        from nyc_mobility.dbt.spark import missing_requirements

        if problems := missing_requirements():
            raise SparkUnavailableError("engine spark: " + "; ".join(problems))
        export = target / "spark_export"
    start, end = window
    args = build_args(
        settings, start_month=start, end_month=end, export_dir=export, full_refresh=full_refresh
    )
    return DbtStep(args, target, export, files_checked=report.checked, warnings=report.warnings)


def finish_step(settings: Settings, step: DbtStep, project_dir: Path) -> None:
    """After a successful step: its parse is kept for the next one."""
    save_parse_cache(settings, step.target, project_dir)
