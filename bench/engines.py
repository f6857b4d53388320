"""Figure 8: one month built with ``engine="spark"`` (dbt-spark, a local Spark session per dbt step)
beside the same month built with DuckDB, from the same raw files, through ``nyc-mobility run``.

Needs the ``spark`` extra and a Java runtime in the interpreter running the benchmark. Each case is
a fresh data directory whose raw files are hard links to one generated month; both builds must hold
the same trips per mode (read from each one's DuckDB warehouse), or the figure is not recorded.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from bench.common import summary
from bench.pipeline import generate, link_months, pipeline_run, trips_by_mode

ENGINES = ("duckdb", "spark")


def run(work: Path, month: str, scale: float, repeat: int) -> dict[str, Any]:
    from nyc_mobility.dbt.spark import missing_requirements

    if problems := missing_requirements():
        raise RuntimeError("figure 8 needs the spark extra: " + "; ".join(problems))
    pool = work / "generated"
    if not (pool / f".generated-{month}-{scale}").exists():
        shutil.rmtree(pool, ignore_errors=True)
        generate(pool, [month], scale)
        (pool / f".generated-{month}-{scale}").touch()
    seconds: dict[str, list[float]] = {e: [] for e in ENGINES}
    profiles: dict[str, dict[str, Any]] = {}
    trips: dict[str, dict[str, int]] = {}
    for _ in range(repeat):
        for engine in ENGINES:
            case = work / engine
            shutil.rmtree(case, ignore_errors=True)
            link_months(pool / "raw", case / "raw", [month])
            profile = pipeline_run(case, engine)
            seconds[engine].append(profile["seconds"])
            profiles[engine], trips[engine] = profile, trips_by_mode(case)
    if trips["duckdb"] != trips["spark"]:
        raise RuntimeError(f"the engines built different trips: {trips}")
    timings = {engine: summary(values) for engine, values in seconds.items()}
    return {
        "month": month,
        "scale": scale,
        "seconds": timings,
        "ratio": round(timings["spark"]["median_s"] / timings["duckdb"]["median_s"], 2),
        "dbt_elapsed_s": {e: profiles[e]["dbt_elapsed_s"] for e in ENGINES},
        "steps": {e: profiles[e]["steps"] for e in ENGINES},
        "trips": trips["duckdb"],
    }


def markdown(result: dict[str, Any]) -> list[str]:
    lines = [
        "| engine | `nyc-mobility run`, median s (min-max) | dbt steps' elapsed s (last run) |",
        "|---|---|---|",
    ]
    for engine in ENGINES:
        t = result["seconds"][engine]
        lines.append(
            f"| {engine} | {t['median_s']:.1f} ({t['min_s']:.1f}-{t['max_s']:.1f}) | {result['dbt_elapsed_s'][engine]:.1f} |"
        )
    trips = ", ".join(f"{mode} {n:,}" for mode, n in result["trips"].items())
    lines += [
        "",
        f"Month {result['month']} at scale {result['scale']}: Spark took **{result['ratio']:.2f}x** DuckDB's time "
        f"on one machine, with the same trips ({trips}). No target: Spark is for a history one machine "
        "cannot hold; at this size its cost is a session start per dbt step and about a second a dbt node.",
    ]
    return lines
