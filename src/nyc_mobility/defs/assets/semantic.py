"""The semantic layer's asset: a daily KPI table of the headline metrics.

``semantic/kpi_daily`` is computed by the in-process MetricFlow engine from the governed metric
definitions over the (unpublished) warehouse and written into it, in the ``duckdb_warehouse`` pool
(it writes the warehouse file); the serving snapshot publishes it with the rest. A run over some
months recomputes the days of those months only (every headline metric of a day reads that day's
trips and hours alone: no cumulative or offset metric is a headline one, a test keeps it so); a run
without months, every day.
"""

import datetime as dt

import dagster as dg

from nyc_mobility.defs.partitions import WAREHOUSE_POOL
from nyc_mobility.settings import Settings

KPI_KEY = dg.AssetKey(["semantic", "kpi_daily"])
KPI_TABLE = "kpi_daily"
FACT_KEYS = (dg.AssetKey("fct_trips"), dg.AssetKey("fct_hourly_mobility"))


def window_days(start_month: str, end_month: str) -> tuple[dt.date, dt.date]:
    """The first and last day of a month window."""
    from nyc_mobility.months import next_month, parse_month

    return parse_month(start_month), next_month(parse_month(end_month)) - dt.timedelta(days=1)


def month_chunks(first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date]]:
    """``first``..``last`` cut at calendar month ends (inclusive bounds)."""
    from nyc_mobility.months import next_month

    chunks, start = [], first
    while start <= last:
        following = next_month(start.replace(day=1))
        chunks.append((start, min(following - dt.timedelta(days=1), last)))
        start = following
    return chunks


def data_days(settings: Settings) -> tuple[dt.date, dt.date] | None:
    """The first and last pickup day of the facts the headline metrics read (None when empty)."""
    import duckdb

    con = duckdb.connect(
        str(settings.warehouse_path), read_only=True, config={"autoinstall_known_extensions": False}
    )
    try:
        first, last = con.execute(
            "select min(d), max(d) from (select min(pickup_date) as d from fct_trips union all "
            "select max(pickup_date) from fct_trips union all select min(pickup_date) from fct_hourly_mobility "
            "union all select max(pickup_date) from fct_hourly_mobility)"
        ).fetchall()[0]
    finally:
        con.close()
    return (first, last) if first is not None else None


def compute_daily_kpis(
    settings: Settings, days: tuple[dt.date, dt.date] | None = None, months: set[str] | None = None
):
    """The headline metrics by day (the days of ``days`` only, inclusive; every day with data
    without), computed by MetricFlow over the (unpublished) warehouse one calendar month at a time:
    every headline metric of a day reads that day alone, so the months' rows are the whole query's,
    and the memory a query needs is a month's, whatever the history (a 12-month history at half real
    volume ran out of the reader's 2 GB in one query). ``months``: only these calendar months are
    queried (a run's window may span months without trip files, which have no days to compute)."""
    import pyarrow as pa

    from nyc_mobility.metrics import MetricsService, headline_metrics

    span = days if days is not None else data_days(settings)
    chunks = month_chunks(*span) if span else [(None, None)]
    if months is not None and span:
        # an empty month's query still gives the table's columns when no month has files
        chunks = [c for c in chunks if f"{c[0]:%Y-%m}" in months] or chunks[:1]
    service = MetricsService(settings.warehouse_path)
    try:
        names = [m.name for m in headline_metrics()]
        tables = [
            service.query(
                names, group_by=["metric_time__day"], order_by=["metric_time__day"], start=start, end=end
            ).to_arrow()
            for start, end in chunks
        ]
        return pa.concat_tables(tables, promote_options="default") if len(tables) > 1 else tables[0]
    finally:
        service.close()


def write_table(settings: Settings, table, days: tuple[dt.date, dt.date] | None = None) -> str:
    """Replace ``main.kpi_daily`` (with ``days``: only those days' rows, when the table has the same
    columns) in one transaction: readers of the snapshot never see it half-written. Says which."""
    import duckdb

    select = "select cast(metric_time__day as date) as kpi_date, * exclude (metric_time__day) from kpi_rows"
    con = duckdb.connect(str(settings.warehouse_path), config={"autoinstall_known_extensions": False})
    try:
        con.register("kpi_rows", table)
        expected = ["kpi_date", *(name for name in table.column_names if name != "metric_time__day")]
        existing = [
            row[0]
            for row in con.execute(
                "select column_name from duckdb_columns() where schema_name = 'main' and table_name = ? "
                "order by column_index",
                [KPI_TABLE],
            ).fetchall()
        ]
        con.execute("begin")
        if days is not None and existing == expected:
            con.execute(f"delete from main.{KPI_TABLE} where kpi_date between ? and ?", list(days))
            con.execute(f"insert into main.{KPI_TABLE} {select}")
            replaced = f"the days {days[0]}..{days[1]}"
        else:
            con.execute(f"create or replace table main.{KPI_TABLE} as {select}")
            replaced = "every day"
        con.execute("commit")
    finally:
        con.close()
    return replaced


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
        from nyc_mobility import raw
        from nyc_mobility.defs.partitions import window_of_tags

        start, end = window_of_tags(context.run.tags)
        window = window_days(start, end) if start and end else None
        # a window's months without trip files (a gap the run spans) have no day to compute
        table = compute_daily_kpis(
            settings, window, set(raw.trip_months(settings.raw_dir)) if window else None
        )
        replaced = write_table(settings, table, window)
        days = table.column("metric_time__day").to_pylist()
        context.log.info(f"kpi_daily: {replaced} ({table.num_rows} days, {table.num_columns - 1} metrics)")
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": table.num_rows,
                "first_day": str(min(days).date()) if days else "",
                "last_day": str(max(days).date()) if days else "",
            }
        )

    return [kpi_daily]
