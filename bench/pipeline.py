"""Figures 1, 2 and 5: the month build through Dagster against the physical limit, incremental
scaling, and peak memory.

*Pipeline*: ``nyc-mobility run`` in a fresh process (the product's own path: Dagster in-process,
dagster-dbt, ``dbt build`` with its tests, then the KPI table, the snapshot and the report).
*Physical limit*: the SQL that very build compiled, model by model in dependency order, in one
DuckDB connection with the profile's settings (seeds copied).
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

RAW_RUN_NOTE = "the seeds are copied, not recomputed, in the raw run (every model is SQL)"


def generate(data_dir: Path, months: list[str], scale: float) -> float:
    from nyc_mobility.sample import generate as generate_sample

    started = time.perf_counter()
    generate_sample(data_dir / "raw", months[0], months[-1], scale=scale)
    return time.perf_counter() - started


def _clean_outputs(data_dir: Path) -> None:
    """Remove what a build writes, but keep dbt's parse cache, as a scheduled run would find it."""
    for folder in ("warehouse", "serving", "reports", "dbt/runs"):
        shutil.rmtree(data_dir / folder, ignore_errors=True)


def _step_seconds(home: Path) -> dict[str, float]:
    """Step durations of the last run recorded in the Dagster instance at ``home``."""
    import dagster as dg
    from dagster._core.instance.ref import InstanceRef

    with dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(home))) as instance:
        run = instance.get_runs(limit=1)[0]
        logs = instance.all_logs(run.run_id)
    starts: dict[str, float] = {}
    steps = {"run_span": round(logs[-1].timestamp - logs[0].timestamp, 2)}
    for entry in logs:
        event = entry.dagster_event
        if event is None:
            continue
        if event.event_type_value == "STEP_START":
            starts[event.step_key] = entry.timestamp
        elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE"):
            steps[event.step_key] = round(entry.timestamp - starts[event.step_key], 2)
    return steps


def dbt_targets_of_last_run(data_dir: Path) -> list[Path]:
    """The dbt target folders (one per dbt step) of the most recent run."""
    folders = [p for p in (data_dir / "dbt" / "runs").glob("*-dbt_*") if (p / "run_results.json").exists()]
    last = max(folders, key=lambda p: p.stat().st_mtime)
    run_id = last.name[:36]
    return sorted((p for p in folders if p.name.startswith(run_id)), key=lambda p: p.stat().st_mtime)


def pipeline_run(data_dir: Path, engine: str = "duckdb") -> dict[str, Any]:
    """One ``nyc-mobility run`` in a child process: wall time, peak RSS, Dagster step and dbt timings."""
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
        "--engine",
        engine,
    ]
    home = data_dir / "dagster_home"  # the run's events, for step timings
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    env = {**os.environ, "NYC_MOBILITY_DATA_ORIGIN": "official", "DAGSTER_HOME": str(home)}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"the pipeline build failed:\n{done.stderr[-3000:]}")
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    targets = dbt_targets_of_last_run(data_dir)
    runs = [json.loads((target / "run_results.json").read_text()) for target in targets]
    results = [r for run in runs for r in run["results"]]
    by_kind: dict[str, float] = {"model": 0.0, "test": 0.0}
    slowest = sorted(results, key=lambda r: -r["execution_time"])[:5]
    for r in results:
        kind = "test" if r["unique_id"].startswith("test.") else "model"
        by_kind[kind] += r["execution_time"]
    dbt_elapsed = sum(run["elapsed_time"] for run in runs)
    return {
        "steps": _step_seconds(home),
        "seconds": measured["seconds"],
        "peak_rss_mb": round(measured["peak_rss_mb"], 1),
        "dbt_elapsed_s": round(dbt_elapsed, 2),
        "dbt_models_s": round(by_kind["model"], 2),
        "dbt_tests_s": round(by_kind["test"], 2),
        "slowest_nodes": [(r["unique_id"].split(".")[-1], round(r["execution_time"], 2)) for r in slowest],
        "targets": targets,
    }


def _model_order(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    models = {uid: n for uid, n in manifest["nodes"].items() if n["resource_type"] in ("model", "seed")}
    done: list[str] = []

    def visit(uid: str) -> None:
        if uid in done or uid not in models:
            return
        for parent in models[uid].get("depends_on", {}).get("nodes", []):
            visit(parent)
        done.append(uid)

    for uid in sorted(models):
        visit(uid)
    return [models[uid] for uid in done]


def raw_duckdb_run(data_dir: Path, targets: list[Path], work: Path) -> tuple[float, float]:
    """The compiled SQL of every model, in order, in one DuckDB connection; then of every test.

    ``targets`` are the dbt target folders of one build (one per dbt step). Returns the seconds of
    the models and of the tests.
    """
    manifest = json.loads((targets[0] / "manifest.json").read_text())
    compiled_tests = {
        uid: Path(node["compiled_path"])
        for target in targets
        for uid, node in json.loads((target / "manifest.json").read_text())["nodes"].items()
        if node["resource_type"] == "test" and node.get("compiled_path")
    }.values()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    database = work / "nyc_mobility.duckdb"  # same catalog name as the compiled SQL
    con = duckdb.connect(
        str(database),
        config={
            "autoinstall_known_extensions": False,
            "memory_limit": os.environ.get("NYC_MOBILITY_DUCKDB_MEMORY_LIMIT", "3GB"),
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
            if node["resource_type"] == "seed":
                con.execute(f"create or replace table {relation} as select * from pipeline.main.{name}")
                continue
            compiled = next(
                path
                for target in targets
                if (path := target / "compiled" / "nyc_mobility" / node["original_file_path"]).exists()
            ).read_text()
            kind = "view" if node["config"]["materialized"] == "view" else "table"
            con.execute(f"create or replace {kind} {relation} as (\n{compiled}\n)")
        con.execute("checkpoint")
        models_done = time.perf_counter()
        for path in compiled_tests:
            con.execute(f"select count(*) from (\n{path.read_text()}\n)").fetchall()
        tests_done = time.perf_counter()
    finally:
        con.close()
    return models_done - started, tests_done - models_done


def month_build(data_dir: Path, repeat: int) -> dict[str, Any]:
    """Figure 1 and 5: several pipeline builds and raw-SQL replays of the same month, interleaved."""
    pipeline, raw, raw_tests, rss, profiles = [], [], [], [], []
    for _ in range(repeat):
        _clean_outputs(data_dir)
        run = pipeline_run(data_dir)
        pipeline.append(run["seconds"])
        rss.append(run["peak_rss_mb"])
        models_s, tests_s = raw_duckdb_run(data_dir, run["targets"], data_dir.parent / "raw_duckdb")
        raw.append(models_s)
        raw_tests.append(models_s + tests_s)
        profiles.append({k: v for k, v in run.items() if k != "target"})
    return {
        "pipeline": summary(pipeline),
        "raw_duckdb": summary(raw),
        "raw_duckdb_with_tests": summary(raw_tests),
        "ratio": round(summary(pipeline)["median_s"] / summary(raw)["median_s"], 2),
        "ratio_with_tests": round(summary(pipeline)["median_s"] / summary(raw_tests)["median_s"], 2),
        "target_ratio": 1.25,
        "peak_rss_mb": {"median": sorted(rss)[len(rss) // 2], "max": max(rss)},
        "target_rss_mb": 4096,
        "profile_of_last_run": profiles[-1],
        "trips_by_mode": trips_by_mode(data_dir),
        "note": RAW_RUN_NOTE,
    }


def trips_by_mode(data_dir: Path) -> dict[str, int]:
    """The trips each mode has in the data directory's warehouse."""
    con = duckdb.connect(str(data_dir / "warehouse" / "nyc_mobility.duckdb"), read_only=True)
    try:
        return dict(con.execute("select mode, count(*) from fct_trips group by 1 order by 1").fetchall())
    finally:
        con.close()


def month_window_build(data_dir: Path, month: str) -> float:
    """``dbt build`` of one month (vars start_month = end_month): the monthly models rebuild and test
    only that month; the dimensions rebuild whole."""
    from nyc_mobility.dbt.args import build_args
    from nyc_mobility.dbt.project import dbt_executable, project_dir
    from nyc_mobility.settings import Settings

    settings = Settings(data_dir=data_dir, data_origin="official")
    project = project_dir()
    command = [
        dbt_executable(),
        *build_args(settings, start_month=month, end_month=month),
        "--project-dir",
        str(project),
        "--profiles-dir",
        str(project),
        "--target-path",
        str(settings.dbt_artifacts_dir / "bench-window"),
        "--log-path",
        str(settings.dbt_artifacts_dir / "bench-window-logs"),
    ]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"the month-window build failed:\n{done.stdout[-3000:]}")
    return time.perf_counter() - started


def link_months(pool: Path, raw_dir: Path, months: list[str]) -> None:
    """Put ``months`` of the generated raw files at ``pool`` (and the static files) under ``raw_dir``,
    as hard links: landed files are never written in place, so a link is as good as a copy."""
    for source_dir in (d for d in sorted(pool.iterdir()) if d.is_dir()):
        for entry in sorted(source_dir.iterdir()):
            if entry.name.startswith("month=") and entry.name.removeprefix("month=") not in months:
                continue
            target = raw_dir / source_dir.name / entry.name
            if target.exists():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            if entry.is_dir():
                shutil.copytree(entry, target, copy_function=os.link)
            else:
                os.link(entry, target)


def incremental(data_dir: Path, months: list[str], scale: float, repeat: int) -> dict[str, Any]:
    """Figure 2: adding month k+1 to a k-month history, for k = 1 and k = len(months) - 1, two ways:
    ``nyc-mobility run`` (the operator path: builds the changed month, then publishes) and a month-window
    dbt build. Every month's raw files are generated once (``data_dir/generated``, kept across runs of
    the benchmark) and linked into each case's data folder."""
    from nyc_mobility.sample import generate as generate_sample

    pool = data_dir / "generated" / f"scale-{scale}"
    done_marker = pool / f".generated-{months[0]}-{months[-1]}"
    if not done_marker.exists():
        shutil.rmtree(pool, ignore_errors=True)
        generate_sample(pool / "raw", months[0], months[-1], scale=scale)
        done_marker.touch()
    case = data_dir / "case"
    full: dict[str, dict[str, float]] = {}
    window: dict[str, dict[str, float]] = {}
    for history in sorted({1, len(months) - 1}):
        full_s, window_s = [], []
        for _ in range(repeat):
            shutil.rmtree(case, ignore_errors=True)
            link_months(pool / "raw", case / "raw", months[:history])
            pipeline_run(case)  # the history, built
            link_months(pool / "raw", case / "raw", [months[history]])
            window_s.append(month_window_build(case, months[history]))  # add the month, windowed
            full_s.append(pipeline_run(case)["seconds"])  # and the whole command, for reference
        label = f"add month {history + 1} to {history}"
        full[label], window[label] = summary(full_s), summary(window_s)

    def ratio(cases: dict[str, dict[str, float]]) -> float:
        medians = [case["median_s"] for case in cases.values()]
        return round(medians[-1] / medians[0], 2)

    return {
        "scale": scale,
        "month_window": window,
        "nyc_mobility_run": full,
        "ratio": ratio(window),
        "ratio_full_rebuild": ratio(full),
        "target_ratio": 1.2,
    }
