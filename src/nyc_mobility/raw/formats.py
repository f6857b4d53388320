"""What a published file is: is a file (downloaded, brought with ``land``, or written by the sample)
what its source publishes? Each check returns metadata or raises.

A 200 response can still be an HTML error page, a truncated parquet or a broken zip: such a file is
an error naming it and is never landed. The raw layer's preflight reads the same checks.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nyc_mobility.sql_quoting import identifier


class InvalidContentError(ValueError):
    """The bytes are not the expected format."""


def parquet(path: Path, timestamp_columns: str | Sequence[str] = ()) -> dict[str, Any]:
    """Rows and columns of a complete parquet file, with the first and last value of the first of
    ``timestamp_columns`` (its spellings across eras) the file has."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(4)
        handle.seek(max(size - 4, 0))
        tail = handle.read(4)
    if size < 12 or head != b"PAR1" or tail != b"PAR1":
        raise InvalidContentError(
            "not a complete parquet file (missing PAR1 magic: truncated, or an HTML page?)"
        )
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(path).metadata
    except Exception as exc:  # pyarrow raises several types for corrupt footers
        raise InvalidContentError(f"unreadable parquet footer ({exc})") from exc
    info: dict[str, Any] = {"rows": meta.num_rows, "columns": meta.num_columns}
    if timestamp_columns:
        spellings = (timestamp_columns,) if isinstance(timestamp_columns, str) else tuple(timestamp_columns)
        info.update(_date_range(path, spellings))
    return info


def parquet_rows(files: Sequence[Path]) -> int:
    """Rows of landed parquet files, from their footers."""
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(f).metadata.num_rows for f in files)


def timestamp_column(con, path: Path, spellings: Sequence[str]) -> str | None:
    """The first of ``spellings`` (case-insensitive) the parquet file has, as the file spells it."""
    names = {
        row[0].lower(): row[0]
        for row in con.execute("describe select * from read_parquet(?)", [str(path)]).fetchall()
    }
    return next((names[c.lower()] for c in spellings if c.lower() in names), None)


def _date_range(path: Path, spellings: tuple[str, ...]) -> dict[str, Any]:
    import duckdb

    con = duckdb.connect(config={"autoinstall_known_extensions": False})
    try:
        column = timestamp_column(con, path, spellings)
        if column is None:
            return {}
        quoted = identifier(column)
        lo, hi = con.execute(
            f"select min({quoted}), max({quoted}) from read_parquet(?)", [str(path)]
        ).fetchall()[0]
    finally:
        con.close()
    return {"first_timestamp": str(lo), "last_timestamp": str(hi)}


def trip_zip(path: Path) -> dict[str, Any]:
    if not zipfile.is_zipfile(path):
        raise InvalidContentError("not a zip archive (an HTML page, or truncated)")
    with zipfile.ZipFile(path) as archive:
        broken = archive.testzip()
        if broken is not None:
            raise InvalidContentError(f"corrupt member {broken!r} in the archive")
        members = [
            m
            for m in archive.namelist()
            if m.lower().endswith((".csv", ".zip"))
            and "__MACOSX" not in m
            and not Path(m).name.startswith("._")
        ]
    if not members:
        raise InvalidContentError("the archive holds no CSV (or nested zip) of trips")
    return {"members": len(members)}


def csv_download(path: Path) -> dict[str, Any]:
    """A downloaded trip CSV (or gzipped CSV): readable to the end, with a header of columns.

    Gzip is told by the content's magic bytes, not the name: a download is checked under its
    temporary ``.part`` name, and a gzip stream read as text holds a "header" of random bytes."""
    import gzip

    with open(path, "rb") as handle:
        gzipped = handle.read(2) == b"\x1f\x8b"
    from nyc_mobility.raw.landing import MAX_RATIO, expansion_limit

    limit = expansion_limit(path.stat().st_size) if gzipped else None
    try:
        with (gzip.open if gzipped else open)(path, "rb") as handle:
            head = handle.readline(1 << 16)
            read = len(head)
            while chunk := handle.read(1 << 20):  # a truncated gzip stream fails here
                read += len(chunk)
                if limit is not None and read > limit:
                    raise InvalidContentError(
                        f"the gzip stream expands beyond {limit:,} bytes ({MAX_RATIO}x its size): a decompression bomb"
                    )
    except (OSError, EOFError) as exc:
        kind = "gzip file" if gzipped else "file"
        raise InvalidContentError(f"not a readable {kind} ({exc})") from None
    text = head.decode("utf-8", "replace").strip().lower()
    if text.startswith(("<!doctype", "<html", "<?xml")) or "," not in text:
        raise InvalidContentError("not a CSV with a header of columns (an HTML page, or empty)")
    return {"columns": text.count(",") + 1}


def open_meteo(path: Path) -> dict[str, Any]:
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidContentError(f"not a JSON document ({exc.__class__.__name__})") from exc
    if not isinstance(body, dict) or body.get("error"):
        reason = body.get("reason") if isinstance(body, dict) else None
        raise InvalidContentError(f"Open-Meteo returned an error: {reason or body!r}"[:300])
    times = (body.get("hourly") or {}).get("time") or []
    if not times:
        raise InvalidContentError("no hourly.time values in the response")
    return {"rows": len(times), "first_timestamp": times[0], "last_timestamp": times[-1]}


def zone_lookup(path: Path) -> dict[str, Any]:
    head = path.read_bytes()[:200].decode("utf-8", errors="replace")
    if "LocationID" not in head or "Borough" not in head:
        raise InvalidContentError("not the taxi zone lookup CSV (no LocationID,Borough header)")
    rows = sum(1 for line in path.read_text(encoding="utf-8").splitlines()[1:] if line.strip())
    return {"rows": rows}


def shapes_zip(path: Path) -> dict[str, Any]:
    if not zipfile.is_zipfile(path):
        raise InvalidContentError("not a zip archive (an HTML page, or truncated)")
    with zipfile.ZipFile(path) as archive:
        names = [n.lower() for n in archive.namelist()]
    for part in (".shp", ".shx", ".dbf"):
        if not any(n.endswith(part) and "__macosx" not in n for n in names):
            raise InvalidContentError(f"the archive holds no {part} (not the taxi zone shapefile)")
    return {"members": len(names)}


REPORT_COLUMNS = ("Month/Year", "License Class", "Trips Per Day")
_REPORT_MAX_BYTES = 50_000_000  # the real file is ~70 KB: anything near this is not the report


def tlc_report(path: Path) -> dict[str, Any]:
    """The TLC's monthly report (``data_reports_monthly.csv``): its header names the month, the
    licence class and the trips per day, and every row a ``YYYY-MM`` month."""
    import csv
    import io
    import re

    if path.stat().st_size > _REPORT_MAX_BYTES:
        raise InvalidContentError(
            f"{path.stat().st_size:,} bytes: not the TLC's monthly report (about 70 KB)"
        )
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    rows = list(csv.reader(io.StringIO(text)))
    header = [name.strip() for name in (rows[0] if rows else [])]
    missing = [name for name in REPORT_COLUMNS if name not in header]
    if missing:
        raise InvalidContentError(f"not the TLC's monthly report (no {', '.join(missing)} column)")
    body = [row for row in rows[1:] if any(cell.strip() for cell in row)]
    at = header.index("Month/Year")
    months = [row[at].strip() for row in body if len(row) > at]
    bad = next((m for m in months if not re.fullmatch(r"[0-9]{4}-(0[1-9]|1[0-2])", m)), None)
    if not months or bad is not None:
        raise InvalidContentError(f"not the TLC's monthly report (a month {bad!r}, YYYY-MM expected)")
    return {"rows": len(body), "first_month": min(months), "last_month": max(months)}
