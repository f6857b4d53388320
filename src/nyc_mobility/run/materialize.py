"""What a build builds and building it (``nyc-mobility run``'s core, also the tests' builds).

Sample mode lands the sample's missing months first (one raw partition run per month); then the
trip months on disk that are partitions (the partitions widened to cover them) are planned by
:mod:`nyc_mobility.run.plan` (every month, or the ones whose raw files changed) and built as one
run of the build job per range of months (gaps without files bridged). After a fully successful build the plan is
recorded, so the next run builds only what changes after it.
"""

from __future__ import annotations

from dataclasses import dataclass

import dagster as dg

from nyc_mobility.defs.factory import definitions_from_settings
from nyc_mobility.run.plan import BuildPlan
from nyc_mobility.settings import Settings


def sample_months_to_land(settings: Settings) -> list[str]:
    """Sample mode: with no trip data on disk, the sample's months (recorded as the sample's plan
    first); otherwise the planned months some source still lacks (a run killed half-way), while the
    data on disk is the sample's own. Real data is never mixed with the sample."""
    from nyc_mobility import raw
    from nyc_mobility.months import month_range
    from nyc_mobility.raw.manifest import origins
    from nyc_mobility.sample import planned_months, record_plan, sample_sources

    if settings.data_origin != "sample":
        return []
    if not raw.trip_months(settings.raw_dir):
        months = month_range(settings.sample_start, settings.sample_end)
        record_plan(settings.raw_dir, months)
        return months
    if origins(settings.raw_dir) != {"sample"}:
        return []
    on_disk = raw.landed_months(settings.raw_dir)
    return [
        month
        for month in planned_months(settings.raw_dir)
        if any(month not in on_disk[source.name] for source in sample_sources(month))
    ]


def covering(settings: Settings, months: list[str] | set[str]) -> Settings:
    """Settings whose monthly partitions include ``months`` (earlier ones, and in sample mode later
    sample months than the configured sample's)."""
    if not months:
        return settings
    start, end = settings.partition_bounds()
    if min(months) < start:
        settings = settings.model_copy(update={"partitions_start": min(months)})
    if end is not None and max(months) > end:
        settings = settings.model_copy(update={"sample_end": max(months)})
    return settings


def buildable_months(settings: Settings) -> tuple[Settings, list[str], list[str]]:
    """(settings whose partitions cover the trip months, the months to build, months left out)."""
    from nyc_mobility import raw
    from nyc_mobility.defs.partitions import settings_partitions

    months = raw.trip_months(settings.raw_dir)
    settings = covering(settings, months)
    keys = set(settings_partitions(settings).get_partition_keys())
    build = sorted(m for m in months if m in keys)
    outside = sorted(m for m in months if m not in keys)
    return settings, build, outside


@dataclass
class Materialization:
    """The in-process runs of one ``run``: one raw partition run per landed month, then one build per
    range of months to build (none when nothing changed)."""

    raw_runs: dict[str, dg.ExecuteInProcessResult]
    builds: list[dg.ExecuteInProcessResult]
    plan: BuildPlan

    @property
    def build(self) -> dg.ExecuteInProcessResult:
        """The last build (the one that published the snapshot)."""
        return self.builds[-1]

    @property
    def success(self) -> bool:
        return all(b.success for b in self.builds) and all(r.success for r in self.raw_runs.values())

    def check_evaluations(self) -> list:
        return [e for b in self.builds for e in b.get_asset_check_evaluations()]


def materialize(
    settings: Settings,
    instance: dg.DagsterInstance,
    log_level: str = "WARNING",
    notes: list[str] | None = None,
    *,
    everything: bool = True,
) -> Materialization:
    """Land what the sample lacks, then build the months to build (``everything``: every month on
    disk; otherwise the ones whose raw files changed since the last successful build)."""
    from nyc_mobility.defs.jobs import BUILD_JOB_NAME, RAW_MONTHLY_JOB_NAME
    from nyc_mobility.defs.partitions import range_tags
    from nyc_mobility.run.plan import plan as build_plan
    from nyc_mobility.run.plan import record

    notes = notes if notes is not None else []
    to_land = sample_months_to_land(settings)
    settings = covering(settings, to_land)
    run_config = {"loggers": {"console": {"config": {"log_level": log_level}}}}
    raw_job = definitions_from_settings(settings).resolve_job_def(RAW_MONTHLY_JOB_NAME) if to_land else None
    raw_runs = {
        month: raw_job.execute_in_process(
            instance=instance, raise_on_error=False, run_config=run_config, partition_key=month
        )
        for month in to_land
    }
    settings, months, outside = buildable_months(settings)
    notes += [
        f"month {m} left out: not a monthly partition yet (a month is one when it is over)" for m in outside
    ]
    planned = build_plan(settings, months, everything=everything)
    if not planned.everything:
        notes.append(f"built {planned.reason}" if planned.windows else planned.reason)
    settings = covering(settings, planned.months)
    job = definitions_from_settings(settings).resolve_job_def(BUILD_JOB_NAME)
    builds = []
    for start, end in planned.windows:
        builds.append(
            job.execute_in_process(
                instance=instance, raise_on_error=False, run_config=run_config, tags=range_tags(start, end)
            )
        )
        if not builds[-1].success:
            break
    result = Materialization(raw_runs, builds, planned)
    failed_check = any(
        not e.passed and e.severity == dg.AssetCheckSeverity.ERROR for e in result.check_evaluations()
    )
    if builds and result.success and len(builds) == len(planned.windows) and not failed_check:
        record(settings, planned)
    return result
