"""``nyc-mobility report``: write the weather-impact HTML report and print its path."""

from __future__ import annotations

from pathlib import Path

import typer

from nyc_mobility.cli.options import DataDir, settings_from

Output = typer.Option(
    None, "--output", "-o", help="HTML file (default: DATA_DIR/reports/weather_impact.html)."
)
Database = typer.Option(None, "--database", help="DuckDB file (default: the serving snapshot).")
Months = typer.Option(
    None,
    "--months",
    min=1,
    help="Latest months with trips to cover (default: the report_months setting, 12).",
)


def report(
    output: Path = Output, database: Path = Database, months: int = Months, data_dir: Path = DataDir
) -> None:
    """Render the weather-impact report (charts and headline metrics over the latest months) from the
    governed metrics."""
    from nyc_mobility.metrics import MetricQueryError, MetricsService
    from nyc_mobility.metrics.report import write_report
    from nyc_mobility.raw.manifest import origins

    settings = settings_from(data_dir=data_dir)
    service = MetricsService(database if database is not None else settings.serving_path)
    try:
        path = write_report(
            service,
            output if output is not None else settings.report_path,
            months if months is not None else settings.report_months,
            synthetic="sample" in origins(settings.raw_dir),  # the sample's landings say so
        )
    except (MetricQueryError, FileNotFoundError) as error:
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(code=2) from error
    finally:
        service.close()
    typer.echo(str(path.resolve()))
