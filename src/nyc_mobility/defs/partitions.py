"""The monthly partitions shared by the raw assets and the incremental dbt models, and the pool of
the one warehouse writer.

Keys are ``YYYY-MM``, like the raw folders (``month=YYYY-MM``). A run over several months carries
Dagster's partition-range tags, so every partitioned asset in it sees the whole window at once
(single-run backfill: one dbt invocation for the range, not one per month).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import dagster as dg
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
    PARTITION_NAME_TAG,
)

MONTH_FORMAT = "%Y-%m"
# Every step that writes the warehouse takes this pool's one slot (DuckDB has one writer); `nyc-mobility
# init` gives the instance the pool's limit.
WAREHOUSE_POOL = "duckdb_warehouse"


def monthly_partitions(start_month: str, end_month: str | None = None) -> dg.MonthlyPartitionsDefinition:
    """Months from ``start_month`` to ``end_month`` (inclusive), or to the last complete month."""
    if end_month is None:
        return dg.MonthlyPartitionsDefinition(start_date=start_month, fmt=MONTH_FORMAT, end_offset=0)
    from nyc_mobility.months import format_month, next_month, parse_month

    end = format_month(next_month(parse_month(end_month)))  # exclusive
    return dg.MonthlyPartitionsDefinition(start_date=start_month, end_date=end, fmt=MONTH_FORMAT)


def settings_partitions(settings) -> dg.MonthlyPartitionsDefinition:
    """The partitions of a code location: ``Settings.partition_bounds``."""
    return monthly_partitions(*settings.partition_bounds())


def range_tags(start: str, end: str) -> dict[str, str]:
    """Tags of one run over the months ``start``..``end`` (inclusive)."""
    if start > end:
        raise ValueError(f"partition range starts after it ends: {start}..{end}")
    return {ASSET_PARTITION_RANGE_START_TAG: start, ASSET_PARTITION_RANGE_END_TAG: end}


def window_of_tags(tags: Mapping[str, str]) -> tuple[str | None, str | None]:
    """``(start_month, end_month)`` of a run's partition tags (one partition, or a range), the
    inverse of :func:`range_tags`; ``(None, None)`` for a run without partition."""
    if ASSET_PARTITION_RANGE_START_TAG in tags and ASSET_PARTITION_RANGE_END_TAG in tags:
        return tags[ASSET_PARTITION_RANGE_START_TAG], tags[ASSET_PARTITION_RANGE_END_TAG]
    if PARTITION_NAME_TAG in tags:
        return tags[PARTITION_NAME_TAG], tags[PARTITION_NAME_TAG]
    return None, None


def all_partitions_tags(partitions: dg.MonthlyPartitionsDefinition, now: datetime) -> dict[str, str]:
    """One run over every month that exists at ``now`` (none yet: no tags)."""
    keys = partitions.get_partition_keys(current_time=now)
    return range_tags(keys[0], keys[-1]) if keys else {}
