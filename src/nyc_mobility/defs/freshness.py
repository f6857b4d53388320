"""Freshness, shown on the assets in the UI.

- What the daily build rebuilds (the hourly grid, the KPI table, the serving snapshot) carries a
  Dagster ``FreshnessPolicy`` (evaluated by the daemon's freshness loop): it warns when the last
  update is older than ``DAILY_WARN`` (26 h: the daily schedule plus slack for a slow or retried run)
  and fails after ``DAILY_FAIL`` (two nightly builds missed).
- Monthly partitions (the raw trip and weather files, and the trip facts built from them) must have
  their latest complete month by ``MONTHLY_DEADLINE_CRON``: the 28th of the month after. A freshness
  policy cannot say that (it looks at the last materialization of any partition, so re-landing an old
  month would pass), so these stay time-partition freshness checks (``WARN``) with their own sensor.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import dagster as dg

FRESHNESS_SENSOR_NAME = "freshness_checks_sensor"
DAILY_WARN = timedelta(hours=26)
DAILY_FAIL = timedelta(hours=50)
MONTHLY_DEADLINE_CRON = "0 12 28 * *"
DAILY_ASSETS = (
    dg.AssetKey("fct_hourly_mobility"),
    dg.AssetKey(["semantic", "kpi_daily"]),
    dg.AssetKey(["serving", "warehouse_snapshot"]),
)
DAILY_POLICY = dg.FreshnessPolicy.time_window(fail_window=DAILY_FAIL, warn_window=DAILY_WARN)


def with_daily_freshness(assets: Sequence[dg.AssetsDefinition]) -> list[dg.AssetsDefinition]:
    """The assets, the daily ones with ``DAILY_POLICY``."""
    return list(
        dg.map_asset_specs(
            lambda spec: (
                spec.replace_attributes(freshness_policy=DAILY_POLICY) if spec.key in DAILY_ASSETS else spec
            ),
            assets,
        )
    )


def freshness_checks(monthly: Sequence[dg.AssetKey]) -> list[dg.AssetChecksDefinition]:
    return list(
        dg.build_time_partition_freshness_checks(
            assets=list(monthly),
            deadline_cron=MONTHLY_DEADLINE_CRON,
            timezone="UTC",
            severity=dg.AssetCheckSeverity.WARN,
        )
    )


def freshness_sensor(checks: Sequence[dg.AssetChecksDefinition]) -> dg.SensorDefinition:
    return dg.build_sensor_for_freshness_checks(
        freshness_checks=list(checks),
        name=FRESHNESS_SENSOR_NAME,
        minimum_interval_seconds=600,
        default_status=dg.DefaultSensorStatus.RUNNING,
    )
