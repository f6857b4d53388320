"""The taxi zones' files: where the zone lookup and shapes land under the raw directory (the registry's
static ``zones`` source), how they land (the shapefile out of ``taxi_zones.zip``, with the zones'
grid written beside it) and the check before dbt reads them (the shapes landed, their grid current).

The raw layer lands every file (:mod:`nyc_mobility.raw`); this module is what is particular to the
zones, so everything about them is in :mod:`nyc_mobility.zones`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from pathlib import Path

from nyc_mobility import sources
from nyc_mobility.raw.landing import (
    ZIP_MEMBER_ERRORS,
    RawFileError,
    atomic_path,
    bounded_copy,
    expansion_limit,
)
from nyc_mobility.raw.layout import static_file
from nyc_mobility.raw.preflight import FileProblem
from nyc_mobility.sources import RawSource
from nyc_mobility.zones.grid import grid_path, is_current, write_grid

_SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg", ".sbn", ".sbx")
# The official zone shapefile's largest part is about 1 MB; a part of a GiB is not a zone shapefile.
MAX_SHAPEFILE_PART_BYTES = 1 << 30


def zones_source() -> RawSource:
    """The static source landed as the zone lookup and shapes."""
    return next(s for s in sources.static() if s.landing == "zones")


def zone_lookup_path(raw_dir: Path) -> Path:
    return static_file(raw_dir, zones_source(), 0)


def zone_shapes_path(raw_dir: Path) -> Path:
    return static_file(raw_dir, zones_source(), 1)


def land_zone_lookup(src: Path, raw_dir: Path) -> Path:
    target = zone_lookup_path(raw_dir)
    with atomic_path(target) as tmp:
        shutil.copyfile(src, tmp)
    return target


def write_zone_grid(origin: Path, shp: Path, target: Path | None = None) -> None:
    """The zones' 4-decimal grid of ``shp`` (nyc_mobility.zones.grid: what dbt reads), beside it or at
    ``target``; shapes that are no polygons with a LocationID are a :class:`RawFileError` naming ``origin``."""
    try:
        write_grid(shp, target)
    # pyshp and shapely raise many kinds of error on a broken shapefile: every one is the file's fault
    except Exception as exc:
        raise RawFileError(
            f"{origin}: the zone shapes cannot be read as polygons with a LocationID ({exc})"
        ) from exc


def land_zone_shapes(zip_path: Path, raw_dir: Path) -> Path:
    """Land the shapefile inside ``taxi_zones.zip`` beside :func:`zone_shapes_path` (replaced whole),
    with the zones' grid (``taxi_zone_grid.parquet``) written from it in the same folder."""
    zip_path = Path(zip_path)
    try:
        archive = zipfile.ZipFile(zip_path)
    except zipfile.BadZipFile as exc:
        raise RawFileError(f"{zip_path}: not a valid zip archive ({exc})") from exc
    shapefile = zone_shapes_path(raw_dir)
    target = shapefile.parent
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        with archive:
            members = [
                m
                for m in archive.namelist()
                if Path(m).suffix.lower() in _SHAPEFILE_PARTS and "__MACOSX" not in Path(m).parts
            ]
            if not any(m.lower().endswith(".shp") for m in members):
                raise RawFileError(f"{zip_path}: the archive holds no .shp shapefile")
            for member in members:
                info = archive.getinfo(member)
                limit = min(expansion_limit(info.compress_size), MAX_SHAPEFILE_PART_BYTES)
                part = staging / f"{shapefile.stem}{Path(member).suffix.lower()}"
                try:
                    with archive.open(info) as source, part.open("wb") as out:
                        bounded_copy(source, out, limit, f"{zip_path}: member {member}")
                except ZIP_MEMBER_ERRORS as exc:
                    raise RawFileError(f"{zip_path}: member {member} cannot be read ({exc})") from None
        write_zone_grid(zip_path, staging / shapefile.name)
        previous = target.with_name(f".{target.name}.old")
        shutil.rmtree(previous, ignore_errors=True)
        if target.exists():
            os.replace(target, previous)
        os.replace(staging, target)
        shutil.rmtree(previous, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return shapefile


def zone_problems(raw_dir: Path) -> list[FileProblem]:
    """The zone shapes must be landed; their grid (what dbt reads) is written here when shapes landed
    before it existed, or changed since it was written, are found."""

    shp = zone_shapes_path(raw_dir)
    if not shp.exists():
        return [
            FileProblem(
                shp,
                "the taxi zone shapes are not landed (nyc-mobility ingest, or nyc-mobility land --source zones taxi_zones.zip)",
            )
        ]

    try:
        ensure_zone_grid(raw_dir)
    except RawFileError as exc:
        return [FileProblem(shp, f"the zone grid cannot be written from the shapes ({exc})")]
    return []


def ensure_zone_grid(raw_dir: Path) -> Path | None:
    """Write the zone grid of shapes landed before the grid existed (or changed since); None without shapes."""

    shp = zone_shapes_path(raw_dir)
    if not shp.exists():
        return None
    if not is_current(shp):
        with atomic_path(grid_path(shp)) as tmp:
            write_zone_grid(shp, shp, tmp)
    return grid_path(shp)
