"""The seed's command names still work: `dbt_analytics_assets` is a job (the dbt project runs as three
steps, so it is no longer one asset), launched as the README says, over every monthly partition."""

from __future__ import annotations

import os
import subprocess

import duckdb
import pytest
from typer.testing import CliRunner

from nyc_mobility.cli import app
from nyc_mobility.dbt.project import installed_script
from tests.conftest import RUN_ONCE_DAGSTER, query

pytestmark = [pytest.mark.e2e, RUN_ONCE_DAGSTER]


def test_dagster_job_execute_dbt_analytics_assets_builds_every_month(tmp_path):
    data = tmp_path / "data"
    sample = [
        "sample",
        "--start",
        "2024-10",
        "--end",
        "2024-11",
        "--scale",
        "0.0005",
        "--data-dir",
        str(data),
    ]
    assert CliRunner().invoke(app, sample).exit_code == 0
    env = {**os.environ, "NYC_MOBILITY_DATA_DIR": str(data), "DAGSTER_HOME": str(tmp_path / "home")}
    (tmp_path / "home").mkdir()
    command = [installed_script("dagster"), "job", "execute", "-m", "nyc_mobility.definitions"]
    done = subprocess.run(
        [*command, "-j", "dbt_analytics_assets"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    db = data / "warehouse" / "nyc_mobility.duckdb"
    months = query(db, "select distinct source_month from fct_trips order by 1")
    assert months == [("2024-10",), ("2024-11",)]
    # each sample month reconciles with its raw files (independent count over the landed parquet)
    for (month,) in months:
        raw = duckdb.sql(f"select count(*) from '{data}/raw/tlc_yellow/month={month}/*.parquet'").fetchall()[
            0
        ][0]
        staged = query(db, f"select count(*) from stg_tlc__yellow_taxi where source_month = '{month}'")[0][0]
        assert staged == raw > 0
    # the job stops at the dbt models: no snapshot is published by it
    assert not (data / "serving").exists() or not any((data / "serving").iterdir())
