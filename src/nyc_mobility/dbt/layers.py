"""The layers of the dbt project (a Dagster group each), from a node's path: plain Python, so the docs
can use it without loading Dagster or dagster-dbt."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

LAYERS = ("sources", "seeds", "staging", "intermediate", "marts", "quality", "semantic")


def layer_of(fqn: Sequence[str]) -> str:
    """The group of a dbt node from its path: staging, intermediate, marts, quality or semantic."""
    parts = list(fqn[1:-1])
    if parts[:2] in (["marts", "semantic"], ["marts", "quality"]):
        return parts[1]
    if parts and parts[0] in ("staging", "intermediate", "marts"):
        return parts[0]
    return "dbt"


def layer_of_node(node: Mapping[str, Any]) -> str:
    """The layer of a manifest node (``sources`` for a source, ``seeds`` for a seed)."""
    if node["resource_type"] in ("source", "seed"):
        return f"{node['resource_type']}s"
    return layer_of(node["fqn"])
