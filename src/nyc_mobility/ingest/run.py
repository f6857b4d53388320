"""Ingest months of the official sources into the raw layer (what ``nyc-mobility ingest`` does)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from nyc_mobility import raw, sources
from nyc_mobility.ingest.download import (
    DEFAULT_POLICY,
    DownloadError,
    DownloadResult,
    NoNetworkError,
    NotFoundError,
    Progress,
    RetryPolicy,
    download,
    make_client,
)
from nyc_mobility.ingest.urls import DEFAULT_URLS, DisallowedHostError, SourceUrls
from nyc_mobility.raw import formats
from nyc_mobility.sources import RawSource
from nyc_mobility.zones import files as zone_files


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
    """Source names from ``"yellow,citibike"`` (every registered source when empty)."""
    return [source.name for source in sources.parse_names(value)]


def ingest(
    raw_dir: Path,
    downloads_dir: Path,
    months: list[str],
    sources_wanted: list[str],
    *,
    urls: SourceUrls = DEFAULT_URLS,
    policy: RetryPolicy = DEFAULT_POLICY,
    progress: Callable[[str], Progress | None] = lambda _label: None,
    client: httpx.Client | None = None,
) -> IngestReport:
    """Download and land every requested source for every month (static sources once).

    A failing source-month is reported and the others go on; nothing partial is ever landed.
    """
    owned = client is None
    client = client or make_client(policy)
    report = IngestReport()
    chosen = sources.parse_names(sources_wanted)
    jobs: list[tuple[RawSource, str | None]] = [(s, None) for s in chosen if not s.is_monthly]
    jobs += [(source, month) for month in months for source in chosen if source.is_monthly]
    try:
        for index, (source, month) in enumerate(jobs):
            label = source.name if month is None else f"{source.name} {month}"
            land = _LANDERS[source.landing]
            try:
                with _as_one_landing(raw_dir, source, month):
                    landed = land(
                        client, raw_dir, downloads_dir, source, month, urls, policy, progress(label)
                    )
            except NoNetworkError as exc:  # every other download would fail the same way
                rest = len(jobs) - index - 1
                note = f" ({rest} other download(s) not attempted)" if rest else ""
                report.failures.append(Failure(source.name, month, f"{exc}{note}"))
                break
            except (DownloadError, DisallowedHostError, raw.RawFileError) as exc:
                report.failures.append(Failure(source.name, month, str(exc)))
            else:
                report.landed.append(landed)
    finally:
        if owned:
            client.close()
    return report


def _as_one_landing(raw_dir: Path, source: RawSource, month: str | None):
    """A monthly source-month lands as one unit (marker first, manifest last); static ones as they are."""
    import contextlib

    from nyc_mobility.raw.manifest import month_landing

    if month is None:
        return contextlib.nullcontext()
    return month_landing(raw_dir, source, month, origin="official")


def _landed(source: str, month: str | None, result: DownloadResult, files: list[Path]) -> Landed:
    return Landed(
        source, month, result.url, files, result.size, result.sha256, result.skipped, result.metadata
    )


def file_check(source: RawSource) -> Callable[[Path], dict]:
    """How a downloaded file of ``source`` is validated before it is landed."""
    if source.landed_suffix == ".json":
        return formats.open_meteo

    return lambda path: formats.parquet(path, source.timestamp_columns)


def _single(client, raw_dir, downloads_dir, source, month, urls, policy, progress) -> Landed:
    """One published file landed under the month: the first candidate URL the host serves. Parquet
    and Open-Meteo JSON land unchanged; a CSV or gzipped CSV (what older mirrors serve) is
    downloaded under ``downloads/`` and landed as text-typed parquet with ``land``'s checks."""
    from nyc_mobility.ingest.local import land_trip_csv

    candidates = urls.urls_for(source, month)
    missing: NotFoundError | None = None
    for url in candidates:
        name = url.split("?", 1)[0].rsplit("/", 1)[-1]
        try:
            if name.lower().endswith((".csv", ".csv.gz")):
                result = _download_archive(
                    client, url, downloads_dir, source, formats.csv_download, urls, policy, progress
                )
                files = [land_trip_csv(result.path, raw_dir, source, month)]
                landed = _landed(source.name, month, result, files)
                landed.metadata = {**landed.metadata, "rows": formats.parquet_rows(files)}
                return landed
            if source.landed_suffix == ".json":
                name = f"open_meteo_{month}.json"  # the archive URL is a query, not a file name
            dest = raw.month_dir(raw_dir, source, month) / name
            result = download(
                client, url, dest, file_check(source), urls=urls, policy=policy, progress=progress
            )
            return _landed(source.name, month, result, [result.path])
        except NotFoundError as exc:
            missing = missing or exc  # the published form's 404 is the one to report
    assert missing is not None
    if len(candidates) > 1:
        others = ", ".join(u.rsplit("/", 1)[-1] for u in candidates[1:])
        raise NotFoundError(f"{missing} (nor {others})") from None
    raise missing


def _archive(client, raw_dir, downloads_dir, source, month, urls, policy, progress) -> Landed:
    """The first candidate archive that exists and holds the month, every CSV in it landed."""
    tried = []
    for url in urls.urls_for(source, month):
        name = url.rsplit("/", 1)[-1]
        try:
            result = _download_archive(
                client, url, downloads_dir, source, formats.trip_zip, urls, policy, progress
            )
        except NotFoundError:
            tried.append(name)
            continue
        yearly = month.replace("-", "") not in name and month not in name
        try:
            files = raw.land_csv_archive(result.path, raw_dir, source, month, only_month=yearly)
        except raw.RawFileError:
            if yearly:
                tried.append(f"{name} (no {month} inside)")
                continue
            raise
        files += _also_published(client, raw_dir, downloads_dir, source, month, urls, policy, progress)
        landed = _landed(source.name, month, result, files)
        landed.metadata = {**landed.metadata, "rows": formats.parquet_rows(files)}
        return landed
    raise DownloadError(f"no {source.name} archive for {month}: tried {', '.join(tried)}")


def _download_archive(client, url, downloads_dir, source, check, urls, policy, progress) -> DownloadResult:
    """A published archive, downloaded under ``downloads/<folder>/`` by its published name (kept
    there: a re-run finds it and skips the download)."""
    dest = Path(downloads_dir) / source.folder / url.rsplit("/", 1)[-1]
    return download(client, url, dest, check, urls=urls, policy=policy, progress=progress)


def _also_published(client, raw_dir, downloads_dir, source, month, urls, policy, progress) -> list[Path]:
    """The month's further archives (Jersey City's), each landed when published; a 404 is none."""
    files: list[Path] = []
    for url in urls.also_urls_for(source, month):
        try:
            result = _download_archive(
                client, url, downloads_dir, source, formats.trip_zip, urls, policy, progress
            )
        except NotFoundError:
            continue
        files += raw.land_csv_archive(result.path, raw_dir, source, month)
    return files


def _zones(client, raw_dir, downloads_dir, source, month, urls, policy, progress) -> Landed:
    """The zone lookup CSV and the zone shapes (``taxi_zones.zip``, landed as a shapefile).

    Shapes already landed are kept (delete ``zones/taxi_zones`` to fetch them again).
    """
    lookup_url, shapes_url = urls.urls_for(source)
    lookup = download(
        client,
        lookup_url,
        zone_files.zone_lookup_path(raw_dir),
        formats.zone_lookup,
        urls=urls,
        policy=policy,
        progress=progress,
    )
    shapefile = zone_files.zone_shapes_path(raw_dir)
    shapes_skipped = shapefile.exists()
    if not shapes_skipped:
        shapes = _download_archive(
            client, shapes_url, downloads_dir, source, formats.shapes_zip, urls, policy, progress
        )
        zone_files.land_zone_shapes(shapes.path, raw_dir)
    landed = _landed(source.name, None, lookup, [lookup.path, shapefile])
    landed.skipped = lookup.skipped and shapes_skipped
    return landed


def _report(client, raw_dir, downloads_dir, source, month, urls, policy, progress) -> Landed:
    """The TLC's monthly report, downloaded and landed as a copy of today's date (UTC); a copy of
    today already landed is kept (the TLC revises earlier months between copies: each day's copy is
    its own)."""
    import datetime as dt

    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    (url,) = urls.urls_for(source)
    target = raw.report_copy_path(raw_dir, source, today)
    if target.exists():
        return Landed(
            source.name, None, url, [target], target.stat().st_size, "", True, formats.tlc_report(target)
        )
    # dated, so an earlier day's download is never taken for today's copy
    dest = Path(downloads_dir) / source.folder / today / source.files[0]
    result = download(client, url, dest, formats.tlc_report, urls=urls, policy=policy, progress=progress)
    landed = raw.land_report(result.path, raw_dir, source, today)
    return _landed(source.name, None, result, [landed])


_LANDERS = {"file": _single, "csv_archive": _archive, "zones": _zones, "report": _report}
