"""Where each official source publishes a month, and which hosts may be contacted.

Base URLs are configurable (mirrors, tests); by default only HTTPS to the official hosts is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from nyc_mobility.months import month_bounds, parse_month

TLC_BASE = "https://d37ci6vzurychx.cloudfront.net"
CITIBIKE_BASE = "https://s3.amazonaws.com/tripdata"
OPEN_METEO_BASE = "https://archive-api.open-meteo.com"
OFFICIAL_HOSTS = frozenset(
    {"d37ci6vzurychx.cloudfront.net", "s3.amazonaws.com", "archive-api.open-meteo.com"}
)
CENTRAL_PARK = (40.7831, -73.9712)
WEATHER_VARIABLES = (
    "temperature_2m",
    "apparent_temperature",
    "relative_humidity_2m",
    "dew_point_2m",
    "precipitation",
    "rain",
    "snowfall",
    "snow_depth",
    "weather_code",
    "cloud_cover",
    "wind_speed_10m",
    "wind_gusts_10m",
)


class DisallowedHostError(ValueError):
    """A URL outside the allow-list (or not HTTPS) while the allow-list is enforced."""


@dataclass(frozen=True)
class SourceUrls:
    tlc_base: str = TLC_BASE
    citibike_base: str = CITIBIKE_BASE
    open_meteo_base: str = OPEN_METEO_BASE
    allowed_hosts: frozenset[str] = field(default=OFFICIAL_HOSTS)
    enforce_allow_list: bool = True

    def check(self, url: str) -> str:
        """Return ``url`` if it may be fetched, else raise :class:`DisallowedHostError`."""
        parts = urlsplit(url)
        if not self.enforce_allow_list:
            if parts.scheme not in {"http", "https"}:
                raise DisallowedHostError(f"{url}: only http(s) URLs can be downloaded")
            return url
        if parts.scheme != "https" or parts.hostname not in self.allowed_hosts:
            raise DisallowedHostError(
                f"{url}: not an HTTPS URL on an allowed host ({', '.join(sorted(self.allowed_hosts))}); "
                "pass allow_any_host / --allow-any-host to override explicitly"
            )
        return url

    def tlc_trip_url(self, service: str, month: str) -> str:
        parse_month(month)
        if service not in {"yellow", "fhv", "fhvhv", "green"}:
            raise ValueError(f"unknown TLC service {service!r}")
        return f"{self.tlc_base}/trip-data/{service}_tripdata_{month}.parquet"

    def zone_lookup_url(self) -> str:
        return f"{self.tlc_base}/misc/taxi_zone_lookup.csv"

    def zone_shapes_url(self) -> str:
        return f"{self.tlc_base}/misc/taxi_zones.zip"

    def citibike_urls(self, month: str) -> list[str]:
        """Candidate archives holding the month, most specific first (2022-06/07 are spelled ``citbike``)."""
        day = parse_month(month)
        stamp = f"{day.year:04d}{day.month:02d}"
        monthly = [
            f"{self.citibike_base}/{stamp}-citibike-tripdata.csv.zip",
            f"{self.citibike_base}/{stamp}-citbike-tripdata.csv.zip",
            f"{self.citibike_base}/{stamp}-citibike-tripdata.zip",
            f"{self.citibike_base}/{stamp}-citbike-tripdata.zip",
        ]
        yearly = [f"{self.citibike_base}/{day.year:04d}-citibike-tripdata.zip"]
        return monthly + yearly if day.year >= 2024 else yearly + monthly

    def weather_url(self, month: str) -> str:
        """Open-Meteo archive request for the month in UTC plus one day (local evening hours)."""
        start, end = month_bounds(month)
        query = urlencode(
            {
                "latitude": CENTRAL_PARK[0],
                "longitude": CENTRAL_PARK[1],
                "start_date": start.date().isoformat(),
                "end_date": end.date().isoformat(),
                "hourly": ",".join(WEATHER_VARIABLES),
                "timezone": "GMT",
            }
        )
        return f"{self.open_meteo_base}/v1/archive?{query}"


DEFAULT_URLS = SourceUrls()
