"""The governed metrics: catalog and queries from Python.

```python
from nyc_mobility import metrics

names = [m.name for m in metrics.list_metrics(category="weather")]
result = metrics.query(["trips", "avg_speed_kmh"], group_by=["metric_time__day", "mode"])
result.rows, result.to_arrow(), result.sql
```

Queries run in-process on a warm MetricFlow engine over the read-only serving snapshot
(``<data_dir>/serving/``, published after each successful build), so the pipeline can keep
writing the warehouse while analysts query. ``NYC_MOBILITY_DATA_DIR`` (or ``database=``) says
where; a ``MetricsService`` instance holds its own engine when several warehouses are served.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nyc_mobility.metrics.catalog import CATEGORIES, CATEGORY_LABELS, MetricInfo, headline_metrics
from nyc_mobility.metrics.catalog import metrics as _catalog
from nyc_mobility.metrics.engine import MetricQueryError, time_window_filter
from nyc_mobility.metrics.filters import UnsafeFilterError, safe_filters

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "CATEGORIES",
    "CATEGORY_LABELS",
    "MetricInfo",
    "MetricQueryError",
    "MetricsService",
    "QueryResult",
    "UnsafeFilterError",
    "explain",
    "headline_metrics",
    "list_metrics",
    "query",
]


# A metric, group-by or order-by name (``-`` orders descending); MetricFlow resolves it.
ITEM_NAME = re.compile(r"-?[A-Za-z][A-Za-z0-9_]*")


def list_metrics(category: str | None = None) -> list[MetricInfo]:
    """Every governed metric with its category, type, label and description."""
    return _catalog(category=category)


@dataclass
class QueryResult:
    """Rows of a metric query, the SQL that produced them and the Arrow table behind both."""

    sql: str
    table: pa.Table = field(repr=False)

    @property
    def columns(self) -> list[str]:
        return list(self.table.column_names)

    @property
    def rows(self) -> list[tuple[Any, ...]]:
        columns = [self.table.column(i).to_pylist() for i in range(self.table.num_columns)]
        return list(zip(*columns, strict=True)) if columns else []

    def to_dicts(self) -> list[dict[str, Any]]:
        return self.table.to_pylist()

    def to_arrow(self) -> pa.Table:
        return self.table

    def to_pandas(self):
        """A pandas DataFrame (needs pandas installed)."""
        return self.table.to_pandas()

    def __len__(self) -> int:
        return self.table.num_rows

    def __repr__(self) -> str:
        """The rows as a small table (a REPL shows the answer, not only the SQL)."""
        shown = self.rows[:10]
        cells = [
            [str(c) for c in self.columns],
            *[["" if v is None else str(v) for v in row] for row in shown],
        ]
        widths = [max(len(row[i]) for row in cells) for i in range(len(self.columns))]
        lines = [
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in cells
        ]
        more = [f"... {len(self) - len(shown)} more row(s)"] if len(self) > len(shown) else []
        return "\n".join([f"QueryResult: {len(self)} row(s) (.rows, .to_arrow(), .sql)", *lines, *more])


def _names(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise MetricQueryError(
            f"names are a text ('trips,avg_speed_kmh') or a list of texts, not {value!r}"[:200]
        )
    return list(value)


class MetricsService:
    """Metric queries against one DuckDB file (default: the serving snapshot of the settings)."""

    def __init__(self, database: str | Path | None = None, manifest_path: Path | None = None) -> None:
        if database is None:
            from nyc_mobility.settings import Settings

            database = Settings.from_env().serving_path
        self.database = Path(database)
        self._manifest_path = manifest_path
        self._engine_obj = None

    @property
    def _engine(self):
        if self._engine_obj is None:
            from nyc_mobility.metrics.engine import MetricsEngine

            self._engine_obj = MetricsEngine(self.database, self._manifest_path)
        return self._engine_obj

    def _request(
        self,
        metrics: str | Sequence[str],
        group_by: str | Sequence[str] | None,
        where: str | Sequence[str] | None,
        start: Any,
        end: Any,
        order_by: str | Sequence[str] | None,
        limit: int | None,
    ) -> dict[str, Any]:
        names = _names(metrics)
        for name in [*names, *_names(group_by), *_names(order_by)]:
            if not ITEM_NAME.fullmatch(name):
                raise MetricQueryError(f"{name!r} is not a metric or group-by name (letters, digits, '_')")
        if not names:
            raise MetricQueryError("name at least one metric")
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
            raise MetricQueryError(f"limit must be a whole number, zero or more, not {limit!r}")
        # Untrusted text is never SQL: each filter is parsed and re-rendered (or refused).
        filters = safe_filters(where)
        window = time_window_filter(start, end)
        return {
            "metric_names": names,
            "group_by_names": _names(group_by),
            "where_constraints": [*filters, window] if window else filters,
            # Deterministic rows: by the group-by items unless the caller orders them.
            "order_by_names": _names(order_by) or _names(group_by),
            "limit": limit,
        }

    def query(
        self,
        metrics: str | Sequence[str],
        group_by: str | Sequence[str] | None = None,
        where: str | Sequence[str] | None = None,
        start: Any = None,
        end: Any = None,
        order_by: str | Sequence[str] | None = None,
        limit: int | None = None,
    ) -> QueryResult:
        """Compute metrics grouped by dimensions (e.g. ``metric_time__day``, ``mode``).

        ``where`` takes MetricFlow filters (``"{{ Dimension('trip__pickup_borough') }} = 'Queens'"``);
        ``start``/``end`` bound ``metric_time`` inclusively: dates by whole days, datetimes by hours.
        """
        request = self._request(metrics, group_by, where, start, end, order_by, limit)
        sql, table = self._engine.query(**request)
        return QueryResult(sql=sql, table=table)

    def explain(
        self,
        metrics: str | Sequence[str],
        group_by: str | Sequence[str] | None = None,
        where: str | Sequence[str] | None = None,
        start: Any = None,
        end: Any = None,
        order_by: str | Sequence[str] | None = None,
        limit: int | None = None,
    ) -> str:
        """The SQL a query would run, without running it."""
        return self._engine.explain(**self._request(metrics, group_by, where, start, end, order_by, limit))

    def close(self) -> None:
        if self._engine_obj is not None:
            self._engine_obj.close()


@functools.cache
def default_service() -> MetricsService:
    """The process-wide service over the serving snapshot of ``Settings.from_env()``."""
    return MetricsService()


def query(
    metrics: str | Sequence[str], group_by: str | Sequence[str] | None = None, **options: Any
) -> QueryResult:
    """:meth:`MetricsService.query` on the default service (pass ``database=`` for another file)."""
    database = options.pop("database", None)
    service = MetricsService(database) if database is not None else default_service()
    return service.query(metrics, group_by, **options)


def explain(metrics: str | Sequence[str], group_by: str | Sequence[str] | None = None, **options: Any) -> str:
    """:meth:`MetricsService.explain` on the default service."""
    database = options.pop("database", None)
    service = MetricsService(database) if database is not None else default_service()
    return service.explain(metrics, group_by, **options)
