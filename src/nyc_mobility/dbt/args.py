"""dbt command lines, built by small pure functions (tested directly)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from nyc_mobility.months import format_month, parse_month
from nyc_mobility.settings import Settings


def dbt_vars(
    settings: Settings, *, start_month: str | None = None, end_month: str | None = None
) -> dict[str, Any]:
    """The vars every invocation passes: where the warehouse and the raw files are, and the months
    (on Spark also the sources with landed files and where a local session keeps its tables)."""
    values: dict[str, Any] = {
        "duckdb_path": str(settings.warehouse_path),
        "raw_dir": str(settings.raw_dir),
        "publisher_tolerance": settings.publisher_tolerance,
        "publisher_fhv_tolerance": settings.publisher_fhv_tolerance,
    }
    if settings.engine == "spark":
        values["landed_sources"] = landed_trip_tables(settings.raw_dir)
        values["spark_warehouse"] = str(settings.spark_dir / "warehouse")
        values["spark_metastore"] = str(settings.spark_dir / "metastore_db")
        values["spark_derby_home"] = str(settings.spark_dir)
    if start_month is not None:
        values["start_month"] = format_month(parse_month(start_month))
    if end_month is not None:
        values["end_month"] = format_month(parse_month(end_month))
    if start_month and end_month and values["start_month"] > values["end_month"]:
        raise ValueError(f"start_month {start_month} is after end_month {end_month}")
    return values


def landed_trip_tables(raw_dir: Path) -> list[str]:
    """The dbt source tables of the trip sources (and the report) with a landed file under ``raw_dir``.

    Passed to Spark builds as the var ``landed_sources`` (Spark SQL cannot count a glob's files, so
    macros/staging/raw_source.sql builds the others as empty sources, as DuckDB does by itself).
    """
    from nyc_mobility import sources

    read_if_landed = [*sources.trips(), *(s for s in sources.static() if s.landing == "report")]
    return sorted(
        source.dbt_table
        for source in read_if_landed
        if any(
            not path.name.startswith(".")
            for path in Path(raw_dir).glob(f"{source.folder}/*=*/*{source.landed_suffix}")
        )
    )


def vars_arg(values: Mapping[str, Any]) -> list[str]:
    return ["--vars", json.dumps(dict(values), sort_keys=True)]


def build_args(
    settings: Settings,
    *,
    start_month: str | None = None,
    end_month: str | None = None,
    full_refresh: bool = False,
    export_dir: Path | None = None,
) -> list[str]:
    """``dbt build`` with the project's vars (selection is added by dagster-dbt from the run).
    ``export_dir`` (engine spark): where the run's end writes the relations it built as parquet
    (macros/engine/export_for_serving.sql), for the DuckDB warehouse the semantic layer is served from.

    dbt unit tests check logic on fixed fixtures, not the data: they run in the test suite (and with
    ``dbt test --select test_type:unit``), not in every build, as dbt recommends for production.
    """
    values = dbt_vars(settings, start_month=start_month, end_month=end_month)
    if export_dir is not None:
        values["export_dir"] = str(export_dir)
    args = ["build", *vars_arg(values)]
    args += ["--exclude-resource-type", "unit_test"]
    if settings.dbt_threads is not None:
        args += ["--threads", str(settings.dbt_threads)]
    if full_refresh:
        args.append("--full-refresh")
    return args


def invocation_target_path(settings: Settings, run_id: str, step: str = "dbt") -> Path:
    """A fresh dbt target folder for one invocation, under the user's data directory."""
    safe_run = "".join(c for c in run_id if c.isalnum() or c == "-")[:36] or "adhoc"
    return settings.dbt_artifacts_dir / "runs" / f"{safe_run}-{step}"
