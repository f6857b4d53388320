"""The ``nyc-mobility`` command line: one module per command group."""

from __future__ import annotations

import typer

from nyc_mobility.cli import ingest, init, metrics, mf, report, run, sample, validate

app = typer.Typer(
    name="nyc-mobility",
    help="NYC Mobility & Weather Analytics: build the dbt + Dagster pipeline on sample or real data.",
    no_args_is_help=True,
    add_completion=False,
)
app.command("run")(run.run)
app.command("validate")(validate.validate)
app.command("sample")(sample.sample)
app.command("ingest")(ingest.ingest)
app.command("init")(init.init)
app.add_typer(metrics.app, name="metrics")
app.command("report")(report.report)
app.command("mf", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})(mf.mf)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", help="Print the version and exit.", is_eager=True),
) -> None:
    if version:
        from nyc_mobility import __version__

        typer.echo(__version__)
        raise typer.Exit()


def main() -> None:
    app()
