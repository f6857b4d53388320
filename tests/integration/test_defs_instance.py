"""`nyc-mobility init` writes a DAGSTER_HOME that Dagster loads with the promised settings."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import dagster as dg
import pytest
from dagster._core.definitions.run_request import InstigatorType
from typer.testing import CliRunner

from nyc_mobility import build_definitions
from nyc_mobility.cli import app
from nyc_mobility.defs.assets.dbt import DBT_OP_NAMES
from nyc_mobility.defs.partitions import WAREHOUSE_POOL

pytestmark = pytest.mark.integration


def test_init_writes_an_instance_dagster_loads(tmp_path):
    home = tmp_path / "home"
    result = CliRunner().invoke(app, ["init", str(home)])
    assert result.exit_code == 0, result.output
    assert {p.name for p in home.iterdir()} >= {"dagster.yaml", "workspace.yaml", ".env", "data", "logs"}
    assert f"NYC_MOBILITY_DATA_DIR={home / 'data'}" in (home / ".env").read_text()
    # The storage exists and is stamped before any Dagster process opens it: `dagster dev` starts
    # the daemon, the webserver and a code server together, and two of them creating a fresh
    # schedule database at once leave two alembic heads (every later start then fails).
    storage = home / "data" / "dagster_storage"
    databases = {p.relative_to(storage).as_posix() for p in storage.rglob("*.db")}
    assert databases == {"history/runs.db", "history/runs/index.db", "schedules/schedules.db"}
    for name in databases:
        with closing(sqlite3.connect(storage / name)) as db:
            assert len(db.execute("select version_num from alembic_version").fetchall()) == 1, name
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert instance.run_retries_enabled and instance.run_retries_max_retries == 1
        assert instance.run_monitoring_enabled
        assert str(home / "data" / "dagster_storage") in str(instance.run_storage._conn_string)
        assert instance.compute_log_manager._base_dir == str(home / "logs" / "dagster_compute")
        assert instance.get_concurrency_config().pool_config.default_pool_limit == 1
        assert instance.get_tick_retention_settings(InstigatorType.SCHEDULE)
    again = CliRunner().invoke(app, ["init", str(home)])
    assert "nothing written" in again.output and "storage ready: 3 databases" in again.output


def test_init_names_a_broken_dagster_yaml(tmp_path):
    home = tmp_path / "home"
    assert CliRunner().invoke(app, ["init", str(home)]).exit_code == 0
    (home / "dagster.yaml").write_text("storage:\n  sqlite:\n    no_such_key: 1\n")
    result = CliRunner().invoke(app, ["init", str(home)])
    assert result.exit_code == 1
    assert f"{home / 'dagster.yaml'} is not a valid Dagster instance" in result.output
    assert "Traceback" not in result.output


def test_warehouse_writers_share_one_pool(tmp_path):
    defs = build_definitions(data_dir=tmp_path)
    graph = defs.resolve_job_def("dbt_build").graph
    for name in DBT_OP_NAMES:
        assert graph.node_named(name).definition.pool == WAREHOUSE_POOL, name
