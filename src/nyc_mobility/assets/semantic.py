"""The semantic layer's asset: a daily KPI table of the headline metrics.

``semantic/kpi_daily`` is computed by the in-process MetricFlow engine from the governed metric
definitions over the (unpublished) warehouse and written into it, in the ``duckdb_warehouse`` pool
(it writes the warehouse file); the serving snapshot publishes it with the rest.
"""

import dagster as dg

from nyc_mobility.ops.instance import WAREHOUSE_POOL
from nyc_mobility.settings import Settings

KPI_KEY = dg.AssetKey(["semantic", "kpi_daily"])
KPI_TABLE = "kpi_daily"
FACT_KEYS = (dg.AssetKey("fct_trips"), dg.AssetKey("fct_hourly_mobility"))


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


def build_semantic_assets(settings: Settings) -> list[dg.AssetsDefinition]:
    from nyc_mobility.metrics import list_metrics
    from nyc_mobility.metrics.catalog import catalog_markdown

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
            "metric_catalog": dg.MetadataValue.md(catalog_markdown()),
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

    return [kpi_daily]
