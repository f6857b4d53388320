"""The semantic and serving layers: a daily KPI table of the headline metrics, then the snapshot.

Both write or copy the warehouse file, so both run in the ``duckdb_warehouse`` pool: the KPI
table is computed by the in-process MetricFlow engine and written into the warehouse, and the
warehouse is then published as the read-only serving snapshot that the metrics API and BI read.
"""

import dagster as dg

from nyc_mobility.ops.instance import WAREHOUSE_POOL
from nyc_mobility.settings import Settings

KPI_KEY = dg.AssetKey(["semantic", "kpi_daily"])
SNAPSHOT_KEY = dg.AssetKey(["serving", "warehouse_snapshot"])
REPORT_KEY = dg.AssetKey(["serving", "weather_impact_report"])
KPI_TABLE = "kpi_daily"
FACT_KEYS = (dg.AssetKey("fct_trips"), dg.AssetKey("fct_hourly_mobility"))


def metric_catalog_markdown() -> str:
    """The governed metrics as a Markdown table (asset metadata in the UI)."""
    from nyc_mobility.metrics import CATEGORY_LABELS, list_metrics

    lines = ["| metric | category | type | description |", "|---|---|---|---|"]
    for m in list_metrics():
        description = m.description.replace("|", "\\|").replace("\n", " ")
        lines.append(
            f"| `{m.name}` | {CATEGORY_LABELS.get(m.category, m.category)} | {m.type} | {description} |"
        )
    return "\n".join(lines)


def compute_daily_kpis(settings: Settings):
    """The headline metrics by day, computed by MetricFlow over the (unpublished) warehouse."""
    from nyc_mobility.metrics import MetricsService, headline_metrics

    service = MetricsService(settings.warehouse_path)
    try:
        names = [m.name for m in headline_metrics()]
        return service.query(names, group_by=["metric_time__day"], order_by=["metric_time__day"]).to_arrow()
    finally:
        service.close()


def write_table(settings: Settings, table) -> None:
    """Replace ``main.kpi_daily`` in one transaction (readers of the snapshot never see it half-written)."""
    import duckdb

    con = duckdb.connect(str(settings.warehouse_path), config={"autoinstall_known_extensions": False})
    try:
        con.register("kpi_rows", table)
        con.execute("begin")
        con.execute(
            f"create or replace table main.{KPI_TABLE} as "
            "select cast(metric_time__day as date) as kpi_date, * exclude (metric_time__day) from kpi_rows"
        )
        con.execute("commit")
    finally:
        con.close()


def build_serving_assets(settings: Settings, dbt_keys: list[dg.AssetKey]) -> list[dg.AssetsDefinition]:
    from nyc_mobility.metrics import list_metrics

    catalog = list_metrics()

    @dg.asset(
        key=KPI_KEY,
        group_name="semantic",
        deps=list(FACT_KEYS),
        pool=WAREHOUSE_POOL,
        kinds={"duckdb", "metricflow"},
        description=(
            "Headline metrics per day (table `kpi_daily` in the warehouse), computed by MetricFlow "
            "from the governed metric definitions."
        ),
        metadata={
            "metric_catalog": dg.MetadataValue.md(metric_catalog_markdown()),
            "metric_count": len(catalog),
            "headline_metrics": dg.MetadataValue.json([m.name for m in catalog if m.headline]),
        },
    )
    def kpi_daily(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        table = compute_daily_kpis(settings)
        write_table(settings, table)
        days = table.column("metric_time__day").to_pylist()
        context.log.info(f"kpi_daily: {table.num_rows} days, {table.num_columns - 1} metrics")
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": table.num_rows,
                "first_day": str(min(days).date()) if days else "",
                "last_day": str(max(days).date()) if days else "",
            }
        )

    @dg.asset(
        key=SNAPSHOT_KEY,
        group_name="serving",
        deps=[KPI_KEY, *dbt_keys],
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

    return [kpi_daily, warehouse_snapshot, weather_impact_report]
