"""An in-process MetricFlow engine over a read-only DuckDB connection, kept warm.

The ``mf`` CLI starts dbt, loads the adapter and re-reads the manifest on every call (seconds).
Here the semantic manifest is parsed once, the engine keeps its query-plan caches, and the
DuckDB snapshot stays attached read-only: a warm query is planning plus the SQL itself.
The snapshot file is watched (inode and mtime): when the pipeline publishes a new one, the next
query re-attaches, so a reader never sees a half-built warehouse and never blocks a build.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nyc_mobility.metrics.catalog import semantic_manifest
from nyc_mobility.metrics.connection import check_database_file, reader_connection, single_select
from nyc_mobility.metrics.ctes import inline_table_reads

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa


PLAN_CACHE_SIZE = 512
# Planned SQL per (manifest, request), shared by every engine in the process: it depends only on
# the definitions, never on the data, so dashboards, the KPI table and the report plan each query
# once, whichever snapshot they read.
_PLANS: OrderedDict[tuple[str, str], str] = OrderedDict()
_PLANS_LOCK = threading.Lock()


class MetricQueryError(ValueError):
    """A metric query MetricFlow or DuckDB rejected; the message says why."""


class DuckDbSqlClient:
    """MetricFlow's ``SqlClient`` protocol over one DuckDB connection (queries are serialized)."""

    def __init__(self, connection: duckdb.DuckDBPyConnection) -> None:
        from metricflow.protocols.sql_client import SqlEngine
        from metricflow.sql.render.duckdb_renderer import DuckDbSqlPlanRenderer

        self._con = connection
        self._lock = threading.Lock()
        self._engine = SqlEngine.DUCKDB
        self._renderer = DuckDbSqlPlanRenderer()

    @property
    def sql_engine_type(self):
        return self._engine

    @property
    def sql_plan_renderer(self):
        return self._renderer

    def arrow(self, stmt: str) -> pa.Table:
        with self._lock:
            single_select(self._con, stmt)
            relation = self._con.sql(stmt)
            # duckdb 2 renamed fetch_arrow_table to to_arrow_table
            fetch = getattr(relation, "to_arrow_table", None) or relation.fetch_arrow_table
            return _plain_numbers(fetch())

    def query(self, stmt: str, sql_bind_parameter_set: Any = None):
        from metricflow.data_table.mf_table import MetricFlowDataTable

        _no_binds(sql_bind_parameter_set)
        with self._lock:
            single_select(self._con, stmt)
            cursor = self._con.execute(stmt)
            names = [d[0] for d in cursor.description]
            rows = cursor.fetchall()
        return MetricFlowDataTable.create_from_rows(column_names=names, rows=rows)

    def execute(self, stmt: str, sql_bind_parameter_set: Any = None) -> None:
        _no_binds(sql_bind_parameter_set)
        with self._lock:
            single_select(self._con, stmt)
            self._con.execute(stmt)

    def dry_run(self, stmt: str, sql_bind_parameter_set: Any = None) -> None:
        _no_binds(sql_bind_parameter_set)
        with self._lock:
            single_select(self._con, stmt)
            self._con.execute(f"explain {stmt}")

    def close(self) -> None:
        self._con.close()

    def render_bind_parameter_key(self, bind_parameter_key: str) -> str:
        return f"${bind_parameter_key}"


def _plain_numbers(table: pa.Table) -> pa.Table:
    """DuckDB sums integers into HUGEINT (Arrow decimal128): counts become int64, amounts float64."""
    import pyarrow as pa

    columns = []
    for column in table.columns:
        if pa.types.is_decimal(column.type):
            column = column.cast(pa.int64() if column.type.scale == 0 else pa.float64())
        columns.append(column)
    return pa.Table.from_arrays(columns, names=table.column_names)


def _in_order(table: pa.Table, wanted: list[str]) -> pa.Table:
    """Group-by columns, then metrics, in the order asked for (MetricFlow picks its own)."""
    first = [name for name in wanted if name in table.column_names]
    rest = [name for name in table.column_names if name not in first]
    return table.select([*dict.fromkeys(first), *rest])


def _no_binds(parameters: Any) -> None:
    if parameters is not None and getattr(parameters, "param_dict", None):
        raise MetricQueryError("bind parameters are not supported")


def catalog_name(manifest: dict[str, Any]) -> str:
    """The database name the semantic manifest's relations are qualified with."""
    names = {sm["node_relation"].get("database") for sm in manifest["semantic_models"]}
    names.discard(None)
    if len(names) != 1:
        raise RuntimeError(f"expected one database in the semantic manifest, found {sorted(names)}")
    return names.pop()


def _file_version(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_ino, stat.st_mtime_ns


class MetricsEngine:
    """A warm MetricFlow engine bound to one DuckDB file, opened read-only."""

    def __init__(self, database: Path, manifest_path: Path | None = None) -> None:
        from metricflow_semantics.model.dbt_manifest_parser import parse_manifest_from_dbt_generated_manifest
        from metricflow_semantics.model.semantic_manifest_lookup import SemanticManifestLookup

        self.database = Path(database)
        raw = semantic_manifest(manifest_path)
        self._catalog = catalog_name(raw)
        manifest = parse_manifest_from_dbt_generated_manifest(manifest_json_string=json.dumps(raw))
        self._lookup = SemanticManifestLookup(manifest)
        self._lock = threading.RLock()
        self._version: tuple[int, int] | None = None
        self._client: DuckDbSqlClient | None = None
        self._mf: Any = None
        self._manifest_key = str(manifest_path) if manifest_path is not None else "shipped"

    def _connect(self) -> DuckDbSqlClient:
        import duckdb

        if not self.database.is_file():
            raise FileNotFoundError(
                f"no warehouse snapshot at {self.database}: build first (nyc-mobility run), "
                "or pass the path of a built DuckDB file"
            )
        check_database_file(self.database)
        try:
            return DuckDbSqlClient(reader_connection(self.database, self._catalog))
        except duckdb.Error as error:
            from nyc_mobility.errors import explain_text

            raise MetricQueryError(explain_text(str(error)) or str(error).splitlines()[0]) from None

    def _engine(self):
        """The MetricFlow engine on the current snapshot, re-attached when it was replaced."""
        from metricflow.engine.metricflow_engine import MetricFlowEngine

        with self._lock:
            version = _file_version(self.database) if self.database.exists() else None
            if self._mf is None or version != self._version:
                if self._client is not None:
                    self._client.close()
                self._client = self._connect()
                self._version = version
                self._mf = MetricFlowEngine(semantic_manifest_lookup=self._lookup, sql_client=self._client)
            return self._mf, self._client

    def explain(self, **request: Any) -> str:
        mf, _client = self._engine()
        return self._cached_plan(mf, request)

    def query(self, **request: Any) -> tuple[str, pa.Table]:
        mf, client = self._engine()
        sql = self._cached_plan(mf, request)
        try:
            table = client.arrow(sql)
        except Exception as error:  # duckdb raises its own classes
            raise MetricQueryError(f"the warehouse rejected the metric query: {error}") from error
        wanted = [*request.get("group_by_names", []), *request.get("metric_names", [])]
        return sql, _in_order(table, [name.lower() for name in wanted])

    def _cached_plan(self, mf: Any, request: dict[str, Any]) -> str:
        key = (self._manifest_key, json.dumps(request, sort_keys=True, default=str))
        with _PLANS_LOCK:
            if key in _PLANS:
                _PLANS.move_to_end(key)
                return _PLANS[key]
        sql = self._plan(mf, request)
        with _PLANS_LOCK:
            _PLANS[key] = sql
            while len(_PLANS) > PLAN_CACHE_SIZE:
                _PLANS.popitem(last=False)
        return sql

    @staticmethod
    def _plan(mf: Any, request: dict[str, Any]) -> str:
        from metricflow.engine.metricflow_engine import MetricFlowQueryRequest

        try:
            result = mf.explain(MetricFlowQueryRequest.create(**request))
        except Exception as error:  # MetricFlow raises many unrelated classes for bad input
            if request.get("order_by_names") and request["order_by_names"] == request.get("group_by_names"):
                # The default order (by the group-by items) repeats a bad group-by item as a second,
                # confusing error: report the query's own errors only.
                try:
                    mf.explain(MetricFlowQueryRequest.create(**{**request, "order_by_names": []}))
                except Exception as plain:
                    raise MetricQueryError(str(plain)) from plain
            raise MetricQueryError(str(error)) from error
        statement = result.sql_statement
        if statement.bind_parameter_set.param_dict:
            raise MetricQueryError("MetricFlow produced bind parameters, which are not supported")
        return inline_table_reads(statement.sql)

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
            self._client = self._mf = self._version = None


def time_window_filter(start: Any = None, end: Any = None) -> str | None:
    """``start``..``end`` (inclusive) as a MetricFlow filter on ``metric_time``.

    Dates bound whole days; datetimes bound hours. This is deliberately not MetricFlow's own
    time constraint, which rounds the end down to the query's grain and then compares it with
    an hour-grain column: a daily query ending on the 3rd keeps only the 3rd's first hour.
    A filter on ``metric_time`` at day grain keeps every hour of the last day, and MetricFlow
    applies it after cumulative windows and offsets, so trailing metrics stay whole.
    """
    bounds = [(op, _parse_time(v) if isinstance(v, str) else v) for op, v in ((">=", start), ("<=", end))]
    bounds = [(op, v) for op, v in bounds if v is not None]
    if not bounds:
        return None
    if len(bounds) == 2 and _as_datetime(bounds[0][1]) > _as_datetime(bounds[1][1]):
        raise MetricQueryError(f"start {start} is after end {end}: no time is in that window")
    hourly = any(isinstance(v, dt.datetime) and v.time() != dt.time.min for _op, v in bounds)
    grain = "hour" if hourly else "day"
    parts = []
    for op, value in bounds:
        if not isinstance(value, dt.date):
            raise MetricQueryError(f"invalid time {value!r}: expected a date, datetime or ISO string")
        literal = (
            value.strftime("%Y-%m-%d %H:00:00")
            if grain == "hour" and isinstance(value, dt.datetime)
            else value.strftime("%Y-%m-%d")
        )
        parts.append(f"{{{{ TimeDimension('metric_time', '{grain}') }}}} {op} '{literal}'")
    return " and ".join(parts)


def _as_datetime(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time.min)
    raise MetricQueryError(f"invalid time {value!r}: expected a date, datetime or ISO string")


def _parse_time(text: str) -> dt.date | dt.datetime:
    text = text.strip()
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise MetricQueryError(f"invalid time {text!r}: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM") from None
