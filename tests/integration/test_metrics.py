"""The semantic layer on the demo build: every metric against hand-written SQL, the MetricFlow traps,
the warm engine over the serving snapshot, the CLI and the KPI asset."""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil

import duckdb
import pytest

from nyc_mobility import metrics
from nyc_mobility.metrics.catalog import lint, semantic_manifest
from tests import metric_expectations as expect
from tests.conftest import query, scalar

pytestmark = pytest.mark.integration

# Nothing in the Oct-Nov 2024 sample snows, the congestion relief toll starts in 2025, and Via and
# Juno no longer run (the 52-week comparison is checked on the days 52 weeks after the sample's) (tests/integration/test_new_modes.py
# checks those metrics on a build of 2019, 2024 and 2025 months).
CONFIG = {"autoinstall_known_extensions": False}
EMPTY_ON_SAMPLE = {
    "trips_per_snow_hour",
    "snow_demand_lift",
    "cbd_congestion_fee_amount",
    "via_market_share",
    "juno_market_share",
    # the sample has no TLC report: tests/integration/test_publisher_reconciliation.py checks these
    "publisher_trips",
    "publisher_reconciled_records",
    "publisher_trip_ratio",
    "publisher_months_outside_tolerance",
}


@pytest.fixture(scope="module")
def service(sample_build):
    svc = metrics.MetricsService(sample_build.settings.serving_path)
    yield svc
    svc.close()


@pytest.fixture(scope="module")
def snapshot(sample_build):
    con = duckdb.connect(
        str(sample_build.settings.serving_path),
        read_only=True,
        config={"autoinstall_known_extensions": False},
    )
    yield con
    con.close()


def _day(value: dt.date) -> dt.date:
    """metric_time__day is a TIMESTAMP over hour-grain measures and a DATE over day-grain ones."""
    return value.date() if isinstance(value, dt.datetime) else value


def _by_day(result) -> dict[dt.date, object]:
    return {_day(row[0]): row[1] for row in result.rows}


def test_the_catalog_has_fifty_governed_metrics_in_four_categories():
    found = metrics.list_metrics()
    assert len(found) >= 50
    assert {m.category for m in found} == set(metrics.CATEGORIES)
    for category in metrics.CATEGORIES:
        assert len(metrics.list_metrics(category)) >= 10, category
    assert {m.type for m in found} == {"simple", "ratio", "derived", "cumulative"}
    for m in found:
        assert m.label and m.description, m.name
    with pytest.raises(ValueError, match="unknown category"):
        metrics.list_metrics("vibes")


def test_every_metric_has_hand_written_sql():
    assert {m.name for m in metrics.list_metrics()} == expect.covered_metrics()


def test_every_metric_matches_independent_sql_by_day(service, snapshot):
    mismatches, empty = [], []
    for m in metrics.list_metrics():
        actual = _by_day(service.query([m.name], ["metric_time__day"]))
        if m.name in expect.WINDOWED:
            wanted = expect.expected_windowed(snapshot, m.name, sorted(actual))
        else:
            wanted = expect.expected_daily(snapshot, m.name)
        days = set(actual) | set(wanted)
        wrong = [
            (d, actual.get(d), wanted.get(d))
            for d in sorted(days)
            if not expect.same(actual.get(d), wanted.get(d))
        ]
        if wrong:
            mismatches.append((m.name, len(wrong), wrong[:3]))
        if not any(v not in (None, 0) for v in wanted.values()):
            empty.append(m.name)
    assert mismatches == []
    assert set(empty) == EMPTY_ON_SAMPLE  # every other metric is checked on real values


def test_cumulative_metrics_cover_every_day_with_data(service, snapshot):
    days = set(expect.expected_daily(snapshot, "trips"))
    for name in ("trips_rolling_7d", "trips_month_to_date", "fares_month_to_date", "revenue_rolling_7d"):
        returned = set(_by_day(service.query([name], ["metric_time__day"])))
        assert days <= returned, name


def test_metrics_grouped_by_month_and_mode_match_sql(service, snapshot):
    names = [
        "trips",
        "avg_speed_kmh",
        "median_trip_duration_minutes",
        "p90_trip_duration_minutes",
        "short_trip_share",
    ]
    result = service.query(names, ["metric_time__month", "mode"])
    assert result.columns == ["metric_time__month", "mode", *names]
    for row in result.to_dicts():
        month, mode = row["metric_time__month"], row["mode"]
        for name in names:
            value = row[name]
            want = snapshot.execute(
                f"select ({expect.TRIPS[name]})::double from fct_trips as t "
                "where date_trunc('month', pickup_hour) = ? and mode = ?",
                [month, mode],
            ).fetchone()[0]
            assert expect.same(value, want), (name, month, mode, value, want)
    assert len(result) == 10  # two months x five modes


def test_per_hour_weather_rates_by_mode_match_sql(service, snapshot):
    names = ["trips_per_hour", "trips_per_rain_hour", "trips_per_dry_hour", "rain_demand_lift"]
    result = service.query(names, ["mode"])
    assert len(result) == 5
    assert result.columns == ["mode", *names]
    for mode, *values in result.rows:
        for name, value in zip(names, values, strict=True):
            want = snapshot.execute(
                f"select ({expect.HOURLY[name]})::double from fct_hourly_mobility where mode = ?", [mode]
            ).fetchone()[0]
            assert expect.same(value, want), (name, mode, value, want)
    lift = dict((row[0], row[-1]) for row in result.rows)
    assert lift["citibike"] < 0  # the sample's bikes ride less in the rain


def test_grouping_through_entities_matches_sql(service, snapshot):
    by_band = service.query(["trips", "avg_speed_kmh"], ["weather_hour__temperature_band"])
    for band, trips, speed in by_band.rows:
        want = snapshot.execute(
            f"select count(*), ({expect.TRIPS['avg_speed_kmh']})::double from fct_trips "
            "where temperature_band is not distinct from ?",
            [band],
        ).fetchone()
        assert trips == want[0] and expect.same(speed, want[1]), band
    by_part = dict(service.query(["trips"], ["clock_hour__day_part"]).rows)
    assert by_part == dict(
        query(
            service.database,
            "select d.day_part, count(*) from fct_trips as t "
            "join dim_time as d on d.hour_of_day = t.pickup_hour_of_day group by 1",
        )
    )
    weekend = dict(service.query(["trips"], ["calendar_day__is_weekend"]).rows)
    assert weekend[True] == scalar(
        service.database, "select count(*) from fct_trips where isodow(pickup_date) >= 6"
    )


# --- the MetricFlow traps -------------------------------------------------------------------


def test_the_shipped_definitions_have_none_of_the_known_traps():
    assert lint() == []


def _mutated(tmp_path, change) -> tuple[dict, object]:
    manifest = copy.deepcopy(semantic_manifest())
    change({m["name"]: m for m in manifest["metrics"]})
    path = tmp_path / "semantic_manifest.json"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    return manifest, path


def test_trap_ratio_of_a_metric_to_itself_without_alias_is_caught(tmp_path, sample_build, snapshot):
    def drop_aliases(by_name):
        params = by_name["yellow_taxi_trip_share"]["type_params"]
        params["numerator"]["alias"] = params["denominator"]["alias"] = None

    manifest, path = _mutated(tmp_path, drop_aliases)
    assert lint(manifest) == [
        "yellow_taxi_trip_share: ratio of 'trips' to itself needs distinct aliases (else 1.0)"
    ]
    broken = metrics.MetricsService(sample_build.settings.serving_path, manifest_path=path)
    try:
        wrong = _by_day(broken.query(["yellow_taxi_trip_share"], ["metric_time__day"]))
    finally:
        broken.close()
    right = expect.expected_daily(snapshot, "yellow_taxi_trip_share")
    assert set(wrong.values()) == {1.0}  # the silent wrong answer ...
    assert not all(expect.same(wrong[d], right[d]) for d in right)  # ... which the SQL check rejects


def test_trap_cumulative_over_an_hour_grain_measure_is_caught(tmp_path, sample_build, snapshot):
    def hourly_measure(by_name):  # the same metric on the hour-grain measure, MetricFlow's default period_agg
        params = by_name["trips_rolling_7d"]["type_params"]
        params["measure"]["name"] = params["input_measures"][0]["name"] = "trip_count"
        params["cumulative_type_params"]["period_agg"] = "first"

    manifest, path = _mutated(tmp_path, hourly_measure)
    assert any(
        p.startswith("trips_rolling_7d: cumulative over 'trip_count' aggregated by hour")
        for p in lint(manifest)
    )
    broken = metrics.MetricsService(sample_build.settings.serving_path, manifest_path=path)
    try:
        wrong = _by_day(broken.query(["trips_rolling_7d"], ["metric_time__day"]))
    finally:
        broken.close()
    right = expect.expected_windowed(snapshot, "trips_rolling_7d", sorted(wrong))
    assert sum(not expect.same(wrong[d], right[d]) for d in wrong) > len(wrong) / 2


def test_trap_an_end_date_keeps_every_hour_of_the_last_day(service, snapshot):
    # 2024-11-03 is the fall-back day: 25 local hours, trips in almost every one of them.
    result = service.query(
        ["trips", "trips_per_hour"], ["metric_time__day"], start="2024-11-01", end="2024-11-03"
    )
    got = {_day(row[0]): row[1:] for row in result.rows}
    assert sorted(got) == [dt.date(2024, 11, 1), dt.date(2024, 11, 2), dt.date(2024, 11, 3)]
    for day, (trips, per_hour) in got.items():
        assert trips == scalar(
            service.database, "select count(*) from fct_trips where pickup_date = ?", [day]
        )
        assert expect.same(per_hour, expect.expected_daily(snapshot, "trips_per_hour")[day])
    # an hour-grain window is inclusive of its last hour
    hours = service.query(["trips"], ["metric_time__hour"], start="2024-11-03T08:00", end="2024-11-03T09:00")
    assert [r[0].hour for r in hours.rows] == [8, 9]
    # the window keeps trailing metrics whole: the rolling window still looks back before the start
    rolling = _by_day(
        service.query(["trips_rolling_7d"], ["metric_time__day"], start="2024-11-05", end="2024-11-05")
    )
    assert rolling == {
        dt.date(2024, 11, 5): expect.expected_windowed(snapshot, "trips_rolling_7d", [dt.date(2024, 11, 5)])[
            dt.date(2024, 11, 5)
        ]
    }


# --- the engine, the CLI and Dagster ----------------------------------------------------------


def test_bad_queries_get_clear_errors(service, tmp_path):
    with pytest.raises(metrics.MetricQueryError, match="does not exactly match any known metrics"):
        service.query(["tripz"], ["metric_time__day"])
    with pytest.raises(metrics.MetricQueryError, match="invalid time"):
        service.query(["trips"], ["metric_time__day"], start="yesterday")
    with pytest.raises(metrics.MetricQueryError, match="at least one metric"):
        service.query([], ["metric_time__day"])
    with pytest.raises(FileNotFoundError, match="no warehouse snapshot"):
        metrics.MetricsService(tmp_path / "missing.duckdb").query(["trips"])


def test_explain_returns_the_sql_without_running_it(service):
    sql = service.explain(["avg_speed_kmh"], ["metric_time__month"])
    assert "fct_trips" in sql and "metric_time__month" in sql
    assert service.query(["avg_speed_kmh"], ["metric_time__month"]).sql == sql


def test_results_convert_to_arrow_and_dicts(service):
    result = service.query("trips,fare_per_mile", "metric_time__month", limit=1)
    assert result.columns == ["metric_time__month", "trips", "fare_per_mile"]
    assert len(result) == 1
    table = result.to_arrow()
    assert str(table.schema.field("trips").type) == "int64"
    assert result.to_dicts()[0]["trips"] == result.rows[0][1]


def test_a_warm_service_follows_a_newly_published_snapshot(sample_build, tmp_path):
    from nyc_mobility.dbt.manifest import internal_relations, monthly_tables
    from nyc_mobility.serving.publishing import publish_marts

    monthly, internal = monthly_tables(), internal_relations()
    snapshot = tmp_path / "serving" / "nyc_mobility.duckdb"
    publish_marts(sample_build.db, snapshot, monthly, None, internal)
    svc = metrics.MetricsService(snapshot)
    try:
        before = svc.query(["trips"]).rows[0][0]
        changed = tmp_path / "changed.duckdb"
        shutil.copyfile(sample_build.db, changed)
        con = duckdb.connect(str(changed), config=CONFIG)
        con.execute("delete from fct_trips where mode = 'citibike'")
        con.close()
        held = duckdb.connect(str(snapshot), read_only=True, config=CONFIG)  # a reader of the old one
        publish_marts(changed, snapshot, monthly, None, internal)
        after = svc.query(["trips"]).rows[0][0]
        assert held.execute("select count(*) from fct_trips").fetchone()[0] == before
        held.close()
    finally:
        svc.close()
    bikes = scalar(
        sample_build.settings.serving_path, "select count(*) from fct_trips where mode = 'citibike'"
    )
    assert after == before - bikes and bikes > 0


def test_cli_lists_and_queries_metrics(sample_build):
    from typer.testing import CliRunner

    from nyc_mobility.cli import app

    runner = CliRunner()
    listed = runner.invoke(app, ["metrics", "list", "--category", "weather", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    assert {m["name"] for m in json.loads(listed.output)} == {m.name for m in metrics.list_metrics("weather")}
    db = str(sample_build.settings.serving_path)
    args = ["metrics", "query", "--metrics", "trips,avg_speed_kmh", "--group-by", "metric_time__month,mode"]
    as_csv = runner.invoke(app, [*args, "--format", "csv", "--database", db])
    assert as_csv.exit_code == 0, as_csv.output
    lines = as_csv.output.strip().splitlines()
    assert lines[0] == "metric_time__month,mode,trips,avg_speed_kmh"
    assert lines[1].startswith("2024-10-01,citibike,")
    as_json = json.loads(runner.invoke(app, [*args, "--format", "json", "--database", db]).output)
    assert sum(r["trips"] for r in as_json) == scalar(sample_build.db, "select count(*) from fct_trips")
    table = runner.invoke(app, [*args, "--database", db])
    assert "avg_speed_kmh" in table.output and table.exit_code == 0
    bad = runner.invoke(app, ["metrics", "query", "--metrics", "nope", "--database", db])
    assert bad.exit_code == 2 and "does not exactly match" in bad.output


def test_kpi_daily_holds_the_headline_metrics_per_day(sample_build, service):
    headline = [m.name for m in metrics.headline_metrics()]
    assert len(headline) >= 12
    rows = query(sample_build.settings.serving_path, "select * from kpi_daily order by kpi_date")
    assert len(rows) == scalar(sample_build.db, "select count(distinct pickup_date) from fct_trips")
    columns = [
        r[0]
        for r in query(
            sample_build.db,
            "select column_name from information_schema.columns where table_name = 'kpi_daily' order by ordinal_position",
        )
    ]
    assert columns == ["kpi_date", *headline]
    live = service.query(headline, ["metric_time__day"])
    assert [_day(r[0]) for r in live.rows] == [r[0] for r in rows]
    for computed, stored in zip(live.rows, rows, strict=True):  # sums may differ in the last bit
        assert all(expect.same(a, b) for a, b in zip(computed[1:], stored[1:], strict=True)), computed[0]


def test_a_wrong_group_by_is_one_error_not_two(service):
    from nyc_mobility.metrics import MetricQueryError

    with pytest.raises(MetricQueryError) as error:
        service.query(["trips"], ["no_such_dimension"])
    assert "no_such_dimension" in str(error.value) and "order-by" not in str(error.value)
    with pytest.raises(MetricQueryError, match="order-by item"):
        service.query(["trips"], ["mode"], order_by=["no_such_dimension"])


def test_a_many_metric_query_reads_each_table_in_place_with_the_values_metricflow_wrote(service, snapshot):
    """MetricFlow reads a semantic model in one CTE that every metric's subquery uses; DuckDB would
    materialize it (a copy of the fact's rows). The engine marks those CTEs NOT MATERIALIZED; the
    values are the same as the SQL MetricFlow wrote, run as written."""
    headline = [m.name for m in metrics.headline_metrics()]
    result = service.query(headline, ["metric_time__day"])
    assert result.sql.count("NOT MATERIALIZED") >= 2  # the trips and the hourly grid at least
    for line in (line for line in result.sql.splitlines() if "NOT MATERIALIZED" in line):
        name = line.split()[-5]  # `WITH name AS NOT MATERIALIZED (` or `, name AS ...`
        assert name.startswith(("sma_", "rss_")), line  # reads of a semantic model only
    cursor = snapshot.execute(result.sql.replace(" NOT MATERIALIZED", ""))
    names = [d[0] for d in cursor.description]
    as_written = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    assert len(as_written) == len(result.rows) > 20
    for ours, theirs in zip(result.rows, as_written, strict=True):
        assert ours[0] == theirs["metric_time__day"]
        for name, value in zip(headline, ours[1:], strict=True):
            assert expect.same(value, theirs[name]), (ours[0], name, value, theirs[name])
