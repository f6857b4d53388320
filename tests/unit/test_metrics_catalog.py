"""The metric catalog, the trap lint and the query helpers, without a warehouse."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow as pa
import pytest

from nyc_mobility.cli.mf import mf_environment
from nyc_mobility.metrics import MetricQueryError, list_metrics
from nyc_mobility.metrics.catalog import lint, semantic_manifest
from nyc_mobility.metrics.engine import _in_order, _plain_numbers, catalog_name, time_window_filter

TD_DAY = "{{ TimeDimension('metric_time', 'day') }}"
TD_HOUR = "{{ TimeDimension('metric_time', 'hour') }}"


def test_dates_bound_whole_days_inclusively():
    assert (
        time_window_filter("2024-11-01", "2024-11-03")
        == f"{TD_DAY} >= '2024-11-01' and {TD_DAY} <= '2024-11-03'"
    )
    assert time_window_filter(dt.date(2024, 11, 1), None) == f"{TD_DAY} >= '2024-11-01'"
    assert time_window_filter(None, dt.datetime(2024, 11, 3)) == f"{TD_DAY} <= '2024-11-03'"
    assert time_window_filter(None, None) is None


def test_datetimes_bound_hours():
    assert time_window_filter("2024-11-03T08:30", "2024-11-03T09:00") == (
        f"{TD_HOUR} >= '2024-11-03 08:00:00' and {TD_HOUR} <= '2024-11-03 09:00:00'"
    )


@pytest.mark.parametrize(
    "bad", ["yesterday", "2024-13-01", "2024-11-01'; drop table fct_trips; --", "24-11-01"]
)
def test_times_are_parsed_never_pasted(bad):
    with pytest.raises(MetricQueryError, match="invalid time"):
        time_window_filter(bad, None)
    with pytest.raises(MetricQueryError):
        time_window_filter(None, 20241101)


def test_a_window_that_ends_before_it_starts_is_refused():
    with pytest.raises(MetricQueryError, match="start 2024-11-05 is after end 2024-11-03"):
        time_window_filter("2024-11-05", "2024-11-03")
    with pytest.raises(MetricQueryError, match="after end"):
        time_window_filter("2024-11-03T10:00", "2024-11-03T09:00")
    assert time_window_filter("2024-11-03", "2024-11-03")  # one day is a window


def test_the_cli_prints_its_version():
    from typer.testing import CliRunner

    from nyc_mobility import __version__
    from nyc_mobility.cli import app

    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == __version__


def test_catalog_entries_carry_category_type_and_definition():
    by_name = {m.name: m for m in list_metrics()}
    share = by_name["yellow_taxi_trip_share"]
    assert (share.category, share.type, share.inputs) == ("volume", "ratio", ("trips", "trips"))
    assert by_name["trips_rolling_7d"].min_grain == "day" and by_name["trips"].min_grain == "hour"
    assert "freezing" in by_name["bike_trips_in_freezing_hours"].filter
    assert by_name["fare_per_mile"].headline
    assert catalog_name(semantic_manifest()) == "nyc_mobility"


def _manifest(metrics: list[dict], grain: str = "hour") -> dict:
    return {
        "semantic_models": [
            {
                "name": "trips",
                "defaults": {"agg_time_dimension": "pickup_hour"},
                "dimensions": [
                    {"name": "pickup_hour", "type": "time", "type_params": {"time_granularity": grain}},
                    {"name": "pickup_date", "type": "time", "type_params": {"time_granularity": "day"}},
                ],
                "measures": [
                    {"name": "n", "agg": "count"},
                    {"name": "n_daily", "agg": "count", "agg_time_dimension": "pickup_date"},
                ],
            }
        ],
        "metrics": metrics,
    }


def _ratio(num_alias, den_alias):
    return {
        "name": "share",
        "type": "ratio",
        "type_params": {
            "numerator": {"name": "trips", "alias": num_alias},
            "denominator": {"name": "trips", "alias": den_alias},
        },
    }


def _cumulative(measure):
    return {"name": "rolling", "type": "cumulative", "type_params": {"measure": {"name": measure}}}


def test_lint_flags_each_trap_and_only_the_traps():
    assert lint(_manifest([_ratio("a", "b"), _cumulative("n_daily")])) == []
    assert len(lint(_manifest([_ratio(None, None)]))) == 1
    assert len(lint(_manifest([_ratio("a", "a")]))) == 1
    assert "aggregated by hour" in lint(_manifest([_cumulative("n")]))[0]
    assert lint(_manifest([_cumulative("n")], grain="day")) == []
    derived = {
        "name": "wow",
        "type": "derived",
        "type_params": {"metrics": [{"name": "trips"}, {"name": "trips", "offset_window": "7 days"}]},
    }
    assert len(lint(_manifest([derived]))) == 1


def test_result_columns_follow_the_request_and_hugeints_become_plain_numbers():
    table = pa.table(
        {
            "trips": pa.array([1], pa.decimal128(38, 0)),
            "metric_time__day": [dt.date(2024, 1, 1)],
            "fare": pa.array([Decimal("1.50")], pa.decimal128(38, 2)),
        }
    )
    table = _in_order(_plain_numbers(table), ["metric_time__day", "trips"])
    assert table.column_names == ["metric_time__day", "trips", "fare"]
    assert (table.schema.field("trips").type, table.schema.field("fare").type) == (pa.int64(), pa.float64())


def test_mf_runs_against_the_serving_target(tmp_path):
    env = mf_environment(tmp_path / "proj", tmp_path / "serving" / "w.duckdb", tmp_path / "logs")
    assert env["NYC_MOBILITY_TARGET"] == "serving"
    assert env["DBT_PROJECT_DIR"] == env["DBT_PROFILES_DIR"] == str(tmp_path / "proj")
    assert env["NYC_MOBILITY_SERVING_PATH"].endswith("w.duckdb")
    assert env["DBT_LOG_PATH"] == str(tmp_path / "logs")


def test_a_query_result_shows_its_rows_in_a_repl():
    import pyarrow as pa

    from nyc_mobility.metrics import QueryResult

    result = QueryResult(
        sql="select 1", table=pa.table({"mode": ["citibike", "fhv"] * 8, "trips": list(range(16))})
    )
    text = repr(result)
    assert text.splitlines()[0].startswith("QueryResult: 16 row(s)")
    assert "mode      trips" in text and "citibike  0" in text and "... 6 more row(s)" in text
    assert "select 1" not in text


def test_every_headline_metric_of_a_day_reads_that_day_only():
    """kpi_daily recomputes only the days of the months a run builds: a headline metric must not be
    cumulative, nor derived from another day's value (offset_window / offset_to_grain)."""
    from nyc_mobility.metrics.catalog import headline_metrics, metrics

    by_name = {m.name: m for m in metrics()}

    def per_day(name: str) -> bool:
        metric = by_name[name]
        if metric.type == "cumulative":
            return False
        inputs = (metric.definition.get("type_params") or {}).get("metrics") or []
        return all(
            not i.get("offset_window") and not i.get("offset_to_grain") and per_day(i["name"]) for i in inputs
        )

    headlines = headline_metrics()
    assert headlines and all(per_day(m.name) for m in headlines), [
        m.name for m in headlines if not per_day(m.name)
    ]
    assert not per_day("trips_rolling_7d") and not per_day("trips_previous_week")  # the check can fail
