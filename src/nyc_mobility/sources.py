"""The registry of raw sources: the one place that says which raw sources exist.

One :class:`RawSource` record per published source holds everything the package needs to know
about it: the name users type (``nyc-mobility ingest --sources yellow``), the trip ``mode`` it
feeds, where its files land (``{raw_dir}/<folder>/month=YYYY-MM/``), the dbt source table that
reads them (and so the Dagster asset key ``raw/<dbt_source>/<dbt_table>``), the formats it is
published and landed in, the spellings of its timestamp and required columns across eras, its URL
patterns and the sample generator's writer. Ingest, the sample generator, the raw assets, the
preflight, the sensor, the report and the docs read this module; nothing else enumerates sources.

Adding a source is one record here (``register`` for a plugin or a test) plus its dbt source and
staging model. This module imports nothing from the rest of the package.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

Partitioning = Literal["monthly", "static"]
# How a downloaded (or sample-written) file becomes landed files:
#   file         landed unchanged (parquet, JSON) under month=YYYY-MM/
#   csv_archive  every trip CSV of a zip archive landed as text-typed parquet
#   zones        the static zone lookup CSV and the shapefile inside a zip
Landing = Literal["file", "csv_archive", "zones", "report"]
Host = Literal["tlc", "citibike", "open_meteo", "tlc_reports"]


class UnknownSourceError(ValueError):
    """A source name that is not in the registry."""


@dataclass(frozen=True)
class RawSource:
    """One published raw source and everything the package needs to know about it."""

    name: str
    """The name users type (``--sources yellow``) and the key of this registry."""
    description: str
    folder: str
    """Folder under the raw directory: ``{raw_dir}/<folder>/month=YYYY-MM/`` (monthly sources)."""
    dbt_source: str
    dbt_table: str
    """The dbt source table reading the files; the Dagster asset key is ``raw/<source>/<table>``."""
    staging_model: str
    """The dbt staging model over the source table."""
    host: Host
    """Which base URL (official host or mirror) the URL patterns start from."""
    url_patterns: tuple[str, ...]
    """Candidate URLs, most specific first, with ``{base}``, ``{month}`` (YYYY-MM), ``{stamp}``
    (YYYYMM), ``{year}`` and ``{open_meteo_query}`` placeholders."""
    landing: Landing = "file"
    published_format: str = "parquet"
    landed_suffix: str = ".parquet"
    partitioning: Partitioning = "monthly"
    mode: str | None = None
    """The ``fct_trips.mode`` this source's trips feed (``None``: not a trip source)."""
    mode_label: str | None = None
    """The mode's label in the metrics (``dim_mode``), the report and the docs."""
    operator: str | None = None
    """Who runs the mode's vehicles (``dim_mode.operator``)."""
    is_taxi: bool = False
    """A TLC-licensed vehicle (taxis, FHV bases, the high-volume for-hire services)."""
    is_metered: bool = False
    """A taxi meter records the fare (yellow and green taxis)."""
    report_license_classes: tuple[str, ...] = ()
    """The licence classes of the TLC's monthly report whose trips this source's files hold (the
    completeness reconciliation sums them); none: the mode is not in the report."""
    timestamp_columns: tuple[str, ...] = ()
    """The trip-start (or observation) timestamp as spelled by each era, newest first."""
    required_columns: tuple[tuple[str, ...], ...] = ()
    """Columns staging cannot do without, each as its published spellings (case-insensitive)."""
    sample_writer: str | None = None
    """``module:function`` of the sample generator that writes this source's published file."""
    first_month: str | None = None
    """First month the source publishes (YYYY-MM)."""
    also_published: tuple[str, ...] = ()
    """Further archives of the same month, landed beside the first when published (a 404 is no
    error): Citi Bike's Jersey City system, whose trips carry ``system = jersey_city``."""
    yearly_archives_until: int | None = None
    """Archives are published yearly up to this year: their yearly URL patterns are tried first."""
    files: tuple[str, ...] = ()
    """Static sources: the landed files, relative to ``{raw_dir}/<folder>/``."""
    check: str | None = None
    """Static sources: ``module:function`` returning the problems of the landed files (a list of
    ``FileProblem``) that the preflight adds to its own before dbt reads them."""

    @property
    def asset_key_path(self) -> tuple[str, str, str]:
        return ("raw", self.dbt_source, self.dbt_table)

    @property
    def is_trips(self) -> bool:
        return self.mode is not None

    @property
    def is_monthly(self) -> bool:
        return self.partitioning == "monthly"

    def missing_columns(self, names: Iterable[str]) -> list[str]:
        """The required columns none of whose spellings is among ``names``."""
        lower = {name.lower() for name in names}
        return [
            " / ".join(options)
            for options in self.required_columns
            if not any(o.lower() in lower for o in options)
        ]


_TLC_DOC = "TLC trip records, monthly parquet as published"


def _tlc_patterns(name: str) -> tuple[str, ...]:
    """The published parquet first; the CSV forms older mirrors and archives serve after it."""
    return tuple(
        f"{{base}}/trip-data/{name}_tripdata_{{month}}{suffix}" for suffix in (".parquet", ".csv.gz", ".csv")
    )


_BUILT_IN = (
    RawSource(
        name="yellow",
        description=f"{_TLC_DOC}: yellow (medallion) taxis.",
        folder="tlc_yellow",
        dbt_source="tlc",
        dbt_table="yellow_tripdata",
        staging_model="stg_tlc__yellow_taxi",
        host="tlc",
        url_patterns=_tlc_patterns("yellow"),
        mode="yellow_taxi",
        mode_label="Yellow taxi",
        operator="NYC TLC medallion taxis",
        is_taxi=True,
        report_license_classes=("Yellow",),
        is_metered=True,
        # Eras: 2009 (Trip_Pickup_DateTime, Start_Lon...), 2010-2014 (pickup_datetime,
        # pickup_longitude...), 2015-2016-06 (tpep_*, coordinates), 2016-07 on (zone ids).
        timestamp_columns=("tpep_pickup_datetime", "pickup_datetime", "Trip_Pickup_DateTime"),
        required_columns=(
            ("tpep_pickup_datetime", "pickup_datetime", "Trip_Pickup_DateTime"),
            ("tpep_dropoff_datetime", "dropoff_datetime", "Trip_Dropoff_DateTime"),
            ("PULocationID", "pickup_location_id", "pickup_longitude", "Start_Lon"),
            ("DOLocationID", "dropoff_location_id", "dropoff_longitude", "End_Lon"),
            ("trip_distance",),
            ("fare_amount", "Fare_Amt"),
            ("total_amount", "Total_Amt"),
        ),
        sample_writer="nyc_mobility.sample.taxi:write_yellow",
        first_month="2009-01",
    ),
    RawSource(
        name="fhv",
        description=f"{_TLC_DOC}: for-hire vehicles of the traditional (non high-volume) bases.",
        folder="tlc_fhv",
        dbt_source="tlc",
        dbt_table="fhv_tripdata",
        staging_model="stg_tlc__fhv_taxi",
        host="tlc",
        url_patterns=_tlc_patterns("fhv"),
        mode="fhv",
        mode_label="For-hire vehicle",
        operator="NYC TLC for-hire vehicle bases",
        is_taxi=True,
        report_license_classes=("FHV - Black Car", "FHV - Livery", "FHV - Lux Limo"),
        # 2015-2016 publish Pickup_date and locationID and no drop-off; 2017 on the drop-off too.
        timestamp_columns=("pickup_datetime", "Pickup_date"),
        required_columns=(
            ("dispatching_base_num", "Dispatching_base_number"),
            ("pickup_datetime", "Pickup_date"),
        ),
        sample_writer="nyc_mobility.sample.taxi:write_fhv",
        first_month="2015-01",
    ),
    RawSource(
        name="hvfhv",
        description=f"{_TLC_DOC}: high-volume for-hire services (Uber, Lyft, Via, Juno), from 2019-02.",
        folder="tlc_fhvhv",
        dbt_source="tlc",
        dbt_table="fhvhv_tripdata",
        staging_model="stg_tlc__hvfhv_trips",
        host="tlc",
        url_patterns=_tlc_patterns("fhvhv"),
        mode="hvfhv",
        mode_label="High-volume for-hire",
        operator="Uber, Lyft, Via and Juno (TLC high-volume licences)",
        is_taxi=True,
        report_license_classes=("FHV - High Volume",),
        timestamp_columns=("pickup_datetime",),
        required_columns=(
            ("hvfhs_license_num",),
            ("pickup_datetime",),
            ("dropoff_datetime",),
            ("PULocationID",),
            ("DOLocationID",),
        ),
        sample_writer="nyc_mobility.sample.hvfhv:write_hvfhv",
        first_month="2019-02",
    ),
    RawSource(
        name="green",
        description=f"{_TLC_DOC}: green (street-hail livery) taxis, from 2013-08.",
        folder="tlc_green",
        dbt_source="tlc",
        dbt_table="green_tripdata",
        staging_model="stg_tlc__green_taxi",
        host="tlc",
        url_patterns=_tlc_patterns("green"),
        mode="green_taxi",
        mode_label="Green taxi",
        operator="NYC TLC street-hail liveries (boro taxis)",
        is_taxi=True,
        report_license_classes=("Green",),
        is_metered=True,
        timestamp_columns=("lpep_pickup_datetime",),
        required_columns=(
            ("lpep_pickup_datetime",),
            ("lpep_dropoff_datetime",),
            ("PULocationID", "pickup_longitude"),
            ("DOLocationID", "dropoff_longitude"),
            ("trip_distance",),
            ("fare_amount",),
            ("total_amount",),
        ),
        sample_writer="nyc_mobility.sample.green:write_green",
        first_month="2013-08",
    ),
    RawSource(
        name="citibike",
        description="Citi Bike trips: every CSV of the month's zip, landed as text-typed parquet.",
        folder="citibike",
        dbt_source="citibike",
        dbt_table="tripdata",
        staging_model="stg_citibike__trips",
        host="citibike",
        # 2022-06/07 are spelled `citbike`; before 2024 the months sit in yearly archives.
        url_patterns=(
            "{base}/{stamp}-citibike-tripdata.csv.zip",
            "{base}/{stamp}-citbike-tripdata.csv.zip",
            "{base}/{stamp}-citibike-tripdata.zip",
            "{base}/{stamp}-citbike-tripdata.zip",
            "{base}/{year}-citibike-tripdata.zip",
        ),
        # Jersey City (and Hoboken) publish their own monthly archive since 2015-09.
        also_published=("{base}/JC-{stamp}-citibike-tripdata.csv.zip",),
        landing="csv_archive",
        published_format="zipped CSV",
        mode="citibike",
        mode_label="Citi Bike",
        operator="Citi Bike (Lyft) bike share",
        timestamp_columns=("started_at", "starttime", "Start Time"),
        required_columns=(
            ("started_at", "starttime", "Start Time"),
            ("ended_at", "stoptime", "Stop Time"),
            ("start_lat", "start station latitude"),
            ("start_lng", "start station longitude"),
            ("end_lat", "end station latitude"),
            ("end_lng", "end station longitude"),
            ("member_casual", "usertype", "User Type"),
        ),
        sample_writer="nyc_mobility.sample.citibike:write_published",
        first_month="2013-06",
        yearly_archives_until=2023,
    ),
    RawSource(
        name="weather",
        description="Hourly Central Park weather, the Open-Meteo archive response (UTC).",
        folder="weather",
        dbt_source="weather",
        dbt_table="open_meteo_hourly",
        staging_model="stg_weather__hourly",
        host="open_meteo",
        url_patterns=("{base}/v1/archive?{open_meteo_query}",),
        published_format="json",
        landed_suffix=".json",
        # Precipitation may be absent (legacy forecast responses): staging sums rain and showers then.
        timestamp_columns=("time",),
        required_columns=(("time",), ("temperature_2m",)),
        sample_writer="nyc_mobility.sample.weather:write_published",
        first_month="1940-01",
    ),
    RawSource(
        name="zones",
        description="TLC taxi zones: the lookup CSV and the shapes (shapefile, EPSG:2263).",
        folder="zones",
        dbt_source="zones",
        dbt_table="taxi_zone_lookup",
        staging_model="stg_zones__taxi_zones",
        host="tlc",
        url_patterns=("{base}/misc/taxi_zone_lookup.csv", "{base}/misc/taxi_zones.zip"),
        landing="zones",
        published_format="CSV and zipped shapefile",
        landed_suffix=".csv",
        partitioning="static",
        files=("taxi_zone_lookup.csv", "taxi_zones/taxi_zones.shp"),
        check="nyc_mobility.zones.files:zone_problems",
    ),
    RawSource(
        name="tlc_report",
        description=(
            "The TLC's own monthly aggregate report (data_reports_monthly.csv): per month and licence "
            "class the trips, farebox, drivers and vehicles per day, 2010 on. Each landing is kept "
            "under its download date (the TLC revises earlier months between copies)."
        ),
        folder="tlc_reports",
        dbt_source="tlc_reports",
        dbt_table="data_reports_monthly",
        staging_model="stg_tlc_reports__monthly",
        host="tlc_reports",
        url_patterns=("{base}/data_reports_monthly.csv",),
        landing="report",
        published_format="CSV",
        landed_suffix=".csv",
        partitioning="static",
        files=("data_reports_monthly.csv",),
    ),
)

_REGISTRY: dict[str, RawSource] = {source.name: source for source in _BUILT_IN}


def all_sources() -> list[RawSource]:
    """Every registered source, in registration order (monthly ones first as registered)."""
    return list(_REGISTRY.values())


def monthly() -> list[RawSource]:
    return [s for s in _REGISTRY.values() if s.is_monthly]


def trips() -> list[RawSource]:
    return [s for s in _REGISTRY.values() if s.is_trips]


def static() -> list[RawSource]:
    return [s for s in _REGISTRY.values() if not s.is_monthly]


def names() -> list[str]:
    return list(_REGISTRY)


def get(name: str) -> RawSource:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UnknownSourceError(f"unknown source {name!r}; choose from {', '.join(_REGISTRY)}") from None


def by_folder(folder: str) -> RawSource:
    for source in _REGISTRY.values():
        if source.folder == folder:
            return source
    raise UnknownSourceError(f"no source lands in folder {folder!r}")


def parse_names(value: str | Iterable[str]) -> list[RawSource]:
    """``"yellow,citibike"`` (or a list of names) as sources; empty means every source."""
    items = [s.strip() for s in (value.split(",") if isinstance(value, str) else value) if s.strip()]
    unknown = [s for s in items if s not in _REGISTRY]
    if unknown:
        raise UnknownSourceError(
            f"unknown source(s) {', '.join(unknown)}; choose from {', '.join(_REGISTRY)}"
        )
    return [_REGISTRY[s] for s in dict.fromkeys(items)] or all_sources()


def modes() -> dict[str, str]:
    """Every trip mode the registered sources feed, with its label."""
    return {s.mode: s.mode_label or s.mode for s in trips() if s.mode is not None}


def register(source: RawSource, *, replace: bool = False) -> RawSource:
    """Add a source (a plugin's, a test's). Its folder, name and dbt table must be new."""
    clash = [
        other.name
        for other in _REGISTRY.values()
        if other.name != source.name
        and (other.folder == source.folder or other.asset_key_path == source.asset_key_path)
    ]
    if clash or (source.name in _REGISTRY and not replace):
        raise ValueError(f"source {source.name!r} clashes with the registered {clash or [source.name]}")
    _REGISTRY[source.name] = source
    return source


def unregister(name: str) -> None:
    _REGISTRY.pop(name, None)


@contextmanager
def registered(*extra: RawSource) -> Iterator[list[RawSource]]:
    """Sources registered for the duration of a ``with`` block (tests, one-off tools)."""
    added = [register(source) for source in extra]
    try:
        yield added
    finally:
        for source in added:
            unregister(source.name)
