"""Citi Bike trips as published since 2021-02 (v3 schema): CSVs inside a monthly zip.

Stations sit in Manhattan, Brooklyn, Queens and, as in the real system, across the Hudson in
Jersey City and Hoboken (outside every taxi zone).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from nyc_mobility.sample.demand import MonthHours, hourly_counts, trip_starts
from nyc_mobility.sample.dirty import pick_defects

if TYPE_CHECKING:
    from nyc_mobility.sample.context import SampleMonth

CITIBIKE_DEFECTS = {
    "ended_before_started": 0.003,
    "lost_bike": 0.003,
    "excessive_duration": 0.001,
    "outside_month": 0.002,
}
# (name prefix, count, lat range, lng range, id style)
AREAS = (
    ("Manhattan", 70, (40.705, 40.800), (-74.015, -73.935), "nyc"),
    ("Brooklyn", 30, (40.665, 40.700), (-73.995, -73.945), "nyc"),
    ("Queens", 12, (40.740, 40.760), (-73.955, -73.920), "nyc"),
    ("Jersey City", 12, (40.712, 40.735), (-74.070, -74.040), "JC"),
    ("Hoboken", 6, (40.737, 40.752), (-74.035, -74.025), "HB"),
)


@dataclass(frozen=True)
class Stations:
    ids: np.ndarray
    names: np.ndarray
    lat: np.ndarray
    lng: np.ndarray
    neighbours: np.ndarray  # the 10 nearest stations of each station


def stations(seed: int = 20130527) -> Stations:
    rng = np.random.default_rng(seed)
    ids, names, lats, lngs = [], [], [], []
    for area, count, (lat0, lat1), (lng0, lng1), style in AREAS:
        lat = rng.uniform(lat0, lat1, count)
        # Manhattan's grid runs north-east: shift longitude with latitude to stay on the island.
        shift = (lat - lat0) * 0.45 if area == "Manhattan" else 0.0
        lng = rng.uniform(lng0, lng1 - 0.03 if area == "Manhattan" else lng1, count) + shift
        for k in range(count):
            if style == "nyc":
                ids.append(f"{rng.integers(3000, 8800)}.{rng.integers(1, 15):02d}")
                names.append(f"{area[0]} {rng.integers(1, 180)} St & {rng.integers(1, 12)} Ave")
            else:
                ids.append(f"{style}{len(ids) % 1000:03d}")
                names.append(f"{area} station {k + 1}")
            lats.append(round(float(lat[k]), 6))
            lngs.append(round(float(lng[k]), 6))
    lat_a, lng_a = np.array(lats), np.array(lngs)
    dist = (lat_a[:, None] - lat_a[None, :]) ** 2 + ((lng_a[:, None] - lng_a[None, :]) * 0.76) ** 2
    neighbours = np.argsort(dist, axis=1)[:, 1:11]
    return Stations(np.array(ids), np.array(names), lat_a, lng_a, neighbours)


def trips_table(month: str, hours: MonthHours, scale: float, rng: np.random.Generator) -> pa.Table:
    st = stations()
    started, _ = trip_starts(hours, hourly_counts("citibike", hours, scale, rng), rng)
    n = started.size
    across_hudson = np.char.startswith(st.ids, "JC") | np.char.startswith(st.ids, "HB")
    weights = np.where(across_hudson, 0.4, 1.0)
    start = rng.choice(st.ids.size, n, p=weights / weights.sum())
    end = st.neighbours[start, rng.integers(0, 10, n)]
    round_trip = rng.random(n) < 0.04
    end = np.where(round_trip, start, end)
    km = np.hypot((st.lat[end] - st.lat[start]) * 111.0, (st.lng[end] - st.lng[start]) * 84.3) * 1.3
    electric = rng.random(n) < 0.55
    member = rng.random(n) < 0.78
    kmh = np.where(electric, 16.0, 11.5) * np.where(member, 1.0, 0.8)
    seconds = (km / kmh * 3600 + rng.gamma(2.0, 90, n) + np.where(round_trip, 1200, 0)).clip(61)
    ended = started + (seconds * 1000).astype("timedelta64[ms]")
    bad = pick_defects(rng, n, CITIBIKE_DEFECTS)
    i = bad["ended_before_started"]
    ended[i] = started[i] - np.timedelta64(95, "s")
    ended[bad["excessive_duration"]] = started[bad["excessive_duration"]] + np.timedelta64(26, "h")
    i = bad["outside_month"]
    started[i] = started[i].astype("datetime64[M]") - np.timedelta64(3, "h")
    ended[i] = started[i] + np.timedelta64(700, "s")
    lost = np.zeros(n, dtype=bool)
    lost[bad["lost_bike"]] = True
    ride_ids = [f"{v:016X}" for v in rng.integers(0, 2**63, n, dtype=np.int64)]
    return pa.table(
        {
            "ride_id": ride_ids,
            "rideable_type": np.where(electric, "electric_bike", "classic_bike"),
            "started_at": _fmt(started),
            "ended_at": _fmt(ended),
            "start_station_name": st.names[start],
            "start_station_id": st.ids[start],
            "end_station_name": pa.array(st.names[end], mask=lost),
            "end_station_id": pa.array(st.ids[end], mask=lost),
            "start_lat": st.lat[start],
            "start_lng": st.lng[start],
            "end_lat": pa.array(st.lat[end], mask=lost),
            "end_lng": pa.array(st.lng[end], mask=lost),
            "member_casual": np.where(member, "member", "casual"),
        }
    )


def _fmt(values: np.ndarray) -> np.ndarray:
    """Timestamps as Citi Bike writes them: ``2024-01-15 15:18:07.123``."""
    return np.char.replace(np.datetime_as_string(values, unit="ms"), "T", " ")


def write_zip(
    table: pa.Table,
    month: str,
    folder: Path,
    max_rows_per_csv: int = 1_000_000,
    *,
    jersey_city: pa.Table | None = None,
) -> Path:
    """Write ``YYYYMM-citibike-tripdata.csv.zip`` with one CSV per ``max_rows_per_csv`` rows (and
    the Jersey City system's ``JC-YYYYMM-citibike-tripdata.csv`` when given).

    Like several real archives, it also carries a ``__MACOSX/`` resource-fork entry.
    """
    stem = f"{month.replace('-', '')}-citibike-tripdata"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}.csv.zip"
    options = pacsv.WriteOptions(quoting_style="needed")
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        parts = max(1, -(-table.num_rows // max_rows_per_csv))
        for part in range(parts):
            chunk = table.slice(part * max_rows_per_csv, max_rows_per_csv)
            sink = pa.BufferOutputStream()
            pacsv.write_csv(chunk, sink, options)
            archive.writestr(f"{stem}_{part + 1}.csv", sink.getvalue().to_pybytes())
        if jersey_city is not None and jersey_city.num_rows:
            sink = pa.BufferOutputStream()
            pacsv.write_csv(jersey_city, sink, options)
            archive.writestr(f"JC-{stem}.csv", sink.getvalue().to_pybytes())
        archive.writestr(f"__MACOSX/._{stem}_1.csv", b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X")
    return path


def write_published(folder: Path, sample: SampleMonth) -> Path:
    """The month's ``YYYYMM-citibike-tripdata.csv.zip`` as published, with the trips from the
    Jersey City and Hoboken stations as ``JC-YYYYMM-citibike-tripdata.csv`` (the Jersey City system
    publishes that CSV in its own ``JC-`` archive; landed, the month holds the same files)."""
    import pyarrow.compute as pc

    table = trips_table(sample.month, sample.hours, sample.scale, sample.rng)
    ids = table["start_station_id"]
    jersey = pc.or_(pc.starts_with(ids, "JC"), pc.starts_with(ids, "HB"))
    return write_zip(
        table.filter(pc.invert(jersey)),
        sample.month,
        Path(folder),
        sample.max_rows_per_csv,
        jersey_city=table.filter(jersey),
    )
