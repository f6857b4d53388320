"""The daily KPI asset's pure helpers (nyc_mobility.defs.assets.semantic)."""

import datetime as dt

from nyc_mobility.defs.assets.semantic import month_chunks


def test_kpi_days_are_computed_a_calendar_month_at_a_time():
    d = dt.date
    assert month_chunks(d(2024, 10, 15), d(2024, 12, 3)) == [
        (d(2024, 10, 15), d(2024, 10, 31)),
        (d(2024, 11, 1), d(2024, 11, 30)),
        (d(2024, 12, 1), d(2024, 12, 3)),
    ]
    assert month_chunks(d(2024, 2, 1), d(2024, 2, 29)) == [(d(2024, 2, 1), d(2024, 2, 29))]
    assert month_chunks(d(2024, 3, 2), d(2024, 3, 1)) == []
