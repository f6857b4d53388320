"""Every dbt model as a Dagster asset, grouped by layer, with dbt tests as asset checks."""

import hashlib
import os
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from nyc_mobility.dbt.args import build_args, invocation_target_path
from nyc_mobility.dbt.layers import layer_of
from nyc_mobility.dbt.project import dbt_project, installed_script
from nyc_mobility.defs.partitions import WAREHOUSE_POOL, settings_partitions, window_of_tags
from nyc_mobility.settings import Settings


class NycMobilityTranslator(DagsterDbtTranslator):
    """Groups assets by layer; sources become ``raw/<source>/<table>`` keys upstream of staging."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "source":
            return "raw"
        if dbt_resource_props["resource_type"] == "seed":
            return "seeds"
        return layer_of(list(dbt_resource_props["fqn"]))

    def get_description(self, dbt_resource_props: Mapping[str, Any]) -> str:
        """The model's own description (dagster-dbt would append its raw SQL, Jinja and all)."""
        return (dbt_resource_props.get("description") or "").strip() or dbt_resource_props["name"]

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey(["raw", dbt_resource_props["source_name"], dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)


def translator() -> NycMobilityTranslator:
    return NycMobilityTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


# (op name, dbt selector of dbt_project/selectors.yml, monthly?) in build order: the views and
# dimensions the monthly models read, then everything built month by month (one partitions
# definition with the raw assets): the trips, the facts, the hourly grid, the quarantine, the summary.
DBT_OPS = (
    ("dbt_upstream_assets", "upstream", False),
    ("dbt_monthly_assets", "monthly", True),
)
DBT_OP_NAMES = tuple(name for name, *_ in DBT_OPS)
READS_RAW_FILES = ("dbt_upstream_assets", "dbt_monthly_assets")  # staging views read the files


def preflight(settings: Settings, context: dg.AssetExecutionContext) -> None:
    """Refuse to start dbt when a landed file is unreadable: the warehouse stays as it was."""
    from nyc_mobility.raw.preflight import RawFilesError, check_raw_files

    try:
        report = check_raw_files(settings.raw_dir)
    except RawFilesError as exc:
        raise dg.Failure(
            description=str(exc),
            metadata={"bad_files": dg.MetadataValue.json([str(p) for p in exc.problems])},
        ) from None
    for warning in report.warnings:
        context.log.warning(warning)
    context.log.info(f"{report.checked} raw files readable, with the columns staging needs")


def partition_window(context: dg.AssetExecutionContext) -> tuple[str | None, str | None]:
    """The run's months as ``(start_month, end_month)``; ``(None, None)`` for a run without partition
    (dbt then builds and tests every month on disk).

    A single-run backfill of a range gives its whole window, so three months are one dbt invocation.
    The unpartitioned steps (staging and dimensions before, the hourly grid and quality after) take
    the same window from the run's tags: the grid and the summary rebuild those months, and every
    step's tests of monthly models test those months only (the full-history test job tests all).
    """
    if context.assets_def.partitions_def is not None:
        if not (context.has_partition_key or context.has_partition_key_range):
            return None, None
        keys = context.partition_keys
        return keys[0], keys[-1]
    return window_of_tags(context.run.tags)


def build_dbt_assets(settings: Settings) -> list[dg.AssetsDefinition]:
    """The dbt project as three subsettable multi-assets sharing the warehouse pool."""
    project = dbt_project()
    partitions = settings_partitions(settings)
    return [
        _dbt_op(settings, project, name, selector, partitions if monthly else None)
        for name, selector, monthly in DBT_OPS
    ]


def _dbt_op(
    settings: Settings,
    project: Any,
    name: str,
    selector: str,
    partitions: dg.PartitionsDefinition | None,
) -> dg.AssetsDefinition:
    @dbt_assets(
        manifest=project.manifest_path,
        project=project,
        name=name,
        selector=selector,
        dagster_dbt_translator=translator(),
        pool=WAREHOUSE_POOL,
        partitions_def=partitions,
        backfill_policy=dg.BackfillPolicy.single_run() if partitions is not None else None,
    )
    def _assets(context: dg.AssetExecutionContext, dbt: DbtCliResource):
        if name in READS_RAW_FILES:
            preflight(settings, context)
        start, end = partition_window(context)
        settings.dbt_artifacts_dir.mkdir(parents=True, exist_ok=True)
        settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
        target = invocation_target_path(settings, context.run.run_id, name)
        restore_parse_cache(settings, target, project.project_dir)
        export = None
        if settings.engine == "spark":
            from nyc_mobility.dbt.spark import missing_requirements

            if problems := missing_requirements():
                raise dg.Failure(description="engine spark: " + "; ".join(problems))
            export = target / "spark_export"
        args = build_args(settings, start_month=start, end_month=end, export_dir=export)
        invocation = dbt.cli(args, context=context, target_path=target)
        events = invocation.stream()
        if export is not None:
            events = after_spark_step(context, settings, events, export, (start, end))
        yield from with_row_counts_and_types(context, settings, events)
        save_parse_cache(settings, target, project.project_dir)

    return _assets


def after_spark_step(
    context: dg.AssetExecutionContext,
    settings: Settings,
    events: Iterator[Any],
    export: Path,
    window: tuple[str | None, str | None],
) -> Iterator[Any]:
    """A dbt step on Spark: its events, then (dbt has exited and succeeded) the relations it wrote
    at its end loaded into the DuckDB warehouse the KPI step and the publisher read."""

    from nyc_mobility.dbt.manifest import monthly_tables
    from nyc_mobility.dbt.spark import load_exports

    yield from events
    loaded = load_exports(export, settings.warehouse_path, monthly_tables(), window)
    shutil.rmtree(export, ignore_errors=True)
    context.log.info(f"loaded {len(loaded)} relations built on Spark into {settings.warehouse_path}")


def with_row_counts_and_types(
    context: dg.AssetExecutionContext, settings: Settings, events: Iterator[Any]
) -> Iterator[Any]:
    """dbt's events, each model's materialization with its row count and column types.

    They can only be read once dbt has exited (one writer), so the step's events are held until
    then and yielded in their order; when dbt fails, what it built is still reported, then the
    failure is raised.
    """
    from nyc_mobility.defs.assets.dbt_metadata import (
        COLUMN_SCHEMA,
        warehouse_metadata,
        with_warehouse_metadata,
    )

    held, failure = [], None
    try:
        held.extend(events)
    except Exception as error:  # dbt's failure, raised after what it built is reported
        failure = error
    keys = context.assets_def.keys_by_output_name
    specs = context.assets_def.specs_by_key

    def key_of(event: Any) -> dg.AssetKey | None:
        if isinstance(event, dg.Output):
            return keys.get(event.output_name)
        return event.asset_key if isinstance(event, dg.AssetMaterialization) else None

    built = [key for key in map(key_of, held) if key is not None]
    try:
        found = warehouse_metadata(settings.warehouse_path, [key.path[-1] for key in built])
    except Exception as error:  # metadata never fails a build
        context.log.warning(f"row counts and column types not read: {error}")
        found = {}
    for event in held:
        key = key_of(event)
        schema = specs[key].metadata.get(COLUMN_SCHEMA) if key in specs else None
        yield with_warehouse_metadata(event, key.path[-1] if key else None, found, schema)
    if failure is not None:
        raise failure


PARSE_CACHE = "partial_parse.msgpack"


def parse_cache_path(settings: Settings, project_dir: Path) -> Path:
    """Where the last parse of the project at ``project_dir`` is kept, one file per project location.

    dbt's own check of a kept parse compares its version, vars, profile and project files, not where
    the project is: a parse made by an install elsewhere (another virtualenv, another Python's
    site-packages) names the seeds' CSVs by that install's absolute paths, and every seed then fails
    with "No files found". Keyed by the resolved project directory, such a parse is never reused.
    """
    key = hashlib.sha256(str(Path(project_dir).resolve()).encode()).hexdigest()[:16]
    return settings.dbt_artifacts_dir / f"partial_parse-{key}.msgpack"


def restore_parse_cache(settings: Settings, target: Path, project_dir: Path) -> None:
    """Seed a fresh target folder with the last invocation's parse of this project, so dbt parses
    only what changed (dbt itself parses everything when its version, the vars, the profile or a
    project file differ)."""
    cache = parse_cache_path(settings, project_dir)
    if cache.is_file():
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(cache, target / PARSE_CACHE)


def save_parse_cache(settings: Settings, target: Path, project_dir: Path) -> None:
    """Keep this invocation's parse for the next one (atomically: readers never see half a file).
    A cache of an earlier version, not keyed by the project's location, is removed."""
    fresh = target / PARSE_CACHE
    if fresh.is_file():
        cache = parse_cache_path(settings, project_dir)
        tmp = cache.with_name(f".{cache.name}.tmp")
        shutil.copy2(fresh, tmp)
        os.replace(tmp, cache)
        (settings.dbt_artifacts_dir / PARSE_CACHE).unlink(missing_ok=True)


def dbt_executable() -> str:
    """The dbt installed beside this interpreter."""
    return installed_script("dbt")


def dbt_resource(settings: Settings) -> DbtCliResource:
    project = dbt_project()
    return DbtCliResource(
        project_dir=project,
        profiles_dir=str(project.profiles_dir),
        target="spark" if settings.engine == "spark" else settings.target,
        dbt_executable=dbt_executable(),
    )
