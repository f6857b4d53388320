"""Figures 1, 2 and 5: the month build through Dagster against the physical limit, incremental
scaling, and peak memory.

*Pipeline*: ``nyc-mobility run`` in a fresh process (the product's own path: Dagster in-process,
dagster-dbt, ``dbt build`` with its tests, then the KPI table, the snapshot and the report).
*Physical limit*: the SQL that very build compiled, model by model in dependency order, in one
DuckDB connection with the profile's settings (Python models copied, their cost is not SQL).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb

from bench.common import summary

PYTHON_MODELS_NOTE = "dbt Python models (holidays, station zones) are copied, not recomputed, in the raw run"


def generate(data_dir: Path, months: list[str], scale: float) -> float:
    from nyc_mobility.sample import generate as generate_sample

    started = time.perf_counter()
    generate_sample(data_dir / "raw", months[0], months[-1], scale=scale)
    return time.perf_counter() - started


def _clean_outputs(data_dir: Path) -> None:
    for folder in ("warehouse", "serving", "reports", "dbt"):
        shutil.rmtree(data_dir / folder, ignore_errors=True)


def pipeline_run(data_dir: Path) -> dict[str, Any]:
    """One ``nyc-mobility run`` in a child process: wall time, peak RSS and dbt's own timings."""
    command = [
        sys.executable,
        "-m",
        "bench.child",
        sys.executable,
        "-m",
        "nyc_mobility.cli",
        "run",
        "--data-dir",
        str(data_dir),
    ]
    env = {**os.environ, "NYC_MOBILITY_SOURCE": "official"}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"the pipeline build failed:\n{done.stderr[-3000:]}")
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    target = max((data_dir / "dbt" / "runs").glob("*-dbt"), key=lambda p: p.stat().st_mtime)
    results = json.loads((target / "run_results.json").read_text())["results"]
    by_kind: dict[str, float] = {"model": 0.0, "test": 0.0}
    slowest = sorted(results, key=lambda r: -r["execution_time"])[:5]
    for r in results:
        kind = "test" if r["unique_id"].startswith("test.") else "model"
        by_kind[kind] += r["execution_time"]
    dbt_elapsed = json.loads((target / "run_results.json").read_text())["elapsed_time"]
    return {
        "seconds": measured["seconds"],
        "peak_rss_mb": round(measured["peak_rss_mb"], 1),
        "dbt_elapsed_s": round(dbt_elapsed, 2),
        "dbt_models_s": round(by_kind["model"], 2),
        "dbt_tests_s": round(by_kind["test"], 2),
        "slowest_nodes": [(r["unique_id"].split(".")[-1], round(r["execution_time"], 2)) for r in slowest],
        "target": target,
    }


def _model_order(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    models = {uid: n for uid, n in manifest["nodes"].items() if n["resource_type"] == "model"}
    done: list[str] = []

    def visit(uid: str) -> None:
        if uid in done or uid not in models:
            return
        for parent in models[uid]["depends_on"]["nodes"]:
            visit(parent)
        done.append(uid)

    for uid in sorted(models):
        visit(uid)
    return [models[uid] for uid in done]


def raw_duckdb_run(data_dir: Path, target: Path, work: Path) -> float:
    """The compiled SQL of every model, in order, in one DuckDB connection."""
    manifest = json.loads((target / "manifest.json").read_text())
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    database = work / "nyc_mobility.duckdb"  # same catalog name as the compiled SQL
    con = duckdb.connect(
        str(database),
        config={
            "autoinstall_known_extensions": False,
            "memory_limit": os.environ.get("NYC_MOBILITY_DUCKDB_MEMORY_LIMIT", "4GB"),
            "threads": int(os.environ.get("NYC_MOBILITY_DUCKDB_THREADS", "2")),
            "preserve_insertion_order": False,
        },
    )
    pipeline_db = str(data_dir / "warehouse" / "nyc_mobility.duckdb").replace("'", "''")
    started = time.perf_counter()
    try:
        con.execute(f"attach '{pipeline_db}' as pipeline (read_only)")
        for node in _model_order(manifest):
            name = node["name"]
            relation = f'"nyc_mobility"."main"."{name}"'
            if node["language"] == "python":
                con.execute(f"create or replace table {relation} as select * from pipeline.main.{name}")
                continue
            compiled = (target / "compiled" / "nyc_mobility" / node["original_file_path"]).read_text()
            kind = "view" if node["config"]["materialized"] == "view" else "table"
            con.execute(f"create or replace {kind} {relation} as (\n{compiled}\n)")
        con.execute("checkpoint")
    finally:
        con.close()
    return time.perf_counter() - started


def month_build(data_dir: Path, repeat: int) -> dict[str, Any]:
    """Figure 1 and 5: several pipeline builds and raw-SQL replays of the same month, interleaved."""
    pipeline, raw, rss, profiles = [], [], [], []
    for _ in range(repeat):
        _clean_outputs(data_dir)
        run = pipeline_run(data_dir)
        pipeline.append(run["seconds"])
        rss.append(run["peak_rss_mb"])
        raw.append(raw_duckdb_run(data_dir, run["target"], data_dir.parent / "raw_duckdb"))
        profiles.append({k: v for k, v in run.items() if k != "target"})
    fact_rows = (
        duckdb.connect(str(data_dir / "warehouse" / "nyc_mobility.duckdb"), read_only=True)
        .execute("select mode, count(*) from fct_trips group by 1 order by 1")
        .fetchall()
    )
    return {
        "pipeline": summary(pipeline),
        "raw_duckdb": summary(raw),
        "ratio": round(summary(pipeline)["median_s"] / summary(raw)["median_s"], 2),
        "target_ratio": 1.25,
        "peak_rss_mb": {"median": sorted(rss)[len(rss) // 2], "max": max(rss)},
        "target_rss_mb": 4096,
        "profile_of_last_run": profiles[-1],
        "trips_by_mode": dict(fact_rows),
        "note": PYTHON_MODELS_NOTE,
    }


def incremental(data_dir: Path, months: list[str], scale: float, repeat: int) -> dict[str, Any]:
    """Figure 2: the cost of adding month k+1 to a k-month history, for k = 1 and k = len(months) - 1."""
    from nyc_mobility.sample import generate as generate_sample
    from nyc_mobility.sample import land_source

    results = {}
    for history in sorted({1, len(months) - 1}):
        timings = []
        for _ in range(repeat):
            shutil.rmtree(data_dir, ignore_errors=True)
            generate_sample(data_dir / "raw", months[0], months[history - 1], scale=scale)
            pipeline_run(data_dir)  # the history, built
            for source in ("yellow", "fhv", "citibike", "weather"):
                land_source(data_dir / "raw", months[history], source, scale=scale)
            timings.append(pipeline_run(data_dir)["seconds"])  # add one month
        results[f"add month {history + 1} to {history}"] = summary(timings)
    medians = [case["median_s"] for case in results.values()]
    first, last = medians[0], medians[-1]
    return {"scale": scale, "cases": results, "ratio": round(last / first, 2), "target_ratio": 1.2}
