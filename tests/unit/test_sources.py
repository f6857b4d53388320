"""The source registry agrees with the dbt project, and every record is complete."""

from __future__ import annotations

import json

import pytest

from nyc_mobility import sources
from nyc_mobility.dbt.project import manifest_path
from nyc_mobility.ingest.urls import SourceUrls


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads(manifest_path().read_text(encoding="utf-8"))


@pytest.mark.parametrize("source", sources.all_sources(), ids=lambda s: s.name)
def test_each_source_is_read_by_its_dbt_source_and_staging_model(source, manifest):
    (node,) = [
        n
        for n in manifest["sources"].values()
        if (n["source_name"], n["name"]) == (source.dbt_source, source.dbt_table)
    ]
    location = (node.get("meta") or {}).get("external_location") or node["config"]["meta"][
        "external_location"
    ]
    assert f"/{source.folder}/" in location, location
    (model,) = [n for n in manifest["nodes"].values() if n["name"] == source.staging_model]
    assert node["unique_id"] in model["depends_on"]["nodes"]


@pytest.mark.parametrize("source", sources.all_sources(), ids=lambda s: s.name)
def test_each_source_has_urls_and_a_landing(source):
    month = "2024-03" if source.is_monthly else None
    urls = SourceUrls().urls_for(source, month)
    assert urls and all(url.startswith("https://") for url in urls)
    assert len(set(urls)) == len(urls)
    if source.is_monthly:
        assert source.timestamp_columns and source.required_columns
        # the timestamp the landed files are described by is one staging requires
        assert any(source.timestamp_columns[0] in options for options in source.required_columns)
    else:
        assert source.files


def test_names_folders_and_asset_keys_are_unique():
    all_sources = sources.all_sources()
    for attribute in ("name", "folder", "asset_key_path", "staging_model"):
        values = [getattr(s, attribute) for s in all_sources]
        assert len(set(values)) == len(values), attribute
    assert set(sources.modes()) == {s.mode for s in sources.trips()}


def test_unknown_names_are_clear_errors():
    with pytest.raises(sources.UnknownSourceError, match="choose from yellow, fhv"):
        sources.get("taxi")
    with pytest.raises(sources.UnknownSourceError, match="unknown source"):
        sources.parse_names("yellow,lyft")
    assert sources.parse_names("") == sources.all_sources()
