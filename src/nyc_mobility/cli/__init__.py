"""The ``nyc-mobility`` command line: one module per command group."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import typer

from nyc_mobility.cli import ingest, init, land, metrics, mf, report, run, sample, validate


def friendly(command: Callable[..., Any]) -> Callable[..., Any]:
    """A command whose known failure conditions (another run, a read-only or full disk, a damaged
    DuckDB file) end with one clear line and exit code 1, not a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort, typer.BadParameter):
            raise
        except Exception as exc:
            from nyc_mobility.errors import explain

            message = explain(exc)
            if message is None:
                raise
            from nyc_mobility.cli.text import clean

            typer.echo(f"Error: {clean(message)}", err=True)
            raise typer.Exit(code=1) from None

    return wrapper


app = typer.Typer(
    name="nyc-mobility",
    help="NYC Mobility & Weather Analytics: build the dbt + Dagster pipeline on sample or real data.",
    no_args_is_help=True,
    add_completion=False,
)
app.command("run")(friendly(run.run))
app.command("validate")(friendly(validate.validate))
app.command("sample")(friendly(sample.sample))
app.command("ingest")(friendly(ingest.ingest))
app.command("land")(friendly(land.land))
app.command("init")(friendly(init.init))
for registered in metrics.app.registered_commands:
    registered.callback = friendly(registered.callback)
app.add_typer(metrics.app, name="metrics")
app.command("report")(friendly(report.report))
app.command("mf", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})(
    friendly(mf.mf)
)


def _print_version(value: bool) -> None:
    """Runs while the options are parsed, before a command is required."""
    if value:
        from nyc_mobility import __version__

        typer.echo(__version__)
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", help="Print the version and exit.", is_eager=True, callback=_print_version
    ),
) -> None:
    """NYC Mobility & Weather Analytics: build the dbt + Dagster pipeline on sample or real data."""


def main() -> None:
    app()
