"""The installed wheel works from outside the checkout: CLI, `dagster definitions validate`, materialize.

Under tox the test environment is a fresh venv with the built wheel installed (NYC_MOBILITY_REQUIRE_WHEEL=1
makes that a requirement); from a development checkout these tests are skipped.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import nyc_mobility
from nyc_mobility.dbt.project import packaged_project_dir
from tests.conftest import REPO_ROOT, RUN_ONCE, RUN_ONCE_DAGSTER, query, scalar

pytestmark = pytest.mark.e2e

INSTALLED = packaged_project_dir().joinpath("dbt_project.yml").exists()
if not INSTALLED:
    if os.environ.get("NYC_MOBILITY_REQUIRE_WHEEL") == "1":
        raise RuntimeError("NYC_MOBILITY_REQUIRE_WHEEL=1 but nyc_mobility is not installed from a wheel")
    pytest.skip("nyc_mobility is not installed from a wheel (run through tox)", allow_module_level=True)

BIN = Path(sys.executable).parent


def _run(args: list[str], cwd: Path, env_extra: dict[str, str] | None = None, timeout: int = 600):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NYC_MOBILITY_", "DAGSTER_HOME"))}
    env.update({"DBT_SEND_ANONYMOUS_USAGE_STATS": "false", **(env_extra or {})})
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def test_package_is_imported_from_site_packages_not_the_checkout():
    package = Path(nyc_mobility.__file__).resolve()
    assert REPO_ROOT / "src" not in package.parents
    assert "site-packages" in package.parts
    manifest = packaged_project_dir() / "target" / "manifest.json"
    assert manifest.exists() and (packaged_project_dir() / "target" / "semantic_manifest.json").exists()
    assert (packaged_project_dir() / "models" / "marts" / "core" / "fct_trips.sql").exists()


def test_wheel_file_ships_the_dbt_project_and_manifest():
    wheels = sorted((REPO_ROOT / ".tox" / ".pkg" / "dist").glob("*.whl")) + sorted(
        (REPO_ROOT / "dist").glob("*.whl")
    )
    wheel = os.environ.get("NYC_MOBILITY_WHEEL") or (str(wheels[-1]) if wheels else None)
    if wheel is None:
        pytest.skip("no wheel file to inspect")
    names = zipfile.ZipFile(wheel).namelist()
    assert "nyc_mobility/dbt_project/target/manifest.json" in names
    assert "nyc_mobility/dbt_project/profiles.yml" in names
    assert not any(n.startswith("nyc_mobility/dbt_project/logs/") for n in names)


@pytest.fixture(scope="module")
def cli_build(tmp_path_factory) -> Path:
    """``nyc-mobility run`` in an empty directory, from the installed wheel."""
    home = tmp_path_factory.mktemp("cli_run")
    result = _run([str(BIN / "nyc-mobility"), "run"], cwd=home)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "Run succeeded" in result.stdout
    return home


@RUN_ONCE
def test_cli_run_builds_everything_in_an_empty_directory(cli_build):
    db = cli_build / "data" / "warehouse" / "nyc_mobility.duckdb"
    for model in ("fct_trips", "fct_hourly_mobility", "dim_weather", "dim_date", "stg_citibike__trips"):
        assert scalar(db, f"select count(*) from {model}") > 0
    snapshot = cli_build / "data" / "serving" / "nyc_mobility.duckdb"
    assert scalar(snapshot, "select count(*) from kpi_daily") > 50
    report = cli_build / "data" / "reports" / "weather_impact.html"
    assert not report.exists()  # the report has its own job: a build costs the months it builds
    done = _run([str(BIN / "nyc-mobility"), "report"], cwd=cli_build)
    assert done.returncode == 0, done.stderr[-4000:]
    assert done.stdout.strip() == str(report.resolve()) and report.stat().st_size > 1_000_000
    _assert_nothing_written_in_the_package()


def _assert_nothing_written_in_the_package() -> None:
    assert not (packaged_project_dir() / "logs").exists()
    assert sorted(p.name for p in (packaged_project_dir() / "target").iterdir()) == [
        "manifest.json",
        "semantic_manifest.json",
    ]


@RUN_ONCE
def test_metrics_from_the_snapshot_through_our_cli_and_mf(cli_build):
    db = cli_build / "data" / "warehouse" / "nyc_mobility.duckdb"
    metrics = _run(
        [
            str(BIN / "nyc-mobility"),
            "metrics",
            "query",
            "-m",
            "trips",
            "-g",
            "metric_time__month",
            "-f",
            "json",
        ],
        cli_build,
    )
    assert metrics.returncode == 0, metrics.stderr[-3000:]
    assert sum(r["trips"] for r in json.loads(metrics.stdout)) == scalar(db, "select count(*) from fct_trips")
    validate = _run([str(BIN / "nyc-mobility"), "mf", "validate-configs"], cli_build)
    assert validate.returncode == 0, validate.stdout[-3000:] + validate.stderr[-3000:]
    assert "Successfully validated metrics against data warehouse (ERRORS: 0" in validate.stdout
    mf_query = _run(
        [str(BIN / "nyc-mobility"), "mf", "query", "--metrics", "trips", "--group-by", "metric_time__month"],
        cli_build,
    )
    assert mf_query.returncode == 0, mf_query.stdout[-3000:] + mf_query.stderr[-3000:]
    total = sum(int(line.split()[1]) for line in mf_query.stdout.splitlines() if line[:4].isdigit())
    assert total == scalar(db, "select count(*) from fct_trips")
    _assert_nothing_written_in_the_package()


def test_dagster_cli_validates_from_outside_the_checkout(tmp_path):
    env = {"NYC_MOBILITY_DATA_DIR": str(tmp_path / "nyc")}
    validate = _run(
        [str(BIN / "dagster"), "definitions", "validate", "-m", "nyc_mobility.definitions"], tmp_path, env
    )
    assert validate.returncode == 0, validate.stdout[-3000:] + validate.stderr[-3000:]


@RUN_ONCE_DAGSTER
def test_dagster_cli_materializes_from_outside_the_checkout(tmp_path):
    # the smallest sample: what is checked is that every asset materializes from the wheel, not volume
    env = {"NYC_MOBILITY_DATA_DIR": str(tmp_path / "nyc"), "NYC_MOBILITY_SAMPLE_SCALE": "0.0005"}
    # the raw assets are partitioned by month: materialize every asset for one month
    materialize = _run(
        [
            str(BIN / "dagster"),
            "asset",
            "materialize",
            "-m",
            "nyc_mobility.definitions",
            "--select",
            "*",
            "--partition",
            "2024-11",
        ],
        tmp_path,
        env,
    )
    assert materialize.returncode == 0, materialize.stdout[-3000:] + materialize.stderr[-3000:]
    rows = query(
        tmp_path / "nyc" / "warehouse" / "nyc_mobility.duckdb",
        "select source_month, count(*) from fct_trips group by 1",
    )
    assert len(rows) == 1 and rows[0][0] == "2024-11" and rows[0][1] > 0


def test_cli_rejects_bad_input_with_a_clear_message(tmp_path):
    result = _run([str(BIN / "nyc-mobility"), "sample", "--start", "2024-01'; drop table x; --"], tmp_path)
    assert result.returncode == 2
    assert "invalid month" in result.stdout + result.stderr
