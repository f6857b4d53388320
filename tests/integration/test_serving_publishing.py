"""Publishing proportional to the change: a month's publish writes that month's parts and reuses the
others; the snapshot equals the warehouse (checked with plain DuckDB over both files)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from nyc_mobility.dbt.manifest import internal_relations, monthly_tables
from nyc_mobility.serving.publishing import LISTING, publish_marts

pytestmark = pytest.mark.integration
CONFIG = {"autoinstall_known_extensions": False}


def _read(snapshot: Path, sql: str) -> list[tuple]:
    """Through a fresh attach, as the metrics API reads (a connection to the path itself would reuse
    this process's cached database, the snapshot it replaced)."""
    con = duckdb.connect(config=CONFIG)
    try:
        con.execute(f"attach '{snapshot}' as nyc_mobility (read_only)")
        con.execute("use nyc_mobility")
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _listing(snapshot: Path) -> dict[tuple[str, str], str]:
    return {(t, m): p for t, m, p in _read(snapshot, f"select table_name, month, path from {LISTING}")}


def _differences(warehouse: Path, snapshot: Path, table: str) -> int:
    con = duckdb.connect(config=CONFIG)
    try:
        con.execute(f"attach '{warehouse}' as w (read_only)")
        con.execute(f"attach '{snapshot}' as nyc_mobility (read_only)")
        columns = con.execute(
            "select list(column_name || ' ' || data_type order by column_index) from duckdb_columns() "
            "where database_name = ? and table_name = ?",
            ["w", table],
        ).fetchone()[0]
        served = con.execute(
            "select list(column_name || ' ' || data_type order by column_index) from duckdb_columns() "
            "where database_name = ? and table_name = ?",
            ["nyc_mobility", table],
        ).fetchone()[0]
        assert columns == served, table  # the same columns with the same types (HUGEINT stays one)
        return con.execute(
            f"select (select count(*) from (select * from w.{table} except all select * from nyc_mobility.{table}))"
            f" + (select count(*) from (select * from nyc_mobility.{table} except all select * from w.{table}))"
        ).fetchone()[0]
    finally:
        con.close()


@pytest.fixture
def warehouse(sample_build, tmp_path) -> Path:
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy2(sample_build.db, copy)
    return copy


def test_the_monthly_tables_are_the_incremental_ones():
    assert monthly_tables() == {
        "int_trips__unioned": "source_month",
        "fct_trips": "source_month",
        "fct_hourly_mobility": "source_month",
        "qa_trips__source_month_summary": "source_month",
        "qa_trips__quarantine": "source_month",
    }


def test_the_snapshot_serves_the_marts_not_the_models_behind_them(sample_build):
    """The build's snapshot holds every table and view of the warehouse but the staging and
    intermediate models (read from the warehouse's own catalog, not from the manifest), with no parts
    of them; the marts it holds equal the warehouse's."""
    warehouse, snapshot = sample_build.db, sample_build.settings.serving_path

    def relations(path: Path, database: str) -> set[str]:
        con = duckdb.connect(config=CONFIG)
        try:
            con.execute(f"attach '{path}' as {database} (read_only)")
            return {
                r[0]
                for r in con.execute(
                    "select table_name from duckdb_tables() where database_name = ? union "
                    "select view_name from duckdb_views() where database_name = ? and not internal",
                    [database, database],
                ).fetchall()
            }
        finally:
            con.close()

    built, served = relations(warehouse, "w"), relations(snapshot, "nyc_mobility") - {LISTING}
    behind = {name for name in built if name.startswith(("stg_", "int_"))}
    assert {"int_trips__unioned", "stg_tlc__yellow_taxi"} <= behind and behind <= internal_relations()
    assert served == built - behind
    assert {"fct_trips", "fct_hourly_mobility", "kpi_daily", "dim_location", "hvfhs_licenses"} <= served
    parts = sample_build.settings.serving_path.parent / "parts"
    assert {p.name for p in parts.iterdir()} == set(monthly_tables()) - behind
    for table in ("fct_trips", "dim_location", "kpi_daily"):
        assert _differences(warehouse, snapshot, table) == 0, table


def test_a_month_publish_writes_that_month_and_reuses_the_others(warehouse, tmp_path):
    snapshot = tmp_path / "serving" / "nyc_mobility.duckdb"
    monthly = monthly_tables()
    first = publish_marts(warehouse, snapshot, monthly)
    assert first.parts_written["fct_trips"] == ["2024-10", "2024-11"]
    before = _listing(snapshot)
    trips_before = _read(snapshot, "select count(*) from fct_trips")[0][0]
    held = duckdb.connect(str(snapshot), read_only=True, config=CONFIG)  # a reader of the first snapshot

    con = duckdb.connect(str(warehouse), config=CONFIG)
    removed = con.execute(
        "delete from fct_trips where source_month = '2024-11' and mode = 'citibike' returning 1"
    ).fetchall()
    con.close()
    second = publish_marts(warehouse, snapshot, monthly, months=["2024-11"])
    assert {t: m for t, m in second.parts_written.items()} == {t: ["2024-11"] for t in monthly}
    after = _listing(snapshot)
    for table in monthly:
        assert after[(table, "2024-10")] == before[(table, "2024-10")]  # October reused, not rewritten
        assert after[(table, "2024-11")] != before[(table, "2024-11")]
    for table in [*monthly, "qa_trips__quarantine", "dim_location", "kpi_daily", "dim_weather"]:
        assert _differences(warehouse, snapshot, table) == 0, table
    assert (
        _read(snapshot, "select count(*) from fct_trips")[0][0] == trips_before - len(removed) < trips_before
    )
    assert held.execute("select count(*) from fct_trips").fetchone()[0] == trips_before  # still readable
    held.close()

    # the next publish deletes the first snapshot's November parts (two snapshots back)
    third = publish_marts(warehouse, snapshot, monthly, months=["2024-11"])
    assert third.parts_deleted == len(monthly)
    assert (
        not Path(before[("fct_trips", "2024-11")]).exists() and Path(after[("fct_trips", "2024-11")]).exists()
    )


def test_a_month_gone_and_a_changed_column_are_published(warehouse, tmp_path):
    snapshot = tmp_path / "serving" / "nyc_mobility.duckdb"
    monthly = monthly_tables()
    publish_marts(warehouse, snapshot, monthly)
    con = duckdb.connect(str(warehouse), config=CONFIG)
    for table in monthly:
        con.execute(f"delete from {table} where source_month = '2024-10'")
    con.execute("alter table fct_trips add column note varchar default 'new'")
    con.close()
    published = publish_marts(warehouse, snapshot, monthly, months=["2024-10"])
    assert published.parts_written["fct_trips"] == ["2024-11"]  # its columns changed: every month
    assert published.parts_written["fct_hourly_mobility"] == []  # October deleted, November reused
    assert ("fct_trips", "2024-10") not in _listing(snapshot)
    for table in monthly:
        assert _differences(warehouse, snapshot, table) == 0, table
    assert (
        _read(snapshot, "select count(*), min(note) from fct_trips where source_month = '2024-10'")[0][0] == 0
    )
    assert _read(snapshot, "select min(note) from fct_trips") == [("new",)]


def test_a_failed_publish_leaves_the_snapshot_and_no_parts(warehouse, tmp_path, monkeypatch):
    import nyc_mobility.serving.publishing as publishing

    snapshot = tmp_path / "serving" / "nyc_mobility.duckdb"
    monthly = monthly_tables()
    publish_marts(warehouse, snapshot, monthly)
    listed = set(_listing(snapshot).values())
    stamp = snapshot.stat().st_ino, snapshot.stat().st_mtime_ns

    def broken(*_args) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(publishing, "_recreate_views", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        publish_marts(warehouse, snapshot, monthly, months=["2024-11"])
    assert (snapshot.stat().st_ino, snapshot.stat().st_mtime_ns) == stamp
    on_disk = {str(p) for p in (snapshot.parent / "parts").rglob("*.parquet")}
    assert on_disk == listed
    assert not [p for p in snapshot.parent.iterdir() if p.name.startswith(".")]  # no temporary left


def test_a_part_gone_from_disk_is_written_again(warehouse, tmp_path):
    snapshot = tmp_path / "serving" / "nyc_mobility.duckdb"
    monthly = monthly_tables()
    publish_marts(warehouse, snapshot, monthly)
    Path(_listing(snapshot)[("fct_trips", "2024-10")]).unlink()  # removed by hand
    published = publish_marts(warehouse, snapshot, monthly, months=["2024-11"])
    assert published.parts_written["fct_trips"] == ["2024-10", "2024-11"]
    assert _differences(warehouse, snapshot, "fct_trips") == 0
