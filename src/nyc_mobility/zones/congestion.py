"""The Congestion Relief Zone (congestion pricing, from 2025-01-05) as TLC taxi zones.

The zone is Manhattan south of and including 60th Street (the MTA's Central Business District
Tolling Program). TLC trip records carry zones, not streets, so the package ships the zones inside
it as a dbt seed (``dbt_project/seeds/congestion_relief_zones.csv``), derived from the official zone
shapes by :func:`classify`:

* 60th Street is the straight line through its crossings of Central Park West (40.7695 N,
  73.9807 W) and Lexington Avenue (40.7638 N, 73.9677 W), extended to both rivers (the street grid
  is straight there: the line meets the Hudson near 40.775 N and the East River near 40.760 N);
* a Manhattan zone is inside when at least half of its area lies on or south of that line;
* zones on islands off the street grid (Governor's, Ellis and Liberty Islands, Roosevelt Island)
  are outside, as are zones without a polygon;
* zones that the line cuts (between 5 % and 95 % of their area south of it) are *edge* zones: the
  seed records the fraction so analysts can see how much of an edge zone the toll covers.

The excluded highways (FDR Drive, West Side Highway, the Battery Park underpass) run along zones,
not through them, so they do not change the zone list; trips that only use them are a known
limit of a zone-level flag.
"""

from __future__ import annotations

import csv
import functools
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SIXTIETH_STREET = ((40.7695, -73.9807), (40.7638, -73.9677))  # (lat, lon): CPW, Lexington Ave
OFF_GRID_ISLANDS = {
    103: "Governor's/Ellis/Liberty Islands",
    104: "Ellis Island",
    105: "Liberty Island",
    202: "Roosevelt Island",
}
EDGE_LOW, EDGE_HIGH = 0.05, 0.95
SEED_COLUMNS = (
    "location_id",
    "zone_name",
    "share_south_of_60th_street",
    "in_congestion_relief_zone",
    "is_edge_zone",
)


@dataclass(frozen=True)
class ZoneShare:
    location_id: int
    zone_name: str
    share_south: float

    @property
    def inside(self) -> bool:
        return self.share_south >= 0.5 and self.location_id not in OFF_GRID_ISLANDS

    @property
    def edge(self) -> bool:
        return EDGE_LOW < self.share_south < EDGE_HIGH


def south_of_sixtieth(lat: float, lon: float) -> bool:
    """Whether a WGS84 point lies on or south of the 60th Street line."""
    (lat1, lon1), (lat2, lon2) = SIXTIETH_STREET
    slope = (lat2 - lat1) / (lon2 - lon1)
    return lat <= lat1 + slope * (lon - lon1)


def _south_half_plane(crs_wkt: str):
    """The area on or south of 60th Street (projected into the shapes' CRS), as a polygon."""
    import pyproj
    from shapely.geometry import Polygon

    (lat1, lon1), (lat2, lon2) = SIXTIETH_STREET
    slope = (lat2 - lat1) / (lon2 - lon1)
    west, east = -74.3, -73.6  # far beyond both rivers
    corners = [
        (west, lat1 + slope * (west - lon1)),
        (east, lat1 + slope * (east - lon1)),
        (east, 40.3),
        (west, 40.3),
    ]
    # densify the edges: a straight line in degrees is nearly straight in State Plane feet
    points = []
    for (x1, y1), (x2, y2) in zip(corners, corners[1:] + corners[:1], strict=True):
        for t in np.linspace(0, 1, 200, endpoint=False):
            points.append((x1 + (x2 - x1) * t, y1 + (y2 - y1) * t))
    transformer = pyproj.Transformer.from_crs(
        "EPSG:4326", pyproj.CRS.from_user_input(crs_wkt), always_xy=True
    )
    xs, ys = transformer.transform([p[0] for p in points], [p[1] for p in points])
    return Polygon(zip(xs, ys, strict=True))


def classify(shp: Path) -> list[ZoneShare]:
    """Every Manhattan zone of the official shapefile with the share of its area south of 60th St."""
    import shapefile
    import shapely
    from shapely.geometry import shape

    from nyc_mobility.zones.geo import FALLBACK_CRS

    shp = Path(shp)
    prj = shp.with_suffix(".prj")
    south = _south_half_plane(prj.read_text() if prj.exists() else FALLBACK_CRS)
    areas: dict[int, list] = {}
    names: dict[int, str] = {}
    with shapefile.Reader(str(shp)) as reader:
        fields = [f.name for f in reader.fields[1:]]
        for record in reader.iterShapeRecords():
            row = dict(zip(fields, record.record, strict=False))
            if str(row.get("borough", "")).strip() != "Manhattan":
                continue
            geometry = shape(record.shape.__geo_interface__)
            if not geometry.is_valid:
                geometry = shapely.make_valid(geometry)
            location_id = int(row["LocationID"])
            names[location_id] = str(row.get("zone", "")).strip()
            areas.setdefault(location_id, []).append(geometry)
    shares = []
    for location_id in sorted(areas):
        geometry = shapely.union_all(areas[location_id])
        share = geometry.intersection(south).area / geometry.area if geometry.area else 0.0
        shares.append(ZoneShare(location_id, names[location_id], round(float(share), 4)))
    return shares


def seed_rows(shares: list[ZoneShare]) -> list[tuple]:
    """The zones inside, and the edge zones left outside (with the share the line leaves south)."""
    return [
        (s.location_id, s.zone_name, f"{s.share_south:.4f}", str(s.inside).lower(), str(s.edge).lower())
        for s in shares
        if s.inside or s.edge
    ]


@functools.cache
def shipped_zone_ids() -> tuple[int, ...]:
    """The zones inside, as the seed shipped with the dbt project lists them (read once)."""
    from nyc_mobility.dbt.project import project_dir

    with (project_dir() / "seeds" / "congestion_relief_zones.csv").open(encoding="utf-8") as f:
        return [
            int(row["location_id"]) for row in csv.DictReader(f) if row["in_congestion_relief_zone"] == "true"
        ]


def write_seed(shp: Path, out) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SEED_COLUMNS)
    writer.writerows(seed_rows(classify(shp)))


if (
    __name__ == "__main__"
):  # python -m nyc_mobility.zones.congestion taxi_zones.shp > seeds/congestion_relief_zones.csv
    write_seed(Path(sys.argv[1]), sys.stdout)
