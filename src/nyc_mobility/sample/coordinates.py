"""Trip coordinates for the sample's coordinate eras (2009 to 2016-06 taxi files).

Coordinates are drawn inside the sample's zone shapes (a cell of the trip's zone, or of any zone
when its zone has none), as a deterministic function of the record (identical published records
stay identical), at least ``MARGIN`` from the cell's edges, with the defects of the real files:
zero, swapped and implausible coordinates (``COORDINATE_DEFECTS``, shares of the records).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

COORDINATE_DEFECTS = {"zero": 0.015, "swapped": 0.003, "implausible": 0.002}
MARGIN = 0.0006  # degrees kept from a cell's edge: rounding to 4 decimals never crosses it


@lru_cache(maxsize=1)
def _cells() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(location id, lng0, lat0) of every sample cell, sorted by id, and each id's first cell / count."""
    from nyc_mobility.sample.shapes import CELL_DEGREES, zone_cells

    cells = sorted((location_id, ring[0][0], ring[0][1]) for location_id, _, ring in zone_cells())
    ids = np.array([c[0] for c in cells])
    lng0 = np.array([c[1] for c in cells]) + MARGIN
    lat0 = np.array([c[2] for c in cells]) + MARGIN
    first = np.searchsorted(ids, np.arange(266), "left")
    count = np.searchsorted(ids, np.arange(266), "right") - first
    assert CELL_DEGREES > 2 * MARGIN
    return ids, lng0, lat0, first, count


def _hash_uniform(key: np.ndarray, salt: int) -> np.ndarray:
    """Uniform [0, 1) numbers as a function of ``key`` (splitmix64): equal keys, equal numbers."""
    with np.errstate(over="ignore"):
        z = key.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15) * np.uint64(salt + 1)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def _record_keys(table: pa.Table, pickup: str, zone: str) -> np.ndarray:
    """A number per record from its pickup time, zone, distance and fare (equal records, equal keys)."""
    ms = pc.cast(table.column(pickup), pa.int64()).to_numpy(zero_copy_only=False)
    zones = np.nan_to_num(pc.cast(table.column(zone), pa.float64()).to_numpy(zero_copy_only=False)).astype(
        np.int64
    )
    miles = np.nan_to_num(
        table.column("trip_distance").to_numpy(zero_copy_only=False)
        if "trip_distance" in table.column_names
        else 0.0
    )
    with np.errstate(over="ignore"):
        return (
            ms.astype(np.uint64) * np.uint64(31)
            + zones.astype(np.uint64) * np.uint64(1_000_003)
            + (miles * 100).astype(np.int64).astype(np.uint64)
        )


def zone_points(zones: np.ndarray, keys: np.ndarray, salt: int) -> tuple[np.ndarray, np.ndarray]:
    """A (lat, lng) inside a sample cell of each zone, with the real files' coordinate defects."""
    from nyc_mobility.sample.shapes import CELL_DEGREES

    ids, lng0, lat0, first, count = _cells()
    zones = np.clip(np.nan_to_num(zones).astype(np.int64), 0, 265)
    u = [_hash_uniform(keys, salt * 10 + k) for k in range(4)]
    has = count[zones] > 0
    cell = np.where(
        has,
        first[zones] + (u[0] * np.maximum(count[zones], 1)).astype(np.int64),
        (u[0] * len(ids)).astype(np.int64),
    )
    span = CELL_DEGREES - 2 * MARGIN
    lat = np.round(lat0[cell] + u[1] * span, 6)
    lng = np.round(lng0[cell] + u[2] * span, 6)
    zero = u[3] < COORDINATE_DEFECTS["zero"]
    swapped = (u[3] >= COORDINATE_DEFECTS["zero"]) & (
        u[3] < COORDINATE_DEFECTS["zero"] + COORDINATE_DEFECTS["swapped"]
    )
    implausible = u[3] >= 1 - COORDINATE_DEFECTS["implausible"]
    lat, lng = np.where(swapped, lng, lat), np.where(swapped, lat, lng)
    lat, lng = np.where(zero, 0.0, lat), np.where(zero, 0.0, lng)
    # the real junk: a coordinate typed without its degrees, far off New York
    lat, lng = (
        np.where(implausible, np.round(lat - 37.0, 6), lat),
        np.where(implausible, np.round(lng + 66.0, 6), lng),
    )
    return lat, lng


def with_coordinates(table: pa.Table, pickup: str, names: dict[str, str]) -> pa.Table:
    """Zone id columns replaced by coordinate columns named as ``names`` says."""
    keys = _record_keys(table, pickup, "PULocationID")
    for zone, salt, (lng_name, lat_name) in (
        ("PULocationID", 1, (names["pickup_longitude"], names["pickup_latitude"])),
        ("DOLocationID", 2, (names["dropoff_longitude"], names["dropoff_latitude"])),
    ):
        zones = table.column(zone).to_numpy(zero_copy_only=False)
        lat, lng = zone_points(zones, keys + np.uint64(salt), salt)
        at = table.schema.get_field_index(zone)
        table = (
            table.remove_column(at)
            .add_column(at, lat_name, pa.array(lat))
            .add_column(at, lng_name, pa.array(lng))
        )
    return table
