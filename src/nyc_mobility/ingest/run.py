"""Ingest months of the official sources into the raw layer (what ``nyc-mobility ingest`` does)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from nyc_mobility import raw
from nyc_mobility.ingest import validate
from nyc_mobility.ingest.download import (
    DEFAULT_POLICY,
    DownloadError,
    DownloadResult,
    NotFoundError,
    Progress,
    RetryPolicy,
    download,
    make_client,
)
from nyc_mobility.ingest.sources import DEFAULT_URLS, DisallowedHostError, SourceUrls

MONTHLY = ("yellow", "fhv", "citibike", "weather")
ALL = (*MONTHLY, "zones")
_RAW_NAME = {"yellow": "tlc_yellow", "fhv": "tlc_fhv", "citibike": "citibike", "weather": "weather"}


@dataclass
class Failure:
    source: str
    month: str | None
    error: str


@dataclass
class IngestReport:
    landed: list[Landed] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)


@dataclass
class Landed:
    """One source-month (or the zones) landed: what was fetched and what is on disk now."""

    source: str
    month: str | None
    url: str
    files: list[Path]
    size: int
    sha256: str
    skipped: bool
    metadata: dict = field(default_factory=dict)

    @property
    def rows(self) -> int | None:
        return self.metadata.get("rows")


def parse_sources(value: str | Iterable[str]) -> list[str]:
    names = [s.strip() for s in (value.split(",") if isinstance(value, str) else value) if s.strip()]
    unknown = sorted(set(names) - set(ALL))
    if unknown:
        raise ValueError(f"unknown source(s) {', '.join(unknown)}; choose from {', '.join(ALL)}")
    return names or list(ALL)


def ingest(
    raw_dir: Path,
    downloads_dir: Path,
    months: list[str],
    sources: list[str],
    *,
    urls: SourceUrls = DEFAULT_URLS,
    policy: RetryPolicy = DEFAULT_POLICY,
    progress: Callable[[str], Progress | None] = lambda _label: None,
    client: httpx.Client | None = None,
) -> IngestReport:
    """Download and land every requested source for every month (zones once).

    A failing source-month is reported and the others go on; nothing partial is ever landed.
    """
    owned = client is None
    client = client or make_client(policy)
    report = IngestReport()
    jobs: list[tuple[str, str | None]] = [("zones", None)] if "zones" in sources else []
    jobs += [(source, month) for month in months for source in MONTHLY if source in sources]
    try:
        for source, month in jobs:
            label = source if month is None else f"{source} {month}"
            try:
                if source == "zones":
                    landed = _zones(client, raw_dir, downloads_dir, urls, policy, progress(label))
                elif source == "citibike":
                    landed = _citibike(client, raw_dir, downloads_dir, month, urls, policy, progress(label))
                else:
                    landed = _single(client, raw_dir, month, source, urls, policy, progress(label))
            except (DownloadError, DisallowedHostError, raw.RawFileError) as exc:
                report.failures.append(Failure(source, month, str(exc)))
            else:
                report.landed.append(landed)
    finally:
        if owned:
            client.close()
    return report


def _landed(source: str, month: str | None, result: DownloadResult, files: list[Path]) -> Landed:
    return Landed(
        source, month, result.url, files, result.size, result.sha256, result.skipped, result.metadata
    )


def _single(client, raw_dir, month, source, urls, policy, progress) -> Landed:
    if source == "weather":
        url, name, check = urls.weather_url(month), f"open_meteo_{month}.json", validate.open_meteo
    else:
        url = urls.tlc_trip_url(source, month)
        name = url.rsplit("/", 1)[-1]

        def check(path: Path) -> dict:
            column = "tpep_pickup_datetime" if source == "yellow" else "pickup_datetime"
            return validate.parquet(path, column)

    dest = raw.month_dir(raw_dir, _RAW_NAME[source], month) / name
    result = download(client, url, dest, check, urls=urls, policy=policy, progress=progress)
    return _landed(source, month, result, [result.path])


def _citibike(client, raw_dir, downloads_dir, month, urls, policy, progress) -> Landed:
    tried = []
    for url in urls.citibike_urls(month):
        name = url.rsplit("/", 1)[-1]
        try:
            result = download(
                client,
                url,
                Path(downloads_dir) / "citibike" / name,
                validate.trip_zip,
                urls=urls,
                policy=policy,
                progress=progress,
            )
        except NotFoundError:
            tried.append(name)
            continue
        yearly = not name[:6].isdigit()
        try:
            files = raw.land_citibike_zip(result.path, raw_dir, month, only_month=yearly)
        except raw.RawFileError:
            if yearly:
                tried.append(f"{name} (no {month} inside)")
                continue
            raise
        landed = _landed("citibike", month, result, files)
        landed.metadata = {**landed.metadata, "rows": _parquet_rows(files)}
        return landed
    raise DownloadError(f"no Citi Bike archive for {month}: tried {', '.join(tried)}")


def _zones(client, raw_dir, downloads_dir, urls, policy, progress) -> Landed:
    """The zone lookup CSV and the zone shapes (``taxi_zones.zip``, landed as a shapefile).

    Shapes already landed are kept (delete ``zones/taxi_zones`` to fetch them again).
    """
    url = urls.zone_lookup_url()
    dest = Path(raw_dir) / "zones" / raw.ZONE_LOOKUP_NAME
    lookup = download(client, url, dest, validate.zone_lookup, urls=urls, policy=policy, progress=progress)
    shapefile = raw.zone_shapes_path(raw_dir)
    shapes_skipped = shapefile.exists()
    if not shapes_skipped:
        shapes = download(
            client,
            urls.zone_shapes_url(),
            Path(downloads_dir) / "zones" / "taxi_zones.zip",
            validate.shapes_zip,
            urls=urls,
            policy=policy,
            progress=progress,
        )
        raw.land_zone_shapes(shapes.path, raw_dir)
    landed = _landed("zones", None, lookup, [lookup.path, shapefile])
    landed.skipped = lookup.skipped and shapes_skipped
    return landed


def _parquet_rows(files: list[Path]) -> int:
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(f).metadata.num_rows for f in files)
