"""``nyc-mobility sample``: write the embedded sample's raw files (and nothing else)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from nyc_mobility.cli.options import DataDir, settings_from
from nyc_mobility.settings import SAMPLE_END, SAMPLE_SCALE, SAMPLE_START

console = Console()


def sample(
    start: str = typer.Option(SAMPLE_START, "--start", help="First month, YYYY-MM."),
    end: str = typer.Option(SAMPLE_END, "--end", help="Last month, YYYY-MM."),
    scale: float = typer.Option(
        SAMPLE_SCALE, "--scale", help="Fraction of real monthly volume (1.0 = real volume)."
    ),
    seed: int = typer.Option(42, "--seed", help="Random seed; the same seed writes the same bytes."),
    data_dir: Path = DataDir,
) -> None:
    """Write deterministic raw files in the published formats for START..END."""
    from nyc_mobility.months import InvalidMonthError
    from nyc_mobility.sample import generate

    settings = settings_from(data_dir=data_dir)
    try:
        result = generate(settings.raw_dir, start, end, scale=scale, seed=seed)
    except (InvalidMonthError, ValueError) as exc:
        raise typer.BadParameter(str(exc)) from exc
    for source, paths in result.landed.items():
        console.print(f"{source:>10}: {len(paths)} file(s)")
    console.print(f"sample for {', '.join(result.months)} landed under {settings.raw_dir}")
