"""``nyc-mobility ingest``: download official months into the raw layer, with progress."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn
from rich.table import Table

from nyc_mobility import sources as registry
from nyc_mobility.cli.options import DataDir, settings_from
from nyc_mobility.cli.text import shown


def ingest(
    start: str = typer.Option(..., "--start", help="First month, YYYY-MM."),
    end: str = typer.Option(None, "--end", help="Last month, YYYY-MM (default: START)."),
    sources: str = typer.Option(
        ",".join(registry.names()),
        "--sources",
        help=f"Comma-separated, from: {', '.join(registry.names())}.",
    ),
    data_dir: Path = DataDir,
    tlc_base_url: str = typer.Option(None, "--tlc-base-url", help="Mirror of the TLC host."),
    citibike_base_url: str = typer.Option(
        None, "--citibike-base-url", help="Mirror of the Citi Bike bucket."
    ),
    open_meteo_base_url: str = typer.Option(
        None, "--open-meteo-base-url", help="Mirror of the Open-Meteo archive API."
    ),
    tlc_reports_base_url: str = typer.Option(
        None, "--tlc-reports-base-url", help="Mirror of the TLC's reports folder (the monthly report)."
    ),
    allow_any_host: bool = typer.Option(
        False, "--allow-any-host", help="Allow hosts outside the official HTTPS allow-list (mirrors, tests)."
    ),
    attempts: int = typer.Option(
        5, "--attempts", min=1, max=20, help="Tries per file (5xx, timeouts, cut bodies)."
    ),
    timeout: float = typer.Option(
        60.0, "--timeout", min=0.1, help="Seconds without data before a try is abandoned."
    ),
    backoff: float = typer.Option(
        1.0, "--backoff", min=0.0, help="First wait between tries, doubled each time (s)."
    ),
) -> None:
    """Download months of the official sources and land them under DATA_DIR/raw."""
    from nyc_mobility.ingest.download import RetryPolicy
    from nyc_mobility.ingest.run import ingest as run_ingest
    from nyc_mobility.ingest.run import parse_sources
    from nyc_mobility.ingest.urls import urls_of
    from nyc_mobility.months import InvalidMonthError, month_range

    console = Console(file=sys.stdout)
    settings = settings_from(data_dir=data_dir)
    try:
        months = month_range(start, end or start)
        chosen = parse_sources(sources)
    except (InvalidMonthError, ValueError) as exc:
        raise typer.BadParameter(str(exc)) from exc
    urls = urls_of(
        settings_from(
            data_dir=data_dir,
            tlc_base_url=tlc_base_url,
            citibike_base_url=citibike_base_url,
            open_meteo_base_url=open_meteo_base_url,
            tlc_reports_base_url=tlc_reports_base_url,
            allow_any_host=allow_any_host or None,
        )
    )
    with Progress(
        TextColumn("{task.description:<18}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        console=console,
        transient=False,
    ) as bars:
        monthly = [s for s in chosen if registry.get(s).is_monthly]
        overall = bars.add_task("files", total=len(months) * len(monthly) + len(chosen) - len(monthly))

        def progress(label: str):
            task = bars.add_task(label, total=None)

            def advance(received: int, total: int | None) -> None:
                bars.update(task, advance=received, total=total)

            bars.advance(overall)
            return advance

        report = run_ingest(
            settings.raw_dir,
            settings.data_dir / "downloads",
            months,
            chosen,
            urls=urls,
            policy=RetryPolicy(attempts=attempts, backoff_seconds=backoff, read_timeout=timeout),
            progress=progress,
        )
    table = Table(title=f"Landed under {settings.raw_dir}")
    for column in ("source", "month", "rows", "MB", "sha256", "status"):
        table.add_column(column, justify="right" if column in {"rows", "MB"} else "left")
    for item in report.landed:
        table.add_row(
            shown(item.source),
            shown(item.month or "-"),
            f"{item.rows:,}" if item.rows is not None else "-",
            f"{item.size / 1e6:.1f}",
            item.sha256[:12],
            "already present" if item.skipped else "downloaded",
        )
    console.print(table)
    for failure in report.failures:
        console.print(
            f"[red]failed[/] {shown(failure.source)} {shown(failure.month or '')}: {shown(failure.error)}"
        )
    if report.failures:
        raise typer.Exit(code=1)
    console.print("next: `nyc-mobility run` builds the months whose files changed")
