"""The README's schedule commands, from `nyc-mobility init`, checked through the daemon's view:
`dagster schedule list -w workspace.yaml` reads the state the daemon runs, under the workspace's
code location (`nyc_mobility`), not under another origin."""

from __future__ import annotations

import os
import re
import subprocess

import pytest
from typer.testing import CliRunner

from nyc_mobility.cli import app
from nyc_mobility.dbt.project import installed_script
from tests.conftest import RUN_ONCE_DAGSTER

pytestmark = [pytest.mark.e2e, RUN_ONCE_DAGSTER]


def _dagster(home, *args: str) -> str:
    env = {**os.environ, "DAGSTER_HOME": str(home), "NYC_MOBILITY_DATA_DIR": str(home / "data")}
    done = subprocess.run(
        [installed_script("dagster"), *args], cwd=home, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _states(listing: str) -> dict[str, str]:
    return dict(re.findall(r"Schedule: (\w+) \[(\w+)\]", listing))


def test_the_documented_commands_start_the_schedules_the_daemon_runs(tmp_path):
    home = tmp_path / "nyc"
    assert CliRunner().invoke(app, ["init", str(home)]).exit_code == 0
    before = _states(_dagster(home, "schedule", "list", "-w", "workspace.yaml"))
    assert before == {
        "daily_dbt_build": "STOPPED",
        "daily_log_retention": "STOPPED",
        "weekly_full_history_tests": "RUNNING",  # a build tests its months; this, every month
        "daily_weather_report": "RUNNING",  # a build publishes its months; this renders the report
    }
    for name in ("daily_dbt_build", "daily_log_retention"):  # one schedule a call
        _dagster(home, "schedule", "start", name, "-w", "workspace.yaml")
    after = _states(_dagster(home, "schedule", "list", "-w", "workspace.yaml"))
    assert after == {
        "daily_dbt_build": "RUNNING",
        "daily_log_retention": "RUNNING",
        "weekly_full_history_tests": "RUNNING",
        "daily_weather_report": "RUNNING",
    }
