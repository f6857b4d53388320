"""Serving a Spark build: its tables exported as parquet and loaded into a DuckDB warehouse file.

The semantic layer answers from the DuckDB serving snapshot whatever engine built the marts
(docs/scaling-out.md): a Spark build's tables (every model materialized as a table, and the seeds)
are written as parquet folders by Spark (``export_tables``), read into a DuckDB warehouse of the same
tables and column types by DuckDB (``load_warehouse``), and published like a DuckDB build
(``nyc_mobility.serving.publishing.publish_marts``), so the metrics API, ``mf``, the report and BI tools read
the same snapshot either way. Staging views are not exported: they read the raw files, which the
snapshot's readers are not allowed to.

The Dagster build with ``engine="spark"`` does the same step by step: each dbt step on Spark writes
the relations it built at its end (``macros/engine/export_for_serving.sql``; a monthly model the window's
months only), and ``load_exports`` replaces those tables, or those months, in the DuckDB warehouse
that the KPI step and the publisher read, so a month's build moves that month.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from nyc_mobility.sql_quoting import identifier, literal, literals

_NAME = re.compile(r"[a-z_][a-z0-9_]*")


def missing_requirements(method: str | None = None) -> list[str]:
    """Why a build with ``engine="spark"`` cannot run here (empty: it can): dbt-spark; for a local
    session (``NYC_MOBILITY_SPARK_METHOD=session``, the default) pyspark and a Java runtime; for a
    Thrift server or Databricks over HTTP, PyHive."""
    import importlib.util
    import os

    method = method or os.environ.get("NYC_MOBILITY_SPARK_METHOD", "session")
    problems = []
    if importlib.util.find_spec("dbt.adapters.spark") is None:
        problems.append("dbt-spark is not installed (pip install 'nyc-mobility[spark]')")
    if method in ("thrift", "http") and importlib.util.find_spec("pyhive") is None:
        problems.append(f"dbt-spark's {method} method needs PyHive (pip install 'nyc-mobility[spark]')")
    if method == "session":
        if importlib.util.find_spec("pyspark") is None:
            problems.append("pyspark is not installed (pip install 'nyc-mobility[spark]')")
        if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
            problems.append(
                "a local Spark session needs a Java runtime (e.g. apt-get install openjdk-17-jre-headless)"
            )
    return problems


def _checked(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise ValueError(f"not a table name of the project: {name!r}")
    return name


def export_tables(spark: Any, schema: str, tables: Iterable[str], export_dir: Path) -> list[str]:
    """Write each of ``schema``'s ``tables`` as a parquet folder ``export_dir/<table>`` (replacing an
    earlier export) with Spark; returns the tables, also listed in ``export_dir/_tables.json``."""
    export_dir = Path(export_dir)
    shutil.rmtree(export_dir, ignore_errors=True)
    export_dir.mkdir(parents=True)
    names = sorted(_checked(table) for table in tables)
    for table in names:
        spark.table(f"{_checked(schema)}.{table}").write.mode("overwrite").parquet(str(export_dir / table))
    (export_dir / "_tables.json").write_text(json.dumps(names), encoding="utf-8")
    return names


def load_warehouse(export_dir: Path, warehouse: Path, tables: Iterable[str] | None = None) -> list[str]:
    """A DuckDB warehouse file holding the exported ``tables`` (default: every exported one), written
    beside and renamed over ``warehouse``; returns the tables. Timestamps stay wall-clock TIMESTAMPs
    (Spark writes its TIMESTAMP_NTZ as parquet timestamps without a zone)."""
    import duckdb

    export_dir, warehouse = Path(export_dir), Path(warehouse)
    exported = json.loads((export_dir / "_tables.json").read_text(encoding="utf-8"))
    tables = sorted(exported if tables is None else tables)
    missing = [t for t in tables if t not in exported]
    if missing:
        raise ValueError(f"not exported from Spark: {', '.join(missing)} (export_dir {export_dir})")
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    tmp = warehouse.with_name(warehouse.name + ".loading")
    tmp.unlink(missing_ok=True)
    try:
        con = duckdb.connect(str(tmp), config={"autoinstall_known_extensions": False})
        try:
            for table in tables:
                parts = literal(f"{export_dir / _checked(table)}/*.parquet")
                con.execute(f"create table {identifier(table)} as select * from read_parquet({parts})")
            con.execute("checkpoint")
        finally:
            con.close()
        tmp.replace(warehouse)
    except BaseException:  # never a half-loaded warehouse left behind
        tmp.unlink(missing_ok=True)
        raise
    return tables


def load_exports(
    export_dir: Path,
    warehouse: Path,
    monthly: Mapping[str, str],
    window: tuple[str | None, str | None] = (None, None),
) -> list[str]:
    """Load what one dbt step on Spark exported (``macros/engine/export_for_serving.sql``: a folder of parquet
    files per relation it built) into the DuckDB ``warehouse``, in one transaction (a failure leaves
    the warehouse as it was). A monthly table (``monthly``: table -> month column) built for a
    ``window`` has the window's months and its rows without a month replaced, so a step costs its
    months; any other relation is replaced whole. Returns the tables loaded."""
    import duckdb

    from nyc_mobility.months import InvalidMonthError, format_month, parse_month
    from nyc_mobility.settings import in_process_memory_limit

    try:  # the window's months reach SQL: exactly YYYY-MM, or refused
        start, end = (None if m is None else format_month(parse_month(m)) for m in window)
    except InvalidMonthError as error:
        raise ValueError(f"not a month (YYYY-MM): {error}") from None
    export_dir, warehouse = Path(export_dir), Path(warehouse)
    folders = sorted(p for p in export_dir.iterdir() if p.is_dir()) if export_dir.is_dir() else []
    if not folders:
        return []
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    config = {
        "autoinstall_known_extensions": False,
        "memory_limit": in_process_memory_limit(),
        "preserve_insertion_order": False,
    }
    con = duckdb.connect(str(warehouse), config=config)
    loaded: list[str] = []
    try:
        existing = {
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'main'"
            ).fetchall()
        }
        con.execute("begin transaction")
        for folder in folders:
            table = _checked(folder.name)
            files = sorted(str(f) for f in folder.glob("*.parquet"))
            source = f"read_parquet([{literals(files)}])"
            column = monthly.get(table)
            try:
                if column and table in existing and (start or end):
                    bounds = [
                        f"\"{_checked(column)}\" {op} '{m}'" for op, m in ((">=", start), ("<=", end)) if m
                    ]
                    con.execute(f'delete from "{table}" where ({" and ".join(bounds)}) or "{column}" is null')
                    if files:
                        con.execute(f'insert into "{table}" by name select * from {source}')
                elif files:
                    con.execute(f'create or replace table "{table}" as select * from {source}')
                else:
                    raise ValueError("Spark wrote no parquet file for it")
            except (duckdb.Error, ValueError) as error:
                raise RuntimeError(
                    f"loading {table} exported by Spark ({folder}) into {warehouse} failed: {error}"
                ) from error
            loaded.append(table)
        con.execute("commit")
    except BaseException:
        with contextlib.suppress(duckdb.Error):  # no transaction was open
            con.execute("rollback")
        raise
    finally:
        con.close()
    return loaded
