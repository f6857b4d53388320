"""The pipeline as a Dagster Component, registered under ``dagster_dg_cli.registry_modules``.

Another project mounts it with a ``defs.yaml`` of a few lines::

    type: nyc_mobility.components.NycMobilityPipeline
    attributes:
      data_dir: data/nyc_mobility        # relative paths resolve against the project root
      target: prod
      cron: "0 5 * * *"
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import dagster as dg


class NycMobilityPipeline(dg.Component, dg.Model, dg.Resolvable):
    """NYC taxi, FHV, Citi Bike and weather: raw files, every dbt model, checks and schedules."""

    target: Literal["dev", "prod"] = "dev"
    duckdb_path: str | None = None
    data_dir: str | None = None
    cron: str = "0 2 * * *"
    log_retention_days: int = 30
    source: Literal["sample", "official"] = "sample"
    dbt_threads: int | None = None
    sample_start: str | None = None
    sample_end: str | None = None
    sample_scale: float | None = None
    partitions_start: str | None = None
    alert_sinks: tuple[Literal["log", "webhook", "slack"], ...] = ("log",)
    alert_webhook_url: str | None = None
    alert_slack_channel: str | None = None
    webserver_url: str | None = None
    raw_sensor_interval_seconds: int | None = None

    def _resolve(self, value: str | None, root: Path) -> Path | None:
        if value is None:
            return None
        path = Path(value).expanduser()
        return path if path.is_absolute() else root / path

    def build_defs(self, context: dg.ComponentLoadContext) -> dg.Definitions:
        from nyc_mobility.factory import build_definitions

        root = Path(context.project_root)
        return build_definitions(
            target=self.target,
            duckdb_path=self._resolve(self.duckdb_path, root),
            data_dir=self._resolve(self.data_dir, root) or root / "data" / "nyc_mobility",
            cron=self.cron,
            log_retention_days=self.log_retention_days,
            source=self.source,
            dbt_threads=self.dbt_threads,
            sample_start=self.sample_start,
            sample_end=self.sample_end,
            sample_scale=self.sample_scale,
            partitions_start=self.partitions_start,
            alert_sinks=self.alert_sinks,
            alert_webhook_url=self.alert_webhook_url,
            alert_slack_channel=self.alert_slack_channel,
            webserver_url=self.webserver_url,
            raw_sensor_interval_seconds=self.raw_sensor_interval_seconds,
        )


__all__ = ["NycMobilityPipeline"]
