"""The TLC taxi zone of every Citi Bike coordinate (rounded to 4 decimals, about 10 m).

Point-in-polygon on the official taxi zone shapes with shapely (through `nyc_mobility.geo`);
coordinates in no zone (Jersey City, Hoboken) get LocationID 265, "Outside of NYC" in the TLC lookup;
0/0 coordinates (published for some trips) are not places and get no row.
"""


def model(dbt, session):
    dbt.config(materialized="table")
    import numpy as np
    import pyarrow as pa

    from nyc_mobility.geo import ZoneIndex

    shapes_path = dbt.config.meta_get("zone_shapes_path")
    trips = dbt.ref("stg_citibike__trips")
    coordinates = trips.query(
        "trips",
        """
        select distinct lat_key, lng_key from (
            select round(start_lat, 4) as lat_key, round(start_lng, 4) as lng_key from trips
            union all
            select round(end_lat, 4), round(end_lng, 4) from trips
        )
        where lat_key is not null and lng_key is not null
        """,
    ).fetch_arrow_table()
    lat = coordinates.column("lat_key").to_numpy()
    lng = coordinates.column("lng_key").to_numpy()
    location_ids = ZoneIndex.from_shapefile(shapes_path).locate(lat, lng) if len(lat) else np.array([], dtype=np.int64)
    # 0/0 and non-finite coordinates are no place at all (their trips are quarantined as
    # missing_location): they get no row here rather than a row without a zone.
    placed = location_ids >= 0
    return pa.table(
        {
            "lat_key": pa.array(lat[placed], type=pa.float64()),
            "lng_key": pa.array(lng[placed], type=pa.float64()),
            "location_id": pa.array(location_ids[placed], type=pa.int32()),
        }
    )
