{#
  One row per published FHV (non high-volume for-hire vehicle) record. Column casing changed over
  the years (`PUlocationID` / `PULocationID`, `dropOff_datetime`, `SR_Flag` / `sr_flag`); DuckDB folds
  case, so each variant lands in one column. Trips without a pickup zone are valid: the TLC
  publishes many of them.
#}
with raw as (
    {{ with_expected_columns(raw_source('tlc', 'fhv_tripdata'), [
        'dispatching_base_num', 'Dispatching_base_number', 'pickup_datetime', 'Pickup_date',
        'dropOff_datetime', 'PUlocationID', 'locationID', 'DOlocationID', 'SR_Flag',
        'Affiliated_base_number'
    ]) }}
),

typed as (
    select
        filename as source_file,
        file_row_number as source_row_number,
        {{ source_month_of('filename') }} as source_month,
        upper(trim(cast(coalesce(cast(dispatching_base_num as string), cast({{ col('Dispatching_base_number') }} as string)) as string)))
            as dispatching_base_number,
        upper(trim(cast({{ col('Affiliated_base_number') }} as string))) as affiliated_base_number,
        {{ parse_timestamps(['pickup_datetime', col('Pickup_date')]) }} as pickup_at,
        {{ parse_timestamp(col('dropOff_datetime')) }} as dropoff_at,
        {{ coalesce_integer([col('PUlocationID'), col('locationID')]) }} as pickup_location_id,
        try_cast(try_cast({{ col('DOlocationID') }} as double) as integer) as dropoff_location_id,
        coalesce(try_cast(try_cast({{ col('SR_Flag') }} as double) as integer), 0) = 1 as is_shared_ride
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
        {{ trip_validity_rules('pickup_at', 'dropoff_at', 'trip_duration_minutes', dropoff_optional=true) }}
        {{ duplicate_record_rule([
            'dispatching_base_number', 'pickup_at', 'dropoff_at', 'pickup_location_id',
            'dropoff_location_id', 'affiliated_base_number'
        ]) }}
    end as invalid_reason,
    invalid_reason is null as is_valid
from measured
