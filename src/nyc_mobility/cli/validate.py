"""``nyc-mobility validate``: load the Definitions and report problems."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from nyc_mobility.cli.options import DataDir, DuckdbPath, Target, settings_from

console = Console()


def validate(data_dir: Path = DataDir, duckdb_path: Path = DuckdbPath, target: str = Target) -> None:
    """Build the Dagster Definitions (assets, checks, jobs, schedules) and check they resolve."""
    import dagster as dg

    from nyc_mobility import raw
    from nyc_mobility.defs.factory import definitions_from_settings

    settings = settings_from(data_dir=data_dir, duckdb_path=duckdb_path, target=target)
    try:
        defs = definitions_from_settings(settings)
        dg.Definitions.validate_loadable(defs)
        repo = defs.get_repository_def()
        graph = repo.asset_graph
    except Exception as exc:  # report any load problem, not a traceback
        console.print(f"[red]invalid definitions:[/] {type(exc).__name__}: {exc}")
        raise typer.Exit(code=1) from exc
    console.print(
        f"[green]ok[/]: {len(list(graph.get_all_asset_keys()))} assets, "
        f"{len(list(graph.asset_check_keys))} asset checks, "
        f"{len(repo.get_all_jobs())} jobs, {len(repo.schedule_defs)} schedules"
    )
    missing = raw.missing_sources(settings.raw_dir)
    if missing:
        console.print(
            f"note: no raw files yet for {', '.join(missing)} under {settings.raw_dir} "
            f"(`nyc-mobility run` writes the sample when none exist)"
        )
