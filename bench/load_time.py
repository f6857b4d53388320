"""Figure 3, load time: ``dagster definitions validate -m nyc_mobility.definitions`` against
``python -c "import dagster_dbt"`` (the floor any dagster-dbt code location pays). Target <= 1.3x.

Two more commands split the difference: the same ``dagster definitions validate`` of an empty
location that only imports dagster_dbt (the CLI's own cost), and building our definitions in Python
right after ``import dagster_dbt`` (what our code adds).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import summary

BUILD_IN_PYTHON = (
    "import dagster_dbt\n"
    "from nyc_mobility.defs.factory import definitions_from_settings\n"
    "from nyc_mobility.settings import Settings\n"
    "definitions_from_settings(Settings.from_env()).resolve_asset_graph()\n"
)
EMPTY_LOCATION = "import dagster as dg\nimport dagster_dbt  # noqa: F401\n\ndefs = dg.Definitions()\n"


def _time(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return time.perf_counter() - started


def run(repeat: int = 5) -> dict[str, Any]:
    dagster = str(Path(sys.executable).parent / "dagster")
    with tempfile.TemporaryDirectory(prefix="nyc-mobility-bench-load-") as tmp:
        env = {**os.environ, "DAGSTER_HOME": tmp, "NYC_MOBILITY_DATA_DIR": str(Path(tmp) / "data")}
        empty = Path(tmp) / "empty_location.py"
        empty.write_text(EMPTY_LOCATION)
        commands = {
            "definitions_validate": [dagster, "definitions", "validate", "-m", "nyc_mobility.definitions"],
            "validate_empty_location": [dagster, "definitions", "validate", "-f", str(empty)],
            "import_dagster_dbt": [sys.executable, "-c", "import dagster_dbt"],
            "build_definitions_in_python": [sys.executable, "-c", BUILD_IN_PYTHON],
        }
        _time(commands["definitions_validate"], env)  # warm the file cache (and a checkout's first parse)
        timings: dict[str, list[float]] = {key: [] for key in commands}
        for _ in range(repeat):  # interleaved: drift on a shared machine hits every command alike
            for key, command in commands.items():
                timings[key].append(_time(command, env))
    result: dict[str, Any] = {key: summary(values) for key, values in timings.items()}
    medians = {key: value["median_s"] for key, value in result.items()}
    result["ratio"] = round(medians["definitions_validate"] / medians["import_dagster_dbt"], 2)
    result["target"] = 1.3
    result["ours_s"] = round(medians["build_definitions_in_python"] - medians["import_dagster_dbt"], 2)
    result["cli_s"] = round(medians["validate_empty_location"] - medians["import_dagster_dbt"], 2)
    return result


LABELS = {
    "definitions_validate": "`dagster definitions validate -m nyc_mobility.definitions`",
    "validate_empty_location": "`dagster definitions validate` of an empty location that imports dagster_dbt",
    "import_dagster_dbt": "`python -c 'import dagster_dbt'`",
    "build_definitions_in_python": "`import dagster_dbt`, then build and resolve our definitions",
}


def markdown(result: dict[str, Any]) -> list[str]:
    lines = ["| command | median s (min-max) |", "|---|---|"]
    for key, label in LABELS.items():
        s = result[key]
        lines.append(f"| {label} | {s['median_s']:.2f} ({s['min_s']:.2f}-{s['max_s']:.2f}) |")
    lines += [
        "",
        f"Ratio validate / import dagster_dbt: **{result['ratio']:.2f}x** (target ≤ {result['target']}x). "
        f"Building our definitions adds {result['ours_s']:.2f} s to the import; the `dagster` command "
        f"itself adds {result['cli_s']:.2f} s even for an empty location.",
    ]
    return lines
