"""The serving layer: the warehouse published as a read-only snapshot, then the weather report.

The snapshot copies the warehouse file, so it runs in the ``duckdb_warehouse`` pool; the metrics
API, ``mf``, the report and BI tools read only the snapshot.
"""

import dagster as dg

from nyc_mobility.assets.semantic import KPI_KEY
from nyc_mobility.ops.instance import WAREHOUSE_POOL
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
            "Read-only copy of the warehouse, published atomically after a successful build; the "
            "metrics API, `mf` and BI tools read it so they never block or see a running build."
        ),
    )
    def warehouse_snapshot(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        import time

        from nyc_mobility.serving import publish

        started = time.monotonic()
        published = publish(settings.warehouse_path, settings.serving_path)
        seconds = time.monotonic() - started
        context.log.info(f"published {published.path} ({published.bytes:,} bytes) in {seconds:.2f} s")
        return dg.MaterializeResult(
            metadata={
                "path": dg.MetadataValue.path(str(published.path)),
                "bytes": published.bytes,
                "publish_seconds": round(seconds, 3),
            }
        )

    @dg.asset(
        key=REPORT_KEY,
        group_name="serving",
        deps=[SNAPSHOT_KEY],
        kinds={"html", "plotly"},
        description=(
            "Static, self-contained HTML report of weather impact on demand (charts and headline "
            "metrics), rendered from the governed metrics of the serving snapshot."
        ),
    )
    def weather_impact_report(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        from nyc_mobility.metrics import MetricsService
        from nyc_mobility.report import write_report

        service = MetricsService(settings.serving_path)
        try:
            path = write_report(service, settings.report_path)
        finally:
            service.close()
        context.log.info(f"wrote {path}")
        return dg.MaterializeResult(
            metadata={"path": dg.MetadataValue.path(str(path)), "bytes": path.stat().st_size}
        )

    return [warehouse_snapshot, weather_impact_report]
