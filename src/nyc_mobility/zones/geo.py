"""Taxi zone shapes: which TLC zone a WGS84 point falls in (pyshp + pyproj + shapely).

The official ``taxi_zones.zip`` holds a shapefile in EPSG:2263 (NY Long Island, US feet). Points are
projected into the shapefile's CRS (cheaper than re-projecting every polygon) and tested zone by
zone against the prepared polygons (``shapely.contains_xy``), each only on the points inside its
bounding box, which are found by binary search in the points sorted by x: the cost is one
projection of the points plus a test of each point against the few zones whose boxes hold it
(measured in ``bench/``). Quirks of the real shapes are handled: a LocationID may have several
polygons (56 twice, 103 three times) and some zones have none (57, 104, 105, 264, 265). A point in no
polygon (Jersey City, Hoboken, the rivers) gets ``OUTSIDE_NYC`` — LocationID 265, "Outside of NYC"
in the TLC's own lookup — never a wrong zone.

:meth:`ZoneIndex.classify` adds the reason for the trip records' published coordinates (2009 to
2016-06 taxis): missing (null or 0), swapped (latitude and longitude exchanged) and implausible
coordinates (far from New York) get ``UNKNOWN_ZONE`` (264) with their reason, never a zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

OUTSIDE_NYC = 265
UNKNOWN_ZONE = 264
FALLBACK_CRS = "EPSG:2263"
# Trip ends within this box (about 200 km around New York) are real places: in no zone, they are
# outside NYC (Newark, Westchester, Long Island). Beyond it a published coordinate is not believed.
PLAUSIBLE_LAT = (38.5, 42.5)
PLAUSIBLE_LNG = (-76.5, -71.5)
# Why a trip end has the zone it has (int_trips__unioned.pickup_location_basis and its dropoff twin).
BASES = (
    "coordinates",
    "outside_zones",
    "missing_coordinates",
    "swapped_coordinates",
    "implausible_coordinates",
)


@dataclass
class ZoneIndex:
    location_ids: np.ndarray
    geometries: np.ndarray
    crs_wkt: str
    _bounds: np.ndarray | None = field(default=None, repr=False)
    _transformer: Any = field(default=None, repr=False)

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
        # lowest LocationID first: a point on a shared border gets the lowest, deterministically
        order = np.argsort(np.array(ids), kind="stable")
        return cls(np.array(ids)[order], np.array(geoms, dtype=object)[order], crs_wkt)

    def _projected(self, lat: np.ndarray, lng: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        import pyproj

        if self._transformer is None:  # building one costs ~40 ms: once per index
            self._transformer = pyproj.Transformer.from_crs(
                "EPSG:4326", pyproj.CRS.from_user_input(self.crs_wkt), always_xy=True
            )
        return self._transformer.transform(lng, lat)

    def locate(self, lat: np.ndarray, lng: np.ndarray) -> np.ndarray:
        """LocationID of each point; OUTSIDE_NYC where it is in no zone, -1 where it has no coordinates."""
        import shapely

        lat, lng = np.asarray(lat, dtype=float), np.asarray(lng, dtype=float)
        result = np.full(lat.shape, OUTSIDE_NYC, dtype=np.int64)
        missing = ~np.isfinite(lat) | ~np.isfinite(lng) | (lat == 0) | (lng == 0)
        placed = np.nonzero(~missing)[0]
        if placed.size:
            x, y = self._projected(lat[placed], lng[placed])
            by_x = np.argsort(x, kind="stable")
            xs, ys = x[by_x], y[by_x]
            found = np.zeros(xs.shape, dtype=bool)
            zone = np.full(xs.shape, OUTSIDE_NYC, dtype=np.int64)
            if self._bounds is None:
                self._bounds = shapely.bounds(self.geometries)
                shapely.prepare(self.geometries)
            for location_id, geometry, (x0, y0, x1, y1) in zip(
                self.location_ids, self.geometries, self._bounds, strict=True
            ):
                lo, hi = np.searchsorted(xs, x0, "left"), np.searchsorted(xs, x1, "right")
                if lo == hi:
                    continue
                candidates = lo + np.nonzero(~found[lo:hi] & (ys[lo:hi] >= y0) & (ys[lo:hi] <= y1))[0]
                if candidates.size:
                    inside = candidates[shapely.contains_xy(geometry, xs[candidates], ys[candidates])]
                    zone[inside] = location_id
                    found[inside] = True
            result[placed[by_x]] = zone
        result[missing] = -1
        return result

    def classify(self, lat: np.ndarray, lng: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The zone of each published trip coordinate and why (one of :data:`BASES`).

        In a zone: ``coordinates``; a real place in none: 265 and ``outside_zones``; null or 0:
        264 and ``missing_coordinates``; latitude and longitude exchanged: 264 and
        ``swapped_coordinates``; anywhere else: 264 and ``implausible_coordinates``.
        """
        lat, lng = np.asarray(lat, dtype=float), np.asarray(lng, dtype=float)

        def near(a: np.ndarray, b: np.ndarray) -> np.ndarray:
            with np.errstate(invalid="ignore"):
                return (
                    (a >= PLAUSIBLE_LAT[0])
                    & (a <= PLAUSIBLE_LAT[1])
                    & (b >= PLAUSIBLE_LNG[0])
                    & (b <= PLAUSIBLE_LNG[1])
                )

        missing = ~np.isfinite(lat) | ~np.isfinite(lng) | (lat == 0) | (lng == 0)
        plausible = near(lat, lng) & ~missing
        swapped = near(lng, lat) & ~missing
        location = np.full(lat.shape, UNKNOWN_ZONE, dtype=np.int64)
        basis = np.full(lat.shape, "implausible_coordinates", dtype=object)
        if plausible.any():
            located = self.locate(lat[plausible], lng[plausible])
            location[plausible] = located
            basis[plausible] = np.where(located == OUTSIDE_NYC, "outside_zones", "coordinates")
        basis[swapped] = "swapped_coordinates"
        basis[missing] = "missing_coordinates"
        return location, basis
