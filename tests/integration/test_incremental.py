"""fct_trips is incremental by month: rebuilding one month via dbt vars replaces exactly that month."""

from __future__ import annotations

import json
import subprocess

import pytest

from nyc_mobility import raw, sources
from nyc_mobility.assets.dbt import dbt_executable
from nyc_mobility.dbt_args import build_args
from nyc_mobility.project import dbt_project
from nyc_mobility.sample import generate, write_published
from nyc_mobility.settings import Settings
from tests.conftest import RUN_ONCE, build_in_process, query, scalar

# Builds of SQL-heavy fixtures, independent of the Python version: under tox, py311 only.
pytestmark = [pytest.mark.integration, RUN_ONCE]


def run_dbt(settings: Settings, *args: str) -> subprocess.CompletedProcess:
    project = dbt_project()
    command = [
        dbt_executable(),
        *args,
        "--project-dir",
        str(project.project_dir),
        "--profiles-dir",
        str(project.profiles_dir),
        "--target-path",
        str(settings.dbt_artifacts_dir / "test-target"),
        "--log-path",
        str(settings.dbt_artifacts_dir / "test-logs"),
    ]
    return subprocess.run(command, capture_output=True, text=True, check=False, cwd=settings.data_dir)


def month_fingerprint(db, month: str) -> tuple[int, str]:
    return query(
        db,
        "select count(*), coalesce(md5(string_agg(trip_id, ',' order by trip_id)), '') "
        "from fct_trips where source_month = ?",
        [month],
    )[0]


@pytest.fixture(scope="module")
def spring(tmp_path_factory) -> Settings:
    settings = Settings(data_dir=tmp_path_factory.mktemp("spring"), sample_scale=0.0008)
    generate(settings.raw_dir, "2024-03", "2024-04", scale=0.0008)
    build = build_in_process(settings)
    assert build.result.success
    return settings


def test_spring_forward_hour_has_filled_weather(spring):
    row = query(
        spring.warehouse_path,
        "select is_filled, utc_hours_in_local_hour from dim_weather where weather_hour = '2024-03-10 02:00'",
    )
    assert row == [(True, 1)]
    assert scalar(spring.warehouse_path, "select count(*) from fct_trips where weather_hour is null") == 0


def test_rebuilding_one_month_replaces_exactly_that_month(spring, tmp_path):
    db = spring.warehouse_path
    march_before = month_fingerprint(db, "2024-03")
    april_before = month_fingerprint(db, "2024-04")
    # A corrected April file is published: land it over the old one.
    replacement = write_published(tmp_path, "2024-04", scale=0.0004, seed=99)
    raw.land_file(replacement["yellow"], spring.raw_dir, "tlc_yellow", "2024-04")

    args = build_args(spring, start_month="2024-04", end_month="2024-04")
    result = run_dbt(spring, *args, "--select", "int_trips__unioned+")
    assert result.returncode == 0, result.stdout[-3000:]

    assert month_fingerprint(db, "2024-03") == march_before
    april_after = month_fingerprint(db, "2024-04")
    assert april_after != april_before
    expected = scalar(
        db, "select count(*) from int_trips__unioned where is_valid and source_month = '2024-04'"
    )
    assert april_after[0] == expected
    assert scalar(db, "select count(*) - count(distinct trip_id) from fct_trips") == 0

    # the same month again: identical content
    again = run_dbt(spring, *args, "--select", "int_trips__unioned+")
    assert again.returncode == 0
    assert month_fingerprint(db, "2024-04") == april_after
    assert month_fingerprint(db, "2024-03") == march_before


def test_a_month_whose_files_are_gone_is_emptied_by_its_rebuild(spring, tmp_path):
    """delete+insert alone only replaces the months the new rows carry, so a month withdrawn from
    every source would keep its rows: the window's pre-hook forgets them (run here through the
    `monthly` selector, as dbt users would)."""
    db = spring.warehouse_path
    march_before = month_fingerprint(db, "2024-03")
    assert scalar(db, "select count(*) from fct_trips where source_month = '2024-04'") > 0
    withdrawn = {s.folder: raw.month_dir(spring.raw_dir, s, "2024-04") for s in sources.trips()}
    for source, folder in withdrawn.items():
        folder.rename(tmp_path / source)
    try:
        args = build_args(spring, start_month="2024-04", end_month="2024-04")
        result = run_dbt(spring, *args, "--selector", "monthly")
        assert result.returncode == 0, result.stdout[-3000:]
        for model in ("int_trips__unioned", "fct_trips"):
            assert scalar(db, f"select count(*) from {model} where source_month = '2024-04'") == 0, model
        assert month_fingerprint(db, "2024-03") == march_before
    finally:
        for source, folder in withdrawn.items():
            (tmp_path / source).rename(folder)


def test_month_vars_are_validated_inside_dbt_too(spring):
    bad = {
        "duckdb_path": str(spring.warehouse_path),
        "raw_dir": str(spring.raw_dir),
        "start_month": "2024-01' or 1=1 --",
    }
    result = run_dbt(spring, "build", "--select", "fct_trips", "--vars", json.dumps(bad))
    assert result.returncode != 0
    assert "start_month/end_month must look like YYYY-MM" in result.stdout
