"""The generated reference pages cover everything they claim to, straight from the project."""

from __future__ import annotations

import json

from nyc_mobility import docgen
from nyc_mobility.dbt.project import manifest_path
from nyc_mobility.metrics.catalog import catalog_markdown, semantic_manifest


def _manifest() -> dict:
    return json.loads(manifest_path().read_text(encoding="utf-8"))


def test_lineage_has_every_source_model_and_edge():
    manifest = _manifest()
    text = docgen.lineage_mermaid(manifest, semantic_manifest())
    assert text.startswith("flowchart LR")
    models = [n for n in manifest["nodes"].values() if n["resource_type"] == "model"]
    for node in models:
        assert f'["{node["name"]}"]' in text
    for source in manifest["sources"].values():
        assert f'["{source["source_name"]}.{source["name"]}"]' in text
    edges = sum(len(set(n["depends_on"]["nodes"])) for n in models)
    assert (
        text.count(" --> ") - sum(1 for m in semantic_manifest()["semantic_models"] if m.get("measures"))
        == edges
    )
    assert "sm_trips" in text and "metrics{{" in text
    for layer in ("staging", "intermediate", "marts", "quality", "semantic"):
        assert f"subgraph {layer}" in text


def test_data_model_lists_every_model_column_and_test():
    manifest = _manifest()
    text = docgen.data_model_markdown(manifest)
    for node in manifest["nodes"].values():
        if node["resource_type"] == "model":
            assert f"### `{node['name']}`" in text
            for column in node["columns"]:
                assert f"| `{column}` |" in text
    trip_id = next(line for line in text.splitlines() if line.startswith("| `trip_id` |"))
    assert "`not_null`" in trip_id and "`unique`" in trip_id
    assert "`expression_is_true`" in text and "`accepted_values`" in text


def test_metric_catalog_lists_every_metric_with_its_definition():
    semantic = semantic_manifest()
    text = catalog_markdown(semantic)
    for metric in semantic["metrics"]:
        assert f"| `{metric['name']}` |" in text
    assert "7 day window of `trip_count_by_day`" in text
    assert "`trips` offset 7 day" in text
    # a ratio of two filtered inputs shows both filters (not `taxi_trips / taxi_trips`)
    share = next(line for line in text.splitlines() if line.startswith("| `airport_pickup_share` |"))
    assert share.count(" where ") == 1 and share.count("`taxi_trips`") == 2, share
    for heading in ("Volume & demand", "Revenue & fares", "Trip efficiency & duration", "Weather impact"):
        assert f"## {heading}" in text


def test_sources_reference_lists_every_registered_source():
    from nyc_mobility import sources

    text = docgen.sources_reference_markdown()
    for source in sources.all_sources():
        assert f"| `{source.name}` |" in text and f"`{source.staging_model}`" in text
        assert all(f"`{pattern}`" in text for pattern in source.url_patterns)


def test_cli_reference_documents_every_command_and_option():
    text = docgen.cli_reference_markdown()
    for command in (
        "run",
        "ingest",
        "init",
        "validate",
        "sample",
        "report",
        "mf",
        "metrics list",
        "metrics query",
    ):
        assert f"## `nyc-mobility {command}`" in text
    for option in ("`--metrics`", "`--group-by`", "`--where`", "`--format`", "`--data-dir`"):
        assert option in text


def test_configuration_reference_has_every_setting_and_variable():
    from nyc_mobility.settings import Settings, env_name

    text = docgen.settings_reference_markdown()
    for name in Settings.model_fields:
        assert f"| `{name}` |" in text
        assert f"`{env_name(name)}`" in text
