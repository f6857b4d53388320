"""``build_definitions``: the whole pipeline as one ``dagster.Definitions``."""

from __future__ import annotations

import inspect
import warnings
from typing import Any

import dagster as dg

from nyc_mobility.settings import Settings


def build_definitions(settings: Settings | None = None, **overrides: Any) -> dg.Definitions:
    """Assemble the pipeline.

    Takes a :class:`~nyc_mobility.settings.Settings` and/or any of its fields as keyword arguments
    (a keyword replaces the field of ``settings``; ``None`` keeps the default), e.g.
    ``build_definitions(target="prod", data_dir="/srv/nyc", cron="0 5 * * *")``. Unlike
    ``nyc_mobility.definitions``, the environment is not read. Every field, with its environment
    variable and default, is listed in the configuration reference (docs/reference/configuration.md).
    """
    return definitions_from_settings(Settings.merged(settings, **overrides))


def _signature() -> inspect.Signature:
    """``build_definitions(settings=None, *, <every Settings field>=None)`` for help() and the docs."""
    params = [inspect.Parameter("settings", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None)]
    params += [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=field.annotation)
        for name, field in Settings.model_fields.items()
    ]
    return inspect.Signature(params, return_annotation=dg.Definitions)


build_definitions.__signature__ = _signature()  # type: ignore[attr-defined]


def definitions_from_settings(settings: Settings) -> dg.Definitions:
    """The definitions, without the warnings Dagster prints about APIs we use knowingly (the
    single-run backfill policy is beta; the time-partition freshness checks are superseded by freshness
    policies, which cannot express them, see defs/freshness.py): they were repeated on every load and
    step of every run."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=dg.BetaWarning, message=r".*backfill_policy")
        warnings.filterwarnings("ignore", category=dg.SupersessionWarning, message=r".*freshness_checks")
        return _definitions(settings)


def _definitions(settings: Settings) -> dg.Definitions:
    from nyc_mobility.defs.alerts import run_failure_alert_sensor
    from nyc_mobility.defs.assets.dbt import build_dbt_assets, dbt_resource
    from nyc_mobility.defs.assets.raw import build_raw_assets, monthly_keys, static_keys
    from nyc_mobility.defs.assets.semantic import build_semantic_assets
    from nyc_mobility.defs.assets.serving import REPORT_KEY, build_serving_assets
    from nyc_mobility.defs.freshness import freshness_checks, freshness_sensor, with_daily_freshness
    from nyc_mobility.defs.jobs import build_job, dbt_job, full_history_tests_job, raw_monthly_job, report_job
    from nyc_mobility.defs.partitions import settings_partitions
    from nyc_mobility.defs.retention import retention_job, retention_schedule
    from nyc_mobility.defs.schedules import daily_build_schedule, full_history_tests_schedule, report_schedule
    from nyc_mobility.defs.sensors import raw_files_sensor

    dbt_defs = build_dbt_assets(settings)
    raw_defs = build_raw_assets(settings)
    # The snapshot is published after every model: it depends on the leaves of the dbt graph (every
    # model is upstream of one), which keeps the lineage to a few edges instead of one per model.
    parents = {parent for d in dbt_defs for deps in d.asset_deps.values() for parent in deps}
    dbt_leaves = sorted(
        (key for d in dbt_defs for key in d.keys if key not in parents), key=lambda k: k.to_user_string()
    )
    serving_defs = [*build_semantic_assets(settings), *build_serving_assets(settings, dbt_leaves)]
    raw_monthly_keys = monthly_keys()
    # A fixed sample is never fresh: freshness is watched on official data only.
    watched = settings.data_origin != "sample"
    fresh = freshness_checks([*raw_monthly_keys, dg.AssetKey("fct_trips")]) if watched else []
    job = build_job(
        (
            dg.AssetSelection.assets(*static_keys())
            | dg.AssetSelection.assets(*dbt_defs)
            | dg.AssetSelection.assets(*serving_defs)
        )
        - dg.AssetSelection.assets(REPORT_KEY)  # its own job: a month's build must cost the month
        - dg.AssetSelection.checks(*fresh)
    )
    report = report_job(dg.AssetSelection.assets(REPORT_KEY))
    monthly = raw_monthly_job(dg.AssetSelection.assets(*raw_monthly_keys) - dg.AssetSelection.checks(*fresh))
    dbt_only = dbt_job(
        dg.AssetSelection.assets(*dbt_defs) - dg.AssetSelection.checks(*fresh), settings_partitions(settings)
    )
    full_tests = full_history_tests_job(
        dg.AssetSelection.checks_for_assets(*dbt_defs) - dg.AssetSelection.checks(*fresh)
    )
    cleanup = retention_job(settings)
    assets = [*raw_defs, *dbt_defs, *serving_defs]
    return dg.Definitions(
        assets=with_daily_freshness(assets) if watched else assets,
        asset_checks=fresh,
        jobs=[job, dbt_only, monthly, full_tests, report, cleanup],
        sensors=[
            raw_files_sensor(settings, job),
            run_failure_alert_sensor(settings),
            *([freshness_sensor(fresh)] if watched else []),
        ],
        schedules=[
            daily_build_schedule(job, settings.cron, settings_partitions(settings)),
            full_history_tests_schedule(full_tests, settings.full_test_cron, settings_partitions(settings)),
            report_schedule(report, settings),
            retention_schedule(cleanup),
        ],
        resources={"dbt": dbt_resource(settings)},
        metadata={
            "nyc_mobility/settings": dg.MetadataValue.json(settings.public_dump()),
        },
    )
