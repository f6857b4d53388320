"""Hourly Central Park weather in the Open-Meteo archive API's JSON shape.

Each month's response covers the UTC days of that month plus the first day of the next one,
exactly as the downloader requests it, so every New York local hour of the month (which ends
4-5 h after the UTC month) has weather. Overlapping hours are de-duplicated downstream.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from nyc_mobility.months import month_bounds

if TYPE_CHECKING:
    from nyc_mobility.sample.context import SampleMonth

# Central Park monthly mean temperature (°C), January first.
MONTHLY_MEAN_C = (0.5, 1.6, 5.6, 11.7, 17.2, 22.4, 25.3, 24.7, 20.9, 14.6, 8.7, 3.4)
UNITS = {
    "time": "iso8601",
    "temperature_2m": "°C",
    "apparent_temperature": "°C",
    "relative_humidity_2m": "%",
    "dew_point_2m": "°C",
    "precipitation": "mm",
    "rain": "mm",
    "snowfall": "cm",
    "snow_depth": "m",
    "weather_code": "wmo code",
    "cloud_cover": "%",
    "wind_speed_10m": "km/h",
    "wind_gusts_10m": "km/h",
}


@dataclass(frozen=True)
class HourlyWeather:
    """Weather for consecutive UTC hours starting at ``start_utc``."""

    start_utc: dt.datetime
    temperature: np.ndarray
    precipitation: np.ndarray
    snowfall: np.ndarray
    cloud_cover: np.ndarray
    wind_speed: np.ndarray
    humidity: np.ndarray

    def at(self, when_utc: dt.datetime) -> tuple[float, float]:
        """(temperature °C, precipitation mm) of the UTC hour containing ``when_utc``."""
        i = int((when_utc - self.start_utc).total_seconds() // 3600)
        i = min(max(i, 0), len(self.temperature) - 1)
        return float(self.temperature[i]), float(self.precipitation[i])


def simulate(start_utc: dt.datetime, hours: int, seed: int) -> HourlyWeather:
    """A plausible hourly series: seasonal and diurnal cycles, AR(1) noise, rain spells."""
    rng = np.random.default_rng(seed)
    times = [start_utc + dt.timedelta(hours=h) for h in range(hours)]
    month_mean = np.array([MONTHLY_MEAN_C[t.month - 1] for t in times])
    local_hour = np.array([(t.hour - 5) % 24 for t in times])
    diurnal = 4.0 * np.cos((local_hour - 15) / 24 * 2 * np.pi)
    noise = np.zeros(hours)
    for h in range(1, hours):
        noise[h] = 0.97 * noise[h - 1] + rng.normal(0, 0.6)
    temperature = month_mean + diurnal + noise
    wet = np.zeros(hours, dtype=bool)
    for h in range(1, hours):
        wet[h] = rng.random() < (0.78 if wet[h - 1] else 0.035)
    intensity = rng.gamma(1.3, 1.1, hours)
    precipitation = np.where(wet, np.round(intensity, 1), 0.0)
    precipitation = np.where(wet & (precipitation == 0), 0.1, precipitation)
    snowfall = np.where(temperature < 0.5, np.round(precipitation * 0.7, 2), 0.0)
    cloud_cover = np.clip(np.where(wet, 95, rng.normal(45, 30, hours)), 0, 100).round()
    wind_speed = np.round(rng.gamma(3.0, 4.0, hours) + np.where(wet, 6, 0), 1)
    humidity = np.clip(np.where(wet, 92, 60 + rng.normal(0, 12, hours)), 15, 100).round()
    return HourlyWeather(
        start_utc,
        np.round(temperature, 1),
        precipitation,
        snowfall,
        cloud_cover,
        wind_speed,
        humidity,
    )


def weather_code(precipitation: float, snowfall: float, cloud_cover: float) -> int:
    """WMO weather interpretation code as Open-Meteo reports it."""
    if snowfall > 0:
        return 71 if snowfall < 1 else 73 if snowfall < 3 else 75
    if precipitation > 0:
        return 51 if precipitation < 0.5 else 61 if precipitation < 2.5 else 63 if precipitation < 7.6 else 65
    return 0 if cloud_cover < 20 else 1 if cloud_cover < 50 else 2 if cloud_cover < 80 else 3


def response_for_month(month: str, seed: int) -> tuple[dict, HourlyWeather]:
    """The archive API response for one month (UTC, metric), and the series behind it."""
    start, end = month_bounds(month)
    hours = int((end - start).total_seconds() // 3600) + 24
    series = simulate(start, hours, seed)
    t = series.temperature
    dew = np.round(t - (100 - series.humidity) / 5, 1)
    apparent = np.round(t - 0.12 * series.wind_speed + np.where(t > 26, 0.1 * (series.humidity - 40), 0), 1)
    depth = np.round(np.cumsum(series.snowfall) / 100 * 0.6, 2)
    hourly = {
        "time": [(start + dt.timedelta(hours=h)).strftime("%Y-%m-%dT%H:%M") for h in range(hours)],
        "temperature_2m": t.tolist(),
        "apparent_temperature": apparent.tolist(),
        "relative_humidity_2m": series.humidity.astype(int).tolist(),
        "dew_point_2m": dew.tolist(),
        "precipitation": series.precipitation.tolist(),
        "rain": np.where(series.snowfall > 0, 0.0, series.precipitation).tolist(),
        "snowfall": series.snowfall.tolist(),
        "snow_depth": depth.tolist(),
        "weather_code": [
            weather_code(p, s, c)
            for p, s, c in zip(series.precipitation, series.snowfall, series.cloud_cover, strict=True)
        ],
        "cloud_cover": series.cloud_cover.astype(int).tolist(),
        "wind_speed_10m": series.wind_speed.tolist(),
        "wind_gusts_10m": np.round(series.wind_speed * 1.8, 1).tolist(),
    }
    response = {
        "latitude": 40.78858,
        "longitude": -73.9661,
        "generationtime_ms": 1.2,
        "utc_offset_seconds": 0,
        "timezone": "GMT",
        "timezone_abbreviation": "GMT",
        "elevation": 36.0,
        "hourly_units": UNITS,
        "hourly": hourly,
    }
    return response, series


def write_response(response: dict, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(response, separators=(",", ":")), encoding="utf-8")
    return path


def write_published(folder: Path, sample: SampleMonth) -> Path:
    """The month's Open-Meteo archive response, as the downloader lands it."""
    return write_response(sample.weather_response, Path(folder) / f"open_meteo_{sample.month}.json")
