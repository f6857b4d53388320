"""The zone grid (nyc_mobility.zones.grid) against point-in-polygon (ZoneIndex.locate), the reference.

The grid is what dbt joins trip coordinates to; every lattice point it places must be placed where
``locate`` puts it, on the real official shapes and on the sample's, and above all next to borders.
The lookup is the SQL the dbt models run (the coordinate_key macro and the zone_of_points join),
executed here in plain DuckDB.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pytest

from nyc_mobility.zones import grid as zone_grid
from nyc_mobility.zones.geo import OUTSIDE_NYC, ZoneIndex


def grid_lookup(grid, lat: np.ndarray, lng: np.ndarray) -> np.ndarray:
    """Each point's zone through the grid as the models join it (lowest LocationID; 265 in none)."""
    import pyarrow as pa

    con = duckdb.connect(config={"autoinstall_known_extensions": False})
    points = pa.table({"i": np.arange(len(lat)), "lat": lat, "lng": lng})
    con.register("grid", grid)
    con.register("raw_points", points)
    rows = con.execute(
        f"""
        with p as (select i, {zone_grid.coordinate_key_sql("lat")} as lat_key, {zone_grid.coordinate_key_sql("lng")} as lng_key
                   from raw_points)
        select p.i, coalesce(min(g.location_id), {OUTSIDE_NYC})
        from p left join grid as g on g.lat_key = p.lat_key and p.lng_key between g.lng_from and g.lng_to
        group by p.i order by p.i
        """
    ).fetchall()
    return np.array([r[1] for r in rows])


def lattice(values: np.ndarray) -> np.ndarray:
    return zone_grid.key(values) / zone_grid.SCALE


def near_borders(index: ZoneIndex, rng: np.random.Generator, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Lattice points within a few cells of the zones' borders (where an interval's ends are decided)."""
    import pyproj
    import shapely

    coords = shapely.get_coordinates(shapely.boundary(index.geometries))
    coords = coords[rng.choice(len(coords), size=min(count, len(coords)), replace=False)]
    to_wgs = pyproj.Transformer.from_crs(
        pyproj.CRS.from_user_input(index.crs_wkt), "EPSG:4326", always_xy=True
    )
    lng, lat = to_wgs.transform(coords[:, 0], coords[:, 1])
    jitter = rng.integers(-3, 4, size=(2, len(lat))) / zone_grid.SCALE
    return lattice(np.asarray(lat) + jitter[0]), lattice(np.asarray(lng) + jitter[1])


def check_against_locate(shp: Path, lat_range, lng_range, seed: int = 7) -> None:
    index = ZoneIndex.from_shapefile(shp)
    grid = zone_grid.zone_grid(shp)
    rng = np.random.default_rng(seed)
    spread_lat = lattice(rng.uniform(*lat_range, 60_000))
    spread_lng = lattice(rng.uniform(*lng_range, 60_000))
    border_lat, border_lng = near_borders(index, rng, 60_000)
    lat, lng = np.concatenate([spread_lat, border_lat]), np.concatenate([spread_lng, border_lng])
    expected = index.locate(lat, lng)
    got = grid_lookup(grid, lat, lng)
    wrong = np.nonzero(expected != got)[0]
    assert not len(wrong), [(lat[i], lng[i], int(expected[i]), int(got[i])) for i in wrong[:10]]
    assert (expected != OUTSIDE_NYC).sum() > len(lat) // 10  # the test placed many points in zones


def test_the_grid_places_every_lattice_point_as_point_in_polygon_does_on_the_real_shapes(real_data):
    shp = real_data / "tlc_zones" / "taxi_zones_shapefile" / "taxi_zones.shp"
    check_against_locate(shp, (40.49, 40.92), (-74.27, -73.69))


def test_the_grid_places_the_sample_shapes_as_point_in_polygon_does(tmp_path):
    from nyc_mobility.sample.shapes import write_taxi_zones_zip
    from nyc_mobility.zones.files import land_zone_shapes

    shp = land_zone_shapes(write_taxi_zones_zip(tmp_path / "taxi_zones.zip"), tmp_path / "raw")
    assert zone_grid.is_current(shp)  # landing the shapes wrote their grid beside them
    check_against_locate(shp, (40.55, 40.90), (-74.10, -73.75))


def test_coordinate_keys_round_halves_away_from_zero_as_the_sql_does():
    values = np.array([40.75005, -73.98765, -73.98775, 40.00005, 0.00004, -0.00005, 40.7, -74.0, 12.34565])
    con = duckdb.connect()

    def sql_key(value: float):
        return con.execute(
            f"select {zone_grid.coordinate_key_sql('v')} from (select cast(? as double) as v)", [value]
        ).fetchone()[0]

    sql = [sql_key(float(v)) for v in values]
    assert zone_grid.key(values).tolist() == sql
    odd = [float("nan"), float("inf"), -float("inf"), 5000.0, -5000.0]
    assert [sql_key(v) for v in odd] == [
        None,
        None,
        None,
        10000001,
        -10000001,
    ]


def test_a_stale_or_missing_grid_is_rewritten_and_a_current_one_kept(tmp_path):
    from nyc_mobility.sample.shapes import write_taxi_zones_zip
    from nyc_mobility.zones.files import ensure_zone_grid, land_zone_shapes

    raw = tmp_path / "raw"
    shp = land_zone_shapes(write_taxi_zones_zip(tmp_path / "taxi_zones.zip"), raw)
    grid = zone_grid.grid_path(shp)
    stamp = grid.stat().st_mtime_ns
    assert ensure_zone_grid(raw) == grid and grid.stat().st_mtime_ns == stamp  # current: kept
    grid.unlink()
    assert ensure_zone_grid(raw) == grid and zone_grid.is_current(shp)  # landed before grids existed
    grid.write_bytes(b"not parquet")
    ensure_zone_grid(raw)
    assert zone_grid.is_current(shp)
    assert ensure_zone_grid(tmp_path / "nothing") is None


def test_shapes_that_are_no_polygons_are_a_clear_landing_error(tmp_path):
    import zipfile

    from nyc_mobility.raw import RawFileError
    from nyc_mobility.zones.files import land_zone_shapes

    archive = tmp_path / "taxi_zones.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("taxi_zones/taxi_zones.shp", b"garbage")
        z.writestr("taxi_zones/taxi_zones.dbf", b"garbage")
    with pytest.raises(RawFileError, match=r"taxi_zones\.zip"):
        land_zone_shapes(archive, tmp_path / "raw")
