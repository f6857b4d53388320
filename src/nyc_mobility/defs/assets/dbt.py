"""Every dbt model as a Dagster asset, grouped by layer, with dbt tests as asset checks.

The asset bodies only run dbt: what comes before and after an invocation (the preflight of the raw
files, the kept parse, the target folder, Spark's requirements) is :mod:`nyc_mobility.dbt.step`'s.
"""

import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from nyc_mobility.dbt.layers import layer_of
from nyc_mobility.dbt.project import dbt_executable, dbt_project
from nyc_mobility.dbt.step import finish_step, prepare_step
from nyc_mobility.defs.partitions import WAREHOUSE_POOL, settings_partitions, window_of_tags
from nyc_mobility.settings import Settings


class NycMobilityTranslator(DagsterDbtTranslator):
    """One spec per dbt node: sources become ``raw/<source>/<table>`` keys upstream of staging,
    every node is grouped by its layer, and a description is the node's own."""

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project: Any) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        props = self.get_resource_props(manifest, unique_id)
        kind = props["resource_type"]
        group = {"source": "raw", "seed": "seeds"}.get(kind) or layer_of(list(props["fqn"]))
        # dagster-dbt would append the node's raw SQL, Jinja and all
        description = (props.get("description") or "").strip() or props["name"]
        if kind == "source":
            return spec.replace_attributes(
                key=dg.AssetKey(["raw", props["source_name"], props["name"]]),
                group_name=group,
                description=description,
            )
        return spec.replace_attributes(group_name=group, description=description)


def translator() -> NycMobilityTranslator:
    return NycMobilityTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


class DbtConfig(dg.Config):
    """Run configuration of the dbt steps (the launchpad, or ``--config`` of ``dagster job execute``)."""

    full_refresh: bool = False
    """Rebuild the incremental models from scratch (``dbt build --full-refresh``) for the run's months."""


# (op name, dbt selector of dbt_project/selectors.yml, monthly?) in build order: the views and
# dimensions the monthly models read, then everything built month by month (one partitions
# definition with the raw assets): the trips, the facts, the hourly grid, the quarantine, the summary.
# Both steps read the raw files (the staging views do), so both run the preflight first.
DBT_OPS = (
    ("dbt_upstream_assets", "upstream", False),
    ("dbt_monthly_assets", "monthly", True),
)
DBT_OP_NAMES = tuple(name for name, *_ in DBT_OPS)


@contextmanager
def known_errors_as_failures() -> Iterator[None]:
    """A known condition before dbt starts fails the step with its one line (and the bad files), not
    a traceback."""
    from nyc_mobility.errors import KnownError
    from nyc_mobility.raw.preflight import RawFilesError

    try:
        yield
    except RawFilesError as exc:
        raise dg.Failure(
            description=str(exc),
            metadata={"bad_files": dg.MetadataValue.json([str(p) for p in exc.problems])},
        ) from None
    except KnownError as exc:
        raise dg.Failure(description=str(exc)) from None


def partition_window(context: dg.AssetExecutionContext) -> tuple[str | None, str | None]:
    """The run's months as ``(start_month, end_month)``; ``(None, None)`` for a run without partition
    (dbt then builds and tests every month on disk).

    A single-run backfill of a range gives its whole window, so three months are one dbt invocation.
    The unpartitioned step (the staging views and the dimensions the monthly models read) takes the
    same window from the run's tags, so its tests of monthly models test those months only (the
    full-history test job tests all).
    """
    if context.assets_def.partitions_def is not None:
        if not (context.has_partition_key or context.has_partition_key_range):
            return None, None
        keys = context.partition_keys
        return keys[0], keys[-1]
    return window_of_tags(context.run.tags)


def build_dbt_assets(settings: Settings) -> list[dg.AssetsDefinition]:
    """The dbt project as two subsettable multi-assets sharing the warehouse pool."""
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
    def _assets(context: dg.AssetExecutionContext, dbt: DbtCliResource, config: DbtConfig):
        with known_errors_as_failures():
            step = prepare_step(
                settings,
                name,
                context.run.run_id,
                partition_window(context),
                project.project_dir,
                full_refresh=config.full_refresh,
            )
        for warning in step.warnings:
            context.log.warning(warning)
        context.log.info(f"{step.files_checked} raw files readable, with the columns staging needs")
        events = dbt.cli(step.args, context=context, target_path=step.target).stream()
        if step.export is not None:
            events = after_spark_step(context, settings, events, step.export, partition_window(context))
        yield from with_row_counts_and_types(context, settings, events)
        finish_step(settings, step, project.project_dir)

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


def dbt_resource(settings: Settings) -> DbtCliResource:
    project = dbt_project()
    return DbtCliResource(
        project_dir=project,
        profiles_dir=str(project.profiles_dir),
        target="spark" if settings.engine == "spark" else settings.target,
        dbt_executable=dbt_executable(),
    )
