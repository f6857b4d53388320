{#
  One row per published high-volume for-hire (Uber, Lyft, Via, Juno) record. Parquet months are
  typed; the older CSV exports are landed as text, so every column is cast. Real quirks handled:
  `on_scene_datetime` null (Lyft does not report it) or the 1970-01-01 sentinel (flagged, set to
  null, the trip itself stays valid); flags published as Y / N / blank (blank is unknown, null);
  negative driver pay and fares on pay adjustments (quarantined, never counted as pay or revenue).
  The first exports (2019) had seven columns (licence, base, pickup and drop-off times and zones,
  `SR_Flag`): their trips are valid with unknown distance, money and waits, and `SR_Flag` = 1 marks a
  shared (matched) ride.
#}
with raw as (
    {{ with_expected_columns(raw_source('tlc', 'fhvhv_tripdata'), [
        'hvfhs_license_num', 'dispatching_base_num', 'originating_base_num', 'request_datetime',
        'on_scene_datetime', 'pickup_datetime', 'dropoff_datetime', 'PULocationID', 'DOLocationID',
        'trip_miles', 'trip_time', 'base_passenger_fare', 'tolls', 'bcf', 'sales_tax',
        'congestion_surcharge', 'airport_fee', 'tips', 'driver_pay', 'shared_request_flag',
        'shared_match_flag', 'access_a_ride_flag', 'wav_request_flag', 'wav_match_flag',
        'cbd_congestion_fee', 'SR_Flag'
    ]) }}
),

typed as (
    select
        filename as source_file,
        file_row_number as source_row_number,
        {{ source_month_of('filename') }} as source_month,
        nullif(upper(trim(cast(hvfhs_license_num as string))), '') as hvfhs_license_number,
        nullif(upper(trim(cast(dispatching_base_num as string))), '') as dispatching_base_number,
        nullif(upper(trim(cast(originating_base_num as string))), '') as originating_base_number,
        {{ parse_timestamp('request_datetime') }} as request_at_published,
        {{ parse_timestamp('on_scene_datetime') }} as on_scene_at_published,
        {{ parse_timestamp('pickup_datetime') }} as pickup_at,
        {{ parse_timestamp('dropoff_datetime') }} as dropoff_at,
        {{ coalesce_integer([col('PULocationID')]) }} as pickup_location_id,
        {{ coalesce_integer([col('DOLocationID')]) }} as dropoff_location_id,
        try_cast(trip_miles as double) as trip_distance_miles,
        {{ coalesce_integer(['trip_time']) }} as trip_time_seconds,
        try_cast(base_passenger_fare as double) as base_passenger_fare_amount,
        try_cast(tolls as double) as tolls_amount,
        try_cast(bcf as double) as black_car_fund_amount,
        try_cast(sales_tax as double) as sales_tax_amount,
        try_cast(congestion_surcharge as double) as congestion_surcharge_amount,
        try_cast(airport_fee as double) as airport_fee_amount,
        try_cast(tips as double) as tip_amount,
        try_cast(driver_pay as double) as driver_pay_amount,
        try_cast(cbd_congestion_fee as double) as cbd_congestion_fee_amount,
        {{ yes_no_flag('shared_request_flag') }} as is_shared_request,
        coalesce({{ yes_no_flag('shared_match_flag') }}, case when try_cast({{ col('SR_Flag') }} as double) = 1 then true end)
            as is_shared_match,
        {{ yes_no_flag('access_a_ride_flag') }} as is_access_a_ride,
        {{ yes_no_flag('wav_request_flag') }} as is_wav_request,
        {{ yes_no_flag('wav_match_flag') }} as is_wav_match
    from raw
),

measured as (
    select
        {{ star_except(['request_at_published', 'on_scene_at_published']) }},
        case when year(request_at_published) >= 2001 then request_at_published end as request_at,
        case when year(on_scene_at_published) >= 2001 then on_scene_at_published end as on_scene_at,
        coalesce(year(on_scene_at_published) < 2001, false) as is_on_scene_sentinel,
        {{ trip_duration_minutes('pickup_at', 'dropoff_at') }} as trip_duration_minutes,
        base_passenger_fare_amount + coalesce(tolls_amount, 0) + coalesce(black_car_fund_amount, 0)
            + coalesce(sales_tax_amount, 0) + coalesce(congestion_surcharge_amount, 0)
            + coalesce(airport_fee_amount, 0) + coalesce(tip_amount, 0)
            + coalesce(cbd_congestion_fee_amount, 0) as passenger_total_amount
    from typed
),

waited as (
    select
        *,
        case
            when year(request_at) >= 2001 and pickup_at is not null
                then {{ trip_duration_minutes('request_at', 'pickup_at') }}
        end as request_to_pickup_minutes
    from measured
)

select
    {{ star_except(['request_to_pickup_minutes']) }},
    -- request -> pickup; null when the request time is missing, after the pickup or a day before it
    case
        when request_to_pickup_minutes between 0 and {{ var('max_trip_hours') }} * 60
            then request_to_pickup_minutes
    end as wait_minutes,
    case
        {{ trip_validity_rules('pickup_at', 'dropoff_at', 'trip_duration_minutes') }}
        {{ taxi_distance_rules(missing_is_valid=true) }}
        when base_passenger_fare_amount < 0 then 'negative_fare'
        when driver_pay_amount < 0 then 'negative_driver_pay'
        when least(tolls_amount, black_car_fund_amount, sales_tax_amount, congestion_surcharge_amount,
                   airport_fee_amount, tip_amount, cbd_congestion_fee_amount) < 0 then 'negative_amount'
        when passenger_total_amount > {{ var('max_taxi_total') }} then 'excessive_amount'
        {{ duplicate_record_rule([
            'hvfhs_license_number', 'dispatching_base_number', 'request_at', 'pickup_at', 'dropoff_at',
            'pickup_location_id', 'dropoff_location_id', 'trip_distance_miles', 'base_passenger_fare_amount',
            'driver_pay_amount'
        ]) }}
    end as invalid_reason,
    invalid_reason is null as is_valid
from waited
