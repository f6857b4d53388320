"""Published findings beside the same figures computed from the user's data: the TLC's first month
of congestion pricing and the rain demand lift of Brodeur & Nield (2018). Each finding names its
source; ours come from the governed metrics and are labelled synthetic when the data is the sample.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nyc_mobility.metrics import MetricsService

TLC_CONGESTION = (
    "NYC TLC, congestion pricing's first month (data brief, 2025): January 5-31 2025 against the same "
    "days of 2024"
)
BRODEUR_NIELD = (
    "Brodeur, A. and Nield, K. (2018), An empirical analysis of taxi, Lyft and Uber rides: Evidence "
    "from weather shocks in NYC, Journal of Economic Behavior & Organization 152"
)


@dataclass(frozen=True)
class Finding:
    """One published figure and ours (None: the data does not cover it)."""

    what: str
    published: float
    ours: float | None
    source: str
    why_missing: str = ""


def _change(service: MetricsService, metric: str, group: str, value: str) -> float | None:
    """January 5-31 2025 against January 5-31 2024, of ``metric`` where ``group`` is ``value``."""
    counts = []
    for year in (2024, 2025):
        rows = service.query([metric], [group], start=dt.date(year, 1, 5), end=dt.date(year, 1, 31)).rows
        counts.append(next((r[1] for r in rows if r[0] == value), None))
    before, after = counts
    return after / before - 1 if before and after is not None else None


def congestion_findings(service: MetricsService) -> list[Finding]:
    missing = "needs trips of January 2024 and January 2025"
    return [
        Finding(
            "Taxi trips to, from or within the Congestion Relief Zone (yellow)",
            0.19,
            _change(service, "congestion_zone_trips", "mode", "yellow_taxi"),
            TLC_CONGESTION,
            missing,
        ),
        Finding(
            "High-volume for-hire trips to, from or within the zone",
            -0.034,
            _change(service, "congestion_zone_trips", "mode", "hvfhv"),
            TLC_CONGESTION,
            missing,
        ),
        Finding(
            "Yellow taxi trips, citywide",
            0.17,
            _change(service, "trips", "mode", "yellow_taxi"),
            TLC_CONGESTION,
            missing,
        ),
        Finding(
            "High-volume for-hire trips, citywide",
            0.038,
            _change(service, "trips", "mode", "hvfhv"),
            TLC_CONGESTION,
            missing,
        ),
    ]


def rain_findings(service: MetricsService, bounds: dict[str, dt.date | None]) -> list[Finding]:
    by_company = dict(service.query(["rain_demand_lift"], ["hourly_mobility__company"], **bounds).rows)
    by_mode = dict(service.query(["rain_demand_lift"], ["mode"], **bounds).rows)
    missing = "needs rainy and dry hours with trips"
    return [
        Finding("Uber trips per rainy hour vs dry", 0.22, by_company.get("Uber"), BRODEUR_NIELD, missing),
        Finding("Lyft trips per rainy hour vs dry", 0.19, by_company.get("Lyft"), BRODEUR_NIELD, missing),
        Finding(
            "Yellow taxi trips per rainy hour vs dry",
            0.05,
            by_mode.get("yellow_taxi"),
            BRODEUR_NIELD,
            missing,
        ),
    ]


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:+.1%}"


def findings_html(findings: list[Finding], *, synthetic: bool) -> str:
    """The findings as a table: the published figure, its source and ours."""
    label = "yours (synthetic sample)" if synthetic else "yours"
    note = (
        "<p class='meta'><strong>These figures come from the embedded synthetic sample</strong>, not from "
        "the TLC's records: the sample's demand model was written with the published rain response in "
        "mind, so agreement here proves nothing about the city. Point the pipeline at the official files "
        "(<code>nyc-mobility ingest</code>) for figures that do.</p>"
        if synthetic
        else ""
    )
    rows = "\n".join(
        f"<tr><td>{html.escape(f.what)}</td><td class='num'>{_percent(f.published)}</td>"
        f"<td class='num' title='{html.escape(f.why_missing if f.ours is None else '')}'>{_percent(f.ours)}"
        f"{'' if f.ours is not None else ' <span class=meta>(' + html.escape(f.why_missing) + ')</span>'}</td>"
        f"<td class='meta'>{html.escape(f.source)}</td></tr>"
        for f in findings
    )
    return (
        f"{note}<table><thead><tr><th>finding</th><th>published</th><th>{label}</th><th>source</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )
