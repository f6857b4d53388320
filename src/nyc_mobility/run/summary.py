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
