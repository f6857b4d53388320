"""Taxi zones for the embedded sample.

The borough of each of the 265 TLC LocationIDs (in the official order, one letter each) lets the
sample put trips in the right boroughs. Well-known zones carry their official names; the others
get a placeholder name (``Queens zone 7``) — `nyc-mobility ingest` lands the official lookup.
"""

from __future__ import annotations

import csv
from pathlib import Path

_BOROUGH_CODES = (
    "EQXMSSQQQQBMMBQQBXQXBBSMBBQQBQXXBBBBBQBBMMMSMXXMBMXBQBBQQXXXBBBQBBBMXQBBQMMBBXMBXQQSBQMMBMBQQX"
    "QQBQSMQQMMMBMBSSBBMMSMQSXMQQBQMXMMQQQQBQQXMQQMMMMMQQXMBBMMMBBSQMXQMMMMBMXXXMQSQXQSBBQQBXXXXMSB"
    "BBQQQMBQQQXXQMQSQSQXMBMXXSQQBQQXSBQMBQBBMMMMMMXMMMMXXXMMSMXXMXSQQXBBBQXQMMMUU"
)
_BOROUGHS = {
    "E": "EWR",
    "Q": "Queens",
    "X": "Bronx",
    "M": "Manhattan",
    "S": "Staten Island",
    "B": "Brooklyn",
}
NAMED_ZONES = {
    1: "Newark Airport",
    43: "Central Park",
    48: "Clinton East",
    68: "East Chelsea",
    79: "East Village",
    132: "JFK Airport",
    138: "LaGuardia Airport",
    161: "Midtown Center",
    162: "Midtown East",
    186: "Penn Station/Madison Sq West",
    230: "Times Sq/Theatre District",
    236: "Upper East Side North",
    237: "Upper East Side South",
    261: "World Trade Center",
}
AIRPORT_ZONES = (1, 132, 138)
# Zones where most Manhattan taxi demand is: weights for the sample's pickups.
BUSY_MANHATTAN = (161, 162, 230, 236, 237, 48, 68, 79, 186, 43, 261, 142, 239, 170, 234, 100)


def zone_table() -> list[tuple[int, str, str, str]]:
    """(LocationID, Borough, Zone, service_zone) rows as in the official lookup."""
    rows = []
    counters: dict[str, int] = {}
    for location_id, code in enumerate(_BOROUGH_CODES, start=1):
        if code == "U":
            rows.append(
                (
                    location_id,
                    "Unknown" if location_id == 264 else "N/A",
                    "N/A" if location_id == 264 else "Outside of NYC",
                    "N/A",
                )
            )
            continue
        borough = _BOROUGHS[code]
        counters[borough] = counters.get(borough, 0) + 1
        name = NAMED_ZONES.get(location_id, f"{borough} zone {counters[borough]}")
        if location_id == 1:
            service = "EWR"
        elif location_id in AIRPORT_ZONES:
            service = "Airports"
        elif borough == "Manhattan":
            service = "Yellow Zone"
        else:
            service = "Boro Zone"
        rows.append((location_id, borough, name, service))
    return rows


def zones_by_borough() -> dict[str, list[int]]:
    result: dict[str, list[int]] = {}
    for location_id, borough, _, _ in zone_table():
        result.setdefault(borough, []).append(location_id)
    return result


def write_zone_lookup(path: Path) -> Path:
    """Write the lookup as the TLC publishes it: quoted header and text, CRLF line ends."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
        writer.writerow(["LocationID", "Borough", "Zone", "service_zone"])
        writer.writerows(zone_table())
    return path
