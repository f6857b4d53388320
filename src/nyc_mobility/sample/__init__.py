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
from nyc_mobility.settings import SAMPLE_END, SAMPLE_SCALE, SAMPLE_START

DEFAULT_START, DEFAULT_END, DEFAULT_SCALE = SAMPLE_START, SAMPLE_END, SAMPLE_SCALE
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


SOURCES = ("yellow", "fhv", "citibike", "weather")
_RAW = {"yellow": "tlc_yellow", "fhv": "tlc_fhv", "citibike": "citibike", "weather": "weather"}


def write_source(
    folder: Path,
    month: str,
    source: str,
    *,
    scale: float = DEFAULT_SCALE,
    seed: int = DEFAULT_SEED,
    max_rows_per_csv: int = 1_000_000,
) -> Path:
    """Write one source's published file for ``month`` (each source alone gives the same bytes)."""
    from nyc_mobility.sample import citibike, taxi, weather
    from nyc_mobility.sample.demand import month_hours

    if not 0 < scale <= 10:
        raise ValueError(f"scale must be in (0, 10], got {scale}")
    if source not in SOURCES:
        raise ValueError(f"unknown sample source {source!r}; expected one of {SOURCES}")
    response, series = weather.response_for_month(month, zlib.crc32(f"{seed}/{month}/weather".encode()))
    folder = Path(folder)
    if source == "weather":
        return weather.write_response(response, folder / f"open_meteo_{month}.json")
    hours = month_hours(month, series)
    rng = _rng(seed, month, source)
    if source == "yellow":
        return taxi.write_parquet(
            taxi.yellow_table(month, hours, scale, rng), folder / f"yellow_tripdata_{month}.parquet"
        )
    if source == "fhv":
        return taxi.write_parquet(
            taxi.fhv_table(month, hours, scale, rng), folder / f"fhv_tripdata_{month}.parquet"
        )
    return citibike.write_zip(citibike.trips_table(month, hours, scale, rng), month, folder, max_rows_per_csv)


def write_published(
    folder: Path,
    month: str,
    *,
    scale: float = DEFAULT_SCALE,
    seed: int = DEFAULT_SEED,
    max_rows_per_csv: int = 1_000_000,
) -> PublishedMonth:
    """Every source's published file for ``month``."""
    paths = {
        source: write_source(folder, month, source, scale=scale, seed=seed, max_rows_per_csv=max_rows_per_csv)
        for source in SOURCES
    }
    return PublishedMonth(
        month=month,
        yellow=paths["yellow"],
        fhv=paths["fhv"],
        citibike_zip=paths["citibike"],
        weather=paths["weather"],
    )


def land_source(
    raw_dir: Path,
    month: str,
    source: str,
    *,
    scale: float = DEFAULT_SCALE,
    seed: int = DEFAULT_SEED,
    max_rows_per_csv: int = 1_000_000,
) -> list[Path]:
    """Write one source-month of the sample and land it, as the downloader lands the official file."""
    with tempfile.TemporaryDirectory(prefix="nyc-mobility-sample-") as tmp:
        path = write_source(
            Path(tmp), month, source, scale=scale, seed=seed, max_rows_per_csv=max_rows_per_csv
        )
        if source == "citibike":
            return raw.land_citibike_zip(path, raw_dir, month)
        return [raw.land_file(path, raw_dir, _RAW[source], month)]


def land_zones(raw_dir: Path) -> list[Path]:
    """The sample's zone lookup and (synthetic) zone shapes, landed."""
    from nyc_mobility.sample.shapes import write_taxi_zones_zip
    from nyc_mobility.sample.zones import write_zone_lookup

    with tempfile.TemporaryDirectory(prefix="nyc-mobility-sample-") as tmp:
        lookup = write_zone_lookup(Path(tmp) / raw.ZONE_LOOKUP_NAME)
        shapes = write_taxi_zones_zip(Path(tmp) / "taxi_zones.zip")
        return [raw.land_zone_lookup(lookup, raw_dir), raw.land_zone_shapes(shapes, raw_dir)]


def generate(
    raw_dir: Path,
    start: str = DEFAULT_START,
    end: str = DEFAULT_END,
    *,
    scale: float = DEFAULT_SCALE,
    seed: int = DEFAULT_SEED,
    max_rows_per_csv: int = 1_000_000,
) -> SampleResult:
    """Write and land the sample (zones and every source) for every month from ``start`` to ``end``."""
    months = month_range(start, end)
    result = SampleResult(months=months)
    result.landed["zones"] = land_zones(raw_dir)
    for month in months:
        for source in SOURCES:
            landed = land_source(
                raw_dir, month, source, scale=scale, seed=seed, max_rows_per_csv=max_rows_per_csv
            )
            result.landed.setdefault(_RAW[source], []).extend(landed)
    return result
