"""How many trips start in each local hour: daily profiles, weekly and seasonal cycles, weather.

Volumes at ``scale=1.0`` are real monthly volumes: each TLC mode's trips of the month as the TLC's
own monthly report states them (:mod:`nyc_mobility.sample.volumes`; about 3.8 M yellow, 56 k green,
1.7 M FHV and 20 M high-volume for-hire trips in 2024-10), spread over the month's hours by the
profiles and the weather; Citi Bike (not in the report) about 3.5 M a month before its seasonal
cycle. The demo uses a small fraction of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np

from nyc_mobility.months import month_bounds
from nyc_mobility.sample.weather import HourlyWeather

NEW_YORK = ZoneInfo("America/New_York")
UTC = dt.timezone.utc
# Citi Bike's volume before its seasonal cycle (the TLC modes' come from the report, sample.volumes).
CITIBIKE_MONTHLY_VOLUME = 3_500_000
# Green taxis keep the street-hail rhythm of yellow ones; the app-dispatched services that of FHV.
_PROFILE_OF = {"green_taxi": "yellow_taxi", "hvfhv": "fhv"}
# More taxi and for-hire demand in a wet hour (published research: about +5 % taxi, +19 % Lyft,
# +22 % Uber per rainy hour); Citi Bike has its own, falling, response below.
RAIN_LIFT = {"yellow_taxi": 1.12, "green_taxi": 1.05, "fhv": 1.08, "hvfhv": 1.2}

_WEEKDAY = {
    "yellow_taxi": (
        0.45,
        0.3,
        0.2,
        0.15,
        0.15,
        0.25,
        0.6,
        1.0,
        1.25,
        1.2,
        1.1,
        1.1,
        1.15,
        1.15,
        1.2,
        1.25,
        1.3,
        1.45,
        1.6,
        1.55,
        1.4,
        1.3,
        1.15,
        0.8,
    ),
    "fhv": (
        0.7,
        0.5,
        0.4,
        0.35,
        0.4,
        0.55,
        0.8,
        1.05,
        1.2,
        1.05,
        0.95,
        0.95,
        1.0,
        1.0,
        1.05,
        1.15,
        1.2,
        1.3,
        1.35,
        1.3,
        1.25,
        1.2,
        1.1,
        0.9,
    ),
    "citibike": (
        0.15,
        0.08,
        0.05,
        0.04,
        0.06,
        0.25,
        0.7,
        1.5,
        2.0,
        1.3,
        0.9,
        0.95,
        1.05,
        1.05,
        1.1,
        1.35,
        1.8,
        2.2,
        1.75,
        1.25,
        0.9,
        0.65,
        0.45,
        0.28,
    ),
}
_WEEKEND = {
    "yellow_taxi": (
        0.9,
        0.75,
        0.55,
        0.4,
        0.25,
        0.2,
        0.25,
        0.35,
        0.55,
        0.8,
        1.0,
        1.15,
        1.2,
        1.2,
        1.2,
        1.2,
        1.2,
        1.25,
        1.3,
        1.3,
        1.25,
        1.2,
        1.15,
        1.0,
    ),
    "fhv": (
        1.2,
        1.1,
        0.95,
        0.8,
        0.55,
        0.4,
        0.4,
        0.5,
        0.65,
        0.8,
        0.95,
        1.05,
        1.1,
        1.1,
        1.1,
        1.1,
        1.1,
        1.15,
        1.2,
        1.25,
        1.25,
        1.3,
        1.3,
        1.25,
    ),
    "citibike": (
        0.3,
        0.2,
        0.12,
        0.08,
        0.06,
        0.1,
        0.2,
        0.4,
        0.7,
        1.05,
        1.35,
        1.6,
        1.75,
        1.8,
        1.8,
        1.75,
        1.65,
        1.5,
        1.25,
        0.95,
        0.7,
        0.55,
        0.45,
        0.35,
    ),
}
_WEEKDAY_LEVEL = {"yellow_taxi": 1.0, "fhv": 1.0, "citibike": 1.05}
_WEEKEND_LEVEL = {"yellow_taxi": 0.85, "fhv": 1.1, "citibike": 0.85}
_BIKE_SEASON = (0.45, 0.5, 0.7, 0.9, 1.1, 1.2, 1.25, 1.25, 1.2, 1.1, 0.85, 0.6)


@dataclass(frozen=True)
class MonthHours:
    """The local (New York, naive) hours of a month and the weather of each."""

    starts: list[dt.datetime]
    temperature: np.ndarray
    precipitation: np.ndarray


def month_hours(month: str, weather: HourlyWeather) -> MonthHours:
    """Every wall-clock hour of the month; the spring-forward hour does not exist and is left out."""
    start, end = month_bounds(month)
    starts, temps, precs = [], [], []
    current = start
    while current < end:
        local = current.replace(tzinfo=NEW_YORK)
        as_utc = local.astimezone(UTC)
        if as_utc.astimezone(NEW_YORK).replace(tzinfo=None) == current:  # skips 02:00 in March
            t, p = weather.at(as_utc.replace(tzinfo=None))
            starts.append(current)
            temps.append(t)
            precs.append(p)
        current += dt.timedelta(hours=1)
    return MonthHours(starts, np.array(temps), np.array(precs))


def weather_factor(
    mode: str, temperature: np.ndarray, precipitation: np.ndarray, rain_lift: float | None = None
) -> np.ndarray:
    if mode == "citibike":
        rain = np.where(precipitation >= 0.5, 0.35, np.where(precipitation > 0, 0.65, 1.0))
        cold = np.select(
            [temperature < 0, temperature < 5, temperature < 10, temperature > 32],
            [0.45, 0.65, 0.85, 0.8],
            1.0,
        )
        return rain * cold
    lift = rain_lift if rain_lift is not None else RAIN_LIFT[mode]
    return np.where(precipitation > 0, lift, 1.0)


def hourly_counts(
    mode: str,
    hours: MonthHours,
    scale: float,
    rng: np.random.Generator,
    *,
    share: float = 1.0,
    rain_lift: float | None = None,
) -> np.ndarray:
    """Poisson trip counts for each local hour of the month (``share`` of the mode's volume, e.g.
    one company's, with its own response to rain)."""
    weekend = np.array([h.weekday() >= 5 for h in hours.starts])
    hour_of_day = np.array([h.hour for h in hours.starts])
    shape = _PROFILE_OF.get(mode, mode)
    profile = np.where(
        weekend,
        np.array(_WEEKEND[shape])[hour_of_day] * _WEEKEND_LEVEL[shape],
        np.array(_WEEKDAY[shape])[hour_of_day] * _WEEKDAY_LEVEL[shape],
    )
    profile = profile / profile.mean()
    weights = profile * weather_factor(mode, hours.temperature, hours.precipitation, rain_lift)
    return rng.poisson(expected_counts(mode, hours, scale, weights, share=share))


def expected_counts(
    mode: str, hours: MonthHours, scale: float, weights: np.ndarray, *, share: float = 1.0
) -> np.ndarray:
    """The expected trips of each hour: a TLC mode's month holds the report's trips (x ``scale`` x
    ``share``), spread by ``weights`` (profile and weather: rain moves trips into wet hours); Citi
    Bike's follows its seasonal cycle."""
    from nyc_mobility.sample.volumes import monthly_trips

    first = hours.starts[0]
    trips = monthly_trips(mode, f"{first.year:04d}-{first.month:02d}")
    if trips is None:
        season = _BIKE_SEASON[first.month - 1] if mode == "citibike" else 1.0
        return CITIBIKE_MONTHLY_VOLUME * share * scale * season * weights / len(weights)
    return trips * share * scale * weights / weights.sum()


def trip_starts(
    hours: MonthHours, counts: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Start timestamps (datetime64[ms]) spread uniformly within each hour, sorted, and the hour index."""
    hour_index = np.repeat(np.arange(len(hours.starts)), counts)
    base = np.array(hours.starts, dtype="datetime64[ms]")[hour_index]
    offsets = rng.integers(0, 3_600_000, size=hour_index.size).astype("timedelta64[ms]")
    starts = base + offsets
    order = np.argsort(starts, kind="stable")
    return starts[order], hour_index[order]
