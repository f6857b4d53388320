"""The monthly partitions shared by the raw assets (keys are ``YYYY-MM``, like the raw folders)."""

from __future__ import annotations

import dagster as dg

MONTH_FORMAT = "%Y-%m"


def monthly_partitions(start_month: str) -> dg.MonthlyPartitionsDefinition:
    return dg.MonthlyPartitionsDefinition(start_date=start_month, fmt=MONTH_FORMAT, end_offset=0)
