"""The taxi zone of every trip coordinate the 2009-2016-06 taxi files publish, month by month.

Yellow (2009 to 2016-06) and green (2013-08 to 2016-06) records carry pickup and drop-off
coordinates instead of zone ids. Each month's distinct coordinates (rounded to 4 decimals, about
10 m) are located once by point-in-polygon on the official taxi zone shapes (nyc_mobility.geo,
vectorised) and classified: in a zone, outside every zone (265), or missing, swapped or implausible
(264, with the reason).

A working table of the months being built: it holds the start_month/end_month window's coordinates
(every month on disk without a window) and is rebuilt with the incremental models, in their dbt
step (tag month_window, selectors.yml), so a month-window build locates only the window's
coordinates: the cost is the month's, not the history's. int_trips__unioned, which builds the same
window, is the one that keeps the zones. (A table, not an incremental model: dbt-duckdb's
incremental Python models fail on their second run, duckdb/dbt-duckdb#636.)
"""

import re

MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")


def _window(start, end) -> str:
    """The month window (vars start_month / end_month, validated) as a SQL condition."""
    condition = "true"
    for key, op, value in (("start_month", ">=", start), ("end_month", "<=", end)):
        if value in (None, "", "None"):
            continue
        if not MONTH.fullmatch(str(value)):
            raise ValueError(f"{key} must look like YYYY-MM, got: {value}")
        condition += f" and source_month {op} '{value}'"
    return condition


def model(dbt, session):
    dbt.config(materialized="table", tags=["month_window"])
    import numpy as np
    import pyarrow as pa

    from nyc_mobility.geo import ZoneIndex

    window = _window(dbt.config.meta_get("start_month"), dbt.config.meta_get("end_month"))
    parts = []
    for relation in (dbt.ref("stg_tlc__yellow_taxi"), dbt.ref("stg_tlc__green_taxi")):
        parts.append(
            relation.query(
                "trips",
                f"""
                select distinct source_month, lat_key, lng_key from (
                    select source_month, round(pickup_latitude, 4) as lat_key, round(pickup_longitude, 4) as lng_key
                    from trips where pickup_location_id is null and {window}
                    union all
                    select source_month, round(dropoff_latitude, 4), round(dropoff_longitude, 4)
                    from trips where dropoff_location_id is null and {window}
                )
                where lat_key is not null and lng_key is not null
                """,
            ).fetch_arrow_table()
        )
    keys = pa.concat_tables(parts).group_by(["source_month", "lat_key", "lng_key"]).aggregate([])
    points = keys.select(["lat_key", "lng_key"]).group_by(["lat_key", "lng_key"]).aggregate([])
    lat = points.column("lat_key").to_numpy()
    lng = points.column("lng_key").to_numpy()
    if len(lat):
        location, basis = ZoneIndex.from_shapefile(dbt.config.meta_get("zone_shapes_path")).classify(lat, lng)
    else:
        location, basis = np.array([], dtype=np.int64), np.array([], dtype=object)
    located = pa.table(
        {
            "lat_key": pa.array(lat, type=pa.float64()),
            "lng_key": pa.array(lng, type=pa.float64()),
            "location_id": pa.array(location, type=pa.int32()),
            "location_basis": pa.array(basis.tolist(), type=pa.string()),
        }
    )
    return keys.join(located, ["lat_key", "lng_key"], join_type="inner").select(
        ["source_month", "lat_key", "lng_key", "location_id", "location_basis"]
    )
