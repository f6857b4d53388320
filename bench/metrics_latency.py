"""Figure 4, metric latency: warm in-process metric queries vs the same answers in hand-written
DuckDB SQL on the same read-only snapshot, and one cold ``mf query`` for reference.

Targets: warm <= 50 ms and <= 2x the hand SQL.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb

from bench.common import timed

# (metric query, hand-written SQL giving the same numbers)
CASES: dict[str, tuple[dict[str, Any], str]] = {
    "trips by day": (
        {"metrics": ["trips"], "group_by": ["metric_time__day"]},
        "select date_trunc('day', pickup_hour) as d, count(*) from fct_trips group by 1 order by 1",
    ),
    "speed and fare per mile by month and mode": (
        {"metrics": ["avg_speed_kmh", "fare_per_mile"], "group_by": ["metric_time__month", "mode"]},
        "select date_trunc('month', pickup_hour) as m, mode, "
        "sum(trip_distance_km) / nullif(sum(trip_duration_minutes / 60.0), 0), "
        "sum(fare_amount) / nullif(sum(trip_distance_miles) filter (where fare_amount is not null), 0) "
        "from fct_trips group by 1, 2 order by 1, 2",
    ),
    "rain demand lift by mode": (
        {"metrics": ["rain_demand_lift"], "group_by": ["mode"]},
        "select mode, (sum(trip_count) filter (where weather_condition in ('drizzle', 'rain', 'thunderstorm')) "
        "/ nullif(count(distinct pickup_hour) filter (where weather_condition in ('drizzle', 'rain', 'thunderstorm')), 0)) "
        "/ nullif(sum(trip_count) filter (where not is_wet_hour) "
        "/ nullif(count(distinct pickup_hour) filter (where not is_wet_hour), 0), 0) - 1 "
        "from fct_hourly_mobility group by 1 order by 1",
    ),
    "trailing 7-day trips by day": (
        {"metrics": ["trips_rolling_7d"], "group_by": ["metric_time__day"]},
        "with d as (select pickup_date, count(*) as n from fct_trips group by 1) "
        "select pickup_date, sum(n) over (order by pickup_date range between interval 6 days preceding "
        "and current row) from d order by 1",
    ),
}


def run(snapshot: Path, repeat: int = 20, cold: bool = True) -> dict[str, Any]:
    from nyc_mobility.metrics import MetricsService

    service = MetricsService(snapshot)
    started = time.perf_counter()
    service.query(["trips"], ["metric_time__day"])
    first_ms = (time.perf_counter() - started) * 1000
    con = duckdb.connect(str(snapshot), read_only=True, config={"autoinstall_known_extensions": False})
    cases = {}
    try:
        for label, (request, sql) in CASES.items():
            service.query(request["metrics"], request["group_by"])  # plan once (a warm engine has)
            warm = timed(lambda r=request: service.query(r["metrics"], r["group_by"]), repeat)
            hand = timed(lambda s=sql: con.execute(s).fetchall(), repeat)
            cases[label] = {
                "warm_metric_query": warm,
                "hand_sql": hand,
                "ratio": round(warm["median_ms"] / hand["median_ms"], 2),
            }
    finally:
        con.close()
        service.close()
    result: dict[str, Any] = {"engine_start_and_first_query_ms": round(first_ms, 1), "cases": cases}
    if cold:
        result["cold_mf_query"] = cold_mf(snapshot)
    return result


def cold_mf(snapshot: Path) -> dict[str, Any]:
    """One ``nyc-mobility mf query`` in a fresh process: dbt start, manifest, adapter, query."""
    data_dir = snapshot.parent.parent
    command = [
        sys.executable,
        "-m",
        "nyc_mobility.cli",
        "mf",
        "query",
        "--metrics",
        "trips",
        "--group-by",
        "metric_time__day",
        "--data-dir",
        str(data_dir),
    ]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, env={**os.environ})
    return {"ms": round((time.perf_counter() - started) * 1000, 1), "returncode": done.returncode}


def markdown(result: dict[str, Any]) -> list[str]:
    lines = [
        "| query | warm metric query, median (min-max) ms | hand SQL, median ms | ratio |",
        "|---|---|---|---|",
    ]
    for label, case in result["cases"].items():
        w, h = case["warm_metric_query"], case["hand_sql"]
        lines.append(
            f"| {label} | {w['median_ms']:.1f} ({w['min_ms']:.1f}-{w['max_ms']:.1f}) | {h['median_ms']:.1f} "
            f"| {case['ratio']:.1f}x |"
        )
    lines.append("")
    lines.append(f"Engine start and first query: {result['engine_start_and_first_query_ms']:.0f} ms.")
    if "cold_mf_query" in result:
        lines.append(f" A cold `nyc-mobility mf query`: {result['cold_mf_query']['ms']:.0f} ms.")
    return lines
