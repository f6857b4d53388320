"""Land files a user already has (what ``nyc-mobility land`` does): the same checks as ``ingest``.

A trip month may come as the published parquet, a CSV (older mirrors and archives), a gzipped CSV
or a zip of CSVs (Citi Bike's archives, Jersey City's included); a weather month as Open-Meteo JSON;
the zones as the lookup CSV and the zipped shapefile. Every file is validated and converted into a
hidden scratch folder beside the source's months first — the month folder is not touched until all
of them pass — and then moved in as one landing (marker first, manifest last, origin ``local``).
A file that cannot be landed is a :class:`~nyc_mobility.raw.RawFileError` naming it and the problem.
"""

from __future__ import annotations

import gzip
import tempfile
from dataclasses import dataclass
from pathlib import Path

from nyc_mobility import raw
from nyc_mobility.months import parse_month
from nyc_mobility.raw import formats
from nyc_mobility.raw.landing import (
    bounded_copy,
    expansion_limit,
    missing_parents,
    readable_by_all,
    remove_empty,
)
from nyc_mobility.raw.preflight import file_problem
from nyc_mobility.sources import RawSource
from nyc_mobility.sql_quoting import identifier
from nyc_mobility.zones import files as zone_files

ORIGIN = "local"
# A file whose parseable start times fall in the month for less than this share is the wrong month.
MIN_SHARE_IN_MONTH = 0.5


@dataclass
class LocalLanding:
    """What ``land`` put under one source (and month)."""

    source: str
    month: str | None
    files: list[Path]
    rows: int | None
    replaced: list[str]


def _kind(path: Path) -> str:
    name = path.name.lower()
    for suffix in (".csv.gz", ".parquet", ".csv", ".zip", ".json"):
        if name.endswith(suffix):
            return suffix
    return path.suffix.lower() or "(none)"


_ACCEPTED = {
    "file": (".parquet", ".csv", ".csv.gz", ".zip"),
    "csv_archive": (".zip", ".csv", ".csv.gz", ".parquet"),
    "json": (".json",),
    "zones": (".csv", ".zip"),
    "report": (".csv",),
}


def accepted(source: RawSource) -> tuple[str, ...]:
    """The file kinds ``land`` takes for ``source``."""
    if source.landed_suffix == ".json":
        return _ACCEPTED["json"]
    return _ACCEPTED[source.landing]


def land_local(
    raw_dir: Path,
    paths: list[Path],
    source: str | RawSource,
    month: str | None = None,
    *,
    replace: bool = False,
) -> LocalLanding:
    """Land ``paths`` as ``source`` (and ``month`` for a monthly source).

    A month that already has landed files is refused unless ``replace`` (then its files are
    replaced by these, all at once). Nothing is changed when any file fails.
    """
    record = raw.resolve(source)
    paths = [Path(p) for p in paths]
    if not paths:
        raise raw.RawFileError("no files to land")
    for path in paths:
        if not path.is_file():
            raise raw.RawFileError(f"{path}: no such file")
        if _kind(path) not in accepted(record):
            raise raw.RawFileError(
                f"{path}: a {_kind(path)} file cannot be landed as {record.name} "
                f"(takes {', '.join(accepted(record))})"
            )
    if record.landing == "report":
        return _land_report(raw_dir, paths, record, replace=replace)
    if not record.is_monthly:
        return _land_zones(raw_dir, paths, record)
    if month is None:
        raise raw.RawFileError(f"{record.name} is monthly: say which month the files hold (--month YYYY-MM)")
    parse_month(month)
    folder = raw.month_dir(raw_dir, record, month)
    existing = raw.landed_files(folder) if folder.exists() else []
    if existing and not replace:
        raise raw.RawFileError(
            f"{folder} already holds {len(existing)} landed file(s): pass --replace to replace them"
        )
    scratch_parent = raw.source_dir(raw_dir, record)
    created = missing_parents(scratch_parent)
    scratch_parent.mkdir(parents=True, exist_ok=True)
    try:
        return _land_month(raw_dir, paths, record, month, existing, scratch_parent)
    finally:
        remove_empty(created)


def _land_month(
    raw_dir: Path,
    paths: list[Path],
    record: RawSource,
    month: str,
    existing: list[Path],
    scratch_parent: Path,
) -> LocalLanding:
    folder = raw.month_dir(raw_dir, record, month)
    with tempfile.TemporaryDirectory(prefix=".land-", dir=scratch_parent) as scratch:
        staged = _stage(Path(scratch), paths, record, month)
        names = [p.name for p in staged]
        if len(set(names)) != len(names):
            raise raw.RawFileError(f"two of the files land under the same name: {sorted(names)}")
        from nyc_mobility.raw.manifest import month_landing

        with month_landing(raw_dir, record, month, origin=ORIGIN) as target:
            for path in staged:
                readable_by_all(path)
                path.replace(target / path.name)
            for stale in existing:  # the month's old files these did not overwrite
                if stale.name not in names:
                    stale.unlink(missing_ok=True)
    landed = [folder / name for name in names]
    return LocalLanding(record.name, month, landed, _rows(landed, record), sorted(p.name for p in existing))


def _stage(scratch: Path, paths: list[Path], record: RawSource, month: str) -> list[Path]:
    """Every file validated and in its landed form inside ``scratch`` (a fake raw dir)."""
    staged: list[Path] = []
    weather_name = len(paths) == 1
    for path in paths:
        kind = _kind(path)
        try:
            if kind == ".json":
                formats.open_meteo(path)
                name = f"open_meteo_{month}.json" if weather_name else f"open_meteo_{month}_{path.stem}.json"
                out = [raw.land_file(path, scratch, record, month, name=name)]
            elif kind == ".parquet":
                formats.parquet(path)
                out = [raw.land_file(path, scratch, record, month)]
            elif kind == ".zip":
                formats.trip_zip(path)
                out = raw.land_csv_archive(path, scratch, record, month)
            elif kind == ".csv.gz":
                out = [_land_gzip_csv(path, scratch, record, month)]
            else:
                out = [raw.land_csv_as_parquet(path, scratch, record, month)]
        except formats.InvalidContentError as exc:
            raise raw.RawFileError(f"{path}: {exc}") from None
        except raw.RawFileError as exc:
            raise raw.RawFileError(str(exc) if str(path) in str(exc) else f"{path}: {exc}") from None
        for landed in out:
            problem = file_problem(landed, record) or _month_problem(landed, record, month)
            if problem:
                raise raw.RawFileError(f"{path}: {problem}")
        staged += out
    return staged


def land_trip_csv(path: Path, raw_dir: Path, record: RawSource, month: str) -> Path:
    """A trip month's CSV or gzipped CSV (a mirror's download) landed under the month as
    text-typed parquet, with ``land``'s checks (columns, month); a bad file is removed again and
    raised as a :class:`~nyc_mobility.raw.RawFileError` naming it."""
    path = Path(path)
    try:
        landed = (
            _land_gzip_csv(path, raw_dir, record, month, work_dir=path.parent)
            if _kind(path) == ".csv.gz"
            else raw.land_csv_as_parquet(path, raw_dir, record, month)
        )
    except raw.RawFileError as exc:
        raise raw.RawFileError(str(exc) if str(path) in str(exc) else f"{path}: {exc}") from None
    problem = file_problem(landed, record) or _month_problem(landed, record, month)
    if problem:
        landed.unlink(missing_ok=True)
        raise raw.RawFileError(f"{path}: {problem}")
    return landed


def _land_gzip_csv(
    path: Path, scratch: Path, record: RawSource, month: str, work_dir: Path | None = None
) -> Path:
    plain = (work_dir or scratch) / path.name.removesuffix(".gz").removesuffix(".GZ")
    try:
        with gzip.open(path, "rb") as source, plain.open("wb") as target:
            bounded_copy(source, target, expansion_limit(path.stat().st_size), path)
    except raw.RawFileError:
        plain.unlink(missing_ok=True)
        raise
    except (OSError, EOFError) as exc:
        plain.unlink(missing_ok=True)
        raise raw.RawFileError(f"{path}: not a readable gzip file ({exc})") from None
    try:
        return raw.land_csv_as_parquet(plain, scratch, record, month, name=plain.name)
    except raw.RawFileError as exc:
        raise raw.RawFileError(str(exc).replace(str(plain), str(path))) from None
    finally:
        plain.unlink(missing_ok=True)


def _month_problem(landed: Path, record: RawSource, month: str) -> str | None:
    """A trip file most of whose parseable start times are in another month, or a weather response
    whose hours do not reach into the month, is the wrong month."""
    if landed.suffix == ".json":
        info = formats.open_meteo(landed)
        first, last = info["first_timestamp"][:7], info["last_timestamp"][:7]
        if not first <= month <= last:
            return f"its hours run from {info['first_timestamp']} to {info['last_timestamp']}, not in {month}: is --month right?"
        return None
    if landed.suffix != ".parquet" or not record.timestamp_columns:
        return None
    import duckdb

    con = duckdb.connect(config={"autoinstall_known_extensions": False})
    try:
        column = formats.timestamp_column(con, landed, record.timestamp_columns)
        if column is None:
            return None
        quoted = identifier(column)
        parsed, inside, lo, hi = con.execute(
            f"select count(t), count(t) filter (where strftime(t, '%Y-%m') = ?), min(t), max(t) "
            f"from (select try_cast({quoted} as timestamp) as t from read_parquet(?))",
            [month, str(landed)],
        ).fetchall()[0]
    finally:
        con.close()
    if parsed and inside < MIN_SHARE_IN_MONTH * parsed:
        return (
            f"{parsed - inside:,} of {parsed:,} trips start outside {month} ({column} from {lo} to {hi}): "
            "is --month right?"
        )
    return None


def _land_zones(raw_dir: Path, paths: list[Path], record: RawSource) -> LocalLanding:
    """The zone lookup CSV and/or the zipped shapefile, each validated before it replaces the old."""
    files = []
    for path in paths:
        try:
            if _kind(path) == ".csv":
                formats.zone_lookup(path)
                files.append(zone_files.land_zone_lookup(path, raw_dir))
            else:
                formats.shapes_zip(path)
                files.append(zone_files.land_zone_shapes(path, raw_dir))
        except formats.InvalidContentError as exc:
            raise raw.RawFileError(f"{path}: {exc}") from None
    return LocalLanding(record.name, None, files, None, [])


def _land_report(raw_dir: Path, paths: list[Path], record: RawSource, *, replace: bool) -> LocalLanding:
    """A copy of the TLC's monthly report, landed under today's date (UTC): the date it was taken
    here, which a reconciliation names. Today's copy is kept unless ``replace``."""
    import datetime as dt

    if len(paths) != 1:
        raise raw.RawFileError(f"{record.name} is one file a copy ({len(paths)} given)")
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    target = raw.report_copy_path(raw_dir, record, today)
    if target.exists() and not replace:
        raise raw.RawFileError(f"{target} is already landed today: pass --replace to replace it")
    landed = raw.land_report(paths[0], raw_dir, record, today)
    return LocalLanding(record.name, None, [landed], formats.tlc_report(landed)["rows"], [])


def _rows(files: list[Path], record: RawSource) -> int | None:
    return formats.parquet_rows(files) if record.landed_suffix == ".parquet" else None


__all__ = ["ORIGIN", "LocalLanding", "accepted", "land_local", "land_trip_csv"]
