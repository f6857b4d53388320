"""The embedded sample: deterministic raw files in the exact published formats.

:func:`write_published` writes what the official sources publish for each month (TLC parquet,
the Citi Bike zip, the Open-Meteo JSON response, the zone lookup CSV); :func:`generate` then
lands them through :mod:`nyc_mobility.raw`, the same code path the downloaders use.
"""

from __future__ import annotations

import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from nyc_mobility import raw
from nyc_mobility.months import month_range

DEFAULT_START, DEFAULT_END = "2024-10", "2024-11"
DEFAULT_SCALE = 0.002
DEFAULT_SEED = 42


@dataclass
class PublishedMonth:
    """The files one month publishes, as named by their official sources."""

    month: str
    yellow: Path
    fhv: Path
    citibike_zip: Path
    weather: Path


@dataclass
class SampleResult:
    months: list[str]
    landed: dict[str, list[Path]] = field(default_factory=dict)


def _rng(seed: int, month: str, source: str) -> np.random.Generator:
    """One independent stream per (seed, month, source): a month's files never depend on the range."""
    return np.random.default_rng([seed, zlib.crc32(f"{month}/{source}".encode())])


def write_published(
    folder: Path,
    month: str,
    *,
    scale: float = DEFAULT_SCALE,
    seed: int = DEFAULT_SEED,
    max_rows_per_csv: int = 1_000_000,
) -> PublishedMonth:
    from nyc_mobility.sample import citibike, taxi, weather
    from nyc_mobility.sample.demand import month_hours

    if not 0 < scale <= 10:
        raise ValueError(f"scale must be in (0, 10], got {scale}")
    response, series = weather.response_for_month(month, zlib.crc32(f"{seed}/{month}/weather".encode()))
    hours = month_hours(month, series)
    folder = Path(folder)
    return PublishedMonth(
        month=month,
        yellow=taxi.write_parquet(
            taxi.yellow_table(month, hours, scale, _rng(seed, month, "yellow")),
            folder / f"yellow_tripdata_{month}.parquet",
        ),
        fhv=taxi.write_parquet(
            taxi.fhv_table(month, hours, scale, _rng(seed, month, "fhv")),
            folder / f"fhv_tripdata_{month}.parquet",
        ),
        citibike_zip=citibike.write_zip(
            citibike.trips_table(month, hours, scale, _rng(seed, month, "citibike")),
            month,
            folder,
            max_rows_per_csv,
        ),
        weather=weather.write_response(response, folder / f"open_meteo_{month}.json"),
    )


def generate(
    raw_dir: Path,
    start: str = DEFAULT_START,
    end: str = DEFAULT_END,
    *,
    scale: float = DEFAULT_SCALE,
    seed: int = DEFAULT_SEED,
    max_rows_per_csv: int = 1_000_000,
) -> SampleResult:
    """Write and land the sample for every month from ``start`` to ``end`` (inclusive)."""
    from nyc_mobility.sample.shapes import write_taxi_zones_zip
    from nyc_mobility.sample.zones import write_zone_lookup

    months = month_range(start, end)
    result = SampleResult(months=months)
    raw_dir = Path(raw_dir)
    with tempfile.TemporaryDirectory(prefix="nyc-mobility-sample-") as tmp:
        lookup = write_zone_lookup(Path(tmp) / raw.ZONE_LOOKUP_NAME)
        shapes = write_taxi_zones_zip(Path(tmp) / "taxi_zones.zip")
        result.landed["zones"] = [
            raw.land_zone_lookup(lookup, raw_dir),
            raw.land_zone_shapes(shapes, raw_dir),
        ]
        for month in months:
            published = write_published(
                Path(tmp) / month, month, scale=scale, seed=seed, max_rows_per_csv=max_rows_per_csv
            )
            landed = {
                "tlc_yellow": [raw.land_file(published.yellow, raw_dir, "tlc_yellow", month)],
                "tlc_fhv": [raw.land_file(published.fhv, raw_dir, "tlc_fhv", month)],
                "citibike": raw.land_citibike_zip(published.citibike_zip, raw_dir, month),
                "weather": [raw.land_file(published.weather, raw_dir, "weather", month)],
            }
            for source, paths in landed.items():
                result.landed.setdefault(source, []).extend(paths)
    return result
