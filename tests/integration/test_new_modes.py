"""Green taxis and the high-volume for-hire services across their eras, and congestion pricing.

Sample months in the official types of each era (2019 with Juno and Via and no airport fee, 2022,
2024, and 2025 with the congestion relief toll) are built side by side; every metric the new modes
brought is checked day by day against hand-written SQL (tests/metric_expectations.py), and counts and
money are reconciled with DuckDB over the raw files, never through the models.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from nyc_mobility import metrics, sample
from nyc_mobility.settings import Settings
from tests import metric_expectations as expect
from tests.conftest import RUN_ONCE, build_in_process, query, scalar

pytestmark = [pytest.mark.integration, RUN_ONCE]

MONTHS = ["2019-06", "2022-03", "2024-01", "2025-01"]
NEW_METRICS = [
    "green_taxi_trips",
    "hvfhv_trips",
    "green_taxi_trip_share",
    "hvfhv_trip_share",
    "uber_market_share",
    "lyft_market_share",
    "via_market_share",
    "juno_market_share",
    "green_street_hail_trips",
    "green_street_hail_share",
    "congestion_zone_pickups",
    "congestion_zone_dropoffs",
    "congestion_zone_trips",
    "congestion_zone_trip_share",
    "congestion_zone_trips_year_earlier",
    "congestion_zone_trips_yoy_change",
    "fared_trips",
    "fare_per_trip",
    "fare_per_mile",
    "median_fare",
    "driver_pay",
    "hvfhv_passenger_total",
    "driver_pay_per_mile",
    "driver_pay_per_minute",
    "driver_pay_per_trip_hour",
    "driver_pay_per_trip",
    "platform_take_rate",
    "hvfhv_tips",
    "hvfhv_tip_share",
    "hvfhv_median_wait_minutes",
    "hvfhv_p90_wait_minutes",
    "shared_ride_requests",
    "shared_ride_matches",
    "shared_ride_request_rate",
    "shared_ride_match_rate",
    "wav_requests",
    "wav_requests_fulfilled",
    "wav_fulfilment_rate",
    "cbd_congestion_fee_amount",
    "taxi_trips",
    "airport_pickup_share",
]


@pytest.fixture(scope="module")
def eras(tmp_path_factory):
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("eras") / "data", data_origin="official", partitions_start="2019-01"
    )
    for month in MONTHS:
        sample.generate(settings.raw_dir, month, month, scale=0.0005)
    build = build_in_process(settings)
    failed = [e.check_name for e in build.result.check_evaluations() if not e.passed]
    assert build.result.success and not failed, failed
    return settings


@pytest.fixture(scope="module")
def snapshot(eras):
    con = duckdb.connect(
        str(eras.serving_path), read_only=True, config={"autoinstall_known_extensions": False}
    )
    yield con
    con.close()


def _day(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def test_every_new_metric_matches_independent_sql_by_day_on_real_values(eras, snapshot):
    service = metrics.MetricsService(eras.serving_path)
    try:
        mismatches, empty = [], []
        for name in NEW_METRICS:
            actual = {_day(r[0]): r[1] for r in service.query([name], ["metric_time__day"]).rows}
            if name in expect.WINDOWED:
                wanted = expect.expected_windowed(snapshot, name, sorted(actual))
            else:
                wanted = expect.expected_daily(snapshot, name)
            wrong = [
                (d, actual.get(d), wanted.get(d))
                for d in sorted(set(actual) | set(wanted))
                if not expect.same(actual.get(d), wanted.get(d))
            ]
            if wrong:
                mismatches.append((name, len(wrong), wrong[:3]))
            if not any(v not in (None, 0) for v in wanted.values()):
                empty.append(name)
        assert mismatches == []
        assert empty == []  # every metric is checked on real values here
    finally:
        service.close()


def test_market_share_by_company_follows_the_eras(eras, snapshot):
    service = metrics.MetricsService(eras.serving_path)
    try:
        result = service.query(["hvfhv_trips"], ["metric_time__month", "trip__company"])
    finally:
        service.close()
    by_month: dict[str, dict[str, int]] = {}
    for month, company, trips in result.rows:
        by_month.setdefault(_day(month).strftime("%Y-%m"), {})[company] = trips
    assert set(by_month["2019-06"]) == {"Uber", "Lyft", "Via", "Juno"}
    assert set(by_month["2025-01"]) == {"Uber", "Lyft"}
    for month, companies in by_month.items():
        want = dict(
            snapshot.execute(
                "select company, count(*) from fct_trips where mode = 'hvfhv' "
                "and strftime(pickup_hour, '%Y-%m') = ? group by 1",
                [month],
            ).fetchall()
        )
        assert companies == want
        share = companies["Uber"] / sum(companies.values())
        assert 0.6 < share < 0.8, (month, share)


def test_each_era_is_staged_whole_and_reconciled_with_the_raw_bytes(eras):
    raw_dir, db = eras.raw_dir, eras.warehouse_path
    for folder, model, mode in (
        ("tlc_fhvhv", "stg_tlc__hvfhv_trips", "hvfhv"),
        ("tlc_green", "stg_tlc__green_taxi", "green_taxi"),
    ):
        for month in MONTHS:
            glob = f"{raw_dir}/{folder}/month={month}/*.parquet"
            published = duckdb.sql(f"select count(*) from read_parquet('{glob}')").fetchall()[0][0]
            staged = scalar(db, f"select count(*) from {model} where source_month = ?", [month])
            valid = scalar(
                db, "select count(*) from fct_trips where mode = ? and source_month = ?", [mode, month]
            )
            flagged = scalar(
                db,
                "select count(*) from qa_trips__quarantine where mode = ? and source_month = ?",
                [mode, month],
            )
            assert published == staged == valid + flagged > 0, (folder, month)
    # money of the 2025 month: the raw toll and driver pay of the records kept, straight from the file
    kept = query(
        db, "select source_row_number from fct_trips where mode = 'hvfhv' and source_month = '2025-01'"
    )
    con = duckdb.connect()
    con.execute("create table kept (row_number bigint)")
    con.executemany("insert into kept values (?)", kept)
    want = con.execute(
        f"""select sum(cbd_congestion_fee), sum(driver_pay), sum(base_passenger_fare + tolls + bcf + sales_tax
                   + congestion_surcharge + airport_fee + tips + cbd_congestion_fee)
            from read_parquet('{raw_dir}/tlc_fhvhv/month=2025-01/*.parquet', file_row_number=true)
            where file_row_number in (select row_number from kept)"""
    ).fetchone()
    got = query(
        db,
        "select sum(cbd_congestion_fee_amount), sum(driver_pay_amount), sum(total_amount) "
        "from fct_trips where mode = 'hvfhv' and source_month = '2025-01'",
    )[0]
    assert got == pytest.approx(want, rel=1e-9) and want[0] > 0
    eras_fees = dict(
        query(
            db,
            "select source_month, count(airport_fee_amount) from fct_trips where mode = 'hvfhv' group by 1",
        )
    )
    assert eras_fees["2019-06"] == 0 and eras_fees["2025-01"] > 0  # the fee is published from 2022
    tolls = dict(query(db, "select source_month, sum(cbd_congestion_fee_amount) from fct_trips group by 1"))
    assert tolls["2024-01"] is None and tolls["2025-01"] > 0


def test_congestion_zone_before_and_after_compares_the_same_weekdays(eras):
    service = metrics.MetricsService(eras.serving_path)
    try:
        rows = service.query(
            [
                "congestion_zone_trips",
                "congestion_zone_trips_year_earlier",
                "congestion_zone_trips_yoy_change",
            ],
            ["metric_time__day"],
            start="2025-01-10",
            end="2025-01-16",
        ).rows
    finally:
        service.close()
    assert len(rows) == 7
    for day, now, before, change in sorted(rows):
        earlier = _day(day) - dt.timedelta(days=364)
        assert earlier.weekday() == _day(day).weekday()
        want = scalar(
            eras.serving_path,
            "select count(*) from fct_trips where pickup_date = ? "
            "and (is_congestion_zone_pickup or is_congestion_zone_dropoff)",
            [earlier],
        )
        assert before == want > 0
        assert change == pytest.approx((now - before) / before)
