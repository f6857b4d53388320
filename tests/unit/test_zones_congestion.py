"""The Congestion Relief Zone seed and the HVFHS licence seed against the real official files."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from nyc_mobility.dbt.project import project_dir
from nyc_mobility.zones import congestion
from nyc_mobility.zones.geo import ZoneIndex

SEEDS = project_dir() / "seeds"
# (name, lat, lon, inside the Congestion Relief Zone?)
KNOWN_POINTS = [
    ("Times Square", 40.7580, -73.9855, True),
    ("Wall Street", 40.7064, -74.0094, True),
    ("Grand Central", 40.7527, -73.9772, True),
    ("Hudson Yards", 40.7538, -74.0020, True),
    ("Lower East Side, Delancey St", 40.7185, -73.9880, True),
    ("Central Park North (Harlem Meer)", 40.7967, -73.9517, False),
    ("Upper East Side, E 72nd St", 40.7690, -73.9590, False),
    ("Lincoln Center, W 64th St", 40.7725, -73.9835, False),
    ("Harlem, 125th St", 40.8080, -73.9450, False),
    ("Downtown Brooklyn", 40.6928, -73.9903, False),  # south of the line, but not Manhattan
    ("JFK Airport", 40.6413, -73.7781, False),
]


@pytest.fixture(scope="module")
def shapes(real_data: Path) -> Path:
    return real_data / "tlc_zones" / "taxi_zones_shapefile" / "taxi_zones.shp"


def test_the_shipped_seed_is_what_the_official_shapes_give(shapes):
    out = io.StringIO()
    congestion.write_seed(shapes, out)
    assert out.getvalue() == (SEEDS / "congestion_relief_zones.csv").read_text(encoding="utf-8")


def test_known_points_fall_in_zones_on_the_right_side(shapes):
    index = ZoneIndex.from_shapefile(shapes)
    inside = set(congestion.shipped_zone_ids())
    lats = [p[1] for p in KNOWN_POINTS]
    lons = [p[2] for p in KNOWN_POINTS]
    for (name, lat, lon, expected), zone in zip(KNOWN_POINTS, index.locate(lats, lons), strict=True):
        assert (int(zone) in inside) is expected, (name, zone)
        if lat > 40.70 and lon < -73.93:  # on the Manhattan grid the line alone decides
            assert congestion.south_of_sixtieth(lat, lon) is expected, name


def test_the_zone_is_lower_manhattan_with_its_edges_stated(shapes):
    rows = list(csv.DictReader((SEEDS / "congestion_relief_zones.csv").open(encoding="utf-8")))
    inside = {int(r["location_id"]) for r in rows if r["in_congestion_relief_zone"] == "true"}
    edges = {
        int(r["location_id"]): float(r["share_south_of_60th_street"])
        for r in rows
        if r["is_edge_zone"] == "true"
    }
    assert {230, 161, 162, 163, 164, 261, 87, 88, 13} <= inside  # Midtown to the Battery
    assert not inside & {43, 236, 237, 238, 239, 142, 143, 202, 103}  # Central Park, UES/UWS, islands
    assert {142, 143, 237}.issubset(edges) and all(0.05 < share < 0.5 for share in edges.values())
    shares = {s.location_id: s for s in congestion.classify(shapes)}
    assert all(shares[z].share_south >= 0.5 for z in inside)


def test_every_published_hvfhs_base_belongs_to_a_seeded_licence(real_data):
    with (SEEDS / "hvfhs_licenses.csv").open(encoding="utf-8") as f:
        seed = {row["hvfhs_license_num"]: row["company"] for row in csv.DictReader(f)}
    assert seed == {"HV0002": "Juno", "HV0003": "Uber", "HV0004": "Via", "HV0005": "Lyft"}
    with (real_data / "tlc_fhvhv" / "hvfhs_bases.csv").open(encoding="utf-8") as f:
        bases = list(csv.DictReader(f))
    assert bases
    for base in bases:
        assert seed[base["hvfhs_license_num"]] == base["licensees"].strip(), base
