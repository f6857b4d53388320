{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='source_month',
        on_schema_change='append_new_columns',
        pre_hook="{{ delete_month_window() }}",
    )
}}
{#
  Every staged trip record of every mode in one shape, valid or not. Materialized (incremental by
  month, like fct_trips) because the facts, the quarantine, the quality summary and their tests
  all read it: computing the union, the zone joins and the hashes once per month is what keeps a
  real-volume build near the cost of its SQL (see docs/benchmarks.md). Bike trips get the taxi zones
  of their start and end coordinates (265 = outside NYC). `trip_id` is a stable hash
  of the mode, the month folder, the file name and the record's row in it, so re-landing the same
  file gives the same ids, two identical records still get two ids, and files with the same name in
  two month folders never collide.
#}
with yellow as (
    select
        'yellow_taxi' as mode,
        source_month,
        source_file,
        source_row_number,
        pickup_at,
        dropoff_at,
        trip_duration_minutes,
        trip_distance_miles * 1.609344 as trip_distance_km,
        pickup_location_id,
        dropoff_location_id,
        passenger_count,
        payment_type,
        fare_amount,
        tip_amount,
        tolls_amount,
        congestion_surcharge_amount,
        airport_fee_amount,
        cbd_congestion_fee_amount,
        total_amount,
        cast(null as varchar) as bike_type,
        cast(null as varchar) as member_type,
        cast(null as varchar) as start_station_id,
        cast(null as varchar) as end_station_id,
        invalid_reason,
        is_valid
    from {{ ref('stg_tlc__yellow_taxi') }}
),

fhv as (
    select
        'fhv' as mode,
        source_month,
        source_file,
        source_row_number,
        pickup_at,
        dropoff_at,
        trip_duration_minutes,
        cast(null as double) as trip_distance_km,
        pickup_location_id,
        dropoff_location_id,
        cast(null as integer) as passenger_count,
        cast(null as integer) as payment_type,
        cast(null as double) as fare_amount,
        cast(null as double) as tip_amount,
        cast(null as double) as tolls_amount,
        cast(null as double) as congestion_surcharge_amount,
        cast(null as double) as airport_fee_amount,
        cast(null as double) as cbd_congestion_fee_amount,
        cast(null as double) as total_amount,
        cast(null as varchar) as bike_type,
        cast(null as varchar) as member_type,
        cast(null as varchar) as start_station_id,
        cast(null as varchar) as end_station_id,
        invalid_reason,
        is_valid
    from {{ ref('stg_tlc__fhv_taxi') }}
),

citibike as (
    select
        'citibike' as mode,
        b.source_month,
        b.source_file,
        b.source_row_number,
        b.started_at as pickup_at,
        b.ended_at as dropoff_at,
        b.trip_duration_minutes,
        b.trip_distance_km,
        sz.location_id as pickup_location_id,
        ez.location_id as dropoff_location_id,
        cast(null as integer) as passenger_count,
        cast(null as integer) as payment_type,
        cast(null as double) as fare_amount,
        cast(null as double) as tip_amount,
        cast(null as double) as tolls_amount,
        cast(null as double) as congestion_surcharge_amount,
        cast(null as double) as airport_fee_amount,
        cast(null as double) as cbd_congestion_fee_amount,
        cast(null as double) as total_amount,
        b.bike_type,
        b.member_type,
        b.start_station_id,
        b.end_station_id,
        b.invalid_reason,
        b.is_valid
    from {{ ref('stg_citibike__trips') }} as b
    left join {{ ref('int_citibike__station_zones') }} as sz
        on sz.lat_key = round(b.start_lat, 4) and sz.lng_key = round(b.start_lng, 4)
    left join {{ ref('int_citibike__station_zones') }} as ez
        on ez.lat_key = round(b.end_lat, 4) and ez.lng_key = round(b.end_lng, 4)
),

unioned as (
    select * from yellow
    union all
    select * from fhv
    union all
    select * from citibike
)

select
    md5(mode || '|' || source_month || '|' || regexp_extract(source_file, '[^/\\]+$') || '|' || source_row_number) as trip_id,
    *
from unioned
where {{ month_window_filter('source_month') }}
