"""Yellow-taxi and FHV trip records as the TLC publishes them (parquet, official names and types;
earlier months in their era's columns, see :mod:`nyc_mobility.sample.eras`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from nyc_mobility.months import month_bounds
from nyc_mobility.sample.context import SampleMonth
from nyc_mobility.sample.demand import MonthHours, hourly_counts, trip_starts
from nyc_mobility.sample.dirty import pick_defects
from nyc_mobility.sample.zones import AIRPORT_ZONES, BUSY_MANHATTAN, zones_by_borough

_MONEY = (
    "fare_amount",
    "extra",
    "mta_tax",
    "tip_amount",
    "tolls_amount",
    "improvement_surcharge",
    "total_amount",
    "congestion_surcharge",
    "Airport_fee",
)
YELLOW_DEFECTS = {
    "dropoff_before_pickup": 0.006,
    "zero_duration": 0.004,
    "refund": 0.003,
    "negative_fare": 0.002,
    "outside_month": 0.003,
    "absurd_distance": 0.001,
    "no_passenger_info": 0.02,
    "duplicate": 0.002,  # last: the rows before keep their defects whatever this rate is
}
FHV_DEFECTS = {
    "dropoff_before_pickup": 0.005,
    "sentinel": 0.002,
    "outside_month": 0.003,
    "excessive_duration": 0.002,
}
FHV_BASES = [
    f"B{n:05d}"
    for n in (
        13,
        53,
        111,
        250,
        310,
        381,
        432,
        628,
        706,
        821,
        887,
        1027,
        1145,
        1239,
        1312,
        1454,
        1536,
        1745,
        2356,
        2510,
        2682,
        2764,
    )
]


def _pickup_zones(rng: np.random.Generator, n: int) -> np.ndarray:
    boroughs = zones_by_borough()
    other = np.array(boroughs["Brooklyn"] + boroughs["Queens"] + boroughs["Bronx"])
    manhattan = np.array(boroughs["Manhattan"])
    kind = rng.choice(4, size=n, p=[0.62, 0.2, 0.07, 0.11])  # busy, other Manhattan, airport, rest
    zones = np.where(kind == 0, rng.choice(np.array(BUSY_MANHATTAN), n), 0)
    zones = np.where(kind == 1, rng.choice(manhattan, n), zones)
    zones = np.where(kind == 2, rng.choice(np.array(AIRPORT_ZONES), n, p=[0.03, 0.6, 0.37]), zones)
    return np.where(kind == 3, rng.choice(other, n), zones)


def _rush(hours: MonthHours, hour_index: np.ndarray) -> np.ndarray:
    hod = np.array([h.hour for h in hours.starts])[hour_index]
    weekday = np.array([h.weekday() < 5 for h in hours.starts])[hour_index]
    return hod, weekday & (((hod >= 7) & (hod < 10)) | ((hod >= 16) & (hod < 20)))


def shift_to_previous_month(month: str, pickup: np.ndarray, idx: np.ndarray) -> None:
    start, _ = month_bounds(month)
    delta = pickup[idx] - np.datetime64(start, "ms") + np.timedelta64(2, "h")
    pickup[idx] -= delta


def yellow_table(month: str, hours: MonthHours, scale: float, rng: np.random.Generator) -> pa.Table:
    pickup, hour_index = trip_starts(hours, hourly_counts("yellow_taxi", hours, scale, rng), rng)
    n = pickup.size
    hod, rush = _rush(hours, hour_index)
    pu = _pickup_zones(rng, n)
    do = _pickup_zones(rng, n)
    airport = np.isin(pu, AIRPORT_ZONES) | np.isin(do, AIRPORT_ZONES)
    distance = np.where(airport, rng.normal(15, 3.5, n), rng.lognormal(np.log(1.9), 0.65, n))
    distance = np.round(np.clip(distance, 0.1, 60), 2)
    mph = np.clip(rng.normal(np.where(rush, 8.5, np.where(hod < 6, 17, 11.5)), 2.5), 3, 40)
    seconds = (distance / mph * 3600 + rng.normal(60, 30, n)).clip(60).astype("int64")
    dropoff = pickup + seconds.astype("timedelta64[s]").astype("timedelta64[ms]")
    jfk = (pu == 132) | (do == 132)
    ratecode = np.where(jfk & (rng.random(n) < 0.7), 2, np.where(do == 1, 3, 1)).astype("int64")
    payment = rng.choice([1, 2, 3, 4], size=n, p=[0.78, 0.2, 0.01, 0.01]).astype("int64")
    fare = np.where(ratecode == 2, 70.0, np.round(3.0 + 3.5 * distance + 0.7 * seconds / 60 * 0.5, 2))
    extra = np.where(rush & (hod >= 16), 2.5, np.where((hod >= 20) | (hod < 6), 1.0, 0.0))
    in_manhattan = np.isin(pu, zones_by_borough()["Manhattan"]) | np.isin(do, zones_by_borough()["Manhattan"])
    congestion = np.where(in_manhattan, 2.5, 0.0)
    airport_fee = np.where(np.isin(pu, (132, 138)), 1.75, 0.0)
    tolls = np.where(airport & (rng.random(n) < 0.6), 6.94, 0.0)
    tip = np.where(payment == 1, np.round(fare * rng.uniform(0.12, 0.3, n), 2), 0.0)
    columns = {
        "VendorID": rng.choice([1, 2], size=n, p=[0.3, 0.7]).astype("int32"),
        "tpep_pickup_datetime": pickup,
        "tpep_dropoff_datetime": dropoff,
        "passenger_count": rng.choice(
            [1, 2, 3, 4, 5, 6], size=n, p=[0.72, 0.15, 0.05, 0.03, 0.03, 0.02]
        ).astype("float64"),
        "trip_distance": distance,
        "RatecodeID": ratecode.astype("float64"),
        "store_and_fwd_flag": np.where(rng.random(n) < 0.005, "Y", "N").astype(object),
        "PULocationID": pu.astype("int32"),
        "DOLocationID": do.astype("int32"),
        "payment_type": payment,
        "fare_amount": fare,
        "extra": extra,
        "mta_tax": np.full(n, 0.5),
        "tip_amount": tip,
        "tolls_amount": tolls,
        "improvement_surcharge": np.full(n, 1.0),
        "total_amount": np.zeros(n),
        "congestion_surcharge": congestion,
        "Airport_fee": airport_fee,
    }
    with_cbd = month >= "2025-01"
    if with_cbd:
        both_core = np.isin(pu, BUSY_MANHATTAN) & np.isin(do, BUSY_MANHATTAN)
        columns["cbd_congestion_fee"] = np.where(both_core, 0.75, 0.0)
    bad = pick_defects(rng, n, YELLOW_DEFECTS)
    pickup, dropoff = columns["tpep_pickup_datetime"], columns["tpep_dropoff_datetime"]
    i = bad["dropoff_before_pickup"]
    pickup[i], dropoff[i] = dropoff[i].copy(), pickup[i].copy()
    i = bad["zero_duration"]
    dropoff[i] = pickup[i]
    columns["trip_distance"][i] = 0.0
    i = bad["refund"]
    columns["payment_type"][i] = 4
    for name in (
        "fare_amount",
        "extra",
        "mta_tax",
        "tip_amount",
        "improvement_surcharge",
        "congestion_surcharge",
    ):
        columns[name][i] = -np.abs(columns[name][i])
    columns["fare_amount"][bad["negative_fare"]] *= -1
    columns["payment_type"][bad["negative_fare"]] = 2
    shift_to_previous_month(month, pickup, bad["outside_month"])
    dropoff[bad["outside_month"]] = pickup[bad["outside_month"]] + np.timedelta64(900, "s")
    columns["trip_distance"][bad["absurd_distance"]] = 183_000.5
    total = sum(columns[c] for c in _MONEY if c not in ("total_amount",)) + columns.get(
        "cbd_congestion_fee", 0
    )
    columns["total_amount"] = np.round(total, 2)
    i = bad["no_passenger_info"]
    columns["payment_type"][i] = 0
    # Published twice: a copy of a clean record, every column identical.
    copies = bad["duplicate"]
    clean = np.setdiff1d(np.arange(n), np.concatenate(list(bad.values())))[: len(copies)]
    for values in columns.values():
        values[copies[: len(clean)]] = values[clean]
    table = pa.table({k: v for k, v in columns.items()})
    # Published 2024+ files: passenger_count/RatecodeID are BIGINT with nulls where unknown.
    mask = np.zeros(n, dtype=bool)
    mask[i] = True
    for name in ("passenger_count", "RatecodeID"):
        values = pa.array(columns[name].astype("int64"), mask=mask, type=pa.int64())
        table = table.set_column(table.schema.get_field_index(name), name, values)
    store = pa.array(columns["store_and_fwd_flag"], mask=mask, type=pa.string())
    table = table.set_column(table.schema.get_field_index("store_and_fwd_flag"), "store_and_fwd_flag", store)
    return with_timestamp_us(table, ("tpep_pickup_datetime", "tpep_dropoff_datetime"))


def fhv_table(month: str, hours: MonthHours, scale: float, rng: np.random.Generator) -> pa.Table:
    pickup, _ = trip_starts(hours, hourly_counts("fhv", hours, scale, rng), rng)
    n = pickup.size
    all_zones = np.arange(1, 264)
    minutes = np.clip(rng.lognormal(np.log(17), 0.55, n), 2, 240)
    dropoff = pickup + (minutes * 60_000).astype("timedelta64[ms]")
    pu = rng.choice(all_zones, n).astype("float64")
    do = rng.choice(all_zones, n).astype("float64")
    pu[rng.random(n) < 0.15] = np.nan
    do[rng.random(n) < 0.08] = np.nan
    base = rng.choice(FHV_BASES, n)
    affiliated = np.where(rng.random(n) < 0.85, base, rng.choice(FHV_BASES, n))
    bad = pick_defects(rng, n, FHV_DEFECTS)
    i = bad["dropoff_before_pickup"]
    pickup[i], dropoff[i] = dropoff[i].copy(), pickup[i].copy()
    dropoff[bad["sentinel"]] = np.datetime64("1970-01-01T00:00:00", "ms")
    shift_to_previous_month(month, pickup, bad["outside_month"])
    dropoff[bad["outside_month"]] = pickup[bad["outside_month"]] + np.timedelta64(1200, "s")
    dropoff[bad["excessive_duration"]] = pickup[bad["excessive_duration"]] + np.timedelta64(30, "h")
    shared = rng.random(n) < 0.03
    table = pa.table(
        {
            "dispatching_base_num": pa.array(base, type=pa.string()),
            "pickup_datetime": pickup,
            "dropOff_datetime": dropoff,
            "PUlocationID": pa.array(pu, from_pandas=True),
            "DOlocationID": pa.array(do, from_pandas=True),
            "SR_Flag": pa.array(np.where(shared, 1, 0).astype("int32"), mask=~shared),
            "Affiliated_base_number": pa.array(affiliated, type=pa.string()),
        }
    )
    return with_timestamp_us(table, ("pickup_datetime", "dropOff_datetime"))


def with_timestamp_us(table: pa.Table, names: tuple[str, ...]) -> pa.Table:
    for name in names:
        idx = table.schema.get_field_index(name)
        # The TLC publishes whole seconds in microsecond columns.
        seconds = table.column(name).cast(pa.timestamp("s"), safe=False)
        table = table.set_column(idx, name, seconds.cast(pa.timestamp("us")))
    return table


def write_parquet(table: pa.Table, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="zstd")
    return path


def write_yellow(folder: Path, sample: SampleMonth) -> Path:
    """``yellow_tripdata_YYYY-MM.parquet`` as published, in the columns of the month's era."""
    from nyc_mobility.sample.eras import yellow_for_era

    table = yellow_for_era(yellow_table(sample.month, sample.hours, sample.scale, sample.rng), sample.month)
    return write_parquet(table, Path(folder) / f"yellow_tripdata_{sample.month}.parquet")


def write_fhv(folder: Path, sample: SampleMonth) -> Path:
    """``fhv_tripdata_YYYY-MM.parquet`` as published, in the columns of the month's era."""
    from nyc_mobility.sample.eras import fhv_for_era

    table = fhv_for_era(fhv_table(sample.month, sample.hours, sample.scale, sample.rng), sample.month)
    return write_parquet(table, Path(folder) / f"fhv_tripdata_{sample.month}.parquet")
