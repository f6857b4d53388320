"""``nyc-mobility metrics``: the governed metric catalog and metric queries."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from nyc_mobility.cli.options import DataDir, settings_from
from nyc_mobility.cli.text import clean, csv_cell, shown

app = typer.Typer(help="List the governed metrics and query them.", no_args_is_help=True)

Category = typer.Option(None, "--category", "-c", help="volume, revenue, efficiency or weather.")
Database = typer.Option(
    None,
    "--database",
    help="DuckDB file to query (default: the serving snapshot DATA_DIR/serving/nyc_mobility.duckdb).",
)
Where = typer.Option(
    None,
    "--where",
    "-w",
    help="MetricFlow filter (repeatable), e.g. \"{{ Dimension('trip__pickup_borough') }} = 'Queens'\".",
)
FORMATS = ("table", "csv", "json")


@app.command("list")
def list_command(
    category: str = Category,
    output_format: str = typer.Option("table", "--format", "-f", help="table or json."),
) -> None:
    """Every governed metric with its category, type and description."""
    from nyc_mobility.metrics import CATEGORY_LABELS, list_metrics

    try:
        found = list_metrics(category)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--category") from error
    if output_format == "json":
        rows = [
            {k: getattr(m, k) for k in ("name", "label", "category", "type", "description", "headline")}
            for m in found
        ]
        typer.echo(json.dumps(rows, indent=2))
        return
    table = Table(title=f"{len(found)} governed metrics")
    for column in ("metric", "category", "type", "description"):
        table.add_column(column, overflow="fold")
    for m in found:
        table.add_row(m.name, CATEGORY_LABELS.get(m.category, m.category), m.type, m.description)
    Console().print(table)


def _cell(value: Any) -> Any:
    if isinstance(value, dt.datetime) and value.time() == dt.time.min:
        return value.date().isoformat()
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 6)
    return value


@app.command("query")
def query_command(
    metrics: str = typer.Option(..., "--metrics", "-m", help="Comma-separated metric names."),
    group_by: str = typer.Option(
        "",
        "--group-by",
        "-g",
        help="Comma-separated, e.g. metric_time__day,mode,weather_hour__temperature_band.",
    ),
    where: list[str] = Where,
    start: str = typer.Option(
        None, "--start", help="First day (YYYY-MM-DD) or hour (YYYY-MM-DDTHH), inclusive."
    ),
    end: str = typer.Option(None, "--end", help="Last day or hour, inclusive (a day covers all its hours)."),
    order_by: str = typer.Option("", "--order-by", help="Comma-separated; prefix '-' for descending."),
    limit: int = typer.Option(None, "--limit", min=0, help="At most this many rows."),
    output_format: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
    explain: bool = typer.Option(False, "--explain", help="Print the SQL instead of running it."),
    database: Path = Database,
    data_dir: Path = DataDir,
) -> None:
    """Compute metrics grouped by dimensions, from the serving snapshot."""
    from nyc_mobility.metrics import MetricQueryError, MetricsService

    if output_format not in FORMATS:
        raise typer.BadParameter(f"expected one of {', '.join(FORMATS)}", param_hint="--format")
    path = database if database is not None else settings_from(data_dir=data_dir).serving_path
    service = MetricsService(path)
    options = {"where": where or None, "start": start, "end": end, "order_by": order_by, "limit": limit}
    try:
        if explain:
            typer.echo(service.explain(metrics, group_by, **options))
            return
        result = service.query(metrics, group_by, **options)
    except (MetricQueryError, FileNotFoundError) as error:
        typer.echo(f"Error: {clean(error)}", err=True)
        raise typer.Exit(code=2) from error
    rows = [[_cell(v) for v in row] for row in result.rows]
    if output_format == "json":
        typer.echo(
            json.dumps([dict(zip(result.columns, row, strict=True)) for row in rows], indent=2, default=str)
        )
    elif output_format == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow([csv_cell(c) for c in result.columns])
        writer.writerows([csv_cell(v) for v in row] for row in rows)
    else:
        table = Table()
        for column in result.columns:
            table.add_column(column, justify="left" if column in group_by else "right")
        for row in rows:
            table.add_row(
                *("" if v is None else f"{v:,.4f}" if isinstance(v, float) else shown(v) for v in row)
            )
        Console().print(table)
