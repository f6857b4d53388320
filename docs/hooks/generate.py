"""mkdocs hook: add the reference pages generated from the project (see nyc_mobility.docgen)."""

from __future__ import annotations

import functools

from mkdocs.structure.files import File

PAGES = {
    "reference/lineage.md": "lineage",
    "reference/models.md": "models",
    "reference/metrics.md": "metrics",
    "reference/sources.md": "sources",
    "reference/cli.md": "cli",
    "reference/configuration.md": "configuration",
}


@functools.cache
def _manifests() -> tuple[dict, dict]:
    """Both manifests, read once per build (every generated page uses them)."""
    from nyc_mobility.dbt import manifest
    from nyc_mobility.metrics.catalog import semantic_manifest

    return manifest.load(), semantic_manifest()


def _content(kind: str) -> str:
    from nyc_mobility import docgen

    manifest, semantic = _manifests()
    if kind == "lineage":
        return (
            "# Lineage\n\nGenerated from the dbt manifest and the semantic manifest at docs build time: "
            "sources, every model by layer, and the MetricFlow semantic models the metrics are built on. "
            "After the models, Dagster runs `semantic/kpi_daily`, `serving/warehouse_snapshot` and "
            "`serving/weather_impact_report`.\n\n"
            f"```mermaid\n{docgen.lineage_mermaid(manifest, semantic)}\n```\n"
        )
    if kind == "models":
        return docgen.data_model_markdown(manifest)
    if kind == "metrics":
        from nyc_mobility.metrics.catalog import catalog_markdown

        return catalog_markdown(semantic)
    if kind == "sources":
        return docgen.sources_reference_markdown()
    if kind == "configuration":
        return docgen.settings_reference_markdown()
    return docgen.cli_reference_markdown()


def on_page_markdown(markdown, page, config, files):
    """``<!-- generated:lineage -->`` in a page becomes the Mermaid lineage diagram."""
    marker = "<!-- generated:lineage -->"
    if marker not in markdown:
        return markdown
    from nyc_mobility import docgen

    manifest, semantic = _manifests()
    return markdown.replace(marker, f"```mermaid\n{docgen.lineage_mermaid(manifest, semantic)}\n```")


def on_files(files, config):
    for path, kind in PAGES.items():
        files.append(File.generated(config, path, content=_content(kind)))
    return files
