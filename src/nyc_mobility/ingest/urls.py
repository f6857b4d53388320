"""Where each source publishes a month (the registry's URL patterns on a base URL), and which hosts
may be contacted.

Base URLs are configurable per host (mirrors, tests); by default only HTTPS to the official hosts is
allowed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

from nyc_mobility.months import month_bounds, parse_month
from nyc_mobility.sources import RawSource

if TYPE_CHECKING:
    from nyc_mobility.settings import Settings

TLC_BASE = "https://d37ci6vzurychx.cloudfront.net"
CITIBIKE_BASE = "https://s3.amazonaws.com/tripdata"
OPEN_METEO_BASE = "https://archive-api.open-meteo.com"
TLC_REPORTS_BASE = "https://www.nyc.gov/assets/tlc/downloads/csv"
OFFICIAL_HOSTS = frozenset(
    {"d37ci6vzurychx.cloudfront.net", "s3.amazonaws.com", "archive-api.open-meteo.com", "www.nyc.gov"}
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
    tlc_reports_base: str = TLC_REPORTS_BASE
    allowed_hosts: frozenset[str] = field(default=OFFICIAL_HOSTS)
    enforce_allow_list: bool = True
    allowed_schemes: frozenset[str] = frozenset({"https"})

    def check(self, url: str) -> str:
        """Return ``url`` if it may be fetched, else raise :class:`DisallowedHostError`."""
        from nyc_mobility.redaction import redact_url

        parts = urlsplit(url)
        if not self.enforce_allow_list:
            if parts.scheme not in {"http", "https"}:
                raise DisallowedHostError(f"{redact_url(url)}: only http(s) URLs can be downloaded")
            return url
        if parts.scheme not in self.allowed_schemes or parts.hostname not in self.allowed_hosts:
            raise DisallowedHostError(
                f"{redact_url(url)}: not an HTTPS URL on an allowed host "
                f"({', '.join(sorted(self.allowed_hosts))}); "
                "pass allow_any_host / --allow-any-host to override explicitly"
            )
        return url

    def base(self, source: RawSource) -> str:
        return {
            "tlc": self.tlc_base,
            "citibike": self.citibike_base,
            "open_meteo": self.open_meteo_base,
            "tlc_reports": self.tlc_reports_base,
        }[source.host]

    def urls_for(self, source: RawSource, month: str | None = None) -> list[str]:
        """The source's candidate URLs for ``month`` (static sources: ``None``), most specific first.

        Yearly archive patterns (no month in them) come first for the years the source published
        yearly archives (``yearly_archives_until``).
        """
        values: dict[str, str] = {"base": self.base(source)}
        patterns = list(source.url_patterns)
        if month is not None:
            day = parse_month(month)
            values |= {"month": month, "stamp": f"{day.year:04d}{day.month:02d}", "year": f"{day.year:04d}"}
            if any("{open_meteo_query}" in p for p in patterns):
                values["open_meteo_query"] = open_meteo_query(month)
            if source.yearly_archives_until is not None and day.year <= source.yearly_archives_until:
                yearly = [p for p in patterns if "{stamp}" not in p and "{month}" not in p]
                patterns = yearly + [p for p in patterns if p not in yearly]
        return [pattern.format(**values) for pattern in patterns]

    def also_urls_for(self, source: RawSource, month: str) -> list[str]:
        """The month's further archives (``also_published``), landed beside the first when present."""
        day = parse_month(month)
        values = {"base": self.base(source), "month": month, "stamp": f"{day.year:04d}{day.month:02d}"}
        return [pattern.format(**values) for pattern in source.also_published]


def open_meteo_query(month: str) -> str:
    """Open-Meteo archive request for the month in UTC plus one day (local evening hours)."""
    start, end = month_bounds(month)
    return urlencode(
        {
            "latitude": CENTRAL_PARK[0],
            "longitude": CENTRAL_PARK[1],
            "start_date": start.date().isoformat(),
            "end_date": end.date().isoformat(),
            "hourly": ",".join(WEATHER_VARIABLES),
            "timezone": "GMT",
        }
    )


DEFAULT_URLS = SourceUrls()


def urls_of(settings: Settings) -> SourceUrls:
    """Where the official files are fetched from with ``settings``' base URLs (mirrors allowed only
    with ``allow_any_host``)."""
    default = SourceUrls()
    return SourceUrls(
        tlc_base=(settings.tlc_base_url or default.tlc_base).rstrip("/"),
        citibike_base=(settings.citibike_base_url or default.citibike_base).rstrip("/"),
        open_meteo_base=(settings.open_meteo_base_url or default.open_meteo_base).rstrip("/"),
        tlc_reports_base=(settings.tlc_reports_base_url or default.tlc_reports_base).rstrip("/"),
        enforce_allow_list=not settings.allow_any_host,
    )
