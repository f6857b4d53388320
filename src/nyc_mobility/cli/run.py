"""``nyc-mobility run``: build everything in-process and print what was built."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from nyc_mobility.cli.options import DataDir, DuckdbPath, Target, settings_from


def run(
    data_dir: Path = DataDir,
    duckdb_path: Path = DuckdbPath,
    target: str = Target,
    sample_start: str = typer.Option(
        None, "--sample-start", help="First sample month (YYYY-MM) when no raw data exists."
    ),
    sample_end: str = typer.Option(None, "--sample-end", help="Last sample month (YYYY-MM)."),
    sample_scale: float = typer.Option(
        None, "--sample-scale", help="Sample size as a fraction of real monthly volume."
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show Dagster's and dbt's event log."),
    rebuild: bool = typer.Option(
        False,
        "--rebuild",
        help="Move the warehouse aside (e.g. a damaged one) and build every month again from the raw files.",
    ),
    wait: bool = typer.Option(
        False, "--wait", help="Wait for another run on the same data directory instead of refusing."
    ),
) -> None:
    """Materialize every asset: the embedded sample when no raw data exists, then dbt build."""
    from nyc_mobility.run_lock import RunLockedError
    from nyc_mobility.runner import RunError, run_all

    # Bound to the real stdout now: while the run is in progress stdout is redirected to the log.
    console = Console(file=sys.stdout)
    settings = settings_from(
        data_dir=data_dir,
        duckdb_path=duckdb_path,
        target=target,
        sample_start=sample_start,
        sample_end=sample_end,
        sample_scale=sample_scale,
    )
    console.print(f"Building into [bold]{settings.warehouse_path}[/] (raw files: {settings.raw_dir})")
    log_file = None if verbose else settings.dbt_artifacts_dir / "last_run.log"
    try:
        with console.status("materializing raw files and every dbt model ...") as status:
            summary = run_all(
                settings,
                log_level="DEBUG" if verbose else "WARNING",
                log_file=log_file,
                rebuild=rebuild,
                wait=wait,
                on_wait=status.update,
            )
    except (RunError, RunLockedError) as error:
        console.print(f"[red]Error:[/] {error}")
        raise typer.Exit(code=1) from None
    for note in summary.warnings:
        console.print(f"[yellow]note[/] {note}")
    table = Table(title="Rows per model")
    table.add_column("model")
    table.add_column("rows", justify="right")
    for name, count in summary.row_counts.items():
        table.add_row(name, "not built" if count < 0 else f"{count:,}")
    console.print(table)
    for check in summary.checks:
        if not check.passed:
            console.print(f"[red]check failed[/] {check.asset}: {check.name} ({check.severity})")
    for step in summary.failed_steps:
        console.print(f"[red]step failed[/] {step}")
    for error in summary.errors:
        console.print(f"[red]cause[/] {escape(error)}", highlight=False)
    status = "[green]succeeded[/]" if summary.success else "[red]FAILED[/]"
    console.print(
        f"Run {status}: {len(summary.row_counts)} models, checks {summary.checks_passed} passed / "
        f"{summary.checks_failed} failed, {summary.duration_seconds:.1f} s"
    )
    if summary.success:
        console.print(f"Metrics served from [bold]{settings.serving_path}[/] (nyc-mobility metrics list)")
    if not summary.success:
        if log_file is not None:
            console.print(f"full log: {log_file}")
        raise typer.Exit(code=1)
