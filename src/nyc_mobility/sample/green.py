"""Green (street-hail livery, "boro") taxi trip records as the TLC publishes them.

``green_tripdata_YYYY-MM.parquet`` in the official names and types: ``lpep_*`` timestamps,
``trip_type`` (1 street hail, 2 dispatch), ``ehail_fee`` (always null in today's files), the yellow
money columns without the airport fee, and ``cbd_congestion_fee`` from 2025. Green taxis may not
pick up in Manhattan below 110th Street or at the airports, so pickups are in the outer boroughs and
upper Manhattan. About 50 k trips a month at ``scale=1.0``, with yellow's kinds of defects.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa

from nyc_mobility.sample.context import SampleMonth
from nyc_mobility.sample.demand import hourly_counts, trip_starts
from nyc_mobility.sample.dirty import pick_defects
from nyc_mobility.sample.taxi import shift_to_previous_month, with_timestamp_us, write_parquet
from nyc_mobility.sample.zones import AIRPORT_ZONES, zones_by_borough

# Upper Manhattan zones where green taxis may hail (Harlem, Washington Heights, Inwood).
UPPER_MANHATTAN = (41, 42, 74, 75, 116, 127, 128, 152, 166, 243, 244)
DEFECTS = {
    "dropoff_before_pickup": 0.005,
    "zero_duration": 0.004,
    "refund": 0.004,
    "outside_month": 0.003,
    "duplicate": 0.002,  # last: the rows before keep their defects whatever this rate is
}


def green_table(sample: SampleMonth) -> pa.Table:
    rng, month = sample.rng, sample.month
    pickup, _ = trip_starts(sample.hours, hourly_counts("green_taxi", sample.hours, sample.scale, rng), rng)
    n = pickup.size
    boroughs = zones_by_borough()
    hail = np.array(boroughs["Brooklyn"] + boroughs["Queens"] + boroughs["Bronx"] + list(UPPER_MANHATTAN))
    pu = rng.choice(hail, n)
    do = np.where(rng.random(n) < 0.8, rng.choice(hail, n), rng.choice(np.array(boroughs["Manhattan"]), n))
    do = np.where(rng.random(n) < 0.03, rng.choice(np.array(AIRPORT_ZONES[1:]), n), do)
    distance = np.round(np.clip(rng.lognormal(np.log(2.4), 0.7, n), 0.1, 40), 2)
    seconds = (distance / np.clip(rng.normal(12, 3, n), 4, 35) * 3600 + 60).astype("int64")
    dropoff = pickup + (seconds * 1000).astype("timedelta64[ms]")
    street_hail = rng.random(n) < 0.9
    payment = rng.choice([1, 2, 3, 4], size=n, p=[0.62, 0.36, 0.01, 0.01]).astype("int64")
    fare = np.round(3.0 + 3.5 * distance + 0.35 * seconds / 60, 2)
    extra = np.where(rng.random(n) < 0.4, 1.0, 0.0)
    tip = np.where(payment == 1, np.round(fare * rng.uniform(0.1, 0.25, n), 2), 0.0)
    tolls = np.where(rng.random(n) < 0.02, 6.94, 0.0)
    to_manhattan = np.isin(do, boroughs["Manhattan"]) & ~np.isin(do, UPPER_MANHATTAN)
    congestion = np.where(to_manhattan, 2.75, 0.0)
    money = {
        "fare_amount": fare,
        "extra": extra,
        "mta_tax": np.full(n, 0.5),
        "tip_amount": tip,
        "tolls_amount": tolls,
        "improvement_surcharge": np.full(n, 1.0),
        "congestion_surcharge": congestion,
    }
    if month >= "2025-01":
        from nyc_mobility.zones.congestion import shipped_zone_ids

        money["cbd_congestion_fee"] = np.where(np.isin(do, shipped_zone_ids()), 0.75, 0.0)
    bad = pick_defects(rng, n, DEFECTS)
    i = bad["dropoff_before_pickup"]
    pickup[i], dropoff[i] = dropoff[i].copy(), pickup[i].copy()
    i = bad["zero_duration"]
    dropoff[i] = pickup[i]
    distance[i] = 0.0
    i = bad["refund"]
    payment[i] = 3
    for name in ("fare_amount", "extra", "mta_tax", "improvement_surcharge"):
        money[name][i] = -np.abs(money[name][i])
    i = bad["outside_month"]
    length = dropoff[i] - pickup[i]
    shift_to_previous_month(month, pickup, i)
    dropoff[i] = pickup[i] + length
    total = np.round(sum(money.values()), 2)
    columns = {
        "VendorID": rng.choice([1, 2], size=n, p=[0.15, 0.85]).astype("int32"),
        "lpep_pickup_datetime": pickup,
        "lpep_dropoff_datetime": dropoff,
        "store_and_fwd_flag": np.where(rng.random(n) < 0.003, 1, 0),
        "RatecodeID": np.where(np.isin(do, AIRPORT_ZONES), 2, 1).astype("int64"),
        "PULocationID": pu.astype("int32"),
        "DOLocationID": do.astype("int32"),
        "passenger_count": rng.choice([1, 2, 3, 4, 5], size=n, p=[0.84, 0.1, 0.03, 0.02, 0.01]).astype(
            "int64"
        ),
        "trip_distance": distance,
        **{k: v for k, v in money.items() if k != "congestion_surcharge" and k != "cbd_congestion_fee"},
        "total_amount": total,
        "payment_type": payment,
        "trip_type": np.where(street_hail, 1, 2).astype("int64"),
        "congestion_surcharge": congestion,
    }
    if "cbd_congestion_fee" in money:
        columns["cbd_congestion_fee"] = money["cbd_congestion_fee"]
    copies = bad["duplicate"]
    clean = np.setdiff1d(np.arange(n), np.concatenate(list(bad.values())))[: len(copies)]
    for values in columns.values():
        values[copies[: len(clean)]] = values[clean]
    table = pa.table({k: v for k, v in columns.items() if k != "store_and_fwd_flag"})
    flag = pa.DictionaryArray.from_arrays(
        pa.array(columns["store_and_fwd_flag"].astype("int32")), pa.array(["N", "Y"])
    )
    table = table.add_column(3, "store_and_fwd_flag", flag.cast(pa.string()))
    # ehail_fee: a column of nulls in every file since 2019 (DOUBLE)
    table = table.add_column(
        table.schema.get_field_index("improvement_surcharge"), "ehail_fee", pa.nulls(n, pa.float64())
    )
    return with_timestamp_us(table, ("lpep_pickup_datetime", "lpep_dropoff_datetime"))


def write_green(folder: Path, sample: SampleMonth) -> Path:
    """``green_tripdata_YYYY-MM.parquet`` as published, in the columns of the month's era."""
    from nyc_mobility.sample.eras import green_for_era

    table = green_for_era(green_table(sample), sample.month)
    return write_parquet(table, Path(folder) / f"green_tripdata_{sample.month}.parquet")
