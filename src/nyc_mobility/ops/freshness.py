"""Freshness checks, shown on the assets in the UI and evaluated by their own sensor.

- What the daily build rebuilds (the hourly grid, the KPI table, the serving snapshot) must have been
  updated within ``DAILY_WINDOW`` (26 h: the daily schedule plus slack for a slow or retried run).
- Monthly partitions (the raw trip and weather files, and the trip facts built from them) must
  have their latest complete month by ``MONTHLY_DEADLINE_CRON``: the 28th of the month after.
Both warn (``WARN`` severity): a late month is worth a look, not a failed pipeline.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import dagster as dg

FRESHNESS_SENSOR_NAME = "freshness_checks_sensor"
DAILY_WINDOW = timedelta(hours=26)
MONTHLY_DEADLINE_CRON = "0 12 28 * *"
DAILY_ASSETS = (
    dg.AssetKey("fct_hourly_mobility"),
    dg.AssetKey(["semantic", "kpi_daily"]),
    dg.AssetKey(["serving", "warehouse_snapshot"]),
)


def freshness_checks(monthly: Sequence[dg.AssetKey]) -> list[dg.AssetChecksDefinition]:
    daily = dg.build_last_update_freshness_checks(
        assets=list(DAILY_ASSETS), lower_bound_delta=DAILY_WINDOW, severity=dg.AssetCheckSeverity.WARN
    )
    months = dg.build_time_partition_freshness_checks(
        assets=list(monthly),
        deadline_cron=MONTHLY_DEADLINE_CRON,
        timezone="UTC",
        severity=dg.AssetCheckSeverity.WARN,
    )
    return [*daily, *months]


def freshness_sensor(checks: Sequence[dg.AssetChecksDefinition]) -> dg.SensorDefinition:
    return dg.build_sensor_for_freshness_checks(
        freshness_checks=list(checks),
        name=FRESHNESS_SENSOR_NAME,
        minimum_interval_seconds=600,
        default_status=dg.DefaultSensorStatus.RUNNING,
    )
