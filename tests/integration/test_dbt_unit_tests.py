"""The project's dbt unit tests (validity rules, the eras' columns, the daylight-saving hours of the local weather hour)
pass, and fail when the logic they guard is broken (a mutated copy of the project)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from nyc_mobility.dbt.project import installed_script, project_dir
from tests.conftest import RUN_ONCE


def run_unit_tests(project: Path, work: Path) -> subprocess.CompletedProcess:
    dbt_vars = {"duckdb_path": str(work / "unit.duckdb"), "raw_dir": str(work / "raw")}
    command = [installed_script("dbt"), "test", "--select", "test_type:unit", "--vars", json.dumps(dbt_vars)]
    command += ["--project-dir", str(project), "--profiles-dir", str(project)]
    command += ["--target-path", str(work / "target"), "--log-path", str(work / "logs")]
    return subprocess.run(command, capture_output=True, text=True, cwd=work, timeout=600)


def copy_project(tmp_path: Path) -> Path:
    project = tmp_path / "dbt_project"
    shutil.copytree(project_dir(), project, ignore=shutil.ignore_patterns("target", "logs"))
    return project


def test_unit_tests_pass_on_an_empty_warehouse(tmp_path):
    result = run_unit_tests(project_dir(), tmp_path)
    assert result.returncode == 0, result.stdout[-3000:]
    passed = re.search(r"PASS=(\d+)", result.stdout)
    assert passed and int(passed.group(1)) >= 3, result.stdout[-2000:]


@RUN_ONCE
@pytest.mark.parametrize(
    ("path", "before", "after", "failing"),
    [
        # a validity rule lost: the record of the file's previous month would count as a trip
        (
            "macros/staging/trip_validity_rules.sql",
            "when {{ format_timestamp(pickup, '%Y-%m') }} <> source_month then 'outside_file_month'",
            "",
            "yellow_validity_rules",
        ),
        # the fall-back hour's two UTC hours no longer averaged
        (
            "models/intermediate/int_weather__local_hourly.sql",
            "avg(temperature_c) as temperature_c",
            "max(temperature_c) as temperature_c",
            "weather_local_hour",
        ),
        # local hours computed in UTC (the host-independent conversion dropped)
        (
            "models/intermediate/int_weather__local_hourly.sql",
            "{{ utc_to_local('observed_at_utc', var(\"local_timezone\")) }}",
            "cast(observed_at_utc as timestamp)",
            "weather_local_hour",
        ),
        # the 2009-2014 text payment types no longer mapped to their codes
        (
            "macros/staging/payment_type_code.sql",
            "when {{ text }} like 'CA%' or {{ text }} = 'CSH' then 2",
            "",
            "yellow_2009_to_2014_columns",
        ),
        # legacy rider types no longer mapped
        (
            "models/staging/citibike/stg_citibike__trips.sql",
            "when 'subscriber' then 'member'",
            "",
            "citibike_rules",
        ),
    ],
)
def test_unit_tests_catch_broken_logic(tmp_path, path, before, after, failing):
    project = copy_project(tmp_path)
    target = project / path
    text = target.read_text()
    assert before in text, f"{path} changed: update this mutation"
    target.write_text(text.replace(before, after))
    result = run_unit_tests(project, tmp_path)
    assert result.returncode != 0
    assert re.search(rf"(FAIL|ERROR)\b[^\n]*::{failing}", result.stdout), result.stdout[-3000:]
