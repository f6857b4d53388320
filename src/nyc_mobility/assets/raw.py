"""Raw assets: the files the dbt sources read, keyed like the sources (``raw/<source>/<table>``).

In ``sample`` mode they are written by the embedded generator when no raw data is on disk; raw
data already landed (downloaded or dropped by hand) is never overwritten with sample data.
"""

import dagster as dg

from nyc_mobility import raw
from nyc_mobility.settings import Settings

RAW_ASSET_KEYS = {
    "tlc_yellow": dg.AssetKey(["raw", "tlc", "yellow_tripdata"]),
    "tlc_fhv": dg.AssetKey(["raw", "tlc", "fhv_tripdata"]),
    "citibike": dg.AssetKey(["raw", "citibike", "tripdata"]),
    "weather": dg.AssetKey(["raw", "weather", "open_meteo_hourly"]),
    "zones": dg.AssetKey(["raw", "zones", "taxi_zone_lookup"]),
    "zone_shapes": dg.AssetKey(["raw", "zones", "taxi_zone_shapes"]),
}
_DESCRIPTIONS = {
    "tlc_yellow": "TLC yellow taxi trip records, monthly parquet as published.",
    "tlc_fhv": "TLC for-hire vehicle trip records, monthly parquet as published.",
    "citibike": "Citi Bike trips: every CSV of the monthly zip, landed as text-typed parquet.",
    "weather": "Hourly Central Park weather, Open-Meteo archive responses (UTC).",
    "zones": "TLC taxi zone lookup CSV.",
    "zone_shapes": "TLC taxi zone shapes (shapefile, EPSG:2263), used to place Citi Bike stations in zones.",
}


def build_raw_assets(settings: Settings) -> dg.AssetsDefinition:
    specs = [
        dg.AssetSpec(key, group_name="raw", description=_DESCRIPTIONS[source], kinds={"file"})
        for source, key in RAW_ASSET_KEYS.items()
    ]

    @dg.multi_asset(specs=specs, name="raw_files", can_subset=False)
    def raw_files(context: dg.AssetExecutionContext):
        landed_before = raw.landed_months(settings.raw_dir)
        missing = raw.missing_sources(settings.raw_dir)
        generated = False
        if settings.source == "sample" and missing == list(raw.ALL_SOURCES):
            from nyc_mobility.sample import generate

            context.log.info(
                f"no raw data under {settings.raw_dir}: writing the embedded sample "
                f"{settings.sample_start}..{settings.sample_end} at scale {settings.sample_scale}"
            )
            generate(
                settings.raw_dir, settings.sample_start, settings.sample_end, scale=settings.sample_scale
            )
            generated = True
        still_missing = raw.missing_sources(settings.raw_dir)
        if still_missing:
            raise dg.Failure(
                description=(
                    f"no raw files for {', '.join(still_missing)} under {settings.raw_dir}; "
                    "land them with `nyc-mobility ingest` (or remove every raw file to use the sample)"
                ),
            )
        months = raw.landed_months(settings.raw_dir)
        for source, key in RAW_ASSET_KEYS.items():
            folder = (
                raw.zone_shapes_path(settings.raw_dir).parent
                if source == "zone_shapes"
                else settings.raw_dir / source
            )
            files = (
                sorted(folder.rglob("*.*"))
                if source != "zones"
                else [settings.raw_dir / "zones" / raw.ZONE_LOOKUP_NAME]
            )
            files = [f for f in files if not f.name.startswith(".")]
            yield dg.MaterializeResult(
                asset_key=key,
                metadata={
                    "path": dg.MetadataValue.path(str(folder)),
                    "files": len(files),
                    "bytes": sum(f.stat().st_size for f in files),
                    "months": ", ".join(months.get(source, [])) or "n/a",
                    "generated_sample": generated,
                    "months_before": ", ".join(landed_before.get(source, [])) or "none",
                },
            )

    return raw_files
