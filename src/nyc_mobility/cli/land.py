"""``nyc-mobility land``: files a user already has, landed like ``ingest`` lands downloads."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console

from nyc_mobility import sources as registry
from nyc_mobility.cli.options import DataDir, settings_from
from nyc_mobility.cli.text import shown

PathsArgument = typer.Argument(..., help="Files to land (parquet, CSV, CSV.GZ, zip, Open-Meteo JSON).")


def land(
    paths: list[Path] = PathsArgument,
    source: str = typer.Option(..., "--source", help=f"One of: {', '.join(registry.names())}."),
    month: str = typer.Option(None, "--month", help="The month the files hold, YYYY-MM (monthly sources)."),
    replace: bool = typer.Option(
        False, "--replace", help="Replace the month's landed files (refused otherwise)."
    ),
    data_dir: Path = DataDir,
) -> None:
    """Land local files under DATA_DIR/raw with ingest's checks: validated, converted, all or nothing."""
    from nyc_mobility import raw
    from nyc_mobility.ingest.local import land_local
    from nyc_mobility.months import InvalidMonthError

    console = Console(file=sys.stdout)
    settings = settings_from(data_dir=data_dir)
    try:
        record = registry.get(source)
    except registry.UnknownSourceError as exc:
        raise typer.BadParameter(str(exc)) from None
    try:
        landed = land_local(settings.raw_dir, paths, record, month, replace=replace)
    except InvalidMonthError as exc:
        raise typer.BadParameter(str(exc)) from exc
    except raw.RawFileError as exc:
        console.print(f"[red]refused[/] {shown(exc)}\nnothing was landed", soft_wrap=True)
        raise typer.Exit(code=1) from None
    where = f"{landed.source} {landed.month}" if landed.month else landed.source
    rows = f", {landed.rows:,} rows" if landed.rows is not None else ""
    console.print(f"landed {shown(where)}: {len(landed.files)} file(s){rows}", soft_wrap=True)
    for path in landed.files:
        console.print(f"  {shown(path)}", soft_wrap=True)
    if landed.replaced:
        console.print(f"replaced: {shown(', '.join(landed.replaced))}", soft_wrap=True)
    console.print("next: `nyc-mobility run` builds the months whose files changed")
