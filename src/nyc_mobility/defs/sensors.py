"""The raw-file sensor: a new or changed raw file for a month requests the build of that month.

Files land under ``{raw_dir}/<source>/month=YYYY-MM/`` (by the raw assets, ``nyc-mobility ingest``
or by hand). Each tick fingerprints every month folder (names, sizes and modification times of its
files: no file is read) and compares with the cursor, the fingerprints of the months already
requested. Changed months become one run of the build job over their partition range (a single dbt
invocation), and the cursor records them, so nothing is built twice. A month whose files changed
less than ``raw_settle_seconds`` ago is left for a later tick (a copy may still be running), and
months outside the partitions are reported in the tick, never silently skipped.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping
from pathlib import Path

import dagster as dg

from nyc_mobility import raw, sources
from nyc_mobility.defs.partitions import range_tags, settings_partitions
from nyc_mobility.settings import Settings

RAW_SENSOR_NAME = "raw_files_sensor"


def month_fingerprints(raw_dir: Path) -> dict[str, tuple[str, float]]:
    """Per month with files of any monthly source: (fingerprint, newest modification time)."""
    entries: dict[str, list[str]] = {}
    newest: dict[str, float] = {}
    for source in sources.monthly():
        for month, folder in raw.month_folders(raw_dir, source).items():
            for path in sorted(folder.iterdir()):
                if not raw.is_landed(path):
                    continue  # files being written (atomic landing)
                stat = path.stat()
                entries.setdefault(month, []).append(
                    f"{source.folder}/{path.name}:{stat.st_size}:{stat.st_mtime_ns}"
                )
                newest[month] = max(newest.get(month, 0.0), stat.st_mtime)
    return {
        month: (hashlib.sha256("\n".join(lines).encode()).hexdigest()[:20], newest[month])
        for month, lines in entries.items()
    }


def changed_months(
    cursor: Mapping[str, str], seen: Mapping[str, tuple[str, float]], now: float, settle_seconds: float
) -> tuple[list[str], list[str]]:
    """(months to build, months still settling) given the cursor and this tick's fingerprints."""
    changed = sorted(m for m, (fp, _) in seen.items() if cursor.get(m) != fp)
    ready = [m for m in changed if now - seen[m][1] >= settle_seconds]
    return ready, [m for m in changed if m not in ready]


def raw_files_sensor(settings: Settings, job: dg.UnresolvedAssetJobDefinition) -> dg.SensorDefinition:
    partitions = settings_partitions(settings)

    @dg.sensor(
        name=RAW_SENSOR_NAME,
        job=job,
        minimum_interval_seconds=settings.raw_sensor_interval_seconds,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=(
            f"Builds a month when its raw files under {settings.raw_dir} are new or changed "
            "(one run over the changed months; a cursor keeps what was already requested)."
        ),
    )
    def _raw_files(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
        cursor: dict[str, str] = json.loads(context.cursor) if context.cursor else {}
        seen = month_fingerprints(settings.raw_dir)
        ready, settling = changed_months(cursor, seen, time.time(), settings.raw_settle_seconds)
        keys = set(partitions.get_partition_keys())
        outside = [m for m in ready if m not in keys]
        months = [m for m in ready if m in keys]
        notes = [f"ignored (not a month folder): {p}" for p in raw.stray_folders(settings.raw_dir)]
        if settling:
            notes.append(f"still being written: {', '.join(settling)}")
        if outside:
            notes.append(
                f"not a partition (partitions start {settings.partitions_start}; the current month is "
                f"not one yet): {', '.join(outside)}; build them with `nyc-mobility run`"
            )
        new_cursor = {**cursor, **{m: seen[m][0] for m in ready}}
        if not months:
            if new_cursor != cursor:
                context.update_cursor(json.dumps(new_cursor, sort_keys=True))
            return dg.SkipReason("; ".join(notes) or "no new or changed raw files")
        request = dg.RunRequest(
            run_key="raw:" + ",".join(f"{m}={seen[m][0]}" for m in months),
            tags={**range_tags(months[0], months[-1]), "nyc_mobility/changed_months": ",".join(months)},
        )
        for note in notes:
            context.log.warning(note)
        return dg.SensorResult(run_requests=[request], cursor=json.dumps(new_cursor, sort_keys=True))

    return _raw_files
