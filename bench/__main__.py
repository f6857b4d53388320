"""``python -m bench run [--scale S] [--months N] [--only metrics] [--data-dir DIR]``.

Builds the embedded sample at the chosen scale (1.0 = real monthly volume) through the same
path as ``nyc-mobility run``, then measures; results go to bench/results/*.json and
docs/benchmarks.md. Figures other than metric latency arrive with the benchmarks issue.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from pathlib import Path

from bench import metrics_latency
from bench.common import machine, write_json

DOCS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
FIGURES = ("metrics",)


def build(data_dir: Path, scale: float, months: int) -> Path:
    from nyc_mobility.months import format_month, next_month, parse_month
    from nyc_mobility.runner import run_all
    from nyc_mobility.settings import SAMPLE_START, Settings

    last = parse_month(SAMPLE_START)
    for _ in range(months - 1):
        last = next_month(last)
    end = format_month(last)
    settings = Settings(data_dir=data_dir, sample_scale=scale, sample_start=SAMPLE_START, sample_end=end)
    if not settings.serving_path.exists():
        summary = run_all(settings, log_file=data_dir / "bench_build.log")
        if not summary.success:
            raise SystemExit(f"the benchmark build failed; see {data_dir / 'bench_build.log'}")
    return settings.serving_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="build the sample and measure")
    run.add_argument("--scale", type=float, default=0.01, help="sample size, 1.0 = real monthly volume")
    run.add_argument("--months", type=int, default=1)
    run.add_argument("--only", choices=FIGURES, action="append")
    run.add_argument("--repeat", type=int, default=20)
    run.add_argument("--data-dir", type=Path, help="reuse or keep the built data here")
    run.add_argument("--no-cold", action="store_true", help="skip the cold `mf query` subprocess")
    run.add_argument("--out", type=Path, help="results folder (default bench/results)")
    run.add_argument("--no-docs", action="store_true", help="do not rewrite docs/benchmarks.md")
    args = parser.parse_args(argv)

    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="nyc-mobility-bench-"))
    snapshot = build(data_dir, args.scale, args.months)
    report = {
        "when": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "scale": args.scale,
        "months": args.months,
        "machine": machine(),
    }
    lines = [
        f"Scale {args.scale}, {args.months} month(s); {report['machine']['cores']} cores, "
        f"{report['machine']['memory']}; duckdb {report['machine']['duckdb']}, "
        f"metricflow {report['machine']['metricflow']}.",
        "",
    ]
    if not args.only or "metrics" in args.only:
        report["metrics"] = metrics_latency.run(snapshot, repeat=args.repeat, cold=not args.no_cold)
        lines += ["### Metric latency", "", *metrics_latency.markdown(report["metrics"]), ""]
    path = write_json("latest", report, args.out)
    if not args.no_docs:
        write_docs(lines)
    print("\n".join(lines))
    print(f"results: {path}")
    return 0


def write_docs(lines: list[str]) -> None:
    marker = "<!-- bench:results -->"
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else f"# Benchmarks\n\n{marker}\n"
    head = text.split(marker)[0]
    DOCS.write_text(f"{head}{marker}\n\n" + "\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
