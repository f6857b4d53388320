"""``build_definitions``: the whole pipeline as one ``dagster.Definitions``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import dagster as dg

from nyc_mobility.settings import DEFAULT_CRON, AlertSink, Settings, Source, Target


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
    alert_sinks: Sequence[AlertSink] = ("log",),
    alert_webhook_url: str | None = None,
    alert_slack_channel: str | None = None,
    webserver_url: str | None = None,
    raw_sensor_interval_seconds: int | None = None,
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
        partitions_start: first month (YYYY-MM) of the monthly partitions (raw files, trip facts).
        alert_sinks: where the ``run_failure_alerts`` sensor reports failed runs: any of ``log``,
            ``webhook`` (JSON POST to ``alert_webhook_url``) and ``slack`` (dagster-slack, to
            ``alert_slack_channel``, token from ``$SLACK_BOT_TOKEN``).
        alert_webhook_url: URL of the webhook sink.
        alert_slack_channel: channel of the Slack sink.
        webserver_url: base URL of the Dagster UI, for the run links in alerts.
        raw_sensor_interval_seconds: how often ``raw_files_sensor`` looks for new raw files.
    """
    overrides = {
        "partitions_start": partitions_start,
        "sample_start": sample_start,
        "sample_end": sample_end,
        "sample_scale": sample_scale,
        "dbt_threads": dbt_threads,
        "alert_webhook_url": alert_webhook_url,
        "alert_slack_channel": alert_slack_channel,
        "webserver_url": webserver_url,
        "raw_sensor_interval_seconds": raw_sensor_interval_seconds,
    }
    settings = Settings(
        target=target,
        duckdb_path=Path(duckdb_path) if duckdb_path is not None else None,
        data_dir=Path(data_dir) if data_dir is not None else Path("data"),
        cron=cron,
        log_retention_days=log_retention_days,
        source=source,
        alert_sinks=tuple(alert_sinks),
        **{k: v for k, v in overrides.items() if v is not None},
    )
    return definitions_from_settings(settings)


def definitions_from_settings(settings: Settings) -> dg.Definitions:
    from nyc_mobility.assets.dbt import build_dbt_assets, dbt_resource
    from nyc_mobility.assets.raw import MONTHLY_RAW, ZONE_KEYS, build_raw_assets
    from nyc_mobility.assets.serving import build_serving_assets
    from nyc_mobility.ops.alerts import run_failure_alert_sensor
    from nyc_mobility.ops.freshness import freshness_checks, freshness_sensor
    from nyc_mobility.ops.retention import retention_job, retention_schedule
    from nyc_mobility.ops.schedules import build_job, daily_build_schedule, raw_monthly_job
    from nyc_mobility.ops.sensors import raw_files_sensor
    from nyc_mobility.partitions import monthly_partitions

    dbt_defs = build_dbt_assets(settings)
    raw_defs = build_raw_assets(settings)
    dbt_keys = sorted((key for d in dbt_defs for key in d.keys), key=lambda k: k.to_user_string())
    serving_defs = build_serving_assets(settings, dbt_keys)
    raw_monthly_keys = [key for key, _folder, _description in MONTHLY_RAW.values()]
    fresh = freshness_checks([*raw_monthly_keys, dg.AssetKey("fct_trips")])
    job = build_job(
        (
            dg.AssetSelection.assets(*ZONE_KEYS.values())
            | dg.AssetSelection.assets(*dbt_defs)
            | dg.AssetSelection.assets(*serving_defs)
        )
        - dg.AssetSelection.checks(*fresh)
    )
    monthly = raw_monthly_job(dg.AssetSelection.assets(*raw_monthly_keys) - dg.AssetSelection.checks(*fresh))
    cleanup = retention_job(settings)
    return dg.Definitions(
        assets=[*raw_defs, *dbt_defs, *serving_defs],
        asset_checks=fresh,
        jobs=[job, monthly, cleanup],
        sensors=[
            raw_files_sensor(settings, job),
            run_failure_alert_sensor(settings),
            freshness_sensor(fresh),
        ],
        schedules=[
            daily_build_schedule(job, settings.cron, monthly_partitions(settings.partitions_start)),
            retention_schedule(cleanup),
        ],
        resources={"dbt": dbt_resource(settings)},
        metadata={
            "nyc_mobility/settings": dg.MetadataValue.json(settings.public_dump()),
        },
    )
