"""High-volume for-hire trip records (Uber, Lyft, Via, Juno) as the TLC publishes them.

``fhvhv_tripdata_YYYY-MM.parquet`` in the official names and types (24 columns, 25 from 2025 with
``cbd_congestion_fee``). At ``scale=1.0`` a month is about 20 M trips, so the file is written a few
days at a time (row groups): memory stays bounded whatever the scale.

What is realistic here: company shares by era (Juno until 2019-11, Via until 2021-09, Uber about
72 % since), request → pickup waits (median about 4.5 minutes, a long right tail), trip miles and
minutes, the passenger's fare, taxes and fees, tips on a minority of trips, driver pay around
70 % of the fare, shared and wheelchair-accessible requests and matches, more demand in wet hours
(Uber more than Lyft), and the quirks of the real files: ``on_scene_datetime`` null (Lyft) or the
1970-01-01 sentinel (Juno), flags ``Y``/``N``/blank, ``airport_fee`` null before 2022, and a few
percent of defects (trips ending before they start, outside the file's month, negative driver pay on
adjustments, absurd distances, duplicated records).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from nyc_mobility.sample.context import SampleMonth
from nyc_mobility.sample.demand import MonthHours, hourly_counts, trip_starts
from nyc_mobility.sample.dirty import pick_defects
from nyc_mobility.sample.zones import AIRPORT_ZONES, zones_by_borough

# license -> (bases it dispatches from, rain lift); the companies' shares by era are below.
COMPANIES = {
    "HV0002": (("B02907", "B02908", "B02914", "B03035"), 1.12),  # Juno
    "HV0003": (
        (
            "B02512",
            "B02598",
            "B02617",
            "B02682",
            "B02764",
            "B02765",
            "B02835",
            "B02836",
            "B02864",
            "B02866",
            "B02869",
            "B02870",
            "B02872",
            "B02875",
            "B02876",
            "B02877",
        ),
        1.22,
    ),
    "HV0004": (("B02800", "B03136"), 1.1),  # Via
    "HV0005": (("B02510", "B02844"), 1.19),  # Lyft
}
_SHARES = (  # (from month, {license: share})
    ("2019-02", {"HV0003": 0.66, "HV0005": 0.24, "HV0004": 0.06, "HV0002": 0.04}),
    ("2019-12", {"HV0003": 0.70, "HV0005": 0.25, "HV0004": 0.05}),
    ("2021-09", {"HV0003": 0.72, "HV0005": 0.28}),
)
DEFECTS = {
    "dropoff_before_pickup": 0.002,
    "outside_month": 0.002,
    "absurd_distance": 0.0005,
    "adjustment": 0.001,  # negative driver pay (and fare) on a pay adjustment
    "duplicate": 0.001,  # last: the rows before keep their defects whatever this rate is
}
CBD_FEE = 1.5
_DAYS_PER_CHUNK = 4


def company_shares(month: str) -> dict[str, float]:
    shares = _SHARES[0][1]
    for start, by_license in _SHARES:
        if month >= start:
            shares = by_license
    return shares


def _strings(values: np.ndarray, choices: tuple[str, ...], mask: np.ndarray | None = None) -> pa.Array:
    """Strings from indices into ``choices`` (dictionary-encoded first: no Python object per row)."""
    indices = pa.array(values.astype("int32"), mask=mask)
    return pa.DictionaryArray.from_arrays(indices, pa.array(choices)).cast(pa.string())


def _flags(yes: np.ndarray, blank: np.ndarray | None = None) -> pa.Array:
    index = yes.astype("int32")
    if blank is not None:
        index = np.where(blank, 2, index)
    return _strings(index, ("N", "Y", " "))


def _timestamps(values: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """Whole seconds in microsecond columns, as the TLC publishes them."""
    seconds = values.astype("datetime64[s]").astype("datetime64[us]")
    return pa.array(seconds, type=pa.timestamp("us"), mask=mask)


def _chunk_table(month: str, pickup: np.ndarray, company: np.ndarray, rng: np.random.Generator) -> pa.Table:
    n = pickup.size
    licenses = tuple(COMPANIES)
    boroughs = zones_by_borough()
    manhattan = np.array(boroughs["Manhattan"])
    outer = np.array(
        boroughs["Brooklyn"] + boroughs["Queens"] + boroughs["Bronx"] + boroughs["Staten Island"]
    )  # For-hire trips are less Manhattan-centred than taxi trips.
    kind = rng.choice(3, size=(2, n), p=[0.38, 0.56, 0.06])
    zones = np.where(kind == 0, rng.choice(manhattan, (2, n)), rng.choice(outer, (2, n)))
    zones = np.where(kind == 2, rng.choice(np.array(AIRPORT_ZONES[1:]), (2, n)), zones)
    pu, do = zones[0], zones[1]
    airport = np.isin(pu, AIRPORT_ZONES) | np.isin(do, AIRPORT_ZONES)
    miles = np.where(airport, rng.normal(14, 3.5, n), rng.lognormal(np.log(3.0), 0.75, n))
    miles = np.round(np.clip(miles, 0.2, 80), 3)
    mph = np.clip(rng.normal(12, 3, n), 4, 45)
    trip_time = (miles / mph * 3600 + rng.normal(90, 40, n)).clip(90).astype("int64")
    dropoff = pickup + trip_time.astype("timedelta64[s]")
    wait_s = np.clip(rng.lognormal(np.log(270), 0.55, n), 30, 3600).astype("int64")
    request = pickup - wait_s.astype("timedelta64[s]")
    on_scene = pickup - rng.integers(10, 240, n).astype("timedelta64[s]")
    fare = np.round(np.maximum(2.5 + 1.45 * miles + 0.48 * trip_time / 60 + rng.normal(0, 2, n), 5.0), 2)
    tolls = np.where(airport & (rng.random(n) < 0.5), 6.94, 0.0)
    bcf = np.round(fare * 0.0275, 2)
    sales_tax = np.round(fare * 0.08875, 2)
    touches_manhattan = np.isin(pu, manhattan) | np.isin(do, manhattan)
    congestion = np.where(touches_manhattan, 2.75, 0.0)
    airport_fee = np.where(np.isin(pu, AIRPORT_ZONES[1:]), 2.5, 0.0)
    tipped = rng.random(n) < 0.18
    tips = np.where(tipped, np.round(fare * rng.uniform(0.1, 0.3, n), 2), 0.0)
    driver_pay = np.round(np.maximum(fare * rng.normal(0.72, 0.08, n), 0), 2)
    shared_request = rng.random(n) < (0.03 if month < "2020-04" else 0.008)
    shared_match = shared_request & (rng.random(n) < 0.45)
    wav_request = rng.random(n) < 0.006
    wav_match = (wav_request & (rng.random(n) < 0.7)) | (~wav_request & (rng.random(n) < 0.04))
    columns: dict[str, object] = {}
    bad = pick_defects(rng, n, DEFECTS)
    i = bad["dropoff_before_pickup"]
    pickup[i], dropoff[i] = dropoff[i].copy(), pickup[i].copy()
    i = bad["outside_month"]
    start = np.datetime64(f"{month}-01T00:00:00", "s")
    shift = pickup[i] - start + np.timedelta64(3, "h")
    pickup[i], dropoff[i], request[i], on_scene[i] = (
        x[i] - shift for x in (pickup, dropoff, request, on_scene)
    )
    miles[bad["absurd_distance"]] = 9_999.9
    driver_pay[bad["adjustment"]] *= -1
    copies = bad["duplicate"]
    clean = np.setdiff1d(np.arange(n), np.concatenate(list(bad.values())))[: len(copies)]
    copies = copies[: len(clean)]
    arrays = [
        pickup,
        dropoff,
        request,
        on_scene,
        company,
        pu,
        do,
        miles,
        trip_time,
        fare,
        tolls,
        bcf,
        sales_tax,
        congestion,
        airport_fee,
        tips,
        driver_pay,
        shared_request,
        shared_match,
        wav_request,
        wav_match,
    ]
    for values in arrays:
        values[copies] = values[clean]
    base_choice = rng.random(n)
    bases = np.empty(n, dtype="int32")
    base_names: list[str] = []
    for code, (company_bases, _) in COMPANIES.items():
        mine = company == licenses.index(code)
        bases[mine] = len(base_names) + (base_choice[mine] * len(company_bases)).astype("int32")
        base_names.extend(company_bases)
    bases[copies] = bases[clean]
    lyft, juno = company == licenses.index("HV0005"), company == licenses.index("HV0002")
    columns["hvfhs_license_num"] = _strings(company, licenses)
    columns["dispatching_base_num"] = _strings(bases, tuple(base_names))
    columns["originating_base_num"] = _strings(bases, tuple(base_names), mask=lyft)
    columns["request_datetime"] = _timestamps(request)
    sentinel = np.datetime64("1970-01-01T00:00:00", "s")
    columns["on_scene_datetime"] = _timestamps(np.where(juno, sentinel, on_scene), mask=lyft)
    columns["pickup_datetime"] = _timestamps(pickup)
    columns["dropoff_datetime"] = _timestamps(dropoff)
    columns["PULocationID"] = pa.array(pu.astype("int32"))
    columns["DOLocationID"] = pa.array(do.astype("int32"))
    columns["trip_miles"] = pa.array(miles)
    columns["trip_time"] = pa.array(trip_time)
    columns["base_passenger_fare"] = pa.array(fare)
    columns["tolls"] = pa.array(tolls)
    columns["bcf"] = pa.array(bcf)
    columns["sales_tax"] = pa.array(sales_tax)
    columns["congestion_surcharge"] = pa.array(congestion)
    columns["airport_fee"] = pa.array(airport_fee, mask=np.full(n, month < "2022-01"))
    columns["tips"] = pa.array(tips)
    columns["driver_pay"] = pa.array(driver_pay)
    columns["shared_request_flag"] = _flags(shared_request)
    columns["shared_match_flag"] = _flags(shared_match)
    columns["access_a_ride_flag"] = _flags(np.zeros(n, dtype=bool), blank=lyft)
    columns["wav_request_flag"] = _flags(wav_request)
    columns["wav_match_flag"] = _flags(wav_match, blank=juno)
    if month >= "2025-01":
        from nyc_mobility.zones.congestion import shipped_zone_ids

        zone = np.array(shipped_zone_ids())
        columns["cbd_congestion_fee"] = pa.array(
            np.where(np.isin(pu, zone) | np.isin(do, zone), CBD_FEE, 0.0)
        )
    return pa.table(columns)


def _chunks(hours: MonthHours) -> list[slice]:
    size = 24 * _DAYS_PER_CHUNK
    return [slice(i, i + size) for i in range(0, len(hours.starts), size)]


def write_hvfhv(folder: Path, sample: SampleMonth) -> Path:
    """``fhvhv_tripdata_YYYY-MM.parquet`` as published, written a few days (a row group) at a time."""
    rng, hours = sample.rng, sample.hours
    shares = company_shares(sample.month)
    licenses = tuple(COMPANIES)
    counts = {
        code: hourly_counts("hvfhv", hours, sample.scale, rng, share=share, rain_lift=COMPANIES[code][1])
        for code, share in shares.items()
    }
    path = Path(folder) / f"fhvhv_tripdata_{sample.month}.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = None
    try:
        for chunk in _chunks(hours):
            total = sum(c[chunk] for c in counts.values())
            sub = MonthHours(hours.starts[chunk], hours.temperature[chunk], hours.precipitation[chunk])
            pickup, hour_index = trip_starts(sub, total, rng)
            pickup = pickup.astype("datetime64[s]")
            # each start's company, in proportion to that hour's per-company counts
            per_hour = np.stack([c[chunk] for c in counts.values()], axis=1)
            cumulative = np.cumsum(per_hour, axis=1)[hour_index]
            draw = rng.random(pickup.size) * total[hour_index]
            column = (draw[:, None] >= cumulative).sum(axis=1)
            company = np.array([licenses.index(code) for code in counts])[column].astype("int32")
            table = _chunk_table(sample.month, pickup, company, rng)
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema, compression="zstd")
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()
    return path
