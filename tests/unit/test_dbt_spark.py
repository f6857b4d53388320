"""Loading what a dbt step on Spark exported into the DuckDB warehouse (nyc_mobility.dbt.spark):
the window's months of a monthly table replaced, other tables whole, all or nothing. The exports are
written here as Spark writes them (a folder of parquet part files per relation)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from nyc_mobility.dbt.spark import load_exports

MONTHLY = {"fct_trips": "source_month"}


def _export(folder: Path, table: str, sql: str) -> None:
    (folder / table).mkdir(parents=True)
    duckdb.sql(f"copy ({sql}) to '{folder / table / 'part-00000.snappy.parquet'}' (format parquet)")


def _rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture
def warehouse(tmp_path) -> Path:
    first = tmp_path / "first"
    _export(
        first,
        "fct_trips",
        "select * from (values (1, '2024-09'), (2, '2024-10'), (3, '2024-11'), (4, null)) t(trip_id, source_month)",
    )
    _export(first, "dim_zone", "select 1 as zone_id, 'Newark' as zone")
    db = tmp_path / "warehouse.duckdb"
    assert load_exports(first, db, MONTHLY) == ["dim_zone", "fct_trips"]  # no window: whole tables
    return db


def test_a_window_replaces_its_months_and_the_rows_without_a_month(warehouse, tmp_path):
    step = tmp_path / "step"
    # Spark exported the window 2024-10..2024-11: October rebuilt, November gone, a new null row
    _export(
        step,
        "fct_trips",
        "select * from (values (20, '2024-10'), (21, '2024-10'), (5, null)) t(trip_id, source_month)",
    )
    _export(step, "dim_zone", "select 2 as zone_id, 'JFK' as zone")
    assert load_exports(step, warehouse, MONTHLY, ("2024-10", "2024-11")) == ["dim_zone", "fct_trips"]
    assert _rows(warehouse, "select trip_id, source_month from fct_trips order by 1") == [
        (1, "2024-09"),  # outside the window: kept
        (5, None),
        (20, "2024-10"),
        (21, "2024-10"),
    ]
    assert _rows(warehouse, "select * from dim_zone") == [(2, "JFK")]  # not monthly: replaced whole


def test_a_failed_load_leaves_the_warehouse_as_it_was(warehouse, tmp_path):
    step = tmp_path / "step"
    _export(step, "fct_trips", "select 30 as trip_id, '2024-10' as source_month")
    (step / "zz_broken").mkdir()
    (step / "zz_broken" / "part-00000.parquet").write_bytes(b"not parquet")
    before = _rows(warehouse, "select * from fct_trips order by 1")
    with pytest.raises(RuntimeError, match="zz_broken"):
        load_exports(step, warehouse, MONTHLY, ("2024-10", "2024-10"))
    assert _rows(warehouse, "select * from fct_trips order by 1") == before  # October's delete rolled back
    # a column the table lacks is refused by name, not dropped
    other = tmp_path / "other"
    _export(other, "fct_trips", "select 31 as trip_id, '2024-10' as source_month, 1.5 as fare")
    with pytest.raises(RuntimeError, match="fct_trips"):
        load_exports(other, warehouse, MONTHLY, ("2024-10", "2024-10"))
    assert _rows(warehouse, "select * from fct_trips order by 1") == before
    with pytest.raises(ValueError, match="not a month"):
        load_exports(step, warehouse, MONTHLY, ("2024-10'; drop table fct_trips; --", None))
