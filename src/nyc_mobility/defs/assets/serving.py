"""The serving layer: the warehouse published as a read-only snapshot, then the weather report.

The snapshot (nyc_mobility.serving.publishing: per-month parquet parts of the monthly tables, a small
database of views and small tables) reads the warehouse, so it runs in the ``duckdb_warehouse``
pool; a run over some months publishes those months. The metrics API, ``mf``, the report and BI
tools read only the snapshot.
"""

import dagster as dg

from nyc_mobility.dbt.manifest import internal_relations, monthly_tables
from nyc_mobility.defs.assets.semantic import KPI_KEY
from nyc_mobility.defs.partitions import WAREHOUSE_POOL
from nyc_mobility.settings import Settings

SNAPSHOT_KEY = dg.AssetKey(["serving", "warehouse_snapshot"])
REPORT_KEY = dg.AssetKey(["serving", "weather_impact_report"])


def build_serving_assets(settings: Settings, dbt_leaves: list[dg.AssetKey]) -> list[dg.AssetsDefinition]:
    """The snapshot (after the KPI table and the leaves of the dbt graph, so after every model) and
    the report."""

    @dg.asset(
        key=SNAPSHOT_KEY,
        group_name="serving",
        deps=[KPI_KEY, *dbt_leaves],
        pool=WAREHOUSE_POOL,
        kinds={"duckdb"},
        description=(
            "Read-only snapshot of the warehouse's marts, seeds and KPI table (not the staging and "
            "intermediate models), published atomically after a successful build (the monthly tables "
            "as per-month parquet parts: a build publishes the months it built); the "
            "metrics API, `mf` and BI tools read it so they never block or see a running build."
        ),
    )
    def warehouse_snapshot(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        import time

        from nyc_mobility.defs.partitions import window_of_tags
        from nyc_mobility.months import month_range
        from nyc_mobility.serving.publishing import publish_marts

        start, end = window_of_tags(context.run.tags)
        months = month_range(start, end) if start and end else None
        started = time.monotonic()
        published = publish_marts(
            settings.warehouse_path, settings.serving_path, monthly_tables(), months, internal_relations()
        )
        seconds = time.monotonic() - started
        context.log.info(
            f"published {published.path} ({published.bytes:,} bytes) in {seconds:.2f} s: "
            f"{published.written} monthly parts written, {published.parts_reused} reused"
        )
        return dg.MaterializeResult(
            metadata={
                "path": dg.MetadataValue.path(str(published.path)),
                "bytes": published.bytes,
                "publish_seconds": round(seconds, 3),
                "parts_written": dg.MetadataValue.json(published.parts_written),
                "parts_reused": published.parts_reused,
            }
        )

    @dg.asset(
        key=REPORT_KEY,
        group_name="serving",
        deps=[SNAPSHOT_KEY],
        kinds={"html", "plotly"},
        description=(
            "Static, self-contained HTML report of weather impact on demand (charts and headline "
            "metrics over the latest `report_months` months), rendered from the governed metrics of "
            "the serving snapshot."
        ),
    )
    def weather_impact_report(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        from nyc_mobility.metrics import MetricsService
        from nyc_mobility.metrics.report import write_report
        from nyc_mobility.raw.manifest import origins

        service = MetricsService(settings.serving_path)
        try:
            synthetic = "sample" in origins(settings.raw_dir)
            path = write_report(service, settings.report_path, settings.report_months, synthetic=synthetic)
        finally:
            service.close()
        context.log.info(f"wrote {path}")
        return dg.MaterializeResult(
            metadata={"path": dg.MetadataValue.path(str(path)), "bytes": path.stat().st_size}
        )

    return [warehouse_snapshot, weather_impact_report]
