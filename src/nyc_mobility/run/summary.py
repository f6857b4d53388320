"""What a build produced: rows per model and check outcomes, read after the build."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class CheckOutcome:
    asset: str
    name: str
    passed: bool
    severity: str


@dataclass
class BuildSummary:
    success: bool
    duration_seconds: float
    row_counts: dict[str, int] = field(default_factory=dict)
    checks: list[CheckOutcome] = field(default_factory=list)
    failed_steps: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    publisher: list[str] = field(default_factory=list)
    """Completeness against the TLC's monthly report: one line, and each month outside tolerance."""

    @property
    def checks_passed(self) -> int:
        return sum(c.passed for c in self.checks)

    @property
    def checks_failed(self) -> int:
        return sum(not c.passed for c in self.checks)


def row_counts(duckdb_path: Path, models: list[str]) -> dict[str, int]:
    """Rows per model, read through a read-only connection (-1 where a model was not built)."""
    import duckdb

    if not Path(duckdb_path).exists():
        return dict.fromkeys(models, -1)
    con = duckdb.connect(str(duckdb_path), read_only=True, config={"autoinstall_known_extensions": False})
    try:
        existing = {
            row[0] for row in con.execute("select table_name from information_schema.tables").fetchall()
        }
        return {
            name: (con.execute(f'select count(*) from "{name}"').fetchall()[0][0] if name in existing else -1)
            for name in models
        }
    finally:
        con.close()


RECONCILIATION = "qa_trips__publisher_reconciliation"


def publisher_lines(duckdb_path: Path) -> list[str]:
    """The run summary's lines on completeness against the TLC's own report (read-only): how many
    mode-months are within the tolerance, and each one outside it with both counts."""
    import duckdb

    if not Path(duckdb_path).exists():
        return []
    con = duckdb.connect(str(duckdb_path), read_only=True, config={"autoinstall_known_extensions": False})
    try:
        tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
        if RECONCILIATION not in tables:
            return []
        rows = con.execute(
            f"""select mode, source_month, our_trips, publisher_trips, trip_ratio, tolerance,
                       is_within_tolerance, cast(report_copy_date as varchar)
                from {RECONCILIATION} order by source_month, mode"""
        ).fetchall()
    finally:
        con.close()
    if not rows:
        return []
    compared = [r for r in rows if r[6] is not None]
    if not compared:
        return [
            f"publisher report: none landed for {len(rows)} mode-month(s); reconcile with the TLC's own "
            "totals by landing it (nyc-mobility ingest --sources tlc_report)"
        ]
    outside = [r for r in compared if not r[6]]
    copies = sorted({r[7] for r in compared if r[7]})
    lines = [
        f"publisher report (copy of {', '.join(copies)}): {len(compared) - len(outside)} of {len(compared)} "
        f"mode-month(s) within tolerance; {len(rows) - len(compared)} without a report figure"
    ]
    lines += [
        f"  outside tolerance: {mode} {month}: {ours:,} records landed vs {theirs:,} in the TLC's report "
        f"(ratio {ratio:.4f}, tolerance ±{tolerance:.0%})"
        for mode, month, ours, theirs, ratio, tolerance, _within, _copy in outside
    ]
    return lines
