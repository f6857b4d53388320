{#
  One row per published yellow-taxi record. Every naming variant the TLC (and its republishers)
  used is folded into one snake_case column; invalid records are kept and flagged with the first
  reason that applies, never dropped.
#}
with raw as (
    {{ with_expected_columns(raw_source('tlc', 'yellow_tripdata'), [
        'VendorID', 'vendor_id', 'tpep_pickup_datetime', 'pickup_datetime',
        'tpep_dropoff_datetime', 'dropoff_datetime', 'passenger_count', 'trip_distance',
        'RatecodeID', 'rate_code_id', 'store_and_fwd_flag', 'PULocationID', 'pickup_location_id',
        'DOLocationID', 'dropoff_location_id', 'payment_type', 'fare_amount', 'extra', 'mta_tax',
        'tip_amount', 'tolls_amount', 'improvement_surcharge', 'total_amount',
        'congestion_surcharge', 'Airport_fee', 'cbd_congestion_fee'
    ]) }}
),

typed as (
    select
        filename as source_file,
        file_row_number as source_row_number,
        {{ source_month_of('filename') }} as source_month,
        {{ coalesce_integer(['"VendorID"', 'vendor_id']) }} as vendor_id,
        {{ parse_timestamps(['tpep_pickup_datetime', 'pickup_datetime']) }} as pickup_at,
        {{ parse_timestamps(['tpep_dropoff_datetime', 'dropoff_datetime']) }} as dropoff_at,
        try_cast(try_cast(passenger_count as double) as integer) as passenger_count,
        try_cast(trip_distance as double) as trip_distance_miles,
        {{ coalesce_integer(['"RatecodeID"', 'rate_code_id']) }} as rate_code_id,
        cast(store_and_fwd_flag as varchar) as store_and_fwd_flag,
        {{ coalesce_integer(['"PULocationID"', 'pickup_location_id']) }} as pickup_location_id,
        {{ coalesce_integer(['"DOLocationID"', 'dropoff_location_id']) }} as dropoff_location_id,
        try_cast(try_cast(payment_type as double) as integer) as payment_type,
        try_cast(fare_amount as double) as fare_amount,
        try_cast(extra as double) as extra_amount,
        try_cast(mta_tax as double) as mta_tax_amount,
        try_cast(tip_amount as double) as tip_amount,
        try_cast(tolls_amount as double) as tolls_amount,
        try_cast(improvement_surcharge as double) as improvement_surcharge_amount,
        try_cast(total_amount as double) as total_amount,
        try_cast(congestion_surcharge as double) as congestion_surcharge_amount,
        try_cast("Airport_fee" as double) as airport_fee_amount,
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
            'extra_amount', 'mta_tax_amount', 'tip_amount', 'tolls_amount', 'improvement_surcharge_amount',
            'congestion_surcharge_amount', 'airport_fee_amount', 'cbd_congestion_fee_amount'
        ]) }}
        {{ duplicate_record_rule([
            'vendor_id', 'pickup_at', 'dropoff_at', 'passenger_count', 'trip_distance_miles',
            'rate_code_id', 'pickup_location_id', 'dropoff_location_id', 'payment_type',
            'fare_amount', 'tip_amount', 'total_amount'
        ]) }}
    end as invalid_reason,
    invalid_reason is null as is_valid
from measured
