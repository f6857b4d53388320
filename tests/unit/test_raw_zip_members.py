"""Zip members that cannot be read, or that expand too far whatever the nesting (issue 32): nested
zips whose levels each stay under the ratio, an oversized shapefile part, encrypted, Deflate64 and
corrupt members are one error naming the archive and the member; nothing lands."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest

from nyc_mobility import raw
from nyc_mobility.raw.landing import MAX_RATIO

CSV = b"started_at,ended_at,start_lat,start_lng,end_lat,end_lng,member_casual\n"


def zipped(members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=method, compresslevel=9) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return out.getvalue()


def test_nested_zips_cannot_multiply_the_ratio(tmp_path):
    """Each level expands under 200x; together far more: refused on the whole archive's budget."""
    inner = zipped({"202406-citibike-tripdata.csv": CSV + b"1" * 3_000_000})  # ~3 MB from a few KB
    middle = zipped({f"part{i}.zip": inner for i in range(40)}, zipfile.ZIP_STORED)
    outer = zipped({"202406-citibike-tripdata.zip": middle})  # the 40 identical inner zips compress
    path = tmp_path / "nested.zip"
    path.write_bytes(outer)
    assert MAX_RATIO * len(outer) < 40 * 3_000_000
    with pytest.raises(raw.RawFileError, match="zip bomb"):
        raw.land_csv_archive(path, tmp_path / "raw", "citibike", "2024-06")
    assert not (tmp_path / "raw").exists()


def _flag_encrypted(data: bytes) -> bytes:
    """Set the 'encrypted' flag bit of every member's local and central header."""
    data = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        while at >= 0:
            flags = struct.unpack_from("<H", data, at + offset)[0]
            struct.pack_into("<H", data, at + offset, flags | 0x1)
            at = data.find(signature, at + 4)
    return bytes(data)


def _method(data: bytes, method: int) -> bytes:
    data = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        at = data.find(signature)
        while at >= 0:
            struct.pack_into("<H", data, at + offset, method)
            at = data.find(signature, at + 4)
    return bytes(data)


def _corrupt(data: bytes) -> bytes:
    data = bytearray(data)
    start = data.find(b"PK\x03\x04") + 30 + len("202406-citibike-tripdata.csv")
    for i in range(start + 5, start + 40):
        data[i] ^= 0x5A
    return bytes(data)


ROWS = CSV + b"2024-06-01 08:00:00,2024-06-01 08:10:00,40.75,-73.99,40.76,-73.98,member\n" * 200


@pytest.mark.parametrize(
    ("damage", "says"),
    [
        (_flag_encrypted, "cannot be read"),
        (lambda d: _method(d, 9), "cannot be read"),
        (_corrupt, "cannot be read"),
    ],
    ids=["encrypted", "deflate64", "corrupt"],
)
def test_unreadable_members_are_one_error_naming_them(tmp_path, damage, says):
    path = tmp_path / "202406-citibike-tripdata.zip"
    path.write_bytes(damage(zipped({"202406-citibike-tripdata.csv": ROWS})))
    with pytest.raises(raw.RawFileError, match=says) as caught:
        raw.land_csv_archive(path, tmp_path / "raw", "citibike", "2024-06")
    assert "202406-citibike-tripdata.csv" in str(caught.value) and str(path) in str(caught.value)
    assert not (tmp_path / "raw").exists()


def test_an_oversized_shapefile_part_is_refused_before_it_is_read_into_memory(tmp_path):
    from nyc_mobility.zones.files import land_zone_shapes

    path = tmp_path / "taxi_zones.zip"
    path.write_bytes(zipped({"taxi_zones.shp": b"\0" * 100, "taxi_zones.dbf": b"\0" * 20_000_000}))
    with pytest.raises(raw.RawFileError, match="zip bomb"):
        land_zone_shapes(path, tmp_path / "raw")
    assert not list((tmp_path / "raw").rglob("*.dbf"))
