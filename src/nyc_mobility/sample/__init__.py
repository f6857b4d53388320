"""The embedded sample: deterministic raw files in the exact published formats.

:func:`write_published` writes what the official sources publish for each month (TLC parquet,
the Citi Bike zip, the Open-Meteo JSON response, the zone lookup CSV); :func:`generate` then
lands them through :mod:`nyc_mobility.raw`, the same code path the downloaders use.
"""

from __future__ import annotations

import importlib
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from nyc_mobility import raw, sources
from nyc_mobility.months import month_range
from nyc_mobility.sample.context import SampleMonth
from nyc_mobility.settings import SAMPLE_END, SAMPLE_SCALE, SAMPLE_START
from nyc_mobility.sources import RawSource
from nyc_mobility.zones import files as zone_files

DEFAULT_START, DEFAULT_END, DEFAULT_SCALE = SAMPLE_START, SAMPLE_END, SAMPLE_SCALE
DEFAULT_SEED = 42


@dataclass
class PublishedMonth:
    """The files one month publishes, as named by their official sources (keyed by source name)."""

    month: str
    files: dict[str, Path]

    def __getitem__(self, source: str) -> Path:
        return self.files[source]


@dataclass
class SampleResult:
    months: list[str]
    landed: dict[str, list[Path]] = field(default_factory=dict)


def _rng(seed: int, month: str, source: str) -> np.random.Generator:
    """One independent stream per (seed, month, source): a month's files never depend on the range."""
    return np.random.default_rng([seed, zlib.crc32(f"{month}/{source}".encode())])


def sample_sources(month: str | None = None) -> list[RawSource]:
    """The monthly sources the sample writes (those with a sample writer in the registry); with a
    month, those that publish it (no Citi Bike before 2013-06, no HVFHV before 2019-02...)."""
    return [
        source
        for source in sources.monthly()
        if source.sample_writer and (month is None or not source.first_month or source.first_month <= month)
    ]


def _writer(source: RawSource) -> Callable[[Path, SampleMonth], Path]:
    if not source.sample_writer:
        raise ValueError(f"the sample does not write source {source.name!r}")
    module, _, function = source.sample_writer.partition(":")
    return getattr(importlib.import_module(module), function)


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
    from nyc_mobility.sample import weather
    from nyc_mobility.sample.demand import month_hours

    if not 0 < scale <= 10:
        raise ValueError(f"scale must be in (0, 10], got {scale}")
    record = sources.get(source)
    write = _writer(record)
    response, series = weather.response_for_month(month, zlib.crc32(f"{seed}/{month}/weather".encode()))
    sample = SampleMonth(
        month=month,
        hours=month_hours(month, series),
        weather_response=response,
        scale=scale,
        rng=_rng(seed, month, source),
        max_rows_per_csv=max_rows_per_csv,
    )
    return write(Path(folder), sample)


def write_published(
    folder: Path,
    month: str,
    *,
    scale: float = DEFAULT_SCALE,
    seed: int = DEFAULT_SEED,
    max_rows_per_csv: int = 1_000_000,
) -> PublishedMonth:
    """Every sample source's published file for ``month``."""
    files = {
        source.name: write_source(
            folder, month, source.name, scale=scale, seed=seed, max_rows_per_csv=max_rows_per_csv
        )
        for source in sample_sources(month)
    }
    return PublishedMonth(month=month, files=files)


def land_published(path: Path, raw_dir: Path, source: RawSource | str, month: str) -> list[Path]:
    """Land one published file of a monthly source as its registry entry says (the downloader's way)."""
    record = raw.resolve(source)
    if record.landing == "csv_archive":
        return raw.land_csv_archive(path, raw_dir, record, month)
    return [raw.land_file(path, raw_dir, record, month)]


def land_source(
    raw_dir: Path,
    month: str,
    source: str,
    *,
    scale: float = DEFAULT_SCALE,
    seed: int = DEFAULT_SEED,
    max_rows_per_csv: int = 1_000_000,
) -> list[Path]:
    """Write one source-month of the sample and land it, as the downloader lands the official file
    (as one unit: a killed landing is known as incomplete and landed again by the next run)."""
    from nyc_mobility.raw.manifest import month_landing

    with (
        tempfile.TemporaryDirectory(prefix="nyc-mobility-sample-") as tmp,
        month_landing(raw_dir, raw.resolve(source), month, origin="sample"),
    ):
        path = write_source(
            Path(tmp), month, source, scale=scale, seed=seed, max_rows_per_csv=max_rows_per_csv
        )
        return land_published(path, raw_dir, source, month)


def land_zones(raw_dir: Path) -> list[Path]:
    """The sample's zone lookup and (synthetic) zone shapes, landed."""
    from nyc_mobility.sample.shapes import write_taxi_zones_zip
    from nyc_mobility.sample.zones import write_zone_lookup

    with tempfile.TemporaryDirectory(prefix="nyc-mobility-sample-") as tmp:
        lookup = write_zone_lookup(Path(tmp) / zone_files.zone_lookup_path(raw_dir).name)
        shapes = write_taxi_zones_zip(Path(tmp) / "taxi_zones.zip")
        return [zone_files.land_zone_lookup(lookup, raw_dir), zone_files.land_zone_shapes(shapes, raw_dir)]


PLAN = ".sample-plan.json"


def record_plan(raw_dir: Path, months: list[str]) -> None:
    """Remember which months the sample was asked for, before landing them: a run killed half-way
    can then land the months it never reached (and only those the user asked for)."""
    import json

    path = Path(raw_dir) / PLAN
    path.parent.mkdir(parents=True, exist_ok=True)
    planned = sorted({*planned_months(raw_dir), *months})
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({"months": planned}), encoding="utf-8")
    tmp.replace(path)


def planned_months(raw_dir: Path) -> list[str]:
    import json

    try:
        return list(json.loads((Path(raw_dir) / PLAN).read_text(encoding="utf-8"))["months"])
    except (OSError, ValueError, KeyError, TypeError):
        return []


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
    record_plan(raw_dir, months)
    result = SampleResult(months=months)
    result.landed[zone_files.zones_source().name] = land_zones(raw_dir)
    for month in months:
        for source in sample_sources(month):
            landed = land_source(
                raw_dir, month, source.name, scale=scale, seed=seed, max_rows_per_csv=max_rows_per_csv
            )
            result.landed.setdefault(source.name, []).extend(landed)
    return result
