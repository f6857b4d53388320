"""Figure 7: publishing cost vs the history's length.

From one built warehouse (``--data-dir``'s, e.g. figure 2's history), warehouses of the first 1, k
and all months are cut (the monthly tables filtered by month, everything else copied), and for each:

* a plain copy of the warehouse file (the physical limit of a whole-file publish);
* the first publish of per-month parts (``publish_marts`` of every month);
* the publish of a build that changed its last month (``publish_marts(..., months=[last])``), what
  every monthly build now pays.
"""

from __future__ import annotations

import contextlib
import shutil
import time
from pathlib import Path
from typing import Any

import duckdb

from bench.common import summary

CONFIG = {"autoinstall_known_extensions": False}


def cut(warehouse: Path, target: Path, months: list[str], monthly: dict[str, str]) -> None:
    """``target``: ``warehouse`` with only ``months`` in its monthly tables."""
    target.unlink(missing_ok=True)
    con = duckdb.connect(config=CONFIG)
    try:
        con.execute(f"attach '{warehouse}' as full_history (read_only)")
        con.execute(f"attach '{target}' as nyc_mobility")
        con.execute("use nyc_mobility")
        tables = con.execute(
            "select table_name from duckdb_tables() where database_name = 'full_history' and schema_name = 'main'"
        ).fetchall()
        listed = ", ".join(f"'{m}'" for m in months)
        for (table,) in tables:
            where = f" where {monthly[table]} in ({listed})" if table in monthly else ""
            con.execute(f'create table "{table}" as select * from full_history.main."{table}"{where}')
        for (sql,) in con.execute(
            "select sql from duckdb_views() where database_name = 'full_history' and schema_name = 'main' "
            "and not internal"
        ).fetchall():
            with contextlib.suppress(duckdb.Error):  # a view over a view: not needed to time tables
                con.execute(sql)
    finally:
        con.close()


def _timed(function, *args, **kwargs) -> float:
    started = time.perf_counter()
    function(*args, **kwargs)
    return time.perf_counter() - started


def publishing(data_dir: Path, repeat: int) -> dict[str, Any]:
    from nyc_mobility.dbt.manifest import internal_relations, monthly_tables
    from nyc_mobility.serving.publishing import publish_marts

    warehouse = data_dir / "warehouse" / "nyc_mobility.duckdb"
    monthly, internal = monthly_tables(), internal_relations()
    con = duckdb.connect(str(warehouse), read_only=True, config=CONFIG)
    months = [r[0] for r in con.execute("select distinct source_month from fct_trips order by 1").fetchall()]
    con.close()
    work = data_dir.parent / "bench-publishing"
    lengths = sorted({1, max(1, len(months) // 2), len(months)})
    cases: dict[str, dict[str, Any]] = {}
    for length in lengths:
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        history = work / "warehouse.duckdb"
        cut(warehouse, history, months[:length], monthly)
        copy_s, first_s, month_s = [], [], []
        for _ in range(repeat):
            (work / "copy").mkdir(exist_ok=True)
            copy_s.append(_timed(shutil.copyfile, history, work / "copy" / "nyc_mobility.duckdb"))
            shutil.rmtree(work / "serving", ignore_errors=True)
            first_s.append(
                _timed(
                    publish_marts, history, work / "serving" / "nyc_mobility.duckdb", monthly, None, internal
                )
            )
            month_s.append(
                _timed(
                    publish_marts,
                    history,
                    work / "serving" / "nyc_mobility.duckdb",
                    monthly,
                    [months[length - 1]],
                    internal,
                )
            )
        cases[f"{length} months"] = {
            "warehouse_mb": round(history.stat().st_size / 1e6, 1),
            "whole_file_copy": summary(copy_s),
            "first_publish_of_parts": summary(first_s),
            "publish_of_one_changed_month": summary(month_s),
        }
    shutil.rmtree(work, ignore_errors=True)
    first, last = cases[f"{lengths[0]} months"], cases[f"{lengths[-1]} months"]

    def ratio(kind: str) -> float:
        return round(last[kind]["median_s"] / first[kind]["median_s"], 2)

    return {
        "months": months,
        "cases": cases,
        "ratio_one_month_publish": ratio("publish_of_one_changed_month"),
        "ratio_whole_file_copy": ratio("whole_file_copy"),
        "target_ratio": 1.2,
    }


def markdown(result: dict) -> list[str]:
    lines = [
        "| history | warehouse MB | whole-file copy (before), median s | first publish of parts, median s "
        "| publish of one changed month, median s |",
        "|---|---|---|---|---|",
    ]
    for label, case in result["cases"].items():
        copy, first, month = (
            case["whole_file_copy"],
            case["first_publish_of_parts"],
            case["publish_of_one_changed_month"],
        )
        lines.append(
            f"| {label} | {case['warehouse_mb']:,.0f} | {copy['median_s']:.2f} | {first['median_s']:.2f} "
            f"| {month['median_s']:.2f} |"
        )
    lines += [
        "",
        f"Longest over shortest history: a one-month publish **{result['ratio_one_month_publish']:.2f}x** "
        f"(target ≤ {result['target_ratio']}x); the whole-file copy the snapshot used to be "
        f"{result['ratio_whole_file_copy']:.2f}x. Histories are cut from one built warehouse (its first 1, "
        "half and all months); the copy is the old `serving.publish`, the parts `publishing.publish_marts`.",
    ]
    return lines
