"""Landing: published files become landed files, validated and written atomically.

Both the sample generator and the downloaders (and ``land``) hand files *as published* to the
functions here: parquet and JSON are landed unchanged, a zipped CSV archive becomes one text-typed
parquet per CSV, the zones become the lookup CSV and a shapefile. Every write goes to a temporary
name in the same folder and is renamed into place, so dbt never sees a half-written file; a file
that cannot be landed is a :class:`RawFileError` naming the file and the problem.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from nyc_mobility.raw.layout import month_dir, resolve, zone_lookup_path, zone_shapes_path
from nyc_mobility.sources import RawSource

_SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg", ".sbn", ".sbx")


class RawFileError(ValueError):
    """A published file that cannot be landed; the message names the file and the problem."""


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it onto ``target`` only on success."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, target)
    finally:
        tmp_path.unlink(missing_ok=True)


def land_file(
    src: Path, raw_dir: Path, source: RawSource | str, month: str, *, name: str | None = None
) -> Path:
    """Land a published parquet or JSON file unchanged (copied, then renamed into place)."""
    src = Path(src)
    target = month_dir(raw_dir, source, month) / (name or src.name)
    with atomic_path(target) as tmp:
        shutil.copyfile(src, tmp)
    return target


def land_csv_as_parquet(
    src: Path, raw_dir: Path, source: RawSource | str, month: str, *, name: str | None = None
) -> Path:
    """Land a published CSV as parquet with every value kept as text (meaning unchanged)."""
    src = Path(src)
    stem = (name or src.name).removesuffix(".csv")
    target = month_dir(raw_dir, source, month) / f"{stem}.parquet"
    with atomic_path(target) as tmp:
        _csv_to_parquet(src, tmp)
    return target


def _csv_to_parquet(src: Path, dest: Path) -> None:
    """Every value as text, in RFC 4180 dialect (comma, double quotes). DuckDB's strict reader first
    (fast); a file it refuses (mixed line endings) is read again by Python's strict ``csv``; what
    neither can read (a broken quote, bytes that are not UTF-8, a short row) is an error naming the
    file and the line. Never a silently skipped row."""
    import csv

    import duckdb

    try:
        with src.open(newline="", encoding="utf-8-sig") as handle:
            header = next(csv.reader(handle, strict=True))
    except StopIteration:
        raise RawFileError(f"{src}: not a readable CSV (empty file)") from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise RawFileError(f"{src}: not a readable CSV (header: {exc})") from None
    con = duckdb.connect(config={"autoinstall_known_extensions": False})
    try:
        rel = con.read_csv(
            str(src),
            header=True,
            auto_detect=False,
            delimiter=",",
            quotechar='"',
            escapechar='"',
            columns={name: "VARCHAR" for name in header},
            strict_mode=True,
        )
        rel.write_parquet(str(dest), compression="zstd")
        return
    except duckdb.Error:
        pass  # DuckDB's strict parser refuses mixed line endings: read it with Python's csv
    finally:
        con.close()
        # Some DuckDB versions write through `tmp_<name>` beside the target and leave it on failure.
        (dest.parent / f"tmp_{dest.name}").unlink(missing_ok=True)
    _csv_to_parquet_python(src, dest, header)


def _text_table(rows: list[list[str]], schema):
    import pyarrow as pa

    return pa.Table.from_arrays([pa.array(column) for column in zip(*rows, strict=True)], schema=schema)


def _csv_to_parquet_python(src: Path, dest: Path, header: list[str]) -> None:
    import csv

    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([(name, pa.string()) for name in header])
    line = 1
    try:
        with (
            src.open(newline="", encoding="utf-8-sig") as handle,
            pq.ParquetWriter(dest, schema, compression="zstd") as writer,
        ):
            reader = csv.reader(handle, strict=True)
            next(reader)
            batch: list[list[str]] = []
            for row in reader:
                line = reader.line_num
                if len(row) != len(header):
                    raise RawFileError(
                        f"{src}: not a readable CSV (line {line}: {len(row)} fields, header has {len(header)})"
                    )
                batch.append(row)
                if len(batch) == 100_000:
                    writer.write_table(_text_table(batch, schema))
                    batch = []
            if batch:
                writer.write_table(_text_table(batch, schema))
    except csv.Error as exc:
        raise RawFileError(f"{src}: not a readable CSV (line {line + 1}: {exc})") from None
    except UnicodeDecodeError as exc:
        raise RawFileError(f"{src}: not a readable CSV (not UTF-8 after line {line}: {exc.reason})") from None


def land_csv_archive(
    zip_path: Path, raw_dir: Path, source: RawSource | str, month: str, *, only_month: bool = False
) -> list[Path]:
    """Land every trip CSV inside a published zip archive (Citi Bike's) as parquet.

    ``__MACOSX/`` entries and non-CSV members are ignored; zips nested in the archive (the yearly
    archives hold monthly ones) are opened too. With ``only_month`` (a yearly archive), only members
    whose name carries the month (``YYYYMM``) are landed. An archive without any is an error.
    """
    zip_path = Path(zip_path)
    stamp = month.replace("-", "")
    with tempfile.TemporaryDirectory(prefix="nyc-mobility-unzip-") as tmp:
        csvs = _extract_trip_csvs(zip_path, Path(tmp), stamp if only_month else None)
        if not csvs:
            what = f"trip CSV for {month}" if only_month else "trip CSV"
            raise RawFileError(f"{zip_path}: the archive holds no {what}")
        return [land_csv_as_parquet(csv, raw_dir, resolve(source), month, name=csv.name) for csv in csvs]


def _extract_trip_csvs(zip_path: Path, into: Path, stamp: str | None, depth: int = 0) -> list[Path]:
    """Extract the trip CSVs of an archive (and of the zips nested in it, two levels at most)."""
    try:
        archive = zipfile.ZipFile(zip_path)
    except zipfile.BadZipFile as exc:
        raise RawFileError(f"{zip_path}: not a valid zip archive ({exc})") from exc
    found: list[Path] = []
    with archive:
        for index, member in enumerate(archive.namelist()):
            name = Path(member).name
            if "__MACOSX" in Path(member).parts or name.startswith("._") or member.endswith("/"):
                continue
            wanted = stamp is None or stamp in name
            if name.lower().endswith(".csv") and wanted:
                found.append(Path(archive.extract(member, into / str(index))))
            elif name.lower().endswith(".zip") and depth < 2 and (wanted or depth == 0):
                nested = Path(archive.extract(member, into / str(index)))
                inner_stamp = None if wanted else stamp
                found.extend(_extract_trip_csvs(nested, into / f"{index}-unzipped", inner_stamp, depth + 1))
    return found


def land_zone_lookup(src: Path, raw_dir: Path) -> Path:
    target = zone_lookup_path(raw_dir)
    with atomic_path(target) as tmp:
        shutil.copyfile(src, tmp)
    return target


def land_zone_shapes(zip_path: Path, raw_dir: Path) -> Path:
    """Land the shapefile inside ``taxi_zones.zip`` beside :func:`zone_shapes_path` (replaced whole)."""
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
                (staging / f"{shapefile.stem}{Path(member).suffix.lower()}").write_bytes(archive.read(member))
        previous = target.with_name(f".{target.name}.old")
        shutil.rmtree(previous, ignore_errors=True)
        if target.exists():
            os.replace(target, previous)
        os.replace(staging, target)
        shutil.rmtree(previous, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return shapefile
