"""The sample's era switch: trip files in the layout the TLC published for each month.

The generators in :mod:`taxi` and :mod:`green` draw today's records (zone ids, ``tpep_*`` names);
for an earlier month this module rewrites them into that era's published columns, so every era goes
through the one code path downstream (staging folds the spellings, int_tlc__coordinate_zones
locates the coordinates):

* yellow 2009: ``vendor_name``, ``Trip_Pickup_DateTime`` (text), ``Start_Lon``/``Start_Lat``,
  ``Rate_Code``, ``store_and_forward``, ``Payment_Type`` as text (``CASH``, ``Credit``...),
  ``Fare_Amt``, ``surcharge``, ``Tip_Amt``, ``Tolls_Amt``, ``Total_Amt``;
* yellow 2010-2014: ``vendor_id``, ``pickup_datetime``, ``pickup_longitude``, ``rate_code``,
  ``surcharge``, text payment types (``CAS``/``CRE`` in 2010, ``CSH``/``CRD`` after);
* yellow 2015-2016-06 and green 2013-08-2016-06: today's names with coordinates instead of zone
  ids (green in its ``Lpep_dropoff_datetime``/``Pickup_longitude`` casing), no congestion fees;
* FHV 2015-2016: ``Dispatching_base_num``, ``Pickup_date``, ``locationID``, no drop-off;
  2017-2018: ``Pickup_DateTime``, ``DropOff_datetime``, ``PUlocationID``, ``DOlocationID``.

Coordinates come from :mod:`nyc_mobility.sample.coordinates`.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from nyc_mobility.sample.coordinates import with_coordinates


def yellow_era(month: str) -> str:
    if month < "2010-01":
        return "2009"
    if month < "2015-01":
        return "2010"
    if month < "2016-07":
        return "2015"
    return "zones"


def green_era(month: str) -> str:
    return "2013" if month < "2016-07" else "zones"


def fhv_era(month: str) -> str:
    if month < "2017-01":
        return "2015"
    if month < "2019-01":
        return "2017"
    return "current"


def _renamed(table: pa.Table, names: dict[str, str]) -> pa.Table:
    return table.rename_columns([names.get(c, c) for c in table.column_names])


def _total(table: pa.Table, charges: list[str], total: str) -> pa.Table:
    values = sum(table.column(c).to_numpy(zero_copy_only=False) for c in charges)
    return table.set_column(table.schema.get_field_index(total), total, pa.array(np.round(values, 2)))


_PAYMENT_TEXT = {
    "2009": {1: "Credit", 2: "CASH", 3: "No Charge", 4: "Dispute", 0: "CASH"},
    "2010": {1: "CRE", 2: "CAS", 3: "NOC", 4: "DIS", 0: "UNK"},
    "2011": {1: "CRD", 2: "CSH", 3: "NOC", 4: "DIS", 0: "UNK"},
}


def yellow_for_era(table: pa.Table, month: str) -> pa.Table:
    """Today's yellow records (zone ids) in the columns of ``month``'s era."""
    era = yellow_era(month)
    if era == "zones":
        return table
    table = table.drop_columns(
        [c for c in ("congestion_surcharge", "Airport_fee", "cbd_congestion_fee") if c in table.column_names]
    )
    coordinates = {
        "pickup_longitude": "pickup_longitude",
        "pickup_latitude": "pickup_latitude",
        "dropoff_longitude": "dropoff_longitude",
        "dropoff_latitude": "dropoff_latitude",
    }
    if era == "2009":
        coordinates = {
            "pickup_longitude": "Start_Lon",
            "pickup_latitude": "Start_Lat",
            "dropoff_longitude": "End_Lon",
            "dropoff_latitude": "End_Lat",
        }
    table = with_coordinates(table, "tpep_pickup_datetime", coordinates)
    if era == "2015":
        table = table.set_column(
            table.schema.get_field_index("improvement_surcharge"),
            "improvement_surcharge",
            pc.multiply(table.column("improvement_surcharge"), 0.3),
        )
        charges = ["fare_amount", "extra", "mta_tax", "tip_amount", "tolls_amount", "improvement_surcharge"]
        table = _total(table, charges, "total_amount")
        return table.rename_columns([{"RatecodeID": "RateCodeID"}.get(c, c) for c in table.column_names])
    table = table.drop_columns(["improvement_surcharge"])
    table = _total(table, ["fare_amount", "extra", "mta_tax", "tip_amount", "tolls_amount"], "total_amount")
    vendors = np.where(table.column("VendorID").to_numpy() == 1, "CMT", "VTS").astype(object)
    text = _PAYMENT_TEXT["2009" if era == "2009" else "2010" if month < "2011-01" else "2011"]
    payment = np.vectorize(lambda code: text.get(int(code), "UNK"), otypes=[object])(
        table.column("payment_type").to_numpy(zero_copy_only=False)
    )
    table = table.set_column(
        table.schema.get_field_index("VendorID"), "VendorID", pa.array(vendors, pa.string())
    )
    table = table.set_column(
        table.schema.get_field_index("payment_type"), "payment_type", pa.array(payment, pa.string())
    )
    if era == "2009":
        for name in ("tpep_pickup_datetime", "tpep_dropoff_datetime"):
            text_times = pc.strftime(table.column(name), format="%Y-%m-%d %H:%M:%S")
            table = table.set_column(table.schema.get_field_index(name), name, text_times)
        return _renamed(
            table,
            {
                "VendorID": "vendor_name",
                "tpep_pickup_datetime": "Trip_Pickup_DateTime",
                "tpep_dropoff_datetime": "Trip_Dropoff_DateTime",
                "passenger_count": "Passenger_Count",
                "trip_distance": "Trip_Distance",
                "RatecodeID": "Rate_Code",
                "store_and_fwd_flag": "store_and_forward",
                "payment_type": "Payment_Type",
                "fare_amount": "Fare_Amt",
                "extra": "surcharge",
                "tip_amount": "Tip_Amt",
                "tolls_amount": "Tolls_Amt",
                "total_amount": "Total_Amt",
            },
        )
    return _renamed(
        table,
        {
            "VendorID": "vendor_id",
            "tpep_pickup_datetime": "pickup_datetime",
            "tpep_dropoff_datetime": "dropoff_datetime",
            "RatecodeID": "rate_code",
            "extra": "surcharge",
        },
    )


def green_for_era(table: pa.Table, month: str) -> pa.Table:
    """Today's green records in the columns of 2013-08-2016-06 (coordinates, old casing)."""
    if green_era(month) == "zones":
        return table
    table = table.drop_columns(
        [c for c in ("congestion_surcharge", "cbd_congestion_fee") if c in table.column_names]
    )
    table = with_coordinates(
        table,
        "lpep_pickup_datetime",
        {
            "pickup_longitude": "Pickup_longitude",
            "pickup_latitude": "Pickup_latitude",
            "dropoff_longitude": "Dropoff_longitude",
            "dropoff_latitude": "Dropoff_latitude",
        },
    )
    charges = ["fare_amount", "extra", "mta_tax", "tip_amount", "tolls_amount"]
    if month >= "2015-01":
        table = table.set_column(
            table.schema.get_field_index("improvement_surcharge"),
            "improvement_surcharge",
            pc.multiply(table.column("improvement_surcharge"), 0.3),
        )
        charges.append("improvement_surcharge")
    else:
        table = table.drop_columns(["improvement_surcharge"])
    table = _total(table, charges, "total_amount")
    return _renamed(
        table,
        {
            "lpep_dropoff_datetime": "Lpep_dropoff_datetime",
            "store_and_fwd_flag": "Store_and_fwd_flag",
            "RatecodeID": "RateCodeID",
            "passenger_count": "Passenger_count",
            "trip_distance": "Trip_distance",
            "fare_amount": "Fare_amount",
            "extra": "Extra",
            "mta_tax": "MTA_tax",
            "tip_amount": "Tip_amount",
            "tolls_amount": "Tolls_amount",
            "ehail_fee": "Ehail_fee",
            "total_amount": "Total_amount",
            "payment_type": "Payment_type",
            "trip_type": "Trip_type",
        },
    )


def fhv_for_era(table: pa.Table, month: str) -> pa.Table:
    """Today's FHV records in the columns of 2015-2016 (no drop-off) or 2017-2018."""
    era = fhv_era(month)
    if era == "current":
        return table
    if era == "2015":
        table = table.select(["dispatching_base_num", "pickup_datetime", "PUlocationID"])
        return _renamed(
            table,
            {
                "dispatching_base_num": "Dispatching_base_num",
                "pickup_datetime": "Pickup_date",
                "PUlocationID": "locationID",
            },
        )
    base = "Dispatching_base_number" if month >= "2018-01" else "Dispatching_base_num"
    columns = ["pickup_datetime", "dropOff_datetime", "PUlocationID", "DOlocationID", "dispatching_base_num"]
    if month >= "2018-01":
        columns.insert(4, "SR_Flag")
    table = table.select(columns)
    return _renamed(
        table,
        {
            "pickup_datetime": "Pickup_DateTime",
            "dropOff_datetime": "DropOff_datetime",
            "dispatching_base_num": base,
        },
    )
