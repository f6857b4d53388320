"""Taxi zone shapes: which TLC zone a WGS84 point falls in (pyshp + pyproj + shapely).

The official ``taxi_zones.zip`` holds a shapefile in EPSG:2263 (NY Long Island, US feet). Points are
projected into the shapefile's CRS (cheaper than re-projecting every polygon) and located with a
shapely STRtree. Quirks of the real shapes are handled: a LocationID may have several polygons (56
twice, 103 three times) and some zones have none (57, 104, 105, 264, 265). A point in no polygon
(Jersey City, Hoboken, the rivers) gets ``OUTSIDE_NYC`` — LocationID 265, "Outside of NYC" in the
TLC's own lookup — never a wrong zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

OUTSIDE_NYC = 265
FALLBACK_CRS = "EPSG:2263"


@dataclass
class ZoneIndex:
    location_ids: np.ndarray
    geometries: np.ndarray
    crs_wkt: str

    @classmethod
    def from_shapefile(cls, shp: Path) -> ZoneIndex:
        import shapefile
        import shapely
        from shapely.geometry import shape

        shp = Path(shp)
        if not shp.exists():
            raise FileNotFoundError(f"taxi zone shapes not found: {shp} (land taxi_zones.zip first)")
        with shapefile.Reader(str(shp)) as reader:
            fields = [f.name for f in reader.fields[1:]]
            if "LocationID" not in fields:
                raise ValueError(f"{shp}: no LocationID field (fields: {', '.join(fields)})")
            position = fields.index("LocationID")
            ids, geoms = [], []
            for record in reader.iterShapeRecords():
                geometry = shape(record.shape.__geo_interface__)
                if not geometry.is_valid:
                    geometry = shapely.make_valid(geometry)
                ids.append(int(record.record[position]))
                geoms.append(geometry)
        prj = shp.with_suffix(".prj")
        crs_wkt = prj.read_text() if prj.exists() else FALLBACK_CRS
        return cls(np.array(ids), np.array(geoms, dtype=object), crs_wkt)

    def locate(self, lat: np.ndarray, lng: np.ndarray) -> np.ndarray:
        """LocationID of each point; OUTSIDE_NYC where it is in no zone, -1 where it has no coordinates."""
        import pyproj
        import shapely

        lat, lng = np.asarray(lat, dtype=float), np.asarray(lng, dtype=float)
        transformer = pyproj.Transformer.from_crs(
            "EPSG:4326", pyproj.CRS.from_user_input(self.crs_wkt), always_xy=True
        )
        x, y = transformer.transform(lng, lat)
        points = shapely.points(x, y)
        result = np.full(lat.shape, OUTSIDE_NYC, dtype=np.int64)
        missing = ~np.isfinite(lat) | ~np.isfinite(lng) | (lat == 0) | (lng == 0)
        tree = shapely.STRtree(self.geometries)
        point_index, geom_index = tree.query(points, predicate="within")
        # a point on a shared border matches twice: keep the first zone, deterministically
        order = np.lexsort((self.location_ids[geom_index], point_index))
        point_index, geom_index = point_index[order], geom_index[order]
        first = np.unique(point_index, return_index=True)[1]
        result[point_index[first]] = self.location_ids[geom_index[first]]
        result[missing] = -1
        return result
