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
