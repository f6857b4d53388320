"""Raw assets: the files the dbt sources read, keyed like the sources (``raw/<source>/<table>``).

One asset per source of the registry (:mod:`nyc_mobility.sources`). The monthly ones are
partitioned by month; a partition writes that month's files under ``{raw_dir}/<folder>/month=YYYY-MM/``.
With ``data_origin="sample"`` the embedded generator writes them (a month that already has landed
files is kept as it is: sample data never overwrites real data); with ``data_origin="official"``
they are downloaded from the official hosts. Size, sha256, rows and the
date range of what is on disk are recorded as metadata.
"""

from pathlib import Path
from typing import Any

import dagster as dg

from nyc_mobility import raw, sources
from nyc_mobility.defs.partitions import settings_partitions
from nyc_mobility.settings import Settings
from nyc_mobility.sources import RawSource
from nyc_mobility.zones import files as zone_files


def asset_key(source: RawSource) -> dg.AssetKey:
    return dg.AssetKey(list(source.asset_key_path))


def monthly_keys() -> list[dg.AssetKey]:
    return [asset_key(source) for source in sources.monthly()]


# The zone shapes, landed with their grid (the dbt source zones.taxi_zone_shapes reads the grid).
ZONE_SHAPES_KEY = dg.AssetKey(["raw", zone_files.zones_source().dbt_source, "taxi_zone_shapes"])


def describe(paths: list[Path], source: RawSource) -> dict[str, Any]:
    """Metadata of landed files: size, sha256, rows and first/last timestamps."""
    from nyc_mobility.ingest.download import sha256_of
    from nyc_mobility.raw import formats

    info: dict[str, Any] = {"files": len(paths), "bytes": sum(p.stat().st_size for p in paths)}
    info["sha256"] = ", ".join(sha256_of(p)[:16] for p in paths)
    rows, first, last = 0, [], []
    for path in paths:
        if path.suffix == ".parquet":
            meta = formats.parquet(path, source.timestamp_columns)
        elif path.suffix == ".json":
            meta = formats.open_meteo(path)
        else:
            continue
        rows += meta.get("rows", 0)
        first += [meta["first_timestamp"]] if "first_timestamp" in meta else []
        last += [meta["last_timestamp"]] if "last_timestamp" in meta else []
    info["rows"] = rows
    if first:
        info["first_timestamp"], info["last_timestamp"] = min(first), max(last)
    return info


def land_month(settings: Settings, source: RawSource, month: str) -> tuple[list[Path], str]:
    """Make sure ``source`` has its files for ``month`` on disk; return them and what was done."""
    existing = raw.landed_files(raw.month_dir(settings.raw_dir, source, month))
    if settings.data_origin == "sample":
        if existing or not source.sample_writer:
            return existing, "kept (already landed)" if existing else "no sample for this source"
        from nyc_mobility.sample import land_source

        landed = land_source(settings.raw_dir, month, source.name, scale=settings.sample_scale)
        return landed, "sample written"
    from nyc_mobility.ingest.run import ingest
    from nyc_mobility.ingest.urls import urls_of

    report = ingest(
        settings.raw_dir, settings.data_dir / "downloads", [month], [source.name], urls=urls_of(settings)
    )
    if report.failures:
        raise dg.Failure(description=report.failures[0].error)
    landed = report.landed[0]
    return sorted(landed.files), "already present" if landed.skipped else "downloaded"


PUBLISHER_CHECK = "matches_the_publishers_report"


def publisher_check(settings: Settings, source: RawSource, per_month: dict[str, dict[str, Any]]):
    """The landed months' records beside the TLC's own monthly report (warn outside the tolerance,
    naming the month, the mode, our count, theirs and the report copy's date)."""
    from nyc_mobility.raw.publisher import Reconciled, publisher_trips

    assert source.mode is not None
    tolerance = settings.publisher_tolerance_of(source.mode)
    compared, missing = [], []
    for month, info in sorted(per_month.items()):
        figure = publisher_trips(settings.raw_dir, source.mode, month)
        if figure is None:
            missing.append(month)
        else:
            compared.append(Reconciled(int(info.get("rows", 0)), figure, tolerance))
    outside = [c for c in compared if not c.within]
    lines = [c.describe() for c in (outside or compared)]
    if missing:
        lines.append(
            f"{source.mode} {', '.join(missing)}: no figure in a landed copy of the TLC's monthly report "
            "(nyc-mobility ingest --sources tlc_report, or nyc-mobility land --source tlc_report FILE)"
        )
    return dg.AssetCheckResult(
        check_name=PUBLISHER_CHECK,
        passed=not outside and not missing,
        severity=dg.AssetCheckSeverity.WARN,
        description="; ".join(lines)[:2000],
        metadata={
            "months": dg.MetadataValue.json(
                {
                    c.publisher.month: {
                        "ours": c.ours,
                        "publisher": c.publisher.trips,
                        "ratio": round(c.ratio, 6),
                        "report_copy": c.publisher.copy_date,
                    }
                    for c in compared
                }
            ),
            "outside_tolerance": len(outside),
            "without_report_figure": len(missing),
        },
    )


def _monthly_asset(
    settings: Settings, source: RawSource, partitions: dg.PartitionsDefinition
) -> dg.AssetsDefinition:
    # the sample has no publisher report: its months are checked against none
    checked = bool(source.report_license_classes) and settings.data_origin != "sample"
    specs = [
        dg.AssetCheckSpec(
            PUBLISHER_CHECK,
            asset=asset_key(source),
            description="The month's landed records against the TLC's own monthly report (warns outside "
            "the tolerance of settings publisher_tolerance / publisher_fhv_tolerance).",
        )
    ]

    @dg.asset(
        key=asset_key(source),
        partitions_def=partitions,
        group_name="raw",
        description=source.description,
        kinds={"file"},
        backfill_policy=dg.BackfillPolicy.single_run(),
        check_specs=specs if checked else None,
    )
    def _raw_month(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        per_month = {}
        for month in context.partition_keys:
            paths, action = land_month(settings, source, month)
            per_month[month] = {"action": action, **describe(paths, source)}
            context.log.info(f"{source.name} {month}: {action}, {per_month[month]['rows']} rows")
        only = next(iter(per_month.values())) if len(per_month) == 1 else None
        metadata: dict[str, Any] = {
            "path": dg.MetadataValue.path(str(raw.source_dir(settings.raw_dir, source))),
            "data_origin": settings.data_origin,
            "months": dg.MetadataValue.json(per_month),
        }
        if only is not None:
            metadata.update({k: v for k, v in only.items() if k != "action"} | {"action": only["action"]})
        checks = [publisher_check(settings, source, per_month)] if checked else None
        return dg.MaterializeResult(metadata=metadata, check_results=checks)

    return _raw_month


def _report_asset(settings: Settings, source: RawSource) -> dg.AssetsDefinition:
    @dg.asset(key=asset_key(source), group_name="raw", kinds={"file"}, description=source.description)
    def _raw_report(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        """Today's copy of the TLC's monthly report, downloaded (``land`` takes one a user has). The
        sample publishes no report: there the asset records the copies a user landed (none: the
        reconciliation says the report is missing), never a failure that would stop the build."""
        from nyc_mobility.ingest.run import ingest
        from nyc_mobility.ingest.urls import urls_of
        from nyc_mobility.raw import formats

        if settings.data_origin != "official":
            copies = raw.report_copies(settings.raw_dir, source)
            context.log.info(
                f"data_origin {settings.data_origin}: no download; {len(copies)} landed copy(ies) of the "
                f"TLC report (nyc-mobility land --source {source.name} FILE lands one)"
            )
            return dg.MaterializeResult(
                metadata={"copies": len(copies), "latest_copy": max(copies) if copies else "none"}
            )
        report = ingest(
            settings.raw_dir, settings.data_dir / "downloads", [], [source.name], urls=urls_of(settings)
        )
        if report.failures:
            raise dg.Failure(description=report.failures[0].error)
        (path,) = report.landed[0].files
        info = formats.tlc_report(path)
        context.log.info(f"TLC report {info['first_month']}..{info['last_month']} landed at {path}")
        return dg.MaterializeResult(metadata={"path": dg.MetadataValue.path(str(path)), **info})

    return _raw_report


def _zones_asset(settings: Settings, source: RawSource) -> dg.AssetsDefinition:
    specs = [
        dg.AssetSpec(
            asset_key(source), group_name="raw", kinds={"file"}, description="TLC taxi zone lookup CSV."
        ),
        dg.AssetSpec(
            ZONE_SHAPES_KEY,
            group_name="raw",
            kinds={"file"},
            description="TLC taxi zone shapes (shapefile, EPSG:2263) and their 4-decimal grid (taxi_zone_grid.parquet), "
            "which places published coordinates (bike stations, 2009-2016 taxis) in zones.",
        ),
    ]

    @dg.multi_asset(specs=specs, name=f"raw_{source.name}")
    def raw_zones(context: dg.AssetExecutionContext):
        lookup = zone_files.zone_lookup_path(settings.raw_dir)
        shapes = zone_files.zone_shapes_path(settings.raw_dir)
        if settings.data_origin == "sample":
            action = "kept (already landed)"
            if not (lookup.exists() and shapes.exists()):
                from nyc_mobility.sample import land_zones

                land_zones(settings.raw_dir)
                action = "sample written"
        else:
            from nyc_mobility.ingest.run import ingest
            from nyc_mobility.ingest.urls import urls_of

            report = ingest(
                settings.raw_dir,
                settings.data_dir / "downloads",
                [],
                [source.name],
                urls=urls_of(settings),
            )
            if report.failures:
                raise dg.Failure(description=report.failures[0].error)
            action = "already present" if report.landed[0].skipped else "downloaded"
        from nyc_mobility.ingest.download import sha256_of

        for key, path in ((asset_key(source), lookup), (ZONE_SHAPES_KEY, shapes)):
            yield dg.MaterializeResult(
                asset_key=key,
                metadata={
                    "path": dg.MetadataValue.path(str(path)),
                    "bytes": path.stat().st_size,
                    "sha256": sha256_of(path),
                    "action": action,
                },
            )

    return raw_zones


def build_raw_assets(settings: Settings) -> list[dg.AssetsDefinition]:
    partitions = settings_partitions(settings)
    monthly = [_monthly_asset(settings, source, partitions) for source in sources.monthly()]
    zones = [_zones_asset(settings, zone_files.zones_source())]
    reports = [_report_asset(settings, s) for s in sources.static() if s.landing == "report"]
    return [*monthly, *zones, *reports]


def static_keys() -> list[dg.AssetKey]:
    """The keys of the static raw assets a build lands first (the zone lookup and shapes; the TLC's
    report is landed on its own, by ``ingest`` or its asset)."""
    return [asset_key(zone_files.zones_source()), ZONE_SHAPES_KEY]
