"""The metric catalog, read from the shipped semantic manifest (plain JSON, no MetricFlow import)."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CATEGORIES = ("volume", "revenue", "efficiency", "weather")
CATEGORY_LABELS = {
    "volume": "Volume & demand",
    "revenue": "Revenue & fares",
    "efficiency": "Trip efficiency & duration",
    "weather": "Weather impact",
}


@dataclass(frozen=True)
class MetricInfo:
    """One governed metric as an analyst sees it."""

    name: str
    label: str
    description: str
    type: str
    category: str
    headline: bool
    filter: str | None
    inputs: tuple[str, ...]
    definition: dict[str, Any] = field(repr=False, compare=False, hash=False)

    @property
    def min_grain(self) -> str:
        """The finest ``metric_time`` grain the metric answers (cumulative metrics count by day)."""
        return "day" if self.type == "cumulative" else "hour"


def semantic_manifest_path() -> Path:
    from nyc_mobility.dbt.project import target_dir

    return target_dir() / "semantic_manifest.json"


@functools.cache
def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def semantic_manifest(path: Path | None = None) -> dict[str, Any]:
    return _load(Path(path) if path is not None else semantic_manifest_path())


def _inputs(type_params: dict[str, Any]) -> tuple[str, ...]:
    names: list[str] = []
    for key in ("numerator", "denominator"):
        if type_params.get(key):
            names.append(type_params[key]["name"])
    names += [m["name"] for m in type_params.get("metrics") or []]
    if not names:
        names += [m["name"] for m in type_params.get("input_measures") or []]
    return tuple(names)


def _filter_text(metric: dict[str, Any]) -> str | None:
    where = metric.get("filter") or {}
    filters = [w.get("where_sql_template", "").strip() for w in where.get("where_filters", [])]
    return " and ".join(f for f in filters if f) or None


def metrics(path: Path | None = None, category: str | None = None) -> list[MetricInfo]:
    """Every governed metric (optionally one category), by category then name."""
    return metrics_of(semantic_manifest(path), category)


def metrics_of(semantic: dict[str, Any], category: str | None = None) -> list[MetricInfo]:
    """The metrics of a semantic manifest (optionally one category), by category then name."""
    if category is not None and category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}; expected one of {', '.join(CATEGORIES)}")
    found = []
    for metric in semantic["metrics"]:
        meta = (metric.get("config") or {}).get("meta") or {}
        info = MetricInfo(
            name=metric["name"],
            label=metric.get("label") or metric["name"],
            description=(metric.get("description") or "").strip(),
            type=metric["type"],
            category=meta.get("category", "uncategorized"),
            headline=bool(meta.get("headline", False)),
            filter=_filter_text(metric),
            inputs=_inputs(metric.get("type_params") or {}),
            definition=metric,
        )
        if category is None or info.category == category:
            found.append(info)
    order = {c: i for i, c in enumerate(CATEGORIES)}
    return sorted(found, key=lambda m: (order.get(m.category, len(order)), m.name))


def headline_metrics(path: Path | None = None) -> list[MetricInfo]:
    return [m for m in metrics(path) if m.headline]


def _grain_of_measure(manifest: dict[str, Any], measure: str) -> str | None:
    for model in manifest["semantic_models"]:
        for m in model.get("measures") or []:
            if m["name"] == measure:
                time_dim = m.get("agg_time_dimension") or (model.get("defaults") or {}).get(
                    "agg_time_dimension"
                )
                for dim in model.get("dimensions") or []:
                    if dim["name"] == time_dim:
                        return (dim.get("type_params") or {}).get("time_granularity")
    return None


def lint(manifest: dict[str, Any] | None = None) -> list[str]:
    """Definitions MetricFlow accepts but answers wrongly, without any error.

    - a ratio with the same metric on both sides needs distinct aliases, or MetricFlow computes
      one of them and divides it by itself (always 1.0);
    - a derived metric using one metric twice (e.g. with an offset) needs distinct aliases too;
    - a cumulative metric over an hour-grain measure, queried by day, returns one hour's window.
    """
    manifest = manifest if manifest is not None else semantic_manifest()
    problems = []
    for metric in manifest["metrics"]:
        name, params = metric["name"], metric.get("type_params") or {}
        if metric["type"] == "ratio":
            num, den = params["numerator"], params["denominator"]
            if num["name"] == den["name"] and (not num.get("alias") or num.get("alias") == den.get("alias")):
                problems.append(
                    f"{name}: ratio of '{num['name']}' to itself needs distinct aliases (else 1.0)"
                )
        if metric["type"] == "derived":
            seen = [m.get("alias") or m["name"] for m in params.get("metrics") or []]
            if len(seen) != len(set(seen)):
                problems.append(f"{name}: derived metric uses one input twice without distinct aliases")
        if metric["type"] == "cumulative":
            measure = (params.get("measure") or {}).get("name")
            grain = _grain_of_measure(manifest, measure) if measure else None
            if grain not in (None, "day", "week", "month", "quarter", "year"):
                problems.append(
                    f"{name}: cumulative over '{measure}' aggregated by {grain}; by day it returns one "
                    f"{grain}'s value (use a day-grain measure)"
                )
    return problems


def markdown_cell(text: str | None) -> str:
    """Text for one Markdown table cell (pipes escaped, on one line)."""
    return (text or "").strip().replace("|", "\\|").replace("\n", " ")


def _filtered(text: str, node: dict[str, Any] | None) -> str:
    """``text`` with the where filters of a metric or a ratio input (``node``), if any."""
    where = ((node or {}).get("filter") or {}).get("where_filters") or []
    filters = [w["where_sql_template"].strip() for w in where if w.get("where_sql_template")]
    return text + (" where " + " and ".join(f"`{markdown_cell(f)}`" for f in filters) if filters else "")


def definition_markdown(metric: dict[str, Any]) -> str:
    """How a metric is computed, in one Markdown cell (inputs, windows, offsets and filters)."""
    params = metric.get("type_params") or {}
    kind = metric["type"]
    if kind == "simple":
        text = f"`{params['measure']['name']}`"
    elif kind == "ratio":
        parts = [
            _filtered(f"`{params[side]['name']}`", params[side]) for side in ("numerator", "denominator")
        ]
        text = " / ".join(f"({part})" if " where " in part else part for part in parts)
    elif kind == "derived":
        inputs = ", ".join(
            _filtered(
                f"`{m['name']}`"
                + (
                    f" offset {m['offset_window']['count']} {m['offset_window']['granularity']}"
                    if m.get("offset_window")
                    else ""
                ),
                m,
            )
            for m in params.get("metrics") or []
        )
        text = f"`{params['expr']}` over {inputs}"
    else:
        cumulative = params.get("cumulative_type_params") or {}
        window = cumulative.get("window")
        span = (
            f"{window['count']} {window['granularity']} window"
            if window
            else f"{cumulative.get('grain_to_date')} to date"
        )
        text = f"{span} of `{params['measure']['name']}`"
    return _filtered(text, metric)


def catalog_markdown(semantic: dict[str, Any] | None = None) -> str:
    """Every governed metric by category, with label, type, description and definition: the docs'
    metric catalog page and the KPI asset's metadata in the UI."""
    infos = metrics_of(semantic if semantic is not None else semantic_manifest())
    out = [
        "# Metric catalog",
        "",
        f"{len(infos)} governed metrics, generated from the semantic manifest.",
        "",
    ]
    for category in dict.fromkeys(m.category for m in infos):
        out += [f"## {CATEGORY_LABELS.get(category, category)}", ""]
        out += ["| metric | label | type | description | definition |", "|---|---|---|---|---|"]
        for m in (m for m in infos if m.category == category):
            out.append(
                f"| `{m.name}` | {markdown_cell(m.label)} | {m.type} | {markdown_cell(m.description)} "
                f"| {definition_markdown(m.definition)} |"
            )
        out.append("")
    return "\n".join(out)
