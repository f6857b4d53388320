"""``nyc-mobility init [DIR]``: write a ready DAGSTER_HOME."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console

HomeArgument = typer.Argument(Path("."), help="The DAGSTER_HOME to create (default: here).")
InitDataDir = typer.Option(None, "--data-dir", help="Pipeline data (default: DIR/data).")


def init(
    directory: Path = HomeArgument,
    data_dir: Path = InitDataDir,
    force: bool = typer.Option(False, "--force", help="Overwrite existing files."),
) -> None:
    """Write dagster.yaml, workspace.yaml and .env for `dagster dev`."""
    from dagster._core.errors import DagsterInvalidConfigError

    from nyc_mobility.defs.instance import InstanceLayout, prepare_storage, write_instance
    from nyc_mobility.settings import Settings

    console = Console(file=sys.stdout)
    layout = InstanceLayout.under(directory, data_dir=data_dir)
    Settings(data_dir=layout.data_dir)  # the same path rules as everywhere else
    written = write_instance(layout, force=force)
    for path in written:
        console.print(f"wrote {path}")
    if not written:
        console.print("nothing written: the files exist (use --force to overwrite)")
    try:
        databases = prepare_storage(layout)
    except DagsterInvalidConfigError as exc:
        typer.echo(f"Error: {layout.home / 'dagster.yaml'} is not a valid Dagster instance: {exc}", err=True)
        raise typer.Exit(code=1) from None
    console.print(f"storage ready: {len(databases)} databases under {layout.storage_dir}")
    console.print(f"next: cd {layout.home} && dagster dev -h 127.0.0.1")
