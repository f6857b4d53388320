"""Shared fixtures: real dbt builds into temporary DuckDB files (no mocks of dbt or DuckDB)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
REAL_DATA = Path(os.environ.get("NYC_MOBILITY_REAL_DATA", REPO_ROOT.parent / "shared" / "data" / "real"))


# Slow checks that do not depend on the Python version run in one tox env each, in two groups so
# that the two tox lanes of CI (two cores) take about as long: ``main`` (browser, packaging CLIs, the
# benchmark smoke run, SQL-heavy builds: real samples, DST/incremental, the bad-input corpus build,
# idempotency and kill-and-rerun) in py311, and ``dagster`` (the Dagster daemon, schedules and
# job-execution CLIs from the installed wheel) and ``publisher`` (the reconciliation with the TLC's
# report, two incremental builds of a copy of the sample) in py313. NYC_MOBILITY_RUN_ONCE names the
# groups an env runs (comma-separated; ``0``: none; unset or ``1``: all, as a developer's pytest does);
# a name that is no group fails loudly instead of skipping its tests.
RUN_ONCE_GROUPS = {"main", "dagster", "publisher"}


def runs_once(group: str) -> bool:
    value = os.environ.get("NYC_MOBILITY_RUN_ONCE", "1").strip()
    if value in ("1", "all"):
        return True
    named = {part.strip() for part in value.split(",") if part.strip()} - {"0"}
    if unknown := named - RUN_ONCE_GROUPS:
        raise pytest.UsageError(
            f"NYC_MOBILITY_RUN_ONCE names no group {sorted(unknown)}; groups: {sorted(RUN_ONCE_GROUPS)}"
        )
    return group in named


RUN_ONCE = pytest.mark.skipif(not runs_once("main"), reason="runs in one tox env only (py311)")
RUN_ONCE_DAGSTER = pytest.mark.skipif(
    not runs_once("dagster"), reason="runs in one tox env only (py313: the Dagster CLIs' group)"
)
RUN_ONCE_PUBLISHER = pytest.mark.skipif(
    not runs_once("publisher"), reason="runs in one tox env only (py313: the publisher reconciliation)"
)

# Builds whose outcome depends on DuckDB's reading of hostile files, not on Python: once per DuckDB
# major the envs resolve (py311 gets 2.x, py310 1.x: DuckDB 2 is not installed on Python 3.10), not in
# py312/py313.
ONCE_PER_DUCKDB = pytest.mark.skipif(
    not runs_once("main") and int(duckdb.__version__.split(".")[0]) >= 2,
    reason="runs once per DuckDB major (py311: 2.x, py310: 1.x)",
)

os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    """Run SQL on a warehouse through a read-only connection (in New York time, like every reader
    of ours: staging views of sources that mix zoned and naive files are evaluated by their reader)."""
    con = duckdb.connect(str(db), read_only=True, config={"autoinstall_known_extensions": False})
    con.execute("set TimeZone = 'America/New_York'")
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def scalar(db: Path, sql: str, params: list | None = None):
    return query(db, sql, params)[0][0]


@dataclass
class Build:
    settings: object
    result: object  # nyc_mobility.run.runner.Materialization

    @property
    def db(self) -> Path:
        return self.settings.warehouse_path


def build_in_process(settings) -> Build:
    """Materialize in-process exactly as `nyc-mobility run` does (raw partitions, then the build)."""
    import dagster as dg

    from nyc_mobility.run.materialize import materialize

    return Build(settings=settings, result=materialize(settings, dg.DagsterInstance.ephemeral()))


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Build]:
    """The demo: two months of the embedded sample (2024-10..11, with the DST fall-back) built end to end."""
    from nyc_mobility.settings import Settings

    settings = Settings(data_dir=tmp_path_factory.mktemp("sample_build"))
    build = build_in_process(settings)
    assert build.result.success, "the sample build failed; see the captured log"
    yield build


@pytest.fixture(scope="session")
def corpus_build(tmp_path_factory: pytest.TempPathFactory):
    """One month of the sample plus every crafted bad record, built as a partition (tests/corpus.py)."""
    from tests.corpus import build_corpus

    return build_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="session")
def real_data() -> Path:
    if not REAL_DATA.is_dir():
        pytest.skip(
            f"real data samples not found at {REAL_DATA} (they live in the workplace's shared/ folder)"
        )
    return REAL_DATA


@pytest.fixture
def fake_hosts():
    """A local server playing the official hosts (127.0.0.1 only)."""
    from tests.fake_hosts import FakeHosts

    with FakeHosts() as hosts:
        yield hosts
