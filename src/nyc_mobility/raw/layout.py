"""Where landed files live: the one on-disk layout the dbt sources read.

Every monthly source of the registry (:mod:`nyc_mobility.sources`) lands under
``{raw_dir}/<folder>/month=YYYY-MM/``; a static source (the zones) under ``{raw_dir}/<folder>/``::

    {raw_dir}/tlc_yellow/month=2024-11/yellow_tripdata_2024-11.parquet
    {raw_dir}/citibike/month=2024-11/<csv name>.parquet     (one per CSV inside the zip)
    {raw_dir}/weather/month=2024-11/open_meteo_2024-11.json
    {raw_dir}/zones/taxi_zone_lookup.csv, zones/taxi_zones/taxi_zones.shp   (nyc_mobility.zones.files)
"""

from __future__ import annotations

import re
from pathlib import Path

from nyc_mobility import sources
from nyc_mobility.months import InvalidMonthError, parse_month
from nyc_mobility.sources import RawSource


def resolve(source: RawSource | str) -> RawSource:
    """A source given as a record, a registry name (``yellow``) or a folder name (``tlc_yellow``)."""
    if isinstance(source, RawSource):
        return source
    try:
        return sources.get(source)
    except sources.UnknownSourceError:
        return sources.by_folder(source)


def month_dir(raw_dir: Path, source: RawSource | str, month: str) -> Path:
    record = resolve(source)
    if not record.is_monthly:
        raise ValueError(f"{record.name} is not a monthly source")
    parse_month(month)
    return Path(raw_dir) / record.folder / f"month={month}"


def source_dir(raw_dir: Path, source: RawSource | str) -> Path:
    return Path(raw_dir) / resolve(source).folder


def static_file(raw_dir: Path, source: RawSource | str, index: int = 0) -> Path:
    """The ``index``-th landed file of a static source (e.g. the zone lookup, the zone shapes)."""
    record = resolve(source)
    return source_dir(raw_dir, record) / record.files[index]


REPORT_COPY = "copy="


def report_copy_path(raw_dir: Path, source: RawSource | str, copy_date: str) -> Path:
    """Where one landed copy of a report source (the TLC's monthly report) lives:
    ``{raw_dir}/<folder>/copy=YYYY-MM-DD/<file>``: each landing keeps its download date."""
    import datetime as dt

    record = resolve(source)
    dt.date.fromisoformat(copy_date)
    return source_dir(raw_dir, record) / f"{REPORT_COPY}{copy_date}" / record.files[0]


def report_copies(raw_dir: Path, source: RawSource | str) -> dict[str, Path]:
    """The landed copies of a report source by download date (YYYY-MM-DD), oldest first."""
    record = resolve(source)
    copies = {}
    for path in sorted(source_dir(raw_dir, record).glob(f"{REPORT_COPY}*/{record.files[0]}")):
        copies[path.parent.name.removeprefix(REPORT_COPY)] = path
    return copies


def is_landed(path: Path) -> bool:
    """A landed file, not one being written (hidden temporary names, DuckDB's ``tmp_*.tmp``)."""
    return path.is_file() and not path.name.startswith(".") and path.suffix != ".tmp"


def landed_files(folder: Path) -> list[Path]:
    return sorted(p for p in Path(folder).glob("*") if is_landed(p))


# What the dbt sources' glob matches (`month=[0-9][0-9][0-9][0-9]-[0-9][0-9]`): dbt reads such a
# folder, so one that is not a real month is an error; anything else under `month=*` is a stray.
READ_BY_DBT = re.compile(r"month=\d{4}-\d{2}")


def month_folders(raw_dir: Path, source: RawSource | str) -> dict[str, Path]:
    """The month folders of a monthly source, by month (``YYYY-MM``); strays are left out."""
    found: dict[str, Path] = {}
    for path in sorted(source_dir(raw_dir, source).glob("month=*")):
        month = path.name.removeprefix("month=")
        if path.is_dir() and READ_BY_DBT.fullmatch(path.name) and _is_month(month):
            found[month] = path
    return found


def _is_month(text: str) -> bool:
    try:
        parse_month(text)
    except InvalidMonthError:
        return False
    return True


def stray_folders(raw_dir: Path) -> list[Path]:
    """Entries under ``<source>/month=*`` that are not month folders (``month=2024-11.bak``, a file)."""
    stray = []
    for source in sources.monthly():
        months = set(month_folders(raw_dir, source).values())
        stray += [p for p in sorted(source_dir(raw_dir, source).glob("month=*")) if p not in months]
    return stray


def landed_months(raw_dir: Path) -> dict[str, list[str]]:
    """The months present on disk for each monthly source (keyed by the source's name)."""
    return {
        source.name: [
            month
            for month, folder in month_folders(raw_dir, source).items()
            if any(is_landed(f) for f in folder.iterdir())
        ]
        for source in sources.monthly()
    }


def trip_months(raw_dir: Path) -> set[str]:
    """Every month with files of at least one trip source."""
    on_disk = landed_months(raw_dir)
    return {month for source in sources.trips() for month in on_disk[source.name]}


def missing_sources(raw_dir: Path) -> list[str]:
    """Sources (by name) that have no landed file yet."""
    missing = [name for name, months in landed_months(raw_dir).items() if not months]
    for source in sources.static():
        if source.landing == "report":
            if not report_copies(raw_dir, source):
                missing.append(source.name)
        elif not all((source_dir(raw_dir, source) / f).exists() for f in source.files):
            missing.append(source.name)
    return missing
