"""The weather-impact report: one static, self-contained HTML file rendered from the governed metrics.

Every number comes from ``nyc_mobility.metrics`` (so from the same definitions as the KPI table and
``mf``); the charts are Plotly figures with plotly.js embedded once, so the file opens offline.
The report covers the latest ``months`` calendar months with trips (``report_months``), so its cost
and memory do not grow with the history; the ``daily_weather_report`` schedule renders it when the
snapshot changed, outside the builds.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nyc_mobility.metrics import MetricsService

# One colour per mode, in the registry's order of trip sources.
PALETTE = ("#e6a700", "#5b6abf", "#0a8f6a", "#c0392b", "#2e86c1", "#7d3c98", "#616a6b")
BANDS = ("freezing", "cold", "mild", "warm", "hot")
INTENSITIES = ("none", "light", "moderate", "heavy")
HEADLINE_TABLE = (
    "trips",
    "trips_per_hour",
    "trips_per_rain_hour",
    "trips_per_dry_hour",
    "rain_demand_lift",
    "snow_demand_lift",
    "citibike_share_in_rain",
    "wet_hour_trip_share",
    "avg_speed_kmh",
    "avg_speed_in_rain_kmh",
    "fare_per_mile",
    "fare_per_mile_in_rain",
    "hvfhv_trip_share",
    "platform_take_rate",
)
# The governed share metric of each mode (the market-share chart stacks them per month).
MODE_SHARES = {
    "yellow_taxi": "yellow_taxi_trip_share",
    "green_taxi": "green_taxi_trip_share",
    "fhv": "fhv_trip_share",
    "hvfhv": "hvfhv_trip_share",
    "citibike": "citibike_trip_share",
}


def mode_styles() -> dict[str, tuple[str, str]]:
    """(label, colour) of every trip mode of the source registry."""
    from nyc_mobility.sources import modes

    return {mode: (label, PALETTE[i % len(PALETTE)]) for i, (mode, label) in enumerate(modes().items())}


@dataclass(frozen=True)
class Chart:
    title: str
    caption: str
    figure: object  # plotly.graph_objects.Figure


def _grouped_bars(rows, categories, title, y_title):
    import plotly.graph_objects as go

    figure = go.Figure()
    for mode, (label, colour) in mode_styles().items():
        values = {cat: value for cat, m, value in rows if m == mode}
        present = [c for c in categories if c in values]
        figure.add_bar(name=label, x=present, y=[values[c] for c in present], marker_color=colour)
    figure.update_layout(
        barmode="group", title=title, yaxis_title=y_title, template="plotly_white", height=380
    )
    return figure


@dataclass(frozen=True)
class Window:
    """The report's days (inclusive); ``None`` when the snapshot has no trips."""

    start: dt.date | None = None
    end: dt.date | None = None

    @property
    def bounds(self) -> dict[str, dt.date | None]:
        return {"start": self.start, "end": self.end}


def report_window(service: MetricsService, months: int) -> Window:
    """The latest ``months`` calendar months with trips, from their first to their last trip day."""
    if months < 1:
        raise ValueError(f"a report covers at least one month, not {months}")
    by_month = [row[0] for row in service.query(["trips"], ["metric_time__month"]).rows if row[1]]
    if not by_month:
        return Window()
    last = by_month[-1]
    index = last.year * 12 + last.month - 1 - (months - 1)
    first_month = dt.date(index // 12, index % 12 + 1, 1)
    days = service.query(["trips"], ["metric_time__day"], start=first_month).rows
    days = [row[0] for row in days if row[1]]
    return Window(_as_date(days[0]), _as_date(days[-1]))


def _as_date(value: dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def charts(service: MetricsService, window: Window = Window()) -> list[Chart]:
    """The report's figures, each from one metric query over the window."""
    import plotly.graph_objects as go

    bounds = window.bounds
    by_band = service.query(["trips_per_hour"], ["weather_hour__temperature_band", "mode"], **bounds).rows
    by_rain = service.query(
        ["trips_per_hour"], ["weather_hour__precipitation_intensity", "mode"], **bounds
    ).rows
    lift = service.query(["rain_demand_lift", "snow_demand_lift"], ["mode"], **bounds).rows
    profile = service.query(
        ["trips_per_hour"], ["clock_hour", "weather_hour__is_wet_day", "mode"], **bounds
    ).rows

    styles = mode_styles()
    lift_figure = go.Figure()
    for column, name in ((1, "Rain"), (2, "Snow")):
        lift_figure.add_bar(
            name=name,
            x=[styles[r[0]][0] if r[0] in styles else r[0] for r in lift],
            y=[None if r[column] is None else 100 * r[column] for r in lift],
        )
    lift_figure.update_layout(
        barmode="group",
        title="Demand lift vs dry hours (%)",
        yaxis_title="% change in trips per hour",
        template="plotly_white",
        height=380,
    )

    shares = service.query(list(MODE_SHARES.values()), ["metric_time__month"], **bounds).rows
    share_figure = go.Figure()
    for index, mode in enumerate(MODE_SHARES):
        label, colour = styles.get(mode, (mode, PALETTE[0]))
        share_figure.add_bar(
            name=label,
            x=[f"{row[0]:%Y-%m}" for row in shares],
            y=[None if row[index + 1] is None else 100 * row[index + 1] for row in shares],
            marker_color=colour,
        )
    share_figure.update_layout(
        barmode="stack",
        title="Market share by mode (%)",
        yaxis_title="% of trips",
        template="plotly_white",
        height=380,
    )
    by_company = service.query(["rain_demand_lift"], ["hourly_mobility__company"], **bounds).rows
    company_figure = go.Figure()
    company_figure.add_bar(
        x=[row[0] for row in by_company if row[1] is not None],
        y=[100 * row[1] for row in by_company if row[1] is not None],
        marker_color=PALETTE[3],
    )
    company_figure.update_layout(
        title="Rain demand lift by company (%)",
        yaxis_title="% change in trips per hour",
        template="plotly_white",
        height=380,
    )

    profile_figure = go.Figure()
    for mode, (label, colour) in styles.items():
        for wet, dash in ((False, "solid"), (True, "dot")):
            points = sorted((h, v) for h, w, m, v in profile if m == mode and w is wet)
            profile_figure.add_scatter(
                name=f"{label}, {'wet' if wet else 'dry'} days",
                x=[h for h, _ in points],
                y=[v for _, v in points],
                mode="lines",
                line={"dash": dash, "color": colour},
            )
    profile_figure.update_layout(
        title="Hourly profile: wet vs dry days",
        xaxis_title="hour of day (local)",
        yaxis_title="trips per hour",
        template="plotly_white",
        height=420,
    )
    return [
        Chart(
            "Trips per hour by temperature",
            "Average trips started per hour, by mode and the hour's temperature band.",
            _grouped_bars(by_band, BANDS, "Trips per hour by temperature band", "trips per hour"),
        ),
        Chart(
            "Trips per hour by precipitation",
            "Average trips started per hour, by mode and the hour's precipitation intensity.",
            _grouped_bars(by_rain, INTENSITIES, "Trips per hour by precipitation", "trips per hour"),
        ),
        Chart(
            "Rain and snow demand lift",
            "Trips per rain (snow) hour / trips per dry hour - 1, by mode. Empty where no such hour.",
            lift_figure,
        ),
        Chart(
            "Market share by mode",
            "Each mode's share of all trips per month (Uber, Lyft, Via and Juno together as high-volume for-hire).",
            share_figure,
        ),
        Chart(
            "Rain demand lift by company",
            "Trips per rain hour / trips per dry hour - 1 for each high-volume for-hire company and every other "
            "mode. Published research reports about +22 % Uber, +19 % Lyft and +5 % taxi per rainy hour.",
            company_figure,
        ),
        Chart(
            "Wet vs dry days",
            "Trips per hour at each local hour of the day, on days with and without precipitation.",
            profile_figure,
        ),
    ]


def _format(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 100 else f"{value:,.1f}"
    return f"{value:,}" if isinstance(value, int) else html.escape(str(value))


def headline_table(service: MetricsService, window: Window = Window()) -> str:
    from nyc_mobility.metrics import list_metrics

    labels = {m.name: (m.label, m.description) for m in list_metrics()}
    result = service.query(list(HEADLINE_TABLE), **window.bounds)
    values = dict(zip(result.columns, result.rows[0], strict=True)) if result.rows else {}
    rows = "\n".join(
        f"<tr><td title='{html.escape(labels[name][1])}'>{html.escape(labels[name][0])}</td>"
        f"<td><code>{name}</code></td><td class='num'>{_format(values.get(name))}</td></tr>"
        for name in HEADLINE_TABLE
    )
    return f"<table><thead><tr><th>metric</th><th>name</th><th>value</th></tr></thead><tbody>{rows}</tbody></table>"


def render(service: MetricsService, months: int = 12, *, synthetic: bool = False) -> str:
    """The whole report over the latest ``months`` months with trips, as one HTML document
    (plotly.js inlined once); ``synthetic``: the data is the embedded sample, and says so."""
    from nyc_mobility.metrics.findings import congestion_findings, findings_html, rain_findings

    window = report_window(service, months)
    published = congestion_findings(service) + rain_findings(service, window.bounds)
    period = f"{window.start:%Y-%m-%d} to {window.end:%Y-%m-%d}" if window.start else "no data"
    sections = []
    for index, chart in enumerate(charts(service, window)):
        body = chart.figure.to_html(full_html=False, include_plotlyjs=index == 0, div_id=f"chart-{index}")
        sections.append(
            f"<section class='chart'><h2>{html.escape(chart.title)}</h2>"
            f"<p>{html.escape(chart.caption)}</p>{body}</section>"
        )
    generated = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>NYC mobility: weather impact</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; }}
table {{ border-collapse: collapse; margin: 1rem 0; }} td, th {{ padding: .3rem .8rem; border-bottom: 1px solid #ddd; }}
td.num {{ text-align: right; font-variant-numeric: tabular-nums; }} .meta {{ color: #666; }}
</style></head><body>
<h1>Weather impact on NYC mobility</h1>
<p class="meta">Trips from {period} (the latest {months} month{"s" if months > 1 else ""} with trips),
from the governed metrics of the serving snapshot.
Generated {generated} by nyc-mobility.</p>
<h2>Headline metrics</h2>
{headline_table(service, window)}
<h2>Published findings beside yours</h2>
{findings_html(published, synthetic=synthetic)}
{"".join(sections)}
</body></html>
"""


def write_report(service: MetricsService, output: Path, months: int = 12, *, synthetic: bool = False) -> Path:
    """Render the latest ``months`` months and write atomically (a reader never sees half a report;
    two writers never share a temporary file)."""
    from nyc_mobility.raw import atomic_path

    output = Path(output)
    page = render(service, months, synthetic=synthetic)
    with atomic_path(output) as tmp:
        tmp.write_text(page, encoding="utf-8")
        tmp.chmod(0o644)
    return output
