"""Every model and every built column is documented in YAML, and every model is tested."""

from __future__ import annotations

import json

import pytest

from nyc_mobility.dbt.project import manifest_path
from tests.conftest import query

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads(manifest_path().read_text())


def test_every_model_and_column_is_documented(sample_build, manifest):
    models = {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    built = query(
        sample_build.db,
        "select table_name, column_name from information_schema.columns where table_schema = 'main'",
    )
    undocumented = []
    for table, column in built:
        if table not in models:
            continue
        node = models[table]
        if not node["description"].strip():
            undocumented.append(table)
        doc = node["columns"].get(column)
        if doc is None or not doc["description"].strip():
            undocumented.append(f"{table}.{column}")
    assert sorted(set(undocumented)) == []
    assert {t for t, _ in built} >= set(models)


def test_every_model_has_data_tests(manifest):
    tested = {
        dep
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test"
        for dep in node["depends_on"]["nodes"]
    }
    models = {uid for uid, n in manifest["nodes"].items() if n["resource_type"] == "model"}
    assert sorted(models - tested) == []


def test_time_spines_are_configured_in_yaml(manifest):
    spines = {
        n["name"]: n.get("time_spine") for n in manifest["nodes"].values() if n["resource_type"] == "model"
    }
    assert spines["metricflow_time_spine"]["standard_granularity_column"] == "date_day"
    assert spines["metricflow_time_spine_hour"]["standard_granularity_column"] == "date_hour"
