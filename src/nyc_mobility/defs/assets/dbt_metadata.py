"""Row counts and column types of the models a dbt step built, for their materializations.

dbt-duckdb reports no rows affected, and DuckDB has one writer: while dbt runs, no other connection
can open the warehouse. So the step reads them once dbt has exited, through one read-only
connection: the row count of every table (DuckDB keeps it: ``count(*)`` reads no data), never of a
view (that would scan the raw files again), and every column's type from the catalog.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import dagster as dg

ROW_COUNT = "dagster/row_count"
COLUMN_SCHEMA = "dagster/column_schema"


def warehouse_metadata(warehouse: Path, names: Iterable[str]) -> dict[str, dict[str, object]]:
    """``{model: {"row_count": n | None, "columns": [(name, type), ...]}}`` for the relations found."""
    import duckdb

    wanted = sorted(set(names))
    if not wanted or not Path(warehouse).exists():
        return {}
    con = duckdb.connect(str(warehouse), read_only=True, config={"autoinstall_known_extensions": False})
    try:
        kinds = dict(
            con.execute(
                "select table_name, table_type from information_schema.tables "
                "where table_schema = 'main' and table_name in (select unnest(?))",
                [wanted],
            ).fetchall()
        )
        columns: dict[str, list[tuple[str, str]]] = {}
        for table, column, data_type in con.execute(
            "select table_name, column_name, data_type from information_schema.columns "
            "where table_schema = 'main' and table_name in (select unnest(?)) "
            "order by table_name, ordinal_position",
            [wanted],
        ).fetchall():
            columns.setdefault(table, []).append((column, data_type))
        out: dict[str, dict[str, object]] = {}
        for name, kind in kinds.items():
            rows = None
            if kind == "BASE TABLE":
                rows = con.execute(f'select count(*) from main."{name}"').fetchone()[0]
            out[name] = {"row_count": rows, "columns": columns.get(name, [])}
        return out
    finally:
        con.close()


def with_warehouse_metadata(
    event: object, name: str | None, found: Mapping[str, dict[str, object]], schema: dg.TableSchema | None
) -> object:
    """The event with the model's row count and a column schema that has types (and keeps the
    descriptions of the definition's schema)."""
    if name is None or name not in found or not isinstance(event, (dg.Output, dg.AssetMaterialization)):
        return event
    info = found[name]
    described = {c.name: c.description for c in (schema.columns if schema else [])}
    extra: dict[str, object] = {
        COLUMN_SCHEMA: dg.TableSchema(
            columns=[
                dg.TableColumn(name=column, type=data_type, description=described.get(column))
                for column, data_type in info["columns"]
            ]
        )
    }
    if info["row_count"] is not None:
        extra[ROW_COUNT] = int(info["row_count"])
    return event.with_metadata({**(event.metadata or {}), **extra})
