"""Metric filters (nyc_mobility.metrics.filters), generated: every template rendered exactly where it
stood whatever their number, templates inside quoted literals refused, the number of filters and
their nesting bounded, and wrong argument types the API's own error."""

from __future__ import annotations

import re

import pytest

from nyc_mobility.metrics import MetricQueryError, MetricsService, UnsafeFilterError
from nyc_mobility.metrics.filters import MAX_DEPTH, MAX_FILTERS, safe_filter, safe_filters


def item(i: int) -> str:
    return f"{{{{ Dimension('trip__d{i}') }}}}"


@pytest.mark.parametrize("count", [1, 2, 9, 10, 11, 12, 21, 60])
def test_every_template_is_rendered_exactly_where_it_stood(count):
    text = " and ".join(f"{item(i)} = 'v{i}'" for i in range(count))
    rendered = safe_filter(text)
    # independently: the i-th comparison names the i-th item and the i-th value, nothing more
    found = re.findall(r"\{\{ Dimension\('trip__d(\d+)'\) \}\} = 'v(\d+)'", rendered)
    assert found == [(str(i), str(i)) for i in range(count)]
    assert rendered.count("{{") == count and "__mf_" not in rendered


@pytest.mark.parametrize(
    "text",
    [
        "'{{ Dimension(\"trip__a\") }}' = {{ Dimension('trip__b') }}",
        "{{ Dimension('trip__b') }} = '{{ Dimension(\"trip__a\") }}'",
        "{{ Dimension('trip__b') }} in ('x', '{{ Entity(\"trip\") }}')",
        "{{ Dimension('trip__b') }} like '%{{ Metric(\"trips\", group_by=[\"trip\"]) }}%'",
        "{{ Dimension('trip__b') }} = \"{{ Dimension('trip__a') }}\"",
    ],
)
def test_a_template_inside_a_quoted_literal_is_refused(text):
    with pytest.raises(UnsafeFilterError):
        safe_filter(text)


@pytest.mark.parametrize("depth", [1, MAX_DEPTH])
def test_nesting_up_to_the_bound_is_accepted(depth):
    rendered = safe_filter("(" * depth + f"{item(0)} = 'x'" + ")" * depth)
    assert "Dimension('trip__d0')" in rendered


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 500, 50_000 // 2])
def test_deeper_nesting_is_one_clear_error_not_a_recursion_error(depth):
    text = "(" * depth + f"{item(0)} = 'x'" + ")" * depth
    with pytest.raises(UnsafeFilterError, match=r"nested deeper|longer than"):
        safe_filter(text)


def test_the_number_of_filters_is_bounded_in_the_api_and_mf():
    from nyc_mobility.cli.mf import checked_args

    one = f"{item(0)} = 'x'"
    assert len(safe_filters([one] * MAX_FILTERS)) == MAX_FILTERS
    with pytest.raises(UnsafeFilterError, match=f"at most {MAX_FILTERS}"):
        safe_filters([one] * (MAX_FILTERS + 1))
    with pytest.raises(UnsafeFilterError, match=f"at most {MAX_FILTERS}"):
        checked_args(["query", "--metrics", "trips"] + ["--where", one] * (MAX_FILTERS + 1))
    assert checked_args(["query", f"--where={one}"]) == ["query", f"--where={safe_filter(one)}"]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"metrics": 5},
        {"metrics": ["trips", 3]},
        {"metrics": "trips", "group_by": {"mode": 1}},
        {"metrics": "trips", "where": 7},
        {"metrics": "trips", "where": [None]},
        {"metrics": "trips", "where": {"a": "b"}},
        {"metrics": "trips", "limit": "10"},
        {"metrics": "trips", "limit": 2.5},
        {"metrics": "trips", "order_by": [object()]},
    ],
)
def test_wrong_argument_types_are_the_apis_error(tmp_path, kwargs):
    service = MetricsService(tmp_path / "no.duckdb")
    with pytest.raises(MetricQueryError):
        service.explain(**kwargs)
