"""Every governed metric recomputed by hand: DuckDB SQL straight over the fact tables, never
through MetricFlow or the semantic manifest, so a wrong metric definition cannot agree with it.

``DAILY`` maps a metric to an aggregate over ``fct_trips`` (``t``, with the pickup zone ``l``)
or ``fct_hourly_mobility`` (``h``), evaluated per local day. ``WINDOWED`` metrics (cumulative
and offset ones) are computed in Python from a daily series of the same SQL.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

RAIN = "weather_condition in ('drizzle', 'rain', 'thunderstorm')"
YELLOW = "mode = 'yellow_taxi'"
TAXI = "mode in ('yellow_taxi', 'green_taxi', 'fhv', 'hvfhv')"
HV = "mode = 'hvfhv'"
GREEN = "mode = 'green_taxi'"
FARED = "fare_amount is not null"
ZONE = "(is_congestion_zone_pickup or is_congestion_zone_dropoff)"
BIKE = "mode = 'citibike'"
RUSH = "(pickup_hour_of_day between 7 and 9 or pickup_hour_of_day between 16 and 19)"


def _share(num: str, den: str = "true") -> str:
    return f"count(*) filter (where {num}) / nullif(count(*) filter (where {den}), 0)"


def _rate(cond: str, hour_cond: str | None = None) -> str:
    hours = hour_cond or cond
    return (
        f"sum(trip_count) filter (where {cond}) "
        f"/ nullif(count(distinct pickup_hour) filter (where {hours}), 0)"
    )


TRIPS = {
    # volume & demand
    "trips": "count(*)",
    "yellow_taxi_trips": f"count(*) filter (where {YELLOW})",
    "fhv_trips": "count(*) filter (where mode = 'fhv')",
    "citibike_trips": f"count(*) filter (where {BIKE})",
    "taxi_trips": f"count(*) filter (where {TAXI})",
    "yellow_taxi_trip_share": _share(YELLOW),
    "fhv_trip_share": _share("mode = 'fhv'"),
    "citibike_trip_share": _share(BIKE),
    "peak_hour_trip_share": _share(RUSH),
    "weekend_trip_share": _share("isodow(pickup_date) >= 6"),
    "airport_pickup_share": _share(f"{TAXI} and l.is_airport", TAXI),
    "daily_trips": "count(*)",
    "passengers": "sum(passenger_count)",
    "trips_with_passenger_count": "count(passenger_count)",
    "passengers_per_trip": "sum(passenger_count) / nullif(count(passenger_count), 0)",
    "citibike_member_share": _share(f"{BIKE} and member_type = 'member'", BIKE),
    # revenue & fares
    "fare_amount": "sum(fare_amount)",
    "total_revenue": "sum(total_amount)",
    "tip_amount": "sum(tip_amount)",
    "tolls_amount": "sum(tolls_amount)",
    "congestion_surcharge_amount": "sum(congestion_surcharge_amount)",
    "cbd_congestion_fee_amount": "sum(cbd_congestion_fee_amount)",
    "airport_fee_amount": "sum(airport_fee_amount)",
    "fare_per_trip": "sum(fare_amount) / nullif(count(fare_amount), 0)",
    "revenue_per_trip": "sum(total_amount) / nullif(count(fare_amount), 0)",
    "yellow_taxi_distance_miles": f"sum(trip_distance_miles) filter (where {YELLOW})",
    "yellow_taxi_duration_minutes": f"sum(trip_duration_minutes) filter (where {YELLOW})",
    "fare_per_mile": f"sum(fare_amount) / nullif(sum(trip_distance_miles) filter (where {FARED}), 0)",
    "fare_per_minute": f"sum(fare_amount) / nullif(sum(trip_duration_minutes) filter (where {FARED}), 0)",
    "card_fares": "sum(fare_amount) filter (where is_card_payment)",
    "card_tips": "sum(tip_amount) filter (where is_card_payment)",
    "card_tip_rate": "sum(tip_amount) filter (where is_card_payment) "
    "/ nullif(sum(fare_amount) filter (where is_card_payment), 0)",
    "median_fare": "quantile_cont(fare_amount, 0.5)",
    "p90_fare": "quantile_cont(fare_amount, 0.9)",
    "daily_fare_amount": "sum(fare_amount)",
    "daily_total_revenue": "sum(total_amount)",
    # trip efficiency & duration
    "distance_km": "sum(trip_distance_km)",
    "distance_miles": "sum(trip_distance_miles)",
    "duration_hours": "sum(trip_duration_minutes / 60.0)",
    "duration_minutes": "sum(trip_duration_minutes)",
    "timed_trips": "count(*) filter (where trip_duration_minutes is not null)",
    "distanced_trips": "count(*) filter (where trip_distance_km is not null)",
    "distanced_duration_hours": "sum(trip_duration_minutes / 60.0) filter (where trip_distance_km is not null)",
    "avg_trip_distance_km": "sum(trip_distance_km) / count(trip_distance_km)",
    "avg_trip_duration_minutes": "sum(trip_duration_minutes) / count(trip_duration_minutes)",
    "avg_speed_kmh": (
        "sum(trip_distance_km) / nullif(sum(trip_duration_minutes / 60.0) filter (where trip_distance_km is not null), 0)"
    ),
    "median_trip_duration_minutes": "quantile_cont(trip_duration_minutes, 0.5)",
    "p90_trip_duration_minutes": "quantile_cont(trip_duration_minutes, 0.9)",
    "median_trip_distance_km": "quantile_cont(trip_distance_km, 0.5)",
    "short_trips": "count(*) filter (where trip_distance_miles < 1)",
    "long_trips": "count(*) filter (where trip_distance_miles > 10)",
    "short_trip_share": _share("trip_distance_miles < 1"),
    "long_trip_share": _share("trip_distance_miles > 10"),
    "ebike_trips": "count(*) filter (where bike_type = 'electric_bike')",
    "ebike_share": _share(f"{BIKE} and bike_type = 'electric_bike'", BIKE),
    # weather impact (trip level)
    "bike_trips_in_freezing_hours": f"count(*) filter (where {BIKE} and temperature_band = 'freezing')",
    "citibike_share_in_rain": _share(f"{BIKE} and {RAIN}", RAIN),
    "wet_hour_trip_share": _share("is_wet_hour"),
    "adverse_weather_trip_share": _share("is_adverse_weather"),
    "avg_speed_in_rain_kmh": f"sum(trip_distance_km) filter (where {RAIN}) "
    f"/ nullif(sum(trip_duration_minutes / 60.0) filter (where {RAIN}), 0)",
    "fare_per_mile_in_rain": f"sum(fare_amount) filter (where {RAIN}) "
    f"/ nullif(sum(trip_distance_miles) filter (where {FARED} and {RAIN}), 0)",
    # the new modes: market shares, HVFHV economics, service levels, congestion pricing
    "green_taxi_trips": f"count(*) filter (where {GREEN})",
    "hvfhv_trips": f"count(*) filter (where {HV})",
    "green_taxi_trip_share": _share(GREEN),
    "hvfhv_trip_share": _share(HV),
    **{
        f"{company.lower()}_market_share": _share(f"{HV} and company = '{company}'", HV)
        for company in ("Uber", "Lyft", "Via", "Juno")
    },
    "green_street_hail_trips": "count(*) filter (where is_street_hail)",
    "green_street_hail_share": _share(f"{GREEN} and is_street_hail", GREEN),
    "congestion_zone_pickups": "count(*) filter (where is_congestion_zone_pickup)",
    "congestion_zone_dropoffs": "count(*) filter (where is_congestion_zone_dropoff)",
    "congestion_zone_trips": f"count(*) filter (where {ZONE})",
    "congestion_zone_trip_share": _share(ZONE),
    "fared_trips": "count(fare_amount)",
    "fared_distance_miles": f"sum(trip_distance_miles) filter (where {FARED})",
    "fared_duration_minutes": f"sum(trip_duration_minutes) filter (where {FARED})",
    "driver_pay": "sum(driver_pay_amount)",
    "hvfhv_passenger_total": f"sum(total_amount) filter (where {HV})",
    "hvfhv_distance_miles": f"sum(trip_distance_miles) filter (where {HV})",
    "hvfhv_duration_minutes": f"sum(trip_duration_minutes) filter (where {HV})",
    "hvfhv_duration_hours": f"sum(trip_duration_minutes / 60.0) filter (where {HV})",
    "driver_pay_per_mile": f"sum(driver_pay_amount) / nullif(sum(trip_distance_miles) filter (where {HV}), 0)",
    "driver_pay_per_minute": f"sum(driver_pay_amount) / nullif(sum(trip_duration_minutes) filter (where {HV}), 0)",
    "driver_pay_per_trip_hour": f"sum(driver_pay_amount) "
    f"/ nullif(sum(trip_duration_minutes / 60.0) filter (where {HV}), 0)",
    "driver_pay_per_trip": f"sum(driver_pay_amount) / nullif(count(*) filter (where {HV}), 0)",
    "platform_take_rate": f"(sum(total_amount) filter (where {HV}) - sum(driver_pay_amount)) "
    f"/ nullif(sum(total_amount) filter (where {HV}), 0)",
    "hvfhv_tips": f"sum(tip_amount) filter (where {HV})",
    "hvfhv_tip_share": f"sum(tip_amount) filter (where {HV}) / nullif(sum(total_amount) filter (where {HV}), 0)",
    "hvfhv_median_wait_minutes": f"quantile_cont(wait_minutes, 0.5) filter (where {HV})",
    "hvfhv_p90_wait_minutes": f"quantile_cont(wait_minutes, 0.9) filter (where {HV})",
    "shared_ride_requests": "count(*) filter (where is_shared_request)",
    "shared_ride_matches": "count(*) filter (where is_shared_request and is_shared_match)",
    "shared_flag_known_trips": "count(is_shared_request)",
    "shared_ride_request_rate": "count(*) filter (where is_shared_request) / nullif(count(is_shared_request), 0)",
    "shared_ride_match_rate": "count(*) filter (where is_shared_request and is_shared_match) "
    "/ nullif(count(*) filter (where is_shared_request), 0)",
    "wav_requests": "count(*) filter (where is_wav_request)",
    "wav_requests_fulfilled": "count(*) filter (where is_wav_request and is_wav_match)",
    "wav_fulfilment_rate": "count(*) filter (where is_wav_request and is_wav_match) "
    "/ nullif(count(*) filter (where is_wav_request), 0)",
}

DRY = "not is_wet_hour"
SNOW = "weather_condition = 'snow'"
HOURLY = {
    "hourly_trips": "sum(trip_count)",
    "observed_hours": "count(distinct pickup_hour)",
    "trips_per_hour": "sum(trip_count) / count(distinct pickup_hour)",
    "rain_hours": f"count(distinct pickup_hour) filter (where {RAIN})",
    "trips_per_rain_hour": _rate(RAIN),
    "trips_per_snow_hour": _rate(SNOW),
    "trips_per_clear_hour": _rate("weather_condition = 'clear'"),
    "trips_per_dry_hour": _rate(DRY),
    "rain_demand_lift": f"({_rate(RAIN)}) / nullif({_rate(DRY)}, 0) - 1",
    "snow_demand_lift": f"({_rate(SNOW)}) / nullif({_rate(DRY)}, 0) - 1",
    "bike_trips_per_good_cycling_hour": _rate(
        f"{BIKE} and is_good_cycling_weather", "is_good_cycling_weather"
    ),
}

Series = dict[dt.date, float]


def _rolling(days: int) -> Callable[[Series, dt.date], float | None]:
    def value(daily: Series, day: dt.date) -> float | None:
        return sum(daily.get(day - dt.timedelta(days=i), 0) for i in range(days))

    return value


def _month_to_date(daily: Series, day: dt.date) -> float | None:
    return sum(v for d, v in daily.items() if d.year == day.year and d.month == day.month and d <= day)


def _week_ago(daily: Series, day: dt.date) -> float | None:
    return daily.get(day - dt.timedelta(days=7))


def _wow(daily: Series, day: dt.date) -> float | None:
    before = daily.get(day - dt.timedelta(days=7), 0)
    return (daily.get(day, 0) - before) / before if before else None


def _year_earlier(daily: Series, day: dt.date) -> float | None:
    return daily.get(day - dt.timedelta(days=364))


def _yoy(daily: Series, day: dt.date) -> float | None:
    before = daily.get(day - dt.timedelta(days=364), 0)
    return (daily.get(day, 0) - before) / before if before else None


# metric -> (daily base metric in TRIPS, Python window over its daily series)
WINDOWED = {
    "trips_rolling_7d": ("trips", _rolling(7)),
    "trips_month_to_date": ("trips", _month_to_date),
    "trips_previous_week": ("trips", _week_ago),
    "trips_wow_change": ("trips", _wow),
    "fares_month_to_date": ("fare_amount", _month_to_date),
    "revenue_rolling_7d": ("total_revenue", _rolling(7)),
    "congestion_zone_trips_year_earlier": ("congestion_zone_trips", _year_earlier),
    "congestion_zone_trips_yoy_change": ("congestion_zone_trips", _yoy),
}


# Completeness against the publisher: the reconciliation table, dated on each month's first day.
PUBLISHER = {
    "publisher_trips": "sum(publisher_trips)",
    "publisher_reconciled_records": "sum(our_trips) filter (where publisher_trips is not null)",
    "publisher_trip_ratio": (
        "sum(our_trips) filter (where publisher_trips is not null) / nullif(sum(publisher_trips), 0)"
    ),
    # no report figure in a month: no verdict (null), not "inside"
    "publisher_months_outside_tolerance": "sum(case when is_within_tolerance is not null then (not is_within_tolerance)::int end)",
}


def expected_daily(con, metric: str) -> Series:
    """``{day: value}`` for every local day with data, computed by hand."""
    if metric in TRIPS:
        sql = (
            f"select t.pickup_date, ({TRIPS[metric]})::double from fct_trips as t "
            "left join dim_location as l on l.location_id = t.pickup_location_id group by 1"
        )
    elif metric in HOURLY:
        sql = f"select cast(pickup_hour as date), ({HOURLY[metric]})::double from fct_hourly_mobility group by 1"
    elif metric in PUBLISHER:
        sql = (
            f"select cast(source_month || '-01' as date), ({PUBLISHER[metric]})::double "
            "from qa_trips__publisher_reconciliation group by 1"
        )
    else:
        raise KeyError(f"no hand-written SQL for metric {metric!r}")
    return {row[0]: row[1] for row in con.execute(sql).fetchall()}


def expected_windowed(con, metric: str, days: list[dt.date]) -> Series:
    base, window = WINDOWED[metric]
    daily = expected_daily(con, base)
    return {day: window(daily, day) for day in days}


def same(actual: float | None, expected: float | None) -> bool:
    """Equal to a tight tolerance; a missing row, NULL and 0 are the same 'nothing happened'."""
    a = None if actual is None or actual == 0 else float(actual)
    e = None if expected is None or expected == 0 else float(expected)
    if a is None or e is None:
        return a is e
    return math.isclose(a, e, rel_tol=1e-9, abs_tol=1e-9)


def covered_metrics() -> set[str]:
    return set(TRIPS) | set(HOURLY) | set(WINDOWED) | set(PUBLISHER)
