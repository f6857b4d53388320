{#
  One row per published green-taxi (street-hail livery) record: the yellow-taxi columns with
  `lpep_*` timestamps, `trip_type` (1 street hail, 2 dispatch) and the e-hail fee (null in every
  file since 2019), no airport fee. Invalid records are kept and flagged with the first reason
  that applies, by the same rules as yellow taxis. From 2013-08 to 2016-06 the files publish
  coordinates (`Pickup_longitude`, ...) instead of zone ids; they are kept and int_trips__unioned
  gives them their zone.
#}
with raw as (
    {{ with_expected_columns(raw_source('tlc', 'green_tripdata'), [
        'VendorID', 'lpep_pickup_datetime', 'lpep_dropoff_datetime', 'store_and_fwd_flag',
        'RatecodeID', 'PULocationID', 'DOLocationID', 'pickup_longitude', 'pickup_latitude',
        'dropoff_longitude', 'dropoff_latitude', 'passenger_count', 'trip_distance',
        'fare_amount', 'extra', 'mta_tax', 'tip_amount', 'tolls_amount', 'ehail_fee',
        'improvement_surcharge', 'total_amount', 'payment_type', 'trip_type',
        'congestion_surcharge', 'cbd_congestion_fee'
    ]) }}
),

typed as (
    select
        filename as source_file,
        file_row_number as source_row_number,
        {{ source_month_of('filename') }} as source_month,
        {{ coalesce_integer([col('VendorID')]) }} as vendor_id,
        {{ parse_timestamp('lpep_pickup_datetime') }} as pickup_at,
        {{ parse_timestamp('lpep_dropoff_datetime') }} as dropoff_at,
        {{ coalesce_integer(['passenger_count']) }} as passenger_count,
        try_cast(trip_distance as double) as trip_distance_miles,
        {{ coalesce_integer([col('RatecodeID')]) }} as rate_code_id,
        cast(store_and_fwd_flag as string) as store_and_fwd_flag,
        {{ coalesce_integer([col('PULocationID')]) }} as pickup_location_id,
        {{ coalesce_integer([col('DOLocationID')]) }} as dropoff_location_id,
        {{ coalesce_as(['pickup_longitude'], 'double') }} as pickup_longitude,
        {{ coalesce_as(['pickup_latitude'], 'double') }} as pickup_latitude,
        {{ coalesce_as(['dropoff_longitude'], 'double') }} as dropoff_longitude,
        {{ coalesce_as(['dropoff_latitude'], 'double') }} as dropoff_latitude,
        {{ payment_type_code(['payment_type']) }} as payment_type,
        {{ coalesce_integer(['trip_type']) }} as trip_type,
        try_cast(fare_amount as double) as fare_amount,
        try_cast(extra as double) as extra_amount,
        try_cast(mta_tax as double) as mta_tax_amount,
        try_cast(tip_amount as double) as tip_amount,
        try_cast(tolls_amount as double) as tolls_amount,
        try_cast(ehail_fee as double) as ehail_fee_amount,
        try_cast(improvement_surcharge as double) as improvement_surcharge_amount,
        try_cast(total_amount as double) as total_amount,
        try_cast(congestion_surcharge as double) as congestion_surcharge_amount,
        try_cast(cbd_congestion_fee as double) as cbd_congestion_fee_amount
    from raw
),

measured as (
    select
        *,
        {{ trip_duration_minutes('pickup_at', 'dropoff_at') }} as trip_duration_minutes
    from typed
)

select
    *,
    case
        {{ trip_validity_rules('pickup_at', 'dropoff_at', 'trip_duration_minutes') }}
        {{ taxi_distance_rules() }}
        {{ taxi_money_rules([
            'extra_amount', 'mta_tax_amount', 'tip_amount', 'tolls_amount', 'ehail_fee_amount',
            'improvement_surcharge_amount', 'congestion_surcharge_amount', 'cbd_congestion_fee_amount'
        ]) }}
        {{ duplicate_record_rule([
            'vendor_id', 'pickup_at', 'dropoff_at', 'passenger_count', 'trip_distance_miles',
            'rate_code_id', 'pickup_location_id', 'dropoff_location_id', 'pickup_longitude',
            'pickup_latitude', 'dropoff_longitude', 'dropoff_latitude', 'payment_type', 'trip_type', 'fare_amount', 'tip_amount', 'total_amount'
        ]) }}
    end as invalid_reason,
    invalid_reason is null as is_valid
from measured
