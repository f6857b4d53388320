"""Options shared by the commands, and how they become Settings."""

from __future__ import annotations

from pathlib import Path

import typer
from pydantic import ValidationError

from nyc_mobility.settings import Settings

DataDir = typer.Option(
    None,
    "--data-dir",
    help="Root of raw files, dbt artifacts and the warehouse (env NYC_MOBILITY_DATA_DIR; default ./data).",
)
DuckdbPath = typer.Option(
    None,
    "--duckdb-path",
    help="Warehouse file (env NYC_MOBILITY_DUCKDB_PATH; default DATA_DIR/warehouse/nyc_mobility.duckdb).",
)
Target = typer.Option(None, "--target", help="dbt target: dev or prod (env NYC_MOBILITY_TARGET).")


def settings_from(**overrides: object) -> Settings:
    """Settings from the environment and the command's options, or a clear usage error."""
    try:
        return Settings.from_env(**overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'settings'}: {err['msg']}" for err in exc.errors()
        )
        raise typer.BadParameter(problems) from exc


def as_path(value: Path | None) -> Path | None:
    return None if value is None else Path(value)
