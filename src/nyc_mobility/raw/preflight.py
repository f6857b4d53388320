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
from dataclasses import dataclass, field
from pathlib import Path

from nyc_mobility import sources
from nyc_mobility.errors import KnownError
from nyc_mobility.raw.layout import READ_BY_DBT, is_landed, month_folders, source_dir, stray_folders
from nyc_mobility.sources import RawSource


@dataclass(frozen=True)
class FileProblem:
    path: Path
    problem: str

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"


class RawFilesError(KnownError, ValueError):
    """One or more landed files cannot be read as their source publishes them."""

    def __init__(self, problems: list[FileProblem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(
            f"{len(problems)} raw file(s) cannot be built (fix or remove them, then re-run; "
            f"nothing was written):\n{lines}"
        )


def _parquet_problem(path: Path, source: RawSource) -> str | None:
    from nyc_mobility.raw import formats

    try:
        formats.parquet(path)
        import pyarrow.parquet as pq

        names = pq.read_schema(path).names
    except Exception as exc:  # the validator's message says what is wrong
        return str(exc)
    missing = source.missing_columns(names)
    if missing:
        found = ", ".join(sorted(name.lower() for name in names))[:300]
        return f"missing required column(s) {', '.join(missing)} (found: {found})"
    return None


def _json_problem(path: Path, source: RawSource) -> str | None:
    from nyc_mobility.raw import formats

    try:
        formats.open_meteo(path)
        hourly = json.loads(path.read_text(encoding="utf-8"))["hourly"]
    except Exception as exc:
        return str(exc)
    missing = source.missing_columns(hourly)
    if missing:
        return f"the response has no hourly {', '.join(missing)}"
    lengths = {name: len(values) for name, values in hourly.items() if isinstance(values, list)}
    if len(set(lengths.values())) > 1:
        return f"hourly arrays of different lengths {lengths}"
    return None


_CHECKS = {".parquet": _parquet_problem, ".json": _json_problem}


def file_problem(path: Path, source: RawSource | str) -> str | None:
    """What is wrong with one landed file of ``source`` (None when it can be built)."""
    from nyc_mobility.raw.layout import resolve

    record = resolve(source)
    if path.stat().st_size == 0:
        return "empty file"
    if path.suffix != record.landed_suffix:
        return (
            f"unexpected file type {path.suffix or '(none)'} "
            f"({record.name} files land as {record.landed_suffix})"
        )
    check = _CHECKS.get(record.landed_suffix)
    return check(path, record) if check else None


@dataclass
class PreflightReport:
    """What the preflight checked, and what it noticed without stopping the build."""

    checked: int = 0
    warnings: list[str] = field(default_factory=list)


def check_raw_files(raw_dir: Path) -> PreflightReport:
    """Check every landed monthly file; raise :class:`RawFilesError` naming each bad one.

    Files of a landing in progress (hidden, or ``.tmp``) are skipped: staging never reads them
    either. Warnings (the build goes on): a trip source with no files (built as an empty source), a
    file with no rows, a stray entry under ``month=*`` that dbt does not read (``month=2024-11.bak``).
    A folder dbt would read that is not a real month (``month=2024-13``) is an error.
    """
    report = PreflightReport()
    problems: list[FileProblem] = []
    for source in sources.monthly():
        months = month_folders(raw_dir, source)
        files = 0
        for folder in months.values():
            for path in sorted(folder.iterdir()):
                if not is_landed(path):
                    continue
                report.checked += 1
                files += 1
                problem = file_problem(path, source)
                if problem:
                    problems.append(FileProblem(path, problem))
                elif path.suffix == ".parquet" and _rows(path) == 0:
                    report.warnings.append(f"{path}: the file has no rows")
        if source.is_trips and not files:
            report.warnings.append(
                f"no {source.name} files under {source_dir(raw_dir, source)}: built as an empty source "
                f"(mode {source.mode} has no trips)"
            )
    for static in sources.static():
        problems += _static_problems(static, raw_dir)
    from nyc_mobility.raw.manifest import changed_since_landing

    report.warnings += changed_since_landing(raw_dir)
    for path in stray_folders(raw_dir):
        if READ_BY_DBT.fullmatch(path.name) and path.is_dir():
            problems.append(FileProblem(path, "not a month folder (month=YYYY-MM with a real month)"))
        else:
            report.warnings.append(f"{path}: not a month folder (month=YYYY-MM); ignored")
    if problems:
        raise RawFilesError(problems)
    return report


def _static_problems(source: RawSource, raw_dir: Path) -> list[FileProblem]:
    """The problems the registry's ``check`` of a static source finds (the zones: nyc_mobility.zones)."""
    if not source.check:
        return []
    import importlib

    module, _, function = source.check.partition(":")
    return getattr(importlib.import_module(module), function)(raw_dir)


def _rows(path: Path) -> int:
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).metadata.num_rows
