"""A synthetic ``taxi_zones.zip`` for the sample: a shapefile in EPSG:2263, like the official one.

The sample's stations sit in rectangles per borough (see ``citibike._AREAS``); each rectangle is cut
into a grid of cells, each cell labelled with one of that borough's LocationIDs. Jersey City and
Hoboken get no polygon, as in the real shapes, so their stations map to "outside NYC". The geometry
is invented; the file format and the code path that reads it are the real ones.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np

from nyc_mobility.sample.citibike import AREAS
from nyc_mobility.sample.zones import zones_by_borough

CELL_DEGREES = 0.012
# cell edges sit half a 4-decimal step off the lattice, so no rounded coordinate lies on an edge
# (a point on an edge has no one right zone; real zone borders are not on a lattice either)
EDGE_OFFSET = 0.00005


def zone_cells() -> list[tuple[int, str, list[tuple[float, float]]]]:
    """(LocationID, borough, lon/lat ring) for every grid cell of every NYC area."""
    by_borough = zones_by_borough()
    cells = []
    for area, _count, (lat0, lat1), (lng0, lng1), style in AREAS:
        if style != "nyc":
            continue
        ids = by_borough[area]
        lats = np.arange(lat0 - CELL_DEGREES, lat1 + CELL_DEGREES, CELL_DEGREES) + EDGE_OFFSET
        lngs = np.arange(lng0 - CELL_DEGREES, lng1 + 0.05 + CELL_DEGREES, CELL_DEGREES) + EDGE_OFFSET
        k = 0
        for la in lats:
            for lo in lngs:
                ring = [
                    (lo, la),
                    (lo + CELL_DEGREES, la),
                    (lo + CELL_DEGREES, la + CELL_DEGREES),
                    (lo, la + CELL_DEGREES),
                    (lo, la),
                ]
                cells.append((ids[k % len(ids)], area, ring))
                k += 1
    return cells


def write_taxi_zones_zip(path: Path) -> Path:
    import pyproj
    import shapefile

    to_feet = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:2263", always_xy=True)
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    with shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON) as writer:
        writer.field("OBJECTID", "N", 9)
        writer.field("zone", "C", 254)
        writer.field("LocationID", "N", 4)
        writer.field("borough", "C", 254)
        for object_id, (location_id, borough, ring) in enumerate(zone_cells(), start=1):
            xs, ys = to_feet.transform([p[0] for p in ring], [p[1] for p in ring])
            # shapefile outer rings run clockwise
            writer.poly([list(zip(xs, ys, strict=True))[::-1]])
            writer.record(object_id, f"{borough} zone {location_id}", location_id, borough)
    prj = pyproj.CRS.from_epsg(2263).to_wkt(pyproj.enums.WktVersion.WKT1_ESRI)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for suffix, buffer in ((".shp", shp), (".shx", shx), (".dbf", dbf)):
            archive.writestr(f"taxi_zones/taxi_zones{suffix}", buffer.getvalue())
        archive.writestr("taxi_zones/taxi_zones.prj", prj)
    return path
