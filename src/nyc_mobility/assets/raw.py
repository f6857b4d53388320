"""Raw assets: the files the dbt sources read, keyed like the sources (``raw/<source>/<table>``).

The trip and weather assets are partitioned by month; a partition writes that month's files under
``{raw_dir}/<source>/month=YYYY-MM/``. With ``source="sample"`` the embedded generator writes them
(a month that already has landed files is kept as it is: sample data never overwrites real data);
with ``source="official"`` they are downloaded from the official hosts. Size, sha256, rows and the
date range of what is on disk are recorded as metadata.
"""

from pathlib import Path
from typing import Any

import dagster as dg

from nyc_mobility import raw
from nyc_mobility.partitions import monthly_partitions
from nyc_mobility.settings import Settings

MONTHLY_RAW = {
    "yellow": (
        dg.AssetKey(["raw", "tlc", "yellow_tripdata"]),
        "tlc_yellow",
        "TLC yellow taxi trip records, monthly parquet as published.",
    ),
    "fhv": (
        dg.AssetKey(["raw", "tlc", "fhv_tripdata"]),
        "tlc_fhv",
        "TLC for-hire vehicle trip records, monthly parquet as published.",
    ),
    "citibike": (
        dg.AssetKey(["raw", "citibike", "tripdata"]),
        "citibike",
        "Citi Bike trips: every CSV of the month's zip, landed as text-typed parquet.",
    ),
    "weather": (
        dg.AssetKey(["raw", "weather", "open_meteo_hourly"]),
        "weather",
        "Hourly Central Park weather, the Open-Meteo archive response (UTC).",
    ),
}
ZONE_KEYS = {
    "lookup": dg.AssetKey(["raw", "zones", "taxi_zone_lookup"]),
    "shapes": dg.AssetKey(["raw", "zones", "taxi_zone_shapes"]),
}


def describe(paths: list[Path], source: str) -> dict[str, Any]:
    """Metadata of landed files: size, sha256, rows and first/last timestamps."""
    from nyc_mobility.ingest import validate
    from nyc_mobility.ingest.download import sha256_of

    info: dict[str, Any] = {"files": len(paths), "bytes": sum(p.stat().st_size for p in paths)}
    info["sha256"] = ", ".join(sha256_of(p)[:16] for p in paths)
    rows, first, last = 0, [], []
    for path in paths:
        if path.suffix == ".parquet":
            column = {"yellow": "tpep_pickup_datetime", "fhv": "pickup_datetime", "citibike": "started_at"}[
                source
            ]
            meta = validate.parquet(path, column)
        elif path.suffix == ".json":
            meta = validate.open_meteo(path)
        else:
            continue
        rows += meta.get("rows", 0)
        first += [meta["first_timestamp"]] if "first_timestamp" in meta else []
        last += [meta["last_timestamp"]] if "last_timestamp" in meta else []
    info["rows"] = rows
    if first:
        info["first_timestamp"], info["last_timestamp"] = min(first), max(last)
    return info


def land_month(settings: Settings, source: str, month: str) -> tuple[list[Path], str]:
    """Make sure ``source`` has its files for ``month`` on disk; return them and what was done."""
    folder = raw.month_dir(settings.raw_dir, MONTHLY_RAW[source][1], month)
    existing = sorted(p for p in folder.glob("*") if raw.is_landed(p))
    if settings.source == "sample":
        if existing:
            return existing, "kept (already landed)"
        from nyc_mobility.sample import land_source

        return land_source(settings.raw_dir, month, source, scale=settings.sample_scale), "sample written"
    from nyc_mobility.ingest.run import ingest

    report = ingest(
        settings.raw_dir, settings.data_dir / "downloads", [month], [source], urls=settings.source_urls()
    )
    if report.failures:
        raise dg.Failure(description=report.failures[0].error)
    landed = report.landed[0]
    return sorted(landed.files), "already present" if landed.skipped else "downloaded"


def _monthly_asset(
    settings: Settings, source: str, partitions: dg.PartitionsDefinition
) -> dg.AssetsDefinition:
    key, _folder, description = MONTHLY_RAW[source]

    @dg.asset(
        key=key,
        partitions_def=partitions,
        group_name="raw",
        description=description,
        kinds={"file"},
        backfill_policy=dg.BackfillPolicy.single_run(),
    )
    def _raw_month(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        per_month = {}
        for month in context.partition_keys:
            paths, action = land_month(settings, source, month)
            per_month[month] = {"action": action, **describe(paths, source)}
            context.log.info(f"{source} {month}: {action}, {per_month[month]['rows']} rows")
        only = next(iter(per_month.values())) if len(per_month) == 1 else None
        metadata: dict[str, Any] = {
            "path": dg.MetadataValue.path(str(settings.raw_dir / MONTHLY_RAW[source][1])),
            "source_mode": settings.source,
            "months": dg.MetadataValue.json(per_month),
        }
        if only is not None:
            metadata.update({k: v for k, v in only.items() if k != "action"} | {"action": only["action"]})
        return dg.MaterializeResult(metadata=metadata)

    return _raw_month


def _zones_asset(settings: Settings) -> dg.AssetsDefinition:
    specs = [
        dg.AssetSpec(
            ZONE_KEYS["lookup"], group_name="raw", kinds={"file"}, description="TLC taxi zone lookup CSV."
        ),
        dg.AssetSpec(
            ZONE_KEYS["shapes"],
            group_name="raw",
            kinds={"file"},
            description="TLC taxi zone shapes (shapefile, EPSG:2263): places Citi Bike stations in zones.",
        ),
    ]

    @dg.multi_asset(specs=specs, name="raw_zones")
    def raw_zones(context: dg.AssetExecutionContext):
        lookup = settings.raw_dir / "zones" / raw.ZONE_LOOKUP_NAME
        shapes = raw.zone_shapes_path(settings.raw_dir)
        if settings.source == "sample":
            action = "kept (already landed)"
            if not (lookup.exists() and shapes.exists()):
                from nyc_mobility.sample import land_zones

                land_zones(settings.raw_dir)
                action = "sample written"
        else:
            from nyc_mobility.ingest.run import ingest

            report = ingest(
                settings.raw_dir, settings.data_dir / "downloads", [], ["zones"], urls=settings.source_urls()
            )
            if report.failures:
                raise dg.Failure(description=report.failures[0].error)
            action = "already present" if report.landed[0].skipped else "downloaded"
        from nyc_mobility.ingest.download import sha256_of

        for key, path in ((ZONE_KEYS["lookup"], lookup), (ZONE_KEYS["shapes"], shapes)):
            yield dg.MaterializeResult(
                asset_key=key,
                metadata={
                    "path": dg.MetadataValue.path(str(path)),
                    "bytes": path.stat().st_size,
                    "sha256": sha256_of(path),
                    "action": action,
                },
            )

    return raw_zones


def build_raw_assets(settings: Settings) -> list[dg.AssetsDefinition]:
    partitions = monthly_partitions(settings.partitions_start)
    return [*(_monthly_asset(settings, source, partitions) for source in MONTHLY_RAW), _zones_asset(settings)]
