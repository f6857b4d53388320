"""Figure 6: coordinates -> taxi zones for a month of the 2009-2016-06 files, vs one pass over it.

The sample writes a 2010 yellow month in its published columns (coordinates, no zone ids). Side by
side, in one process:

* *one pass*: DuckDB reads every column of the month's file once (``create table as select *``);
* *zone lookup*: what ``int_tlc__coordinate_zones`` does for the month: the distinct pickup and
  drop-off coordinates (rounded to 4 decimals) in DuckDB, then ``ZoneIndex.classify`` on the zone
  shapes (vectorised point-in-polygon) and the join back to the month's keys, in Arrow;
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


DISTINCT_POINTS = """
select distinct lat_key, lng_key from (
    select round(try_cast(pickup_latitude as double), 4) as lat_key,
           round(try_cast(pickup_longitude as double), 4) as lng_key from month
    union all
    select round(try_cast(dropoff_latitude as double), 4), round(try_cast(dropoff_longitude as double), 4)
    from month
) where lat_key is not null and lng_key is not null
"""


def _connection(files: str) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(config={"threads": 2, "autoinstall_known_extensions": False})
    con.execute(f"create view month as select * from read_parquet({files!r})")
    return con


def run(work: Path, scale: float, repeat: int, zone_shapes: Path | None = None) -> dict[str, Any]:
    from nyc_mobility.geo import ZoneIndex

    raw = generate(work, scale)
    files = str(raw / "tlc_yellow" / f"month={MONTH}" / "*.parquet")
    shapes = official_shapes(zone_shapes)
    shapes_label = "official taxi zones" if shapes else "sample grid"
    shapes = shapes or next((raw / "zones").rglob("taxi_zones.shp"))
    con = _connection(files)
    trips = con.execute("select count(*) from month").fetchone()[0]
    index = ZoneIndex.from_shapefile(shapes)

    def one_pass() -> None:
        con.execute("create or replace temp table copied as select * from month")

    def lookup() -> tuple[int, float, float]:
        started = time.perf_counter()
        points = con.sql(DISTINCT_POINTS).fetch_arrow_table()
        sql_s = time.perf_counter() - started
        lat, lng = points.column("lat_key").to_numpy(), points.column("lng_key").to_numpy()
        started = time.perf_counter()
        index.classify(lat, lng)
        return len(lat), sql_s, time.perf_counter() - started

    passes, lookups, sql_parts, locate_parts = [], [], [], []
    for _ in range(repeat):  # interleaved, so the machine's noise hits both alike
        started = time.perf_counter()
        one_pass()
        passes.append(time.perf_counter() - started)
        started = time.perf_counter()
        distinct, sql_s, locate_s = lookup()
        lookups.append(time.perf_counter() - started)
        sql_parts.append(sql_s)
        locate_parts.append(locate_s)
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
        "zone_lookup_sql": summary(sql_parts),
        "zone_lookup_locate": summary(locate_parts),
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
        f"| zone lookup: distinct coordinates + vectorised point-in-polygon | {z['median_s']:.2f} ({z['min_s']:.2f}-{z['max_s']:.2f}) |",
        f"| ... of which the distinct coordinates (DuckDB) | {result['zone_lookup_sql']['median_s']:.2f} |",
        f"| ... of which `ZoneIndex.classify` | {result['zone_lookup_locate']['median_s']:.2f} |",
        f"| point by point (one shapely `contains` per candidate zone), estimated | {result['point_by_point_estimate_s']:.1f} |",
        "",
        f"{result['trips']:,} trips of {result['month']}, {result['distinct_points']:,} distinct coordinates "
        f"(4 decimals), {result['zones']} polygons ({result['zone_shapes']}). Ratio of the zone lookup to "
        f"one pass: **{result['ratio']:.2f}x** (target ≤ {result['target_ratio']}x).",
    ]
