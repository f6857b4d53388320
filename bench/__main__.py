"""``python -m bench run [--scale S] [--months N] [--only FIGURE] [--data-dir DIR]``.

Generates the embedded sample at the chosen scale (1.0 = real monthly volume: about 3 M yellow,
50 k green, 1.5 M FHV, 20 M high-volume for-hire and 3.5 M Citi Bike trips a month) and measures,
side by side in one run:

1. ``month``: one month built through Dagster (``nyc-mobility run``) vs its compiled SQL in raw DuckDB
2. ``incremental``: adding month 2 to 1 month vs month 13 to 12 months (at ``--incremental-scale``)
3. ``load``: ``dagster definitions validate`` vs ``import dagster_dbt``
4. ``metrics``: warm metric queries vs hand SQL, and a cold ``mf query``
5. memory: peak RSS of the month build (reported with figure 1)
6. ``coordinates``: coordinates -> taxi zones for a 2010 month vs one pass over the month
7. ``publish``: publishing a one-month change vs the history's length (and the old whole-file copy)
8. ``engines``: one month built with ``engine="spark"`` beside DuckDB (needs the ``spark`` extra; only
   when asked: ``--only engines``)

Results: ``bench/results/latest.json`` and the tables in ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

from bench import coordinates, engines, load_time, metrics_latency, pipeline, publishing
from bench.common import RESULTS_DIR, machine, write_json

DOCS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
FIGURES = ("month", "incremental", "load", "metrics", "coordinates", "publish", "engines")
# figures a plain run measures (engines needs the spark extra: only with --only engines)
DEFAULT_FIGURES = FIGURES[:-1]


def months_from(start: str, count: int) -> list[str]:
    from nyc_mobility.months import format_month, next_month, parse_month

    day, out = parse_month(start), []
    for _ in range(count):
        out.append(format_month(day))
        day = next_month(day)
    return out


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m bench")
    sub = root.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="generate the sample, build and measure")
    run.add_argument("--scale", type=float, default=0.01, help="sample size, 1.0 = real monthly volume")
    run.add_argument("--months", type=int, default=1, help="months in the month build")
    run.add_argument("--start", default="2024-10", help="first month")
    run.add_argument("--only", choices=FIGURES, action="append", help="run only these figures (repeatable)")
    run.add_argument("--repeat", type=int, default=3, help="runs per timing (median, min, max)")
    run.add_argument("--query-repeat", type=int, default=20, help="runs per metric query timing")
    run.add_argument("--incremental-months", type=int, default=13)
    run.add_argument("--incremental-scale", type=float, default=None, help="default: min(scale, 0.02)")
    run.add_argument("--data-dir", type=Path, help="keep the generated data and builds here")
    run.add_argument(
        "--coordinate-scale",
        type=float,
        default=None,
        help="figure 6's sample size (default: 4.5 x scale, a 2010 month had ~14 M yellow trips, 4.5 x today's)",
    )
    run.add_argument(
        "--zone-shapes", type=Path, help="taxi_zones.shp for figure 6 (default: real data, else the sample's)"
    )
    run.add_argument(
        "--publish-dir",
        type=Path,
        help="figure 7's built data directory (default: figure 2's history, else figure 1's month)",
    )
    run.add_argument("--no-cold", action="store_true", help="skip the cold `mf query` subprocess")
    run.add_argument("--out", type=Path, help="results folder (default bench/results)")
    run.add_argument("--no-docs", action="store_true", help="do not rewrite docs/benchmarks.md")
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    figures = args.only or list(DEFAULT_FIGURES)
    work = args.data_dir or Path(tempfile.mkdtemp(prefix="nyc-mobility-bench-"))
    month_dir = work / "month"
    months = months_from(args.start, args.months)
    info = machine()
    report: dict = {
        "when": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "scale": args.scale,
        "months": months,
        "repeat": args.repeat,
        "machine": info,
    }
    if ("month" in figures or "metrics" in figures) and not (month_dir / "raw").exists():
        report["generate_seconds"] = round(pipeline.generate(month_dir, months, args.scale), 1)
    if "month" in figures:
        report["month"] = pipeline.month_build(month_dir, args.repeat)
    if "incremental" in figures:
        scale = args.incremental_scale or min(args.scale, 0.02)
        inc_months = months_from(args.start, args.incremental_months)
        report["incremental"] = pipeline.incremental(work / "incremental", inc_months, scale, args.repeat)
        save_partial(report, args.out)  # an hour of work: kept even if a later figure fails
    if "load" in figures:
        report["load"] = load_time.run(args.repeat)
    if "metrics" in figures:
        snapshot = month_dir / "serving" / "nyc_mobility.duckdb"
        if not snapshot.exists():
            pipeline.pipeline_run(month_dir)
        report["metrics"] = metrics_latency.run(snapshot, repeat=args.query_repeat, cold=not args.no_cold)
    if "coordinates" in figures:
        scale = args.coordinate_scale or args.scale * coordinates.VOLUME_2010
        report["coordinates"] = coordinates.run(work / "coordinates", scale, args.repeat, args.zone_shapes)
    if "publish" in figures:
        built = args.publish_dir or next(
            (d for d in (work / "incremental" / "case", month_dir) if (d / "warehouse").is_dir()), month_dir
        )
        report["publish"] = publishing.publishing(built, args.repeat)
    if "engines" in figures:
        report["engines"] = engines.run(work / "engines", months[0], args.scale, args.repeat)
    # A run of some figures keeps the others' last results (each figure records its own run facts).
    for figure in FIGURES:
        if figure in report:
            report[figure]["run"] = {k: report[k] for k in ("when", "scale", "months", "repeat", "machine")}
    if "incremental" in report:  # figure 2: its own months and sample size
        report["incremental"]["run"].update(months=inc_months, scale=report["incremental"]["scale"])
    if "publish" in report:  # figure 7: the months of the warehouse it was given
        report["publish"]["run"].update(months=report["publish"]["months"], scale="of the built warehouse")
    if "coordinates" in report:  # figure 6 builds no month of the run: its own month and sample size
        report["coordinates"]["run"].update(months=[coordinates.MONTH], scale=report["coordinates"]["scale"])
    previous = RESULTS_DIR / "latest.json" if args.out is None else args.out / "latest.json"
    if previous.exists():
        old = json.loads(previous.read_text(encoding="utf-8"))
        report = {**{f: old[f] for f in FIGURES if f in old and f not in report}, **report}
    lines = render(report)
    path = write_json("latest", report, args.out)
    ((args.out or RESULTS_DIR) / "partial.json").unlink(missing_ok=True)
    if not args.no_docs:
        write_docs(lines)
    print("\n".join(lines))
    print(f"results: {path}")
    return 0


def save_partial(report: dict, out: Path | None) -> None:
    """The figures measured so far, as ``partial.json`` beside the results (the last run's own file)."""
    write_json("partial", report, out)


def _facts(run: dict) -> str:
    m = run["machine"]
    return (
        f"Run {run['when']}: scale {run['scale']}, month(s) {', '.join(run['months'])}, {run['repeat']} runs per "
        f"timing; {m['cores']} cores, {m['memory']}, Python {m['python']}, duckdb {m['duckdb']}, "
        f"dbt-core {m['dbt-core']}, dagster {m['dagster']}, metricflow {m['metricflow']}."
    )


SECTIONS = {
    "month": ("### 1. Pipeline vs the physical limit, and 5. memory", lambda r: month_markdown(r)),
    "incremental": ("### 2. Incremental scaling", lambda r: incremental_markdown(r)),
    "load": ("### 3. Load time", lambda r: load_time.markdown(r)),
    "metrics": ("### 4. Metric latency", lambda r: metrics_latency.markdown(r)),
    "coordinates": ("### 6. Coordinates to taxi zones", lambda r: coordinates.markdown(r)),
    "publish": ("### 7. Publishing vs the history", lambda r: publishing.markdown(r)),
    "engines": ("### 8. One month on Spark beside DuckDB", lambda r: engines.markdown(r)),
}


def render(report: dict) -> list[str]:
    """The results page section, from the results (so it always matches the JSON)."""
    lines: list[str] = []
    for figure, (title, body) in SECTIONS.items():
        if figure in report:
            lines += [title, "", _facts(report[figure]["run"]), "", *body(report[figure]), ""]
    return lines


def month_markdown(result: dict) -> list[str]:
    p, r, rt = result["pipeline"], result["raw_duckdb"], result["raw_duckdb_with_tests"]
    prof = result["profile_of_last_run"]
    steps = prof["steps"]
    trips = ", ".join(f"{mode} {n:,}" for mode, n in result["trips_by_mode"].items())
    dbt_steps = [k for k in steps if k.startswith("dbt_") and k.endswith("_assets")]
    dbt_step = sum(steps[k] for k in dbt_steps)
    others = {k: v for k, v in steps.items() if k != "run_span" and k not in dbt_steps}
    return [
        "| build | median s (min-max) |",
        "|---|---|",
        f"| `nyc-mobility run` (Dagster, `dbt build` with its tests, KPI, snapshot) | {p['median_s']:.1f} ({p['min_s']:.1f}-{p['max_s']:.1f}) |",
        f"| the same compiled model SQL, in order, in one DuckDB connection | {r['median_s']:.1f} ({r['min_s']:.1f}-{r['max_s']:.1f}) |",
        f"| ... plus the compiled SQL of every dbt test | {rt['median_s']:.1f} ({rt['min_s']:.1f}-{rt['max_s']:.1f}) |",
        "",
        f"Ratio to the models' SQL: **{result['ratio']:.2f}x** (target ≤ {result['target_ratio']}x); "
        f"to models and tests: **{result['ratio_with_tests']:.2f}x**. Trips built: {trips}.",
        "",
        "Profile of the last pipeline run (seconds):",
        "",
        "| part | s |",
        "|---|---|",
        f"| whole command | {prof['seconds']:.1f} |",
        f"| process start, imports, definitions, before the run's first event | {prof['seconds'] - steps['run_span']:.1f} |",
        f"| dbt steps ({len(dbt_steps)}, dagster-dbt): dbt start-up and parse | {dbt_step - prof['dbt_elapsed_s']:.1f} |",
        f"| dbt steps: execution (models {prof['dbt_models_s']:.1f} s and tests {prof['dbt_tests_s']:.1f} s, "
        f"summed over 2 threads) | {prof['dbt_elapsed_s']:.1f} |",
        *[f"| step `{k}` | {v:.1f} |" for k, v in others.items()],
        "",
        "Slowest dbt nodes: " + ", ".join(f"{n} {s:.1f} s" for n, s in prof["slowest_nodes"]) + ".",
        "",
        f"Peak RSS of the build (5): **{result['peak_rss_mb']['max']:.0f} MB** (target ≤ {result['target_rss_mb']} MB; "
        "DuckDB memory_limit and threads from the profile). " + result["note"] + ".",
    ]


def incremental_markdown(result: dict) -> list[str]:
    lines = [
        "| case | month-window dbt build, median s (min-max) | `nyc-mobility run`, median s (min-max) |",
        "|---|---|---|",
    ]
    for label, w in result["month_window"].items():
        f = result["nyc_mobility_run"][label]
        lines.append(
            f"| {label} | {w['median_s']:.1f} ({w['min_s']:.1f}-{w['max_s']:.1f}) "
            f"| {f['median_s']:.1f} ({f['min_s']:.1f}-{f['max_s']:.1f}) |"
        )
    lines += [
        "",
        f"Scale {result['scale']}. Month-window build (`dbt build` with `start_month = end_month`: "
        f"the incremental models rebuild one month): **{result['ratio']:.2f}x** (target ≤ {result['target_ratio']}x). "
        f"`nyc-mobility run` (the operator path: builds the months whose files changed, then the KPI days, "
        f"the publish): {result['ratio_full_rebuild']:.2f}x.",
    ]
    return lines


def write_docs(lines: list[str]) -> None:
    marker = "<!-- bench:results -->"
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else f"# Benchmarks\n\n{marker}\n"
    head = text.split(marker)[0]
    DOCS.write_text(f"{head}{marker}\n\n" + "\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
