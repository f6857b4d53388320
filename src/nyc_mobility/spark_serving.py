"""Serving a Spark build: its tables exported as parquet and loaded into a DuckDB warehouse file.

The semantic layer answers from the DuckDB serving snapshot whatever engine built the marts
(docs/scaling-out.md): a Spark build's tables (every model materialized as a table, and the seeds)
are written as parquet folders by Spark (``export_tables``), read into a DuckDB warehouse of the same
tables and column types by DuckDB (``load_warehouse``), and published like a DuckDB build
(``nyc_mobility.publishing.publish_marts``), so the metrics API, ``mf``, the report and BI tools read
the same snapshot either way. Staging views are not exported: they read the raw files, which the
snapshot's readers are not allowed to.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

_NAME = re.compile(r"[a-z_][a-z0-9_]*")


def exported_tables(manifest: dict[str, Any]) -> list[str]:
    """The manifest's relations a Spark build materializes: seeds and non-view models, by name."""
    names = [
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "seed"
        or (node["resource_type"] == "model" and node["config"].get("materialized") != "view")
    ]
    return sorted(names)


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
                folder = str(export_dir / _checked(table)).replace("'", "''")
                con.execute(f"create table \"{table}\" as select * from read_parquet('{folder}/*.parquet')")
            con.execute("checkpoint")
        finally:
            con.close()
        tmp.replace(warehouse)
    except BaseException:  # never a half-loaded warehouse left behind
        tmp.unlink(missing_ok=True)
        raise
    return tables
