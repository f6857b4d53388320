"""Reference pages generated from the project itself (dbt manifest, semantic manifest, CLI), so the
documentation cannot drift from the code. Used by the docs build (``docs/hooks/generate.py``)."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from nyc_mobility.dbt.layers import LAYERS
from nyc_mobility.dbt.layers import layer_of_node as _layer
from nyc_mobility.dbt.manifest import relations


def _id(unique_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", unique_id)


def lineage_mermaid(manifest: dict[str, Any], semantic: dict[str, Any] | None = None) -> str:
    """A Mermaid flowchart of sources -> models (one subgraph per layer) -> semantic models."""
    nodes = {**relations(manifest), **manifest["sources"]}
    by_layer: dict[str, list[str]] = defaultdict(list)
    for uid, node in nodes.items():
        by_layer[_layer(node)].append(uid)
    lines = ["flowchart LR"]
    for layer in LAYERS:
        if not by_layer.get(layer):
            continue
        lines.append(f"  subgraph {layer}")
        for uid in sorted(by_layer[layer]):
            node = nodes[uid]
            label = (
                f"{node['source_name']}.{node['name']}" if node["resource_type"] == "source" else node["name"]
            )
            lines.append(f'    {_id(uid)}["{label}"]')
        lines.append("  end")
    for uid, node in sorted(relations(manifest).items()):
        for parent in sorted(set(node.get("depends_on", {}).get("nodes", []))):
            if parent in nodes:
                lines.append(f"  {_id(parent)} --> {_id(uid)}")
    if semantic:
        by_name = {n["name"]: uid for uid, n in relations(manifest).items()}
        lines.append("  subgraph metricflow")
        for model in semantic["semantic_models"]:
            lines.append(f'    sm_{model["name"]}(["{model["name"]}"])')
        lines.append(f'    metrics{{{{"{len(semantic["metrics"])} metrics"}}}}')
        lines.append("  end")
        for model in semantic["semantic_models"]:
            table = model["node_relation"]["alias"]
            if table in by_name:
                lines.append(f"  {_id(by_name[table])} -.-> sm_{model['name']}")
            if model.get("measures"):
                lines.append(f"  sm_{model['name']} --> metrics")
    return "\n".join(lines)


def _tests_by_column(manifest: dict[str, Any]) -> dict[tuple[str, str | None], list[str]]:
    tests: dict[tuple[str, str | None], list[str]] = defaultdict(list)
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test" or not node.get("attached_node"):
            continue
        name = (node.get("test_metadata") or {}).get("name") or node["name"]
        severity = (node.get("config") or {}).get("severity", "ERROR").lower()
        tests[(node["attached_node"], node.get("column_name"))].append(
            name if severity == "error" else f"{name} ({severity})"
        )
    return tests


def _cell(text: str | None) -> str:
    from nyc_mobility.metrics.catalog import markdown_cell

    return markdown_cell(text)


def data_model_markdown(manifest: dict[str, Any]) -> str:
    """Every model and column, with its description and tests, layer by layer."""
    tests = _tests_by_column(manifest)
    models = relations(manifest)
    out = ["# Data model reference", "", "Generated from the dbt manifest at docs build time.", ""]
    for layer in LAYERS[1:]:
        in_layer = sorted((n["name"], uid) for uid, n in models.items() if _layer(n) == layer)
        if not in_layer:
            continue
        out += [f"## {layer.capitalize()}", ""]
        for name, uid in in_layer:
            node = models[uid]
            materialized = node["config"].get("materialized", "")
            out += [f"### `{name}`", "", f"*{materialized}* — {_cell(node.get('description'))}", ""]
            model_tests = tests.get((uid, None), [])
            if model_tests:
                out += ["Model tests: " + ", ".join(f"`{t}`" for t in sorted(model_tests)), ""]
            columns = node.get("columns") or {}
            if columns:
                out += ["| column | description | tests |", "|---|---|---|"]
                for column in columns.values():
                    column_tests = ", ".join(f"`{t}`" for t in sorted(tests.get((uid, column["name"]), [])))
                    out.append(
                        f"| `{column['name']}` | {_cell(column.get('description'))} | {column_tests} |"
                    )
                out.append("")
    return "\n".join(out)


def sources_reference_markdown() -> str:
    """Every raw source of the registry: where it is published, where it lands, what reads it."""
    from nyc_mobility import sources

    out = [
        "# Raw sources",
        "",
        "Generated from the source registry (`nyc_mobility.sources`) at docs build time: the one list of "
        "the sources `nyc-mobility ingest --sources` takes, the sample writes and the raw assets land.",
        "",
        "| source | mode | published as | landed under | dbt source | staging model | since |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in sources.all_sources():
        where = f"`{s.folder}/month=YYYY-MM/`" if s.is_monthly else f"`{s.folder}/`"
        out.append(
            f"| `{s.name}` | {f'`{s.mode}`' if s.mode else ''} | {s.published_format} | {where} "
            f"| `{s.dbt_source}.{s.dbt_table}` | `{s.staging_model}` | {s.first_month or ''} |"
        )
    for s in sources.all_sources():
        out += ["", f"## `{s.name}`", "", _cell(s.description), ""]
        out += ["URL patterns (first found wins): " + ", ".join(f"`{p}`" for p in s.url_patterns), ""]
        if s.also_published:
            also = ", ".join(f"`{p}`" for p in s.also_published)
            out += [f"Also landed beside it when published (a missing one is no error): {also}", ""]
        if s.required_columns:
            required = "; ".join(" / ".join(f"`{o}`" for o in options) for options in s.required_columns)
            out += [f"Required columns (any published spelling): {required}", ""]
    return "\n".join(out)


def cli_reference_markdown() -> str:
    """Every ``nyc-mobility`` command with its options, read from the CLI itself."""
    import typer

    from nyc_mobility.cli import app

    root = typer.main.get_command(app)
    out = ["# CLI reference", "", "Generated from the `nyc-mobility` command at docs build time.", ""]

    # Typer may bundle its own click: go by what the objects have, not by click's classes.
    def walk(command: Any, path: list[str]) -> None:
        if hasattr(command, "commands"):
            for name in sorted(command.commands):
                walk(command.commands[name], [*path, name])
            return
        ctx = command.context_class(command, info_name=" ".join(path))
        out.extend(
            [
                f"## `{' '.join(path)}`",
                "",
                _cell(command.help or ""),
                "",
                "```",
                command.get_usage(ctx),
                "```",
                "",
            ]
        )
        params = [p for p in command.params if getattr(p, "param_type_name", "") == "option"]
        if params:
            out.extend(["| option | help |", "|---|---|"])
            for param in params:
                names = ", ".join(f"`{o}`" for o in [*param.opts, *param.secondary_opts])
                out.append(f"| {names} | {_cell(param.help)} |")
            out.append("")

    walk(root, ["nyc-mobility"])
    return "\n".join(out)


def settings_reference_markdown() -> str:
    """Every setting: factory/Component argument, environment variable, default and meaning."""
    from nyc_mobility.settings import Settings, env_name

    out = [
        "# Configuration reference",
        "",
        "Generated from `nyc_mobility.settings.Settings` at docs build time. The factory "
        "`build_definitions(...)` and the `NycMobilityPipeline` component take the fields as arguments; "
        "`nyc_mobility.definitions` and the CLI read the environment variables.",
        "",
        "| setting | environment variable | default | meaning |",
        "|---|---|---|---|",
    ]
    for name, field in Settings.model_fields.items():
        default = "computed" if field.default_factory is not None else repr(field.default)
        variable = f"`{env_name(name)}`"
        out.append(f"| `{name}` | {variable} | `{default}` | {_cell(field.description)} |")
    out += [
        "",
        "Derived paths: the serving snapshot is `DATA_DIR/serving/<warehouse file name>`, the report "
        "`DATA_DIR/reports/weather_impact.html`, dbt artifacts `DATA_DIR/dbt/`.",
        "",
        "Read by the shipped dbt profile: `NYC_MOBILITY_DUCKDB_MEMORY_LIMIT`, `NYC_MOBILITY_DUCKDB_THREADS`, "
        "`NYC_MOBILITY_DBT_THREADS`, `NYC_MOBILITY_SERVING_PATH` (the `serving` target).",
    ]
    return "\n".join(out)
