"""The taxi zones as a grid of 4-decimal coordinates: the zone lookup every engine reads as a file.

Trip records publish coordinates (taxis 2009 to 2016-06, every Citi Bike trip) that the warehouse
places in TLC zones. Rather than running point-in-polygon inside a dbt model (a Python model, which
only DuckDB runs), the package rasterises the zone shapes once, when they land, into intervals of
the 4-decimal lattice (about 11 m by 8 m): a row ``(lat_key, lng_from, lng_to, location_id)`` says
that every point ``(lat_key / 10^4, lng / 10^4)`` with ``lng_from <= lng <= lng_to`` lies inside the
zone. dbt joins a trip's rounded coordinates to it (an equality on ``lat_key`` and a range on the
longitude), the same SQL on DuckDB and Spark.

Exact for the lattice points: each lattice latitude's line is cut by the zone polygons (densified and
re-projected to WGS84), and the cells at both ends of every interval (and their outer neighbours)
are then tested against the original polygons in the shapefile's CRS with ``shapely.contains_xy``,
as :meth:`nyc_mobility.zones.geo.ZoneIndex.locate` tests a point; an interval is moved by those tests, so
no lattice point is in the grid that ``locate`` would not put in that zone, nor missing from it.
Where zones overlap (a shared border), every zone's interval is kept and the SQL takes the lowest
LocationID, as ``locate`` does.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from nyc_mobility.zones.geo import ZoneIndex

SCALE = 10_000  # 4 decimals: the key of a coordinate is round(coordinate * 10^4)
GRID_FILE = "taxi_zone_grid.parquet"
COLUMNS = ("lat_key", "lng_from", "lng_to", "location_id")
# Polygon edges are cut into pieces of at most this many CRS units (US feet) before re-projection,
# so a straight edge stays straight to well under a millimetre in WGS84.
_DENSIFY = 100.0


def key(values: np.ndarray) -> np.ndarray:
    """The lattice key of coordinates: ``round(value * 10^4)``, halves away from zero, as SQL's
    ``round`` on both engines (the dbt macro ``coordinate_key``)."""
    scaled = np.abs(np.asarray(values, dtype=float) * SCALE)
    whole = np.floor(scaled)
    rounded = whole + (scaled - whole >= 0.5)
    return (np.sign(np.asarray(values, dtype=float)) * rounded).astype(np.int64)


def coordinate_key_sql(column: str) -> str:
    """The dbt macro ``coordinate_key`` rendered for ``column`` (read from the shipped macro, so the
    tests and the benchmark run the models' very SQL)."""
    from nyc_mobility.dbt.project import project_dir

    text = (project_dir() / "macros" / "intermediate" / "coordinate_key.sql").read_text(encoding="utf-8")
    body = text.split("{% macro coordinate_key(column) -%}", 1)[1].split("{%- endmacro %}", 1)[0]
    return body.strip().replace("{{ column }}", column)


def shapes_digest(shp: Path) -> str:
    """sha256 of the shapefile's geometry and attributes (.shp, .dbf, .prj): the grid's provenance."""
    digest = hashlib.sha256()
    for suffix in (".shp", ".dbf", ".prj"):
        part = Path(shp).with_suffix(suffix)
        digest.update(suffix.encode() + (part.read_bytes() if part.exists() else b""))
    return digest.hexdigest()


def _to_wgs84(index: ZoneIndex) -> np.ndarray:
    import pyproj
    import shapely

    transformer = pyproj.Transformer.from_crs(
        pyproj.CRS.from_user_input(index.crs_wkt), "EPSG:4326", always_xy=True
    )

    def project(xy: np.ndarray) -> np.ndarray:
        lng, lat = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([lng, lat])

    return shapely.transform(shapely.segmentize(index.geometries, _DENSIFY), project)


def _inside(index: ZoneIndex, geometry, lat_keys: np.ndarray, lng_keys: np.ndarray) -> np.ndarray:
    """Whether each lattice point lies inside ``geometry`` (shapefile CRS), as ``locate`` decides."""
    import shapely

    if not len(lat_keys):
        return np.zeros(0, dtype=bool)
    x, y = index._projected(lat_keys / SCALE, lng_keys / SCALE)
    return shapely.contains_xy(geometry, np.asarray(x), np.asarray(y))


def _scanline_intervals(wgs84: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(geometry, lat_key, lng_from, lng_to) of the lattice rows' runs inside each geometry: the
    classic scanline fill, vectorised. Each ring edge crossing a lattice latitude (half-open in y, so
    a vertex on the line counts once) gives the longitude of the crossing; the crossings of one
    geometry on one row, sorted, pair up into the runs inside (even-odd rule over every ring of the
    geometry, holes included)."""
    import shapely

    parts, part_geometry = shapely.get_parts(wgs84, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, coord_ring = shapely.get_coordinates(rings, return_index=True)
    edge = coord_ring[1:] == coord_ring[:-1]
    a, b = coords[:-1][edge], coords[1:][edge]
    geometry = part_geometry[ring_part[coord_ring[:-1][edge]]]
    ya, yb = a[:, 1] * SCALE, b[:, 1] * SCALE
    first = np.ceil(np.minimum(ya, yb)).astype(np.int64)
    count = np.maximum(np.ceil(np.maximum(ya, yb)).astype(np.int64) - first, 0)  # rows r: min <= r < max
    edges = np.repeat(np.arange(len(a)), count)
    row = first[edges] + (np.arange(len(edges)) - np.repeat(np.cumsum(count) - count, count))
    t = (row - ya[edges]) / (yb[edges] - ya[edges])
    x = a[edges, 0] + t * (b[edges, 0] - a[edges, 0])
    g = geometry[edges]
    order = np.lexsort((x, row, g))
    g, row, x = g[order], row[order], x[order]
    starts, ends = slice(0, None, 2), slice(1, None, 2)
    if not (np.array_equal(g[starts], g[ends]) and np.array_equal(row[starts], row[ends])):
        raise ValueError("a zone ring is not closed (odd number of crossings on a row)")
    lo = np.ceil(x[starts] * SCALE).astype(np.int64)
    hi = np.floor(x[ends] * SCALE).astype(np.int64)
    return g[starts], row[starts], lo, hi


def _exact_ends(index: ZoneIndex, geometry, lat: np.ndarray, lo: np.ndarray, hi: np.ndarray):
    """Move each run's ends until the end points are inside and their outer neighbours are not,
    tested against the polygon in the shapefile's CRS (as ``locate`` tests a point)."""
    for _ in range(4):
        lo_in, before_in = _inside(index, geometry, lat, lo), _inside(index, geometry, lat, lo - 1)
        hi_in, after_in = _inside(index, geometry, lat, hi), _inside(index, geometry, lat, hi + 1)
        filled = lo <= hi
        moved = before_in | after_in | (filled & (~lo_in | ~hi_in))
        if not moved.any():
            break
        lo = np.where(before_in, lo - 1, np.where(filled & ~lo_in, lo + 1, lo))
        hi = np.where(after_in, hi + 1, np.where(filled & ~hi_in, hi - 1, hi))
    keep = lo <= hi
    return lat[keep], lo[keep], hi[keep]


def zone_grid(shp: Path):
    """The grid of the zone shapes at ``shp`` as an Arrow table (:data:`COLUMNS`, int32)."""
    import pyarrow as pa

    index = ZoneIndex.from_shapefile(shp)
    g, lat, lo, hi = _scanline_intervals(_to_wgs84(index))
    out = [[], [], [], []]
    for which in np.unique(g):
        mine = g == which
        zone_lat, zone_lo, zone_hi = _exact_ends(
            index, index.geometries[which], lat[mine], lo[mine], hi[mine]
        )
        for column, values in zip(
            out, (zone_lat, zone_lo, zone_hi, np.full(zone_lat.shape, index.location_ids[which])), strict=True
        ):
            column.append(values)
    columns = [np.concatenate(c) if c else np.zeros(0, dtype=np.int64) for c in out]
    order = np.lexsort((columns[1], columns[0]))
    return pa.table(
        {name: pa.array(c[order], type=pa.int32()) for name, c in zip(COLUMNS, columns, strict=True)}
    )


def grid_path(shp: Path) -> Path:
    """Where the grid of the shapefile ``shp`` is landed: beside it."""
    return Path(shp).with_name(GRID_FILE)


def is_current(shp: Path) -> bool:
    """Whether the grid beside ``shp`` was written from this very shapefile (its digest matches)."""
    import pyarrow.parquet as pq

    path = grid_path(shp)
    if not path.exists():
        return False
    try:
        metadata = pq.read_schema(path).metadata or {}
    except Exception:  # an unreadable grid is rewritten, not trusted
        return False
    return metadata.get(b"nyc_mobility.shapes_sha256", b"").decode() == shapes_digest(shp)


def write_grid(shp: Path, target: Path | None = None) -> Path:
    """Write the grid of ``shp`` to ``target`` (default :func:`grid_path`), recording the shapes' digest."""
    import pyarrow.parquet as pq

    table = zone_grid(shp)
    table = table.replace_schema_metadata({"nyc_mobility.shapes_sha256": shapes_digest(shp)})
    target = Path(target) if target else grid_path(shp)
    pq.write_table(table, target, compression="zstd")
    return target
