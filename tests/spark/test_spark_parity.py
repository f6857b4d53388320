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

from tests.spark import thrift

# One Spark session builds ~210 dbt nodes (about 3 minutes alone on 2 cores).
pytestmark = [pytest.mark.integration, pytest.mark.timeout(2400)]

REQUIRED = os.environ.get("NYC_MOBILITY_REQUIRE_SPARK") == "1"
# Three of the sample's months (the fall-back hour included) at a fifth of the demo's size: Spark's
# cost is per dbt node here, not per row. September's trip files are withdrawn before the second build.
MONTHS, SCALE = ("2024-09", "2024-10", "2024-11"), 0.0005
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
    spark_settings: object  # the Dagster build's Settings (engine spark)
    spark: object  # the env's one Spark session, serving the Thrift server the dbt steps used
    port: int  # that server's port on 127.0.0.1
    export_dir: Path  # every relation (views too) exported from Spark after the builds
    relations: list[str]
    tmp: Path
    failed_checks: list[str]


def _results(*run_results: Path) -> dict[str, str]:
    statuses = {}
    for path in run_results:
        data = json.loads(path.read_text(encoding="utf-8"))
        statuses.update({r["unique_id"]: r["status"] for r in data["results"]})
    return statuses


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Builds]:
    """The sample's 2024-09..2024-11 built by Dagster with ``engine="spark"`` (the build job: both
    dbt steps on the env's one Spark session, through its Thrift server, with the session settings
    the profile gives a local session; each step's relations loaded into the DuckDB warehouse, the
    KPI table, the snapshot); then September's trip files are withdrawn and a stray copy of October
    rows is planted in November's partition folders, and the window 2024-09..2024-11 is built again
    as a partition range run builds it (its monthly dbt step, the KPI days, the publish). The DuckDB
    reference is dbt on DuckDB over the same files."""
    _require_spark()
    from nyc_mobility.dbt.args import dbt_vars
    from nyc_mobility.sample import generate
    from nyc_mobility.settings import Settings

    tmp = tmp_path_factory.mktemp("spark_parity")
    settings = Settings(
        data_dir=tmp / "data", engine="spark", data_origin="official", partitions_start=MONTHS[0]
    )
    generate(settings.raw_dir, MONTHS[0], MONTHS[-1], scale=SCALE)
    port = thrift.free_port()
    spark, server = thrift.start_session_with_thrift_server(
        thrift.profile_session_conf(os.environ, dbt_vars(settings)), port
    )
    with pytest.MonkeyPatch.context() as env:
        for name, value in {
            "METHOD": "thrift",
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "USER": "nyc",
        }.items():
            env.setenv(f"NYC_MOBILITY_SPARK_{name}", value)
        yield from _build(settings, tmp, spark, port)
    server.stop()
    spark.stop()


def _build(settings, tmp: Path, spark, port: int) -> Iterator[Builds]:
    import dagster as dg

    from nyc_mobility import raw, sources
    from nyc_mobility.dbt.args import dbt_vars, vars_arg
    from nyc_mobility.dbt.manifest import monthly_tables
    from nyc_mobility.dbt.project import dbt_executable, project_dir
    from nyc_mobility.dbt.spark import export_tables
    from nyc_mobility.defs.assets.semantic import KPI_KEY
    from nyc_mobility.defs.assets.serving import SNAPSHOT_KEY
    from nyc_mobility.defs.factory import definitions_from_settings
    from nyc_mobility.defs.jobs import BUILD_JOB_NAME
    from nyc_mobility.defs.partitions import range_tags
    from nyc_mobility.run.materialize import materialize
    from nyc_mobility.settings import Settings

    instance = dg.DagsterInstance.ephemeral()
    first = materialize(settings, instance, everything=True)
    assert first.success and first.plan.windows == [(MONTHS[0], MONTHS[-1])]
    failed = [e.check_name for e in first.check_evaluations() if not e.passed]

    withdrawn = tmp / "withdrawn"  # September's trip files are gone from disk
    withdrawn.mkdir()
    for source in sources.trips():
        folder = raw.month_dir(settings.raw_dir, source, MONTHS[0])
        if folder.is_dir():
            folder.rename(withdrawn / source.name)
    spark_tables = settings.spark_dir / "warehouse" / f"{SCHEMA}.db"
    for table in monthly_tables():  # a stray copy of October's rows in November's folder
        october = next((spark_tables / table / "source_month=2024-10").glob("part-*.parquet"))
        shutil.copy(october, spark_tables / table / "source_month=2024-11" / f"stray-{october.name}")
    # the window again, as a partition range runs it: the monthly dbt step, the KPI days, the publish
    definitions = definitions_from_settings(settings)
    monthly_step = next(
        a for a in definitions.assets if getattr(a, "op", None) and a.op.name == "dbt_monthly_assets"
    )
    window = definitions.resolve_job_def(BUILD_JOB_NAME).execute_in_process(
        instance=instance,
        raise_on_error=False,
        tags=range_tags(MONTHS[0], MONTHS[-1]),
        asset_selection=[*monthly_step.keys, KPI_KEY, SNAPSHOT_KEY],
    )
    assert window.success
    # a run of chosen assets carries all their checks, the freshness check of fct_trips too (official
    # data of 2024 is not fresh today): the dbt tests are what this compares
    failed += [
        e.check_name
        for e in window.get_asset_check_evaluations()
        if not e.passed and e.check_name != "freshness_check"
    ]
    steps = sorted(settings.dbt_artifacts_dir.glob("runs/*/run_results.json"))
    assert len(steps) == 3, steps  # the first build's two dbt steps, the window's monthly step

    project = project_dir()
    common = ["--project-dir", str(project), "--profiles-dir", str(project), "--threads", "2"]
    duckdb_warehouse = tmp / "duckdb" / "nyc_mobility.duckdb"
    duckdb_warehouse.parent.mkdir()
    reference = Settings(data_dir=settings.data_dir, duckdb_path=duckdb_warehouse)
    duck_target = tmp / "dbt-duckdb"
    done = subprocess.run(
        [dbt_executable(), "build", *vars_arg(dbt_vars(reference)), "--exclude-resource-type", "unit_test",
         *common, "--target", "dev", "--target-path", str(duck_target), "--log-path", str(tmp / "logs-duckdb")],
        capture_output=True, text=True, check=False,
        env={**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-4000:]

    manifest = json.loads((duck_target / "manifest.json").read_text(encoding="utf-8"))
    relations = sorted(
        n["name"] for n in manifest["nodes"].values() if n["resource_type"] in ("model", "seed")
    )
    export_dir = tmp / "spark-export"
    export_tables(spark, SCHEMA, relations, export_dir)
    yield Builds(
        duckdb_warehouse=duckdb_warehouse,
        duckdb_results=_results(duck_target / "run_results.json"),
        spark_results=_results(*steps),
        spark_settings=settings,
        spark=spark,
        port=port,
        export_dir=export_dir,
        relations=relations,
        tmp=tmp,
        failed_checks=failed,
    )


def test_every_model_seed_and_dbt_test_passes_on_both_engines(builds: Builds) -> None:
    failed = {k: v for k, v in builds.spark_results.items() if v not in ("success", "pass")}
    assert failed == {} and builds.failed_checks == []
    assert {k: v for k, v in builds.duckdb_results.items() if v not in ("success", "pass")} == {}
    assert set(builds.spark_results) == set(builds.duckdb_results)  # the same nodes ran (first build)
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


def _differences(duckdb_warehouse: Path, other: Path, relations: list[str]) -> dict[str, tuple]:
    """Each relation whose DuckDB table and Spark's copy differ (``other``: Spark's parquet export
    folder, or the DuckDB warehouse a Spark build loaded): its columns, or its row counts and the rows
    only one side has (except all both ways)."""
    con = duckdb.connect(config={"autoinstall_known_extensions": False})
    con.execute(f"attach '{duckdb_warehouse}' as duck (read_only)")
    if other.suffix == ".duckdb":
        con.execute(f"attach '{other}' as loaded (read_only)")
    con.execute("set TimeZone = 'America/New_York'")  # staging views are evaluated as our readers do
    differences = {}
    for name in relations:
        duck = f'duck.main."{name}"'
        spark = (
            f'loaded.main."{name}"'
            if other.suffix == ".duckdb"
            else f"read_parquet('{other / name}/*.parquet')"
        )
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
    """Every model (staging views too) and seed on Spark equals DuckDB's, and so does every table the
    Dagster build loaded into its DuckDB warehouse (what the KPI step and the snapshot read)."""
    assert _differences(builds.duckdb_warehouse, builds.export_dir, builds.relations) == {}
    assert {"fct_trips", "fct_hourly_mobility", "dim_weather", "stg_tlc__hvfhv_trips"} <= set(
        builds.relations
    )
    con = duckdb.connect(str(builds.spark_settings.warehouse_path), read_only=True)
    loaded = sorted(r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall())
    con.close()
    assert {"fct_trips", "fct_hourly_mobility", "dim_weather", "kpi_daily"} <= set(loaded)
    compared = [t for t in loaded if t != "kpi_daily"]  # kpi_daily: compared as metrics below
    assert _differences(builds.duckdb_warehouse, builds.spark_settings.warehouse_path, compared) == {}


def test_the_monthly_tables_are_partitioned_by_month_on_spark(builds: Builds) -> None:
    from nyc_mobility.dbt.manifest import monthly_tables

    tables = builds.spark_settings.spark_dir / "warehouse" / f"{SCHEMA}.db"
    for table in monthly_tables():
        folders = sorted(p.name for p in (tables / table).glob("source_month=*"))
        assert {f"source_month={m}" for m in MONTHS[1:]} <= set(folders), (table, folders)


def test_every_metric_by_day_is_the_same_served_from_either_engine(builds: Builds) -> None:
    """The Dagster build on Spark published its snapshot as usual; every metric, day by day, equals
    the one served from the DuckDB build of the same files."""
    from nyc_mobility import metrics
    from nyc_mobility.dbt.manifest import monthly_tables
    from nyc_mobility.serving.publishing import publish_marts
    from tests import metric_expectations as expect

    reference = builds.tmp / "serving-duckdb" / "nyc_mobility.duckdb"
    reference.parent.mkdir(parents=True, exist_ok=True)
    publish_marts(builds.duckdb_warehouse, reference, monthly_tables())
    duck, spark = (
        metrics.MetricsService(reference),
        metrics.MetricsService(builds.spark_settings.serving_path),
    )
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
    """The window's run (2024-09..2024-11, as a partition range runs it): the window's partitions are
    dropped and written again from the files, so the stray copy of October rows in November's folder
    is gone, and so is September, whose files were withdrawn (only the drop removes it: insert_overwrite
    alone replaces the months the new rows carry); the DuckDB warehouse the build loaded has the same
    months (compared row by row above), but for the intermediate table, which stays on Spark."""
    from nyc_mobility.dbt.manifest import internal_relations, monthly_tables

    tables = builds.spark_settings.spark_dir / "warehouse" / f"{SCHEMA}.db"
    con = duckdb.connect(str(builds.spark_settings.warehouse_path), read_only=True)
    try:
        for table in monthly_tables():
            assert not (tables / table / "source_month=2024-09").exists(), table
            assert not list((tables / table).glob("source_month=2024-11/stray-*")), table
            assert list((tables / table).glob("source_month=2024-11/*.parquet")), table
            if table in internal_relations():  # stays on Spark: the snapshot does not serve it
                assert not con.execute(
                    "select 1 from duckdb_tables() where table_name = ?", [table]
                ).fetchall()
                continue
            months = {r[0] for r in con.execute(f'select distinct source_month from "{table}"').fetchall()}
            assert "2024-09" not in months and "2024-11" in months, (table, months)
    finally:
        con.close()
    assert _differences(builds.duckdb_warehouse, builds.export_dir, sorted(monthly_tables())) == {}


def test_a_spark_build_writes_only_under_the_data_directory(builds: Builds) -> None:
    """The local sessions' tables, metastore and derby.log are under DATA_DIR/spark, never in the
    working directory of dbt (the installed project) and the step's exports are gone once loaded."""
    from nyc_mobility.dbt.project import project_dir

    spark_dir = builds.spark_settings.spark_dir
    assert (spark_dir / "metastore_db").is_dir() and (spark_dir / "derby.log").is_file()
    assert not (project_dir() / "derby.log").exists() and not (project_dir() / "metastore_db").exists()
    assert not (project_dir() / "spark-warehouse").exists()
    assert not list(builds.spark_settings.dbt_artifacts_dir.glob("runs/*/spark_export"))


def test_a_spark_session_without_the_projects_settings_builds_nothing(builds: Builds, tmp_path: Path) -> None:
    """A Thrift server ignores the ``server_side_parameters`` dbt-spark sends, so a session can lack
    what the SQL relies on (wall-clock timestamps, backslashes kept in literals) and silently change
    the numbers. The project's ``on-run-start`` check stops dbt before anything is built, naming each
    setting. The session here gets wrong values through the server's own ``set:hiveconf:`` keys."""
    from nyc_mobility.dbt.project import dbt_executable, project_dir

    wrong = {"spark.sql.parser.escapedStringLiterals": "false", "spark.sql.timestampType": "TIMESTAMP_LTZ"}
    output = {
        "type": "spark", "method": "thrift", "host": "127.0.0.1", "port": builds.port, "user": "nyc",
        "schema": "settings_check", "threads": 1, "connect_retries": 0,
        "server_side_parameters": {f"set:hiveconf:{key}": value for key, value in wrong.items()},
    }  # fmt: skip
    (tmp_path / "profiles.yml").write_text(
        json.dumps({"nyc_mobility": {"target": "check", "outputs": {"check": output}}}), encoding="utf-8"
    )
    done = subprocess.run(
        [dbt_executable(), "seed", "--select", "hvfhs_licenses", "--project-dir", str(project_dir()),
         "--profiles-dir", str(tmp_path), "--target-path", str(tmp_path / "target"),
         "--log-path", str(tmp_path / "logs")],
        capture_output=True, text=True, check=False,
        env={**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"},
    )  # fmt: skip
    assert done.returncode != 0
    assert "spark.sql.parser.escapedStringLiterals=false (needs true)" in done.stdout, done.stdout[-3000:]
    assert "spark.sql.timestampType=TIMESTAMP_LTZ (needs TIMESTAMP_NTZ)" in done.stdout
    assert "spark.sql.session.timeZone" not in done.stdout  # the settings the session has are not named
    assert not builds.spark.catalog.tableExists("settings_check.hvfhs_licenses")
