"""``build_definitions``: the whole pipeline as one ``dagster.Definitions``."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from nyc_mobility.settings import DEFAULT_CRON, Settings, Source, Target


def build_definitions(
    *,
    target: Target = "dev",
    duckdb_path: str | Path | None = None,
    data_dir: str | Path | None = None,
    cron: str = DEFAULT_CRON,
    log_retention_days: int = 30,
    source: Source = "sample",
    dbt_threads: int | None = None,
    sample_start: str | None = None,
    sample_end: str | None = None,
    sample_scale: float | None = None,
    partitions_start: str | None = None,
) -> dg.Definitions:
    """Assemble the pipeline.

    Args:
        target: dbt target of the shipped profile (``dev`` or ``prod``).
        duckdb_path: the warehouse file (default ``<data_dir>/warehouse/nyc_mobility.duckdb``).
        data_dir: root of raw files, dbt artifacts and the warehouse (default ``./data``).
        cron: cron (UTC) of the ``daily_dbt_build`` schedule.
        log_retention_days: runs, event logs, compute logs and dbt artifacts older than this are
            deleted by the ``log_retention`` job.
        source: ``sample`` writes the embedded sample when no raw data exists; ``official``
            expects raw files landed by ``nyc-mobility ingest``.
        dbt_threads: dbt ``--threads`` (default: the profile's).
        sample_start: first month (YYYY-MM) of the embedded sample.
        sample_end: last month (YYYY-MM) of the embedded sample.
        sample_scale: size of the embedded sample as a fraction of real monthly volume.
        partitions_start: first month (YYYY-MM) of the raw assets' monthly partitions.
    """
    overrides = {
        "partitions_start": partitions_start,
        "sample_start": sample_start,
        "sample_end": sample_end,
        "sample_scale": sample_scale,
        "dbt_threads": dbt_threads,
    }
    settings = Settings(
        target=target,
        duckdb_path=Path(duckdb_path) if duckdb_path is not None else None,
        data_dir=Path(data_dir) if data_dir is not None else Path("data"),
        cron=cron,
        log_retention_days=log_retention_days,
        source=source,
        **{k: v for k, v in overrides.items() if v is not None},
    )
    return definitions_from_settings(settings)


def definitions_from_settings(settings: Settings) -> dg.Definitions:
    from nyc_mobility.assets.dbt import build_dbt_assets, dbt_resource
    from nyc_mobility.assets.raw import MONTHLY_RAW, ZONE_KEYS, build_raw_assets
    from nyc_mobility.assets.serving import build_serving_assets
    from nyc_mobility.ops.retention import retention_job, retention_schedule
    from nyc_mobility.ops.schedules import build_job, daily_build_schedule, raw_monthly_job

    dbt_defs = build_dbt_assets(settings)
    raw_defs = build_raw_assets(settings)
    serving_defs = build_serving_assets(settings, sorted(dbt_defs.keys, key=lambda k: k.to_user_string()))
    job = build_job(
        dg.AssetSelection.assets(*ZONE_KEYS.values())
        | dg.AssetSelection.assets(dbt_defs)
        | dg.AssetSelection.assets(*serving_defs)
    )
    monthly = raw_monthly_job(dg.AssetSelection.assets(*(key for key, _f, _d in MONTHLY_RAW.values())))
    cleanup = retention_job(settings)
    return dg.Definitions(
        assets=[*raw_defs, dbt_defs, *serving_defs],
        jobs=[job, monthly, cleanup],
        schedules=[daily_build_schedule(job, settings.cron), retention_schedule(cleanup)],
        resources={"dbt": dbt_resource(settings)},
        metadata={
            "nyc_mobility/settings": dg.MetadataValue.json(settings.model_dump(mode="json")),
        },
    )
