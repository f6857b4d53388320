"""The same dbt project on Apache Spark (dbt-spark, one local Spark session) and on DuckDB, from the
same landed files: every model, seed and dbt test, every table row by row, every metric day by day.

Runs in the ``spark`` tox env (``pip install 'nyc-mobility[spark]'`` and a Java runtime); skipped with
the reason elsewhere. ``NYC_MOBILITY_REQUIRE_SPARK=1`` (set by that env) turns the skip into a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

# One Spark session builds ~210 dbt nodes (about 3 minutes alone on 2 cores).
pytestmark = [pytest.mark.integration, pytest.mark.timeout(2400)]

REQUIRED = os.environ.get("NYC_MOBILITY_REQUIRE_SPARK") == "1"
# The sample's two months (the fall-back hour included) at a fifth of the demo's size: Spark's cost
# is per dbt node here, not per row.
MONTHS, SCALE = ("2024-10", "2024-11"), 0.0005
SCHEMA = "nyc_mobility"
DOUBLE_PLACES = 9  # doubles compared to 9 decimals (engines may differ in the last bits of sin/cos)


def _require_spark() -> None:
    reasons = []
    try:
        import dbt.adapters.spark  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError:
        reasons.append("pyspark / dbt-spark not installed (pip install 'nyc-mobility[spark]')")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        reasons.append("no Java runtime (apt-get install openjdk-17-jre-headless)")
    if reasons:
        if REQUIRED:
            pytest.fail("; ".join(reasons))
        pytest.skip("the Spark build runs in the spark tox env: " + "; ".join(reasons))


@dataclass
class Builds:
    duckdb_warehouse: Path
    duckdb_results: dict[str, str]
    spark_results: dict[str, str]
    export_dir: Path
    spark_warehouse: Path
    relations: list[str]
    tmp: Path
    spark_invoke: object  # runs dbt on Spark with the build's settings: (args, vars) -> dbtRunnerResult


def _results(run_results: Path) -> dict[str, str]:
    data = json.loads(run_results.read_text(encoding="utf-8"))
    return {r["unique_id"]: r["status"] for r in data["results"]}


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Builds]:
    _require_spark()
    from dbt.cli.main import dbtRunner
    from pyspark.sql import SparkSession

    from nyc_mobility.assets.dbt import dbt_executable
    from nyc_mobility.dbt_args import dbt_vars, landed_trip_tables, vars_arg
    from nyc_mobility.project import project_dir
    from nyc_mobility.sample import generate
    from nyc_mobility.settings import Settings
    from nyc_mobility.spark_serving import export_tables

    tmp = tmp_path_factory.mktemp("spark_parity")
    settings = Settings(data_dir=tmp / "data")
    generate(settings.raw_dir, MONTHS[0], MONTHS[-1], scale=SCALE)
    settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    project = project_dir()
    common = ["--project-dir", str(project), "--profiles-dir", str(project), "--threads", "2"]
    excluded = ["--exclude-resource-type", "unit_test"]

    duck_target = tmp / "dbt-duckdb"
    done = subprocess.run(
        [dbt_executable(), "build", *vars_arg(dbt_vars(settings)), *excluded, *common,
         "--target", "dev", "--target-path", str(duck_target), "--log-path", str(tmp / "logs-duckdb")],
        capture_output=True, text=True, check=False,
        env={**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-4000:]

    spark_target = tmp / "dbt-spark"
    spark_warehouse = tmp / "spark-warehouse"
    spark_vars = {"raw_dir": str(settings.raw_dir), "landed_sources": landed_trip_tables(settings.raw_dir)}

    def spark_invoke(args: list[str], extra_vars: dict | None = None, target_path: Path = spark_target):
        saved = dict(os.environ)
        os.environ.update(
            NYC_MOBILITY_TARGET="spark",
            NYC_MOBILITY_SPARK_CATALOG="in-memory",
            NYC_MOBILITY_SPARK_WAREHOUSE=str(spark_warehouse),
            DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        )
        try:
            return dbtRunner().invoke(
                [*args, "--vars", json.dumps({**spark_vars, **(extra_vars or {})}), *excluded, *common,
                 "--target-path", str(target_path), "--log-path", str(tmp / "logs-spark")]
            )  # fmt: skip
        finally:
            os.environ.clear()
            os.environ.update(saved)

    result = spark_invoke(["build"])
    assert result.exception is None, result.exception
    spark_results = _results(spark_target / "run_results.json")

    manifest = json.loads((spark_target / "manifest.json").read_text(encoding="utf-8"))
    relations = sorted(
        n["name"] for n in manifest["nodes"].values() if n["resource_type"] in ("model", "seed")
    )
    spark = SparkSession.builder.getOrCreate()  # the session dbt-spark started
    export_dir = tmp / "spark-export"
    export_tables(spark, SCHEMA, relations, export_dir)
    yield Builds(
        duckdb_warehouse=settings.warehouse_path,
        duckdb_results=_results(duck_target / "run_results.json"),
        spark_results=spark_results,
        export_dir=export_dir,
        spark_warehouse=spark_warehouse,
        relations=relations,
        tmp=tmp,
        spark_invoke=spark_invoke,
    )
    spark.stop()


def test_every_model_seed_and_dbt_test_passes_on_both_engines(builds: Builds) -> None:
    failed = {k: v for k, v in builds.spark_results.items() if v not in ("success", "pass")}
    assert failed == {}
    assert {k: v for k, v in builds.duckdb_results.items() if v not in ("success", "pass")} == {}
    assert set(builds.spark_results) == set(builds.duckdb_results)  # the same nodes ran
    assert sum(k.startswith("test.") for k in builds.spark_results) > 100


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    return {
        name.lower(): kind for name, kind, *_ in con.execute(f"describe select * from {relation}").fetchall()
    }


def _comparable(column: str, kind: str) -> str:
    quoted = f'"{column}"'
    if kind in ("DOUBLE", "FLOAT") or kind.startswith("DECIMAL"):
        return f"round(cast({quoted} as double), {DOUBLE_PLACES}) as {quoted}"
    if kind in ("HUGEINT", "INTEGER", "BIGINT", "SMALLINT"):
        return f"cast({quoted} as bigint) as {quoted}"
    return quoted


def _differences(duckdb_warehouse: Path, export_dir: Path, relations: list[str]) -> dict[str, tuple]:
    """Each relation whose DuckDB table and Spark export differ: its columns, or its row counts and
    the rows only one side has (except all both ways)."""
    con = duckdb.connect(config={"autoinstall_known_extensions": False})
    con.execute(f"attach '{duckdb_warehouse}' as duck (read_only)")
    con.execute("set TimeZone = 'America/New_York'")  # staging views are evaluated as our readers do
    differences = {}
    for name in relations:
        duck = f'duck.main."{name}"'
        spark = f"read_parquet('{export_dir / name}/*.parquet')"
        duck_columns, spark_columns = _columns(con, duck), _columns(con, spark)
        if set(duck_columns) != set(spark_columns):
            differences[name] = ("columns", sorted(set(duck_columns) ^ set(spark_columns)))
            continue
        duck_rows = con.execute(f"select count(*) from {duck}").fetchone()[0]
        spark_rows = con.execute(f"select count(*) from {spark}").fetchone()[0]
        columns = sorted(duck_columns)
        left = f"select {', '.join(_comparable(c, duck_columns[c]) for c in columns)} from {duck}"
        right = f"select {', '.join(_comparable(c, spark_columns[c]) for c in columns)} from {spark}"
        only_duck = con.execute(f"select count(*) from ({left} except all {right})").fetchone()[0]
        only_spark = con.execute(f"select count(*) from ({right} except all {left})").fetchone()[0]
        if (duck_rows, only_duck, only_spark) != (spark_rows, 0, 0):
            differences[name] = (duck_rows, spark_rows, only_duck, only_spark)
    con.close()
    return differences


def test_every_relation_holds_the_same_rows_on_both_engines(builds: Builds) -> None:
    assert _differences(builds.duckdb_warehouse, builds.export_dir, builds.relations) == {}
    assert {"fct_trips", "fct_hourly_mobility", "dim_weather", "stg_tlc__hvfhv_trips"} <= set(
        builds.relations
    )


def test_the_monthly_tables_are_partitioned_by_month_on_spark(builds: Builds) -> None:
    from nyc_mobility.assets.serving import monthly_tables

    for table in monthly_tables():
        folders = sorted(
            p.name for p in (builds.spark_warehouse / f"{SCHEMA}.db" / table).glob("source_month=*")
        )
        assert folders and all(f.startswith("source_month=") for f in folders), table
        assert {f"source_month={m}" for m in MONTHS} <= set(folders), (table, folders)


def test_every_metric_by_day_is_the_same_served_from_either_engine(builds: Builds) -> None:
    from nyc_mobility import metrics
    from nyc_mobility.assets.serving import monthly_tables
    from nyc_mobility.publishing import publish_marts
    from nyc_mobility.spark_serving import exported_tables, load_warehouse
    from tests import metric_expectations as expect

    manifest = json.loads((builds.tmp / "dbt-spark" / "manifest.json").read_text(encoding="utf-8"))
    spark_warehouse = builds.tmp / "spark-served" / "warehouse.duckdb"
    load_warehouse(builds.export_dir, spark_warehouse, exported_tables(manifest))
    snapshots = {}
    for engine, warehouse in (("duckdb", builds.duckdb_warehouse), ("spark", spark_warehouse)):
        snapshots[engine] = builds.tmp / f"serving-{engine}" / "nyc_mobility.duckdb"
        snapshots[engine].parent.mkdir(parents=True, exist_ok=True)
        publish_marts(warehouse, snapshots[engine], monthly_tables())
    duck, spark = (metrics.MetricsService(snapshots[e]) for e in ("duckdb", "spark"))
    try:
        mismatches, compared = [], 0
        for metric in metrics.list_metrics():
            by_engine = [
                {row[0]: row[1] for row in service.query([metric.name], ["metric_time__day"]).rows}
                for service in (duck, spark)
            ]
            days = set(by_engine[0]) | set(by_engine[1])
            wrong = [d for d in sorted(days) if not expect.same(by_engine[0].get(d), by_engine[1].get(d))]
            if wrong:
                mismatches.append(
                    (metric.name, [(d, by_engine[0].get(d), by_engine[1].get(d)) for d in wrong[:3]])
                )
            compared += any(v not in (None, 0) for v in by_engine[0].values())
    finally:
        duck.close()
        spark.close()
    assert mismatches == []
    assert compared > 100  # real values, not two empty answers


def test_a_month_window_build_on_spark_replaces_exactly_its_months(builds: Builds) -> None:
    """The monthly step of a window (as a Dagster partition range runs it): the window's partitions
    are dropped and written again from the files, so a stray copy of a November row is gone, and so is
    a month of the window whose files are gone (September, planted here: only the drop removes it,
    insert_overwrite alone replaces the months the new rows carry)."""
    from pyspark.sql import SparkSession

    from nyc_mobility.assets.serving import monthly_tables
    from nyc_mobility.spark_serving import export_tables

    spark = SparkSession.builder.getOrCreate()
    tables = sorted(monthly_tables())
    for table in tables:  # the partition column is the table's last
        november = f"from {SCHEMA}.{table} where source_month = '2024-11' limit 1"
        spark.sql(f"insert into {SCHEMA}.{table} select * {november}")
        spark.sql(f"insert into {SCHEMA}.{table} select * except (source_month), '2024-09' {november}")
    result = builds.spark_invoke(
        ["build", "--selector", "monthly"],
        {"start_month": "2024-09", "end_month": "2024-11"},
        builds.tmp / "dbt-spark-window",
    )
    assert result.exception is None, result.exception
    statuses = _results(builds.tmp / "dbt-spark-window" / "run_results.json")
    assert statuses and all(v in ("success", "pass") for v in statuses.values()), statuses
    for table in tables:
        assert spark.table(f"{SCHEMA}.{table}").where("source_month = '2024-09'").count() == 0, table
    export_dir = builds.tmp / "spark-export-window"
    export_tables(spark, SCHEMA, tables, export_dir)
    assert _differences(builds.duckdb_warehouse, export_dir, tables) == {}
