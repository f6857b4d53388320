"""Point-in-polygon on the real taxi zone shapes (../shared/data/real)."""

from __future__ import annotations

import numpy as np
import pytest

from nyc_mobility.zones.geo import OUTSIDE_NYC, ZoneIndex


@pytest.fixture(scope="module")
def zones(real_data) -> ZoneIndex:
    return ZoneIndex.from_shapefile(real_data / "tlc_zones/taxi_zones_shapefile/taxi_zones.shp")


def test_known_points_land_in_their_zones(zones):
    lat = [40.7829, 40.6413, 40.7580, 40.7769, 40.6895]
    lng = [-73.9654, -73.7781, -73.9855, -73.8740, -74.1745]
    # Central Park, JFK, Times Sq/Theatre District, LaGuardia, Newark Airport
    assert zones.locate(lat, lng).tolist() == [43, 132, 230, 138, 1]


def test_jersey_city_and_hoboken_are_outside_nyc_not_a_wrong_zone(zones):
    located = zones.locate([40.7178, 40.7440, 40.7162469], [-74.0431, -74.0324, -74.0334588])
    assert located.tolist() == [OUTSIDE_NYC] * 3


def test_missing_coordinates_are_not_placed(zones):
    assert zones.locate([np.nan, 0.0], [-73.97, 0.0]).tolist() == [-1, -1]


def test_real_shape_quirks(zones):
    ids, counts = np.unique(zones.location_ids, return_counts=True)
    per_id = dict(zip(ids.tolist(), counts.tolist(), strict=True))
    assert per_id[56] == 2 and per_id[103] == 3
    assert not {57, 104, 105, 264, 265} & set(per_id)


def test_missing_shapefile_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="taxi zone shapes not found"):
        ZoneIndex.from_shapefile(tmp_path / "taxi_zones.shp")


def test_trip_coordinates_are_classified_never_a_wrong_zone(zones):
    from nyc_mobility.zones.geo import UNKNOWN_ZONE

    points = [
        ((40.7580, -73.9855), 230, "coordinates"),  # Times Sq/Theatre District
        ((40.6413, -73.7781), 132, "coordinates"),  # JFK
        ((40.7440, -74.0324), OUTSIDE_NYC, "outside_zones"),  # Hoboken
        ((41.0340, -73.7629), OUTSIDE_NYC, "outside_zones"),  # White Plains: a real trip's end
        ((40.7600, -74.0150), OUTSIDE_NYC, "outside_zones"),  # the Hudson, no zone
        ((0.0, 0.0), UNKNOWN_ZONE, "missing_coordinates"),
        ((40.7580, 0.0), UNKNOWN_ZONE, "missing_coordinates"),
        ((np.nan, -73.98), UNKNOWN_ZONE, "missing_coordinates"),
        ((-73.9855, 40.7580), UNKNOWN_ZONE, "swapped_coordinates"),
        ((3.7580, -7.9855), UNKNOWN_ZONE, "implausible_coordinates"),  # degrees lost
        ((40.7580, 73.9855), UNKNOWN_ZONE, "implausible_coordinates"),  # sign lost
        ((540.75, -73.98), UNKNOWN_ZONE, "implausible_coordinates"),
    ]
    lat = np.array([p[0][0] for p in points])
    lng = np.array([p[0][1] for p in points])
    location, basis = zones.classify(lat, lng)
    assert list(zip(location.tolist(), basis.tolist(), strict=True)) == [(p[1], p[2]) for p in points]


def test_vectorised_locate_agrees_with_shapely_point_by_point(zones):
    """The binary-searched, prepared-polygon path against the plain predicate, on random points."""
    import pyproj
    import shapely

    rng = np.random.default_rng(7)
    lat, lng = rng.uniform(40.49, 40.92, 3000), rng.uniform(-74.27, -73.69, 3000)
    located = zones.locate(lat, lng)
    transformer = pyproj.Transformer.from_crs(
        "EPSG:4326", pyproj.CRS.from_user_input(zones.crs_wkt), always_xy=True
    )
    x, y = transformer.transform(lng, lat)
    for i in range(len(lat)):
        point = shapely.Point(x[i], y[i])
        inside = sorted(
            int(z) for z, g in zip(zones.location_ids, zones.geometries, strict=True) if g.contains(point)
        )
        assert located[i] == (inside[0] if inside else OUTSIDE_NYC)
    assert (located != OUTSIDE_NYC).mean() > 0.25  # the box holds water and New Jersey too
