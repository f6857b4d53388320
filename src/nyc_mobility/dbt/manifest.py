"""The one reader of the dbt manifest (``target/manifest.json``): the models, seeds and sources the
run summary, the snapshot, the Spark loader and the docs ask about.

Plain JSON, no dbt import: the manifest is read once per file version (its path and modification
time), so the callers of a build share one parse.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from nyc_mobility.dbt.layers import layer_of_node


@functools.lru_cache(maxsize=4)
def _load(path: str, _mtime_ns: int) -> dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def load(path: Path | None = None) -> dict[str, Any]:
    """The manifest at ``path`` (default: the packaged project's, parsed first in a checkout)."""
    if path is None:
        from nyc_mobility.dbt.project import manifest_path

        path = manifest_path()
    path = Path(path)
    return _load(str(path), path.stat().st_mtime_ns)


def relations(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The project's own tables by unique id: the models and the seeds."""
    return {uid: n for uid, n in manifest["nodes"].items() if n["resource_type"] in ("model", "seed")}


def _name(node: dict[str, Any]) -> str:
    return node.get("alias") or node["name"]


def model_names(manifest: dict[str, Any] | None = None) -> list[str]:
    """The names of the dbt models, sorted."""
    manifest = manifest if manifest is not None else load()
    return sorted(n["name"] for n in manifest["nodes"].values() if n["resource_type"] == "model")


def monthly_tables(manifest: dict[str, Any] | None = None) -> dict[str, str]:
    """The incremental models partitioned by month (meta ``month_column``) -> their month column: the
    tables published as per-month parts."""
    manifest = manifest if manifest is not None else load()
    return {
        _name(node): node["config"]["meta"]["month_column"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        and node["config"].get("materialized") == "incremental"
        and (node["config"].get("meta") or {}).get("month_column")
    }


def internal_relations(manifest: dict[str, Any] | None = None) -> frozenset[str]:
    """The staging and intermediate models: what the marts are built from, not served. Readers of
    the snapshot query the marts, the seeds and the KPI table (staging views read the raw files,
    which a reader may not open; ``int_trips__unioned`` alone would double a month's parts)."""
    manifest = manifest if manifest is not None else load()
    return frozenset(
        _name(node)
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and layer_of_node(node) in ("staging", "intermediate")
    )
