"""fct_trips is incremental by month: rebuilding one month via dbt vars replaces exactly that month."""

from __future__ import annotations

import json
import subprocess

import pytest

from nyc_mobility import raw, sources
from nyc_mobility.dbt.args import build_args
from nyc_mobility.dbt.project import dbt_executable, dbt_project
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


def test_a_month_rebuilt_alone_equals_that_month_of_a_full_build(spring):
    """The hourly grid and the quality summary are built month by month too: rebuilding March alone
    leaves every table exactly as the fixture's build of every month left it (this test runs before
    the others change April)."""
    db = spring.warehouse_path
    tables = ("fct_hourly_mobility", "qa_trips__source_month_summary", "fct_trips")
    before = {t: query(db, f"select * from {t} order by all") for t in tables}
    march = run_dbt(
        spring, *build_args(spring, start_month="2024-03", end_month="2024-03"), "--selector", "monthly"
    )
    assert march.returncode == 0, march.stdout[-3000:]
    for table in tables:
        assert query(db, f"select * from {table} order by all") == before[table], table
    # and the grid's trips are the facts' trips, month by month (independent of the grid's SQL)
    assert query(
        db, "select source_month, sum(trip_count) from fct_hourly_mobility group by 1 order by 1"
    ) == query(db, "select source_month, count(*) from fct_trips group by 1 order by 1")


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


def _warehouse_copy(spring: Settings, tmp_path) -> Settings:
    import shutil

    copy = spring.model_copy(update={"duckdb_path": tmp_path / "copy.duckdb"})
    shutil.copy2(spring.warehouse_path, copy.warehouse_path)
    return copy


def _unique_trip_id_test(settings: Settings, **window: str) -> str:
    from nyc_mobility.dbt.args import dbt_vars, vars_arg

    selection = ["--select", "fct_trips,test_name:unique"]
    result = run_dbt(settings, "test", *vars_arg(dbt_vars(settings, **window)), *selection)
    assert "unique_fct_trips_trip_id" in result.stdout, result.stdout[-2000:]
    return "fail" if result.returncode else "pass"


def test_a_build_tests_its_months_and_the_full_job_tests_every_month(spring, tmp_path):
    """A month's build tests that month only (the cost is the month's): a trip_id repeated inside the
    new month fails its build; one repeated across two months passes both months' builds and fails
    the full-history test job (the Dagster job the weekly schedule launches)."""
    import dagster as dg
    import duckdb

    from nyc_mobility.defs.factory import definitions_from_settings
    from nyc_mobility.defs.jobs import FULL_TESTS_JOB_NAME
    from nyc_mobility.defs.partitions import range_tags
    from nyc_mobility.run.materialize import covering

    copy = _warehouse_copy(spring, tmp_path)
    con = duckdb.connect(str(copy.warehouse_path))
    # a duplicate inside March, the month being built
    con.execute("insert into fct_trips select * from fct_trips where source_month = '2024-03' limit 1")
    con.close()
    assert _unique_trip_id_test(copy, start_month="2024-03", end_month="2024-03") == "fail"

    con = duckdb.connect(str(copy.warehouse_path))
    con.execute("delete from fct_trips where rowid = (select max(rowid) from fct_trips)")
    # an April row that carries a March trip's id: each month alone is still unique
    con.execute(
        "insert into fct_trips select * replace ('2024-04' as source_month) from fct_trips "
        "where source_month = '2024-03' limit 1"
    )
    con.close()
    for month in ("2024-03", "2024-04"):
        assert _unique_trip_id_test(copy, start_month=month, end_month=month) == "pass", month

    job = definitions_from_settings(covering(copy, {"2024-03", "2024-04"})).resolve_job_def(
        FULL_TESTS_JOB_NAME
    )
    result = job.execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), raise_on_error=False, tags=range_tags("2024-03", "2024-04")
    )
    failed = {
        (e.asset_key.to_user_string(), e.check_name)
        for e in result.get_asset_check_evaluations()
        if not e.passed
    }
    assert ("fct_trips", "unique_fct_trips_trip_id") in failed
    assert result.get_asset_materialization_events() == []  # tests only: no model rebuilt


def test_run_builds_only_the_months_whose_raw_files_changed(spring, tmp_path):
    """`nyc-mobility run` after a build: nothing changed -> nothing built; one month's file replaced ->
    that month only (one run over it); a month gone from disk -> its rows are deleted."""
    import dagster as dg

    from nyc_mobility.defs.partitions import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG
    from nyc_mobility.run.materialize import materialize

    db = spring.warehouse_path
    assert materialize(spring, dg.DagsterInstance.ephemeral(), everything=False).success  # up to date
    march = month_fingerprint(db, "2024-03")
    unchanged = materialize(spring, dg.DagsterInstance.ephemeral(), everything=False)
    assert unchanged.builds == [] and unchanged.plan.months == [] and unchanged.success
    assert month_fingerprint(db, "2024-03") == march

    replacement = write_published(tmp_path, "2024-04", scale=0.0005, seed=7)
    raw.land_file(replacement["yellow"], spring.raw_dir, "tlc_yellow", "2024-04")
    changed = materialize(spring, dg.DagsterInstance.ephemeral(), everything=False)
    assert changed.success and changed.plan.windows == [("2024-04", "2024-04")]
    tags = changed.build.dagster_run.tags
    assert (tags[ASSET_PARTITION_RANGE_START_TAG], tags[ASSET_PARTITION_RANGE_END_TAG]) == (
        "2024-04",
        "2024-04",
    )
    assert month_fingerprint(db, "2024-03") == march
    # April's yellow trips are the new file's records less the quarantined ones (DuckDB on the file)
    landed = raw.month_dir(spring.raw_dir, "yellow", "2024-04")
    published = scalar(db, "select count(*) from read_parquet(?)", [str(landed / "*.parquet")])
    quarantined = scalar(
        db,
        "select count(*) from qa_trips__quarantine where mode = 'yellow_taxi' and source_month = '2024-04'",
    )
    valid = "select count(*) from fct_trips where mode = 'yellow_taxi' and source_month = '2024-04'"
    assert scalar(db, valid) == published - quarantined > 0
    # kpi_daily recomputed April's days only, and every day still agrees with the facts
    kpi_trips = "select kpi_date, trips from kpi_daily order by 1"
    assert query(db, kpi_trips) == query(
        db, "select pickup_date, count(*) from fct_trips group by 1 order by 1"
    )

    # (files a user manages: in sample mode a missing sample month would be landed again)
    official = spring.model_copy(update={"data_origin": "official"})
    withdrawn = {s.folder: raw.month_dir(spring.raw_dir, s, "2024-04") for s in sources.trips()}
    for source, folder in withdrawn.items():
        folder.rename(tmp_path / source)
    try:
        gone = materialize(official, dg.DagsterInstance.ephemeral(), everything=False)
        assert gone.success and gone.plan.months == ["2024-04"]
        assert scalar(db, "select count(*) from fct_trips where source_month = '2024-04'") == 0
        assert scalar(db, "select count(*) from fct_hourly_mobility where source_month = '2024-04'") == 0
        assert scalar(db, "select count(*) from kpi_daily where kpi_date >= '2024-04-01'") == 0
        assert scalar(db, "select count(*) from kpi_daily where kpi_date < '2024-04-01'") == 31
        assert month_fingerprint(db, "2024-03") == march
    finally:
        for source, folder in withdrawn.items():
            (tmp_path / source).rename(folder)
