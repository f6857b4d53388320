"""Figure 6: coordinates -> taxi zones for a month of the 2009-2016-06 files, vs one pass over it.

The sample writes a 2010 yellow month in its published columns (coordinates, no zone ids). Side by
side, in one process:

* *one pass*: DuckDB reads every column of the month's file once (``create table as select *``);
* *zone lookup*: what ``int_tlc__coordinate_zones`` does for the month: the distinct pickup and
  drop-off coordinate keys (the ``coordinate_key`` macro: 4 decimals) and their join to the zone grid
  (``nyc_mobility.zones.grid``: runs of the lattice inside each zone), in DuckDB;
* *grid*: writing the zone grid from the shapes (done once, when the shapes land);
* *point by point*: the same shapes with one shapely ``contains`` test per candidate zone and point
  (a prepared-geometry loop, what a row-wise UDF would do), on a slice of the points, scaled up.

The zone shapes are the official ones when ``--zone-shapes`` (or ``NYC_MOBILITY_REAL_DATA``) points
at them, else the sample's grid (few, simple polygons: a flattering case).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from bench.common import summary

MONTH = "2010-03"
TARGET_RATIO = 2.0
VOLUME_2010 = 4.5  # a 2010 month (~14 M yellow trips) is 4.5 times the sample's monthly volume
POINT_BY_POINT_SLICE = 20_000


def official_shapes(explicit: Path | None) -> Path | None:
    if explicit is not None:
        return explicit
    real = os.environ.get("NYC_MOBILITY_REAL_DATA")
    shp = Path(real) / "tlc_zones" / "taxi_zones_shapefile" / "taxi_zones.shp" if real else None
    return shp if shp is not None and shp.exists() else None


def generate(work: Path, scale: float) -> Path:
    from nyc_mobility.sample import land_source, land_zones

    raw = work / "raw"
    if not (raw / "tlc_yellow" / f"month={MONTH}").exists():
        land_zones(raw)
        land_source(raw, MONTH, "yellow", scale=scale)
    return raw


def zone_lookup_sql() -> str:
    """The model's work on one month: distinct coordinate keys, each placed through the zone grid."""
    from nyc_mobility.zones.grid import coordinate_key_sql

    def keys(end: str) -> str:
        lat, lng = (f"try_cast({end}_{axis} as double)" for axis in ("latitude", "longitude"))
        return f"select {coordinate_key_sql(lat)} as lat_key, {coordinate_key_sql(lng)} as lng_key from month"

    return f"""
    with points as (
        select distinct lat_key, lng_key from ({keys("pickup")} union all {keys("dropoff")})
        where lat_key is not null and lng_key is not null
    )
    select p.lat_key, p.lng_key, coalesce(min(g.location_id), 265) as location_id
    from points as p left join grid as g on g.lat_key = p.lat_key and p.lng_key between g.lng_from and g.lng_to
    group by p.lat_key, p.lng_key
    """


def _connection(files: str) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(config={"threads": 2, "autoinstall_known_extensions": False})
    con.execute(f"create view month as select * from read_parquet({files!r})")
    return con


def run(work: Path, scale: float, repeat: int, zone_shapes: Path | None = None) -> dict[str, Any]:
    from nyc_mobility.zones.geo import ZoneIndex

    raw = generate(work, scale)
    files = str(raw / "tlc_yellow" / f"month={MONTH}" / "*.parquet")
    shapes = official_shapes(zone_shapes)
    shapes_label = "official taxi zones" if shapes else "sample grid"
    shapes = shapes or next((raw / "zones").rglob("taxi_zones.shp"))
    from nyc_mobility.zones.grid import zone_grid

    con = _connection(files)
    trips = con.execute("select count(*) from month").fetchall()[0][0]
    index = ZoneIndex.from_shapefile(shapes)
    grids = []
    for _ in range(repeat):
        started = time.perf_counter()
        grid = zone_grid(shapes)
        grids.append(time.perf_counter() - started)
    con.register("grid", grid)
    sql = zone_lookup_sql()

    def one_pass() -> None:
        con.execute("create or replace temp table copied as select * from month")

    def lookup() -> int:
        con.execute(f"create or replace temp table located as {sql}")
        return con.execute("select count(*) from located").fetchall()[0][0]

    passes, lookups = [], []
    for _ in range(repeat):  # interleaved, so the machine's noise hits both alike
        started = time.perf_counter()
        one_pass()
        passes.append(time.perf_counter() - started)
        started = time.perf_counter()
        distinct = lookup()
        lookups.append(time.perf_counter() - started)
    con.close()
    per_point = point_by_point_seconds(index, con_files=files, count=POINT_BY_POINT_SLICE)
    lookup_s, pass_s = summary(lookups), summary(passes)
    return {
        "month": MONTH,
        "scale": scale,
        "trips": trips,
        "distinct_points": distinct,
        "zone_shapes": shapes_label,
        "zones": len(index.location_ids),
        "one_pass": pass_s,
        "zone_lookup": lookup_s,
        "zone_grid": summary(grids),
        "zone_grid_rows": grid.num_rows,
        "point_by_point_estimate_s": round(per_point * distinct, 1),
        "ratio": round(lookup_s["median_s"] / pass_s["median_s"], 2),
        "target_ratio": TARGET_RATIO,
    }


def point_by_point_seconds(index: Any, con_files: str, count: int) -> float:
    """Seconds per point of a plain loop: every zone whose box holds the point, tested one by one."""
    import shapely

    con = _connection(con_files)
    lat, lng = con.execute(
        f"select list(try_cast(pickup_latitude as double)), list(try_cast(pickup_longitude as double)) "
        f"from (select * from month where pickup_latitude <> 0 limit {int(count)})"
    ).fetchone()
    con.close()
    x, y = index._projected(np.asarray(lat, dtype=float), np.asarray(lng, dtype=float))
    tree = shapely.STRtree(index.geometries)
    started = time.perf_counter()
    for px, py in zip(x, y, strict=True):
        point = shapely.Point(px, py)
        for candidate in tree.query(point):
            if index.geometries[candidate].contains(point):
                break
    return (time.perf_counter() - started) / max(len(x), 1)


def markdown(result: dict[str, Any]) -> list[str]:
    p, z = result["one_pass"], result["zone_lookup"]
    return [
        "| step | median s (min-max) |",
        "|---|---|",
        f"| one pass: DuckDB reads the month's every column | {p['median_s']:.2f} ({p['min_s']:.2f}-{p['max_s']:.2f}) |",
        f"| zone lookup: distinct coordinate keys joined to the zone grid (the model's key macro and join, DuckDB) | {z['median_s']:.2f} ({z['min_s']:.2f}-{z['max_s']:.2f}) |",
        f"| writing the zone grid from the shapes (once, when they land; {result['zone_grid_rows']:,} runs) | {result['zone_grid']['median_s']:.2f} |",
        f"| point by point (one shapely `contains` per candidate zone), estimated | {result['point_by_point_estimate_s']:.1f} |",
        "",
        f"{result['trips']:,} trips of {result['month']}, {result['distinct_points']:,} distinct coordinates "
        f"(4 decimals), {result['zones']} polygons ({result['zone_shapes']}). Ratio of the zone lookup to "
        f"one pass: **{result['ratio']:.2f}x** (target ≤ {result['target_ratio']}x).",
    ]
