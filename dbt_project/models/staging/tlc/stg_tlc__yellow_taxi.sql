{#
  One row per published yellow-taxi record. Every naming variant the TLC (and its republishers)
  used is folded into one snake_case column; invalid records are kept and flagged with the first
  reason that applies, never dropped. The eras (docs/data-model.md, "Eras of the published files"):
  2009 (`vendor_name`, `Trip_Pickup_DateTime`, `Start_Lon`/`Start_Lat`, `Fare_Amt`, `surcharge`,
  payment types as text), 2010-2014 (`vendor_id`, `pickup_datetime`, `pickup_longitude`,
  `rate_code`, text payment types), 2015-2016-06 (`tpep_*`, numeric codes, still coordinates) and
  2016-07 on (zone ids). Coordinates are kept; int_trips__unioned gives them their zone.
#}
with raw as (
    {{ with_expected_columns(raw_source('tlc', 'yellow_tripdata'), [
        'VendorID', 'vendor_id', 'vendor_name', 'tpep_pickup_datetime', 'pickup_datetime',
        'Trip_Pickup_DateTime', 'tpep_dropoff_datetime', 'dropoff_datetime', 'Trip_Dropoff_DateTime',
        'passenger_count', 'trip_distance', 'RatecodeID', 'rate_code_id', 'rate_code',
        'store_and_fwd_flag', 'store_and_forward', 'PULocationID', 'pickup_location_id',
        'DOLocationID', 'dropoff_location_id', 'pickup_longitude', 'pickup_latitude',
        'dropoff_longitude', 'dropoff_latitude', 'Start_Lon', 'Start_Lat', 'End_Lon', 'End_Lat',
        'payment_type', 'fare_amount', 'Fare_Amt', 'extra', 'surcharge', 'mta_tax', 'tip_amount',
        'Tip_Amt', 'tolls_amount', 'Tolls_Amt', 'improvement_surcharge', 'total_amount', 'Total_Amt',
        'congestion_surcharge', 'Airport_fee', 'cbd_congestion_fee'
    ]) }}
),

typed as (
    select
        filename as source_file,
        file_row_number as source_row_number,
        {{ source_month_of('filename') }} as source_month,
        {{ vendor_code([col('VendorID'), 'vendor_id', 'vendor_name']) }} as vendor_id,
        {{ parse_timestamps(['tpep_pickup_datetime', 'pickup_datetime', col('Trip_Pickup_DateTime')]) }} as pickup_at,
        {{ parse_timestamps(['tpep_dropoff_datetime', 'dropoff_datetime', col('Trip_Dropoff_DateTime')]) }} as dropoff_at,
        try_cast(try_cast(passenger_count as double) as integer) as passenger_count,
        try_cast(trip_distance as double) as trip_distance_miles,
        {{ coalesce_integer([col('RatecodeID'), 'rate_code_id', 'rate_code']) }} as rate_code_id,
        cast(coalesce(cast(store_and_fwd_flag as string), cast(store_and_forward as string)) as string)
            as store_and_fwd_flag,
        {{ coalesce_integer([col('PULocationID'), 'pickup_location_id']) }} as pickup_location_id,
        {{ coalesce_integer([col('DOLocationID'), 'dropoff_location_id']) }} as dropoff_location_id,
        {{ coalesce_as(['pickup_longitude', col('Start_Lon')], 'double') }} as pickup_longitude,
        {{ coalesce_as(['pickup_latitude', col('Start_Lat')], 'double') }} as pickup_latitude,
        {{ coalesce_as(['dropoff_longitude', col('End_Lon')], 'double') }} as dropoff_longitude,
        {{ coalesce_as(['dropoff_latitude', col('End_Lat')], 'double') }} as dropoff_latitude,
        {{ payment_type_code(['payment_type']) }} as payment_type,
        {{ coalesce_as(['fare_amount', col('Fare_Amt')], 'double') }} as fare_amount,
        {{ coalesce_as(['extra', 'surcharge'], 'double') }} as extra_amount,
        try_cast(mta_tax as double) as mta_tax_amount,
        {{ coalesce_as(['tip_amount', col('Tip_Amt')], 'double') }} as tip_amount,
        {{ coalesce_as(['tolls_amount', col('Tolls_Amt')], 'double') }} as tolls_amount,
        try_cast(improvement_surcharge as double) as improvement_surcharge_amount,
        {{ coalesce_as(['total_amount', col('Total_Amt')], 'double') }} as total_amount,
        try_cast(congestion_surcharge as double) as congestion_surcharge_amount,
        try_cast({{ col('Airport_fee') }} as double) as airport_fee_amount,
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
            'rate_code_id', 'pickup_location_id', 'dropoff_location_id', 'pickup_longitude',
            'pickup_latitude', 'dropoff_longitude', 'dropoff_latitude', 'payment_type',
            'fare_amount', 'tip_amount', 'total_amount'
        ]) }}
    end as invalid_reason,
    invalid_reason is null as is_valid
from measured
