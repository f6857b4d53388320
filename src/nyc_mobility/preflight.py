"""Before dbt reads the raw files: is every landed file readable, with the columns staging needs?

The staging views read every file on disk, so one bad file (a truncated download copied by hand,
an HTML page saved as ``.parquet``, a file whose columns were renamed) would fail the build deep in
dbt, or worse, yield empty columns. The build steps call :func:`check_raw_files` first: every bad
file is reported by path with its problem, and dbt never starts, so the warehouse and the served
snapshot stay as they were. Row-level problems are not errors: staging quarantines those records
with a reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from nyc_mobility.raw import is_landed

# Per source: the columns staging cannot do without, each as its published spellings
# (matched case-insensitively, as DuckDB does).
REQUIRED: dict[str, list[tuple[str, ...]]] = {
    "tlc_yellow": [
        ("tpep_pickup_datetime", "pickup_datetime"),
        ("tpep_dropoff_datetime", "dropoff_datetime"),
        ("PULocationID", "pickup_location_id"),
        ("DOLocationID", "dropoff_location_id"),
        ("trip_distance",),
        ("fare_amount",),
        ("total_amount",),
    ],
    "tlc_fhv": [("dispatching_base_num",), ("pickup_datetime",), ("dropOff_datetime",)],
    "citibike": [
        ("started_at", "starttime", "Start Time"),
        ("ended_at", "stoptime", "Stop Time"),
        ("start_lat", "start station latitude"),
        ("start_lng", "start station longitude"),
        ("end_lat", "end station latitude"),
        ("end_lng", "end station longitude"),
        ("member_casual", "usertype", "User Type"),
    ],
}
# Precipitation may be absent (legacy forecast responses): staging sums rain and showers then.
WEATHER_REQUIRED = ("time", "temperature_2m")


@dataclass(frozen=True)
class FileProblem:
    path: Path
    problem: str

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"


class RawFilesError(ValueError):
    """One or more landed files cannot be read as their source publishes them."""

    def __init__(self, problems: list[FileProblem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(
            f"{len(problems)} raw file(s) cannot be built (fix or remove them, then re-run; "
            f"nothing was written):\n{lines}"
        )


def _parquet_problem(path: Path, source: str) -> str | None:
    from nyc_mobility.ingest import validate

    try:
        validate.parquet(path)
        import pyarrow.parquet as pq

        names = {name.lower() for name in pq.read_schema(path).names}
    except Exception as exc:  # the validator's message says what is wrong
        return str(exc)
    missing = [
        " / ".join(options) for options in REQUIRED[source] if not any(o.lower() in names for o in options)
    ]
    if missing:
        return f"missing required column(s) {', '.join(missing)} (found: {', '.join(sorted(names))[:300]})"
    return None


def _weather_problem(path: Path) -> str | None:
    from nyc_mobility.ingest import validate

    try:
        validate.open_meteo(path)
        hourly = json.loads(path.read_text(encoding="utf-8"))["hourly"]
    except Exception as exc:
        return str(exc)
    missing = [name for name in WEATHER_REQUIRED if name not in hourly]
    if missing:
        return f"the response has no hourly {', '.join(missing)}"
    lengths = {name: len(values) for name, values in hourly.items() if isinstance(values, list)}
    if len(set(lengths.values())) > 1:
        return f"hourly arrays of different lengths {lengths}"
    return None


def file_problem(path: Path, source: str) -> str | None:
    """What is wrong with one landed file of ``source`` (None when it can be built)."""
    if path.stat().st_size == 0:
        return "empty file"
    if source in REQUIRED:
        if path.suffix != ".parquet":
            return f"unexpected file type {path.suffix or '(none)'} (trip files land as .parquet)"
        return _parquet_problem(path, source)
    if source == "weather":
        if path.suffix != ".json":
            return f"unexpected file type {path.suffix or '(none)'} (weather lands as .json)"
        return _weather_problem(path)
    return None


def check_raw_files(raw_dir: Path) -> int:
    """Check every landed monthly file; raise :class:`RawFilesError` naming each bad one.

    Returns the number of files checked. Files of a landing in progress (hidden, or ``.tmp``) are
    skipped: staging never reads them either.
    """
    problems: list[FileProblem] = []
    checked = 0
    for source in (*REQUIRED, "weather"):
        for path in sorted((Path(raw_dir) / source).glob("month=*/*")):
            if not is_landed(path):
                continue
            checked += 1
            problem = file_problem(path, source)
            if problem:
                problems.append(FileProblem(path, problem))
    if problems:
        raise RawFilesError(problems)
    return checked
