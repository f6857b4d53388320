"""Landing: published files become landed files, validated and written atomically.

Both the sample generator and the downloaders (and ``land``) hand files *as published* to the
functions here: parquet and JSON are landed unchanged, a zipped CSV archive becomes one text-typed
parquet per CSV (the zone files land through :mod:`nyc_mobility.zones.files`). Every write goes to a temporary
name in the same folder and is renamed into place, so dbt never sees a half-written file; a file
that cannot be landed is a :class:`RawFileError` naming the file and the problem.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from nyc_mobility.raw.layout import month_dir, report_copy_path, resolve
from nyc_mobility.sources import RawSource


class RawFileError(ValueError):
    """A published file that cannot be landed; the message names the file and the problem."""


def readable_by_all(path: Path) -> None:
    """Give a landed file the mode a plain ``open()`` would (0644 under the usual umask), not the
    0600 of ``mkstemp``: every landed file has the same permissions, whoever wrote it."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it onto ``target`` only on success.

    A folder created for ``target`` is removed again when nothing was landed in it.
    """
    created = missing_parents(target.parent)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    landed = False
    try:
        yield tmp_path
        readable_by_all(tmp_path)
        os.replace(tmp_path, target)
        landed = True
    finally:
        tmp_path.unlink(missing_ok=True)
        if not landed:
            remove_empty(created)


def missing_parents(folder: Path) -> list[Path]:
    """The folders ``mkdir(parents=True)`` would create for ``folder``, deepest first."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    return missing


def remove_empty(folders: list[Path]) -> None:
    """Remove the given folders (deepest first) that are empty: a failed landing leaves no trace."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            break


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
    (fast); a file it refuses (mixed line endings, blank lines) is read again by Python's strict
    ``csv``, which passes over blank lines (they hold no record); what neither can read (a broken
    quote, bytes that are not UTF-8, a short row, a line without an end) is an error naming the file
    and the line. Never a silently skipped record. Header names are trimmed (2014 yellow headers
    lead with spaces) and empty fields past the header (green 2013-2014 rows end in ``,,``) are
    dropped: they hold nothing."""
    import csv

    import duckdb

    try:
        with src.open(newline="", encoding="utf-8-sig") as handle:
            # 2014 yellow headers lead with spaces (` pickup_datetime`), 2015 green trail (`Trip_type `)
            header = [name.strip() for name in next(csv.reader(_bounded_lines(handle, src), strict=True))]
            while header and not header[-1]:  # a trailing comma names no column
                header.pop()
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


# A line of a published CSV is a few hundred characters; one without an end in this many is no
# CSV line (a file without newlines would otherwise be read whole, as its "header").
MAX_LINE_CHARS = 1 << 20


def _bounded_lines(handle, src: Path) -> Iterator[str]:
    """The lines of ``handle``, each read at most :data:`MAX_LINE_CHARS` at a time."""
    number = 0
    while line := handle.readline(MAX_LINE_CHARS):
        number += 1
        if len(line) >= MAX_LINE_CHARS and not line.endswith(("\n", "\r")):
            raise RawFileError(
                f"{src}: not a readable CSV (line {number} runs past {MAX_LINE_CHARS:,} characters without an end)"
            )
        yield line


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
            reader = csv.reader(_bounded_lines(handle, src), strict=True)
            next(reader)
            batch: list[list[str]] = []
            for row in reader:
                line = reader.line_num
                if not row:
                    continue  # a blank line holds no record (2014-2016 green files have one after the header)
                if len(row) > len(header) and not any(value.strip() for value in row[len(header) :]):
                    row = row[: len(header)]  # trailing empty fields (green 2013-2014 rows end in ",,")
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


# Zip bombs: a member may not expand beyond these (real Citi Bike CSVs are < 2 GB, ratio < 15).
MAX_MEMBER_BYTES = 8 << 30
MAX_RATIO = 200
MAX_ARCHIVE_BYTES = 64 << 30


# What reading one zip member can raise when the member is not plain deflate/stored data the archive
# describes: encrypted (RuntimeError), Deflate64 and other methods (NotImplementedError), corrupt
# data (BadZipFile on a CRC, zlib.error, EOFError).
ZIP_MEMBER_ERRORS = (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError, zlib.error)


def expansion_limit(compressed_bytes: int) -> int:
    """How far a compressed file of ``compressed_bytes`` may expand: the zip members' caps, for every
    compressed format (a gzipped CSV too)."""
    return min(MAX_MEMBER_BYTES, MAX_RATIO * max(compressed_bytes, 1))


def bounded_copy(source, target, limit: int, name: object) -> int:
    """Copy a decompressing stream into ``target`` while it stays within ``limit`` bytes, else a
    :class:`RawFileError` naming the file (a decompression bomb never reaches the disk whole)."""
    written = 0
    while chunk := source.read(1 << 20):
        written += len(chunk)
        if written > limit:
            raise RawFileError(
                f"{name}: expands beyond {limit:,} bytes (at most {MAX_RATIO}x its compressed size and "
                f"{MAX_MEMBER_BYTES >> 30} GiB): refused as a decompression bomb (a possible zip bomb)"
            )
        target.write(chunk)
    return written


def land_csv_archive(
    zip_path: Path, raw_dir: Path, source: RawSource | str, month: str, *, only_month: bool = False
) -> list[Path]:
    """Land every trip CSV inside a published zip archive (Citi Bike's) as parquet.

    ``__MACOSX/`` entries and non-CSV members are ignored; zips nested in the archive (the yearly
    archives hold monthly ones) are opened too. With ``only_month`` (a yearly archive), only members
    whose name carries the month (``YYYYMM``) are landed. An archive without any is an error, and so
    is a member that expands beyond the size or compression-ratio caps (a zip bomb). Two members with
    the same file name in different folders both land (named after their folders).
    """
    zip_path = Path(zip_path)
    stamp = month.replace("-", "")
    with tempfile.TemporaryDirectory(prefix="nyc-mobility-unzip-") as tmp:
        # the whole archive, nested zips and all, may expand no more than one member may: nesting
        # levels each under the ratio must not multiply it (76 KB once became 1.27 GB, 16,600x)
        budget = [min(MAX_ARCHIVE_BYTES, MAX_RATIO * max(zip_path.stat().st_size, 1))]
        csvs = _extract_trip_csvs(zip_path, Path(tmp), stamp if only_month else None, budget=budget)
        if not csvs:
            what = f"trip CSV for {month}" if only_month else "trip CSV"
            raise RawFileError(f"{zip_path}: the archive holds no {what}")
        names = _landed_names([member for member, _path in csvs])
        return [
            land_csv_as_parquet(path, raw_dir, resolve(source), month, name=name)
            for (_member, path), name in zip(csvs, names, strict=True)
        ]


def _landed_names(members: list[str]) -> list[str]:
    """Each member's base name, or its whole path (``a__b__x.csv``) where two share a base name."""
    bases = [PurePosixPath(m).name for m in members]
    names = []
    for member, base in zip(members, bases, strict=True):
        if bases.count(base) > 1:
            base = "__".join(part for part in PurePosixPath(member).parts if part not in ("", ".", ".."))
        names.append(re.sub(r"[^A-Za-z0-9._-]", "_", base))
    return names


def _extract_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path, zip_path: Path, budget: list[int]
) -> Path:
    """Copy one member out, counting the bytes (headers can lie): past a cap it is a zip bomb."""
    limit = min(MAX_MEMBER_BYTES, MAX_RATIO * max(info.compress_size, 1), budget[0])
    if info.file_size > limit:
        raise RawFileError(
            f"{zip_path}: member {info.filename} expands to {info.file_size:,} bytes from "
            f"{info.compress_size:,} (over the cap for one member: refused as a possible zip bomb)"
        )
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        with archive.open(info) as source, dest.open("wb") as out:
            written = bounded_copy(source, out, limit, f"{zip_path}: member {info.filename}")
    except ZIP_MEMBER_ERRORS as exc:
        raise RawFileError(f"{zip_path}: member {info.filename} cannot be read ({exc})") from None
    budget[0] -= written
    return dest


def _extract_trip_csvs(
    zip_path: Path, into: Path, stamp: str | None, depth: int = 0, *, budget: list[int], prefix: str = ""
) -> list[tuple[str, Path]]:
    """(member path, extracted file) of every trip CSV of an archive and of the zips nested in it
    (two levels at most)."""
    try:
        archive = zipfile.ZipFile(zip_path)
    except zipfile.BadZipFile as exc:
        raise RawFileError(f"{zip_path}: not a valid zip archive ({exc})") from exc
    found: list[tuple[str, Path]] = []
    with archive:
        for index, info in enumerate(archive.infolist()):
            member = info.filename
            name = PurePosixPath(member).name
            if "__MACOSX" in PurePosixPath(member).parts or name.startswith("._") or info.is_dir():
                continue
            wanted = stamp is None or stamp in name
            dest = into / str(index) / re.sub(r"[^A-Za-z0-9._-]", "_", name)
            if name.lower().endswith(".csv") and wanted:
                found.append((prefix + member, _extract_member(archive, info, dest, zip_path, budget)))
            elif name.lower().endswith(".zip") and depth < 2 and (wanted or depth == 0):
                nested = _extract_member(archive, info, dest, zip_path, budget)
                inner_stamp = None if wanted else stamp
                found.extend(
                    _extract_trip_csvs(
                        nested,
                        into / f"{index}-unzipped",
                        inner_stamp,
                        depth + 1,
                        budget=budget,
                        prefix=f"{prefix}{PurePosixPath(member).with_suffix('')}/",
                    )
                )
    return found


def land_report(src: Path, raw_dir: Path, source: RawSource | str, copy_date: str) -> Path:
    """Land a copy of a report source as published (the TLC's monthly report, checked first) under
    its download date; an earlier copy of the same day is replaced, other days' copies are kept."""
    from nyc_mobility.raw import formats

    src = Path(src)
    try:
        formats.tlc_report(src)
    except formats.InvalidContentError as exc:
        raise RawFileError(f"{src}: {exc}") from exc
    target = report_copy_path(raw_dir, source, copy_date)
    with atomic_path(target) as tmp:
        shutil.copyfile(src, tmp)
    return target
