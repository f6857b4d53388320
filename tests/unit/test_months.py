import datetime as dt

import pytest

from nyc_mobility.months import InvalidMonthError, month_bounds, month_range, parse_month


def test_parse_month_accepts_yyyy_mm():
    assert parse_month("2024-02") == dt.date(2024, 2, 1)


@pytest.mark.parametrize(
    "value",
    [
        "2024-1",
        "2024-13",
        "2024-00",
        "24-01",
        "2024/01",
        "",
        "2024-01-01",
        "1999-12",
        "2024-01'; drop table x; --",
    ],
)
def test_parse_month_rejects_anything_else(value):
    with pytest.raises(InvalidMonthError, match="invalid month"):
        parse_month(value)


def test_month_range_is_inclusive_and_crosses_years():
    assert month_range("2024-11", "2025-02") == ["2024-11", "2024-12", "2025-01", "2025-02"]


def test_month_range_rejects_reversed_bounds():
    with pytest.raises(InvalidMonthError, match="before start"):
        month_range("2024-03", "2024-01")


def test_month_bounds_handles_december():
    assert month_bounds("2024-12") == (dt.datetime(2024, 12, 1), dt.datetime(2025, 1, 1))


def test_kpi_days_are_computed_a_calendar_month_at_a_time():
    import datetime as dt

    from nyc_mobility.defs.assets.semantic import month_chunks

    d = dt.date
    assert month_chunks(d(2024, 10, 15), d(2024, 12, 3)) == [
        (d(2024, 10, 15), d(2024, 10, 31)),
        (d(2024, 11, 1), d(2024, 11, 30)),
        (d(2024, 12, 1), d(2024, 12, 3)),
    ]
    assert month_chunks(d(2024, 2, 1), d(2024, 2, 29)) == [(d(2024, 2, 1), d(2024, 2, 29))]
    assert month_chunks(d(2024, 3, 2), d(2024, 3, 1)) == []


def test_build_ranges_bridge_gaps_without_files_only():
    from nyc_mobility.build_state import bridged, contiguous

    assert contiguous(["2024-05", "2024-01", "2024-02"]) == [("2024-01", "2024-02"), ("2024-05", "2024-05")]
    on_disk = {"2009-07", "2015-06", "2019-06", "2024-01", "2024-02", "2024-05"}
    # every month on disk to build, gaps empty: one run over the whole span
    assert bridged(sorted(on_disk), on_disk) == [("2009-07", "2024-05")]
    # a month on disk not to build (unchanged) keeps the ranges apart: it would be rebuilt
    assert bridged(["2009-07", "2019-06", "2024-05"], on_disk) == [
        ("2009-07", "2009-07"),
        ("2019-06", "2019-06"),
        ("2024-05", "2024-05"),
    ]
    assert bridged(["2015-06", "2019-06", "2024-05"], on_disk - {"2024-01", "2024-02"}) == [
        ("2015-06", "2024-05")
    ]
    # a month gone from disk is to build (its rows deleted) and bridges like any other
    assert bridged(["2019-06", "2020-03", "2024-01"], on_disk) == [("2019-06", "2024-01")]
    assert bridged([], on_disk) == []
