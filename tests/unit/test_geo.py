"""Point-in-polygon on the real taxi zone shapes (../shared/data/real)."""

from __future__ import annotations

import numpy as np
import pytest

from nyc_mobility.geo import OUTSIDE_NYC, ZoneIndex


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
