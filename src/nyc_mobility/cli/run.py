"""``nyc-mobility run``: build everything in-process and print what was built."""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from nyc_mobility.cli.options import DataDir, DuckdbPath, Target, settings_from
from nyc_mobility.cli.text import shown


def run(
    data_dir: Path = DataDir,
    duckdb_path: Path = DuckdbPath,
    target: str = Target,
    engine: str = typer.Option(
        None,
        "--engine",
        help="What runs the dbt project: duckdb (default) or spark (the spark extra; env NYC_MOBILITY_ENGINE).",
    ),
    sample_start: str = typer.Option(
        None, "--sample-start", help="First sample month (YYYY-MM) when no raw data exists."
    ),
    sample_end: str = typer.Option(None, "--sample-end", help="Last sample month (YYYY-MM)."),
    sample_scale: float = typer.Option(
        None, "--sample-scale", help="Sample size as a fraction of real monthly volume."
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show Dagster's and dbt's event log."),
    quiet: bool = typer.Option(
        False, "--quiet", "-q", help="No progress while the run goes (for CI logs): only the summary."
    ),
    rebuild: bool = typer.Option(
        False,
        "--rebuild",
        help="Move the warehouse aside (e.g. a damaged one) and build every month again from the raw files.",
    ),
    wait: bool = typer.Option(
        False, "--wait", help="Wait for another run on the same data directory instead of refusing."
    ),
    everything: bool = typer.Option(
        False, "--all", help="Build every month on disk, not only the months whose raw files changed."
    ),
) -> None:
    """Build the months whose raw files changed since the last build (every month the first time, or
    with --all), with the embedded sample when no raw data exists."""
    from nyc_mobility.errors import KnownError
    from nyc_mobility.run.runner import run_all

    # Bound to the real stdout now: while the run is in progress stdout is redirected to the log.
    console = Console(file=sys.stdout)
    settings = settings_from(
        data_dir=data_dir,
        duckdb_path=duckdb_path,
        target=target,
        engine=engine,
        sample_start=sample_start,
        sample_end=sample_end,
        sample_scale=sample_scale,
    )
    console.print(f"Building into [bold]{settings.warehouse_path}[/] (raw files: {settings.raw_dir})")
    log_file = None if verbose else settings.dbt_artifacts_dir / "last_run.log"
    try:
        with _progress(console, log_file, quiet=quiet) as on_wait:
            summary = run_all(
                settings,
                log_level="DEBUG" if verbose else "WARNING",
                log_file=log_file,
                rebuild=rebuild,
                wait=wait,
                on_wait=on_wait,
                everything=everything,
            )
    except KnownError as error:
        console.print(f"[red]Error:[/] {shown(error)}")
        raise typer.Exit(code=1) from None
    for note in summary.warnings:
        console.print(f"[yellow]note[/] {shown(note)}")
    table = Table(title="Rows per model")
    table.add_column("model")
    table.add_column("rows", justify="right")
    for name, count in summary.row_counts.items():
        table.add_row(name, "not built" if count < 0 else f"{count:,}")
    console.print(table)
    for check in summary.checks:
        if not check.passed:
            console.print(
                f"[red]check failed[/] {shown(check.asset)}: {shown(check.name)} ({check.severity})"
            )
    for step in summary.failed_steps:
        console.print(f"[red]step failed[/] {shown(step)}")
    for error in summary.errors:
        console.print(f"[red]cause[/] {shown(error)}", highlight=False)
    for line in summary.publisher:
        console.print(shown(line), highlight=False)
    status = "[green]succeeded[/]" if summary.success else "[red]FAILED[/]"
    console.print(
        f"Run {status}: {len(summary.row_counts)} models, checks {summary.checks_passed} passed / "
        f"{summary.checks_failed} failed, {summary.duration_seconds:.1f} s"
    )
    if summary.success:
        console.print(
            f"Metrics served from [bold]{settings.serving_path}[/] (nyc-mobility metrics list; "
            "nyc-mobility report renders the weather-impact report)"
        )
    if not summary.success:
        if log_file is not None:
            console.print(f"full log: {log_file}")
        raise typer.Exit(code=1)


@contextlib.contextmanager
def _progress(console: Console, log_file: Path | None, *, quiet: bool) -> Iterator[Callable[[str], None]]:
    """While the run goes: on a terminal a live bar (step, nodes done of total, the node running,
    elapsed), elsewhere one line per finished step; nothing with ``--quiet`` or ``--verbose`` (the
    log itself is on the console then)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    from nyc_mobility.run.progress import DBT_STEPS, RunProgress, follow

    if quiet or log_file is None:
        yield lambda message: console.print(message) if not quiet else None
        return
    state, stop = RunProgress(), threading.Event()
    live = console.is_terminal
    bar = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not live,
    )
    # one row for the whole run (phase, steps done, total elapsed), one for the dbt step's nodes
    run_row = bar.add_task(state.phase, total=len(DBT_STEPS) + 1)
    rows = {"nodes": bar.add_task("", total=None, visible=False)}
    reported = {"steps": 0, "started": 0}

    def update(progress: RunProgress) -> None:
        if progress.step != reported["started"]:  # a new dbt step: a new row for its nodes
            reported["started"] = progress.step
            bar.remove_task(rows["nodes"])
            rows["nodes"] = bar.add_task("", total=None)
        bar.update(run_row, description=progress.describe(), completed=progress.finished_steps)
        current = progress.running[0][:60] if progress.running else ""
        bar.update(
            rows["nodes"],
            description=f"  {current}",
            completed=progress.done,
            total=progress.total or None,
            visible=progress.finished_steps < len(DBT_STEPS),
        )
        while reported["steps"] < progress.finished_steps:
            index = reported["steps"]
            reported["steps"] += 1
            console.print(
                f"[green]done[/] step {index + 1}/{len(DBT_STEPS) + 1} {_step_name(index + 1)}: "
                f"{progress.step_nodes[index]} dbt nodes in {progress.step_seconds[index]:.1f} s"
            )

    with bar:
        thread = follow(log_file, state, update, stop)
        try:
            yield (lambda message: bar.update(run_row, description=message)) if live else console.print
        finally:
            stop.set()
            thread.join(timeout=5)


def _step_name(index: int) -> str:
    from nyc_mobility.run.progress import DBT_STEPS

    return DBT_STEPS[index - 1] if 0 < index <= len(DBT_STEPS) else f"step {index}"
