{#
  Every staged trip record of every mode in one shape (macros/intermediate/trip_columns.sql),
  valid or not. Materialized (incremental by month, like fct_trips) because the facts, the
  quarantine, the quality summary and their tests all read it: computing the union, the zone joins
  and the hashes once per month is what keeps a real-volume build near the cost of its SQL (see
  docs/benchmarks.md). Bike trips get the taxi zones of their start and end coordinates (265 =
  outside NYC), so do the 2009-2016-06 taxi records that publish coordinates instead of zone ids
  (int_tlc__coordinate_zones; no usable coordinates: 264 = unknown, with the reason in
  `*_location_basis`); high-volume for-hire trips their company from the licence (seed hvfhs_licenses).
  Money: `fare_amount` is the metered fare (yellow, green) or the base passenger fare (HVFHV);
  `total_amount` what the passenger paid (HVFHV: fare, tolls, black car fund, sales tax,
  surcharges, fees and tips). `trip_id` is a stable hash of the mode, the month folder, the file
  name and the record's row in it, so re-landing the same file gives the same ids, two identical
  records still get two ids, and files with the same name in two month folders never collide.
#}
{% set common = [
    'source_month', 'source_file', 'source_row_number', 'pickup_at', 'dropoff_at',
    'trip_duration_minutes', 'pickup_location_id', 'dropoff_location_id', 'invalid_reason', 'is_valid'
] %}
{% set metered = common + [
    'passenger_count', 'payment_type', 'fare_amount', 'tip_amount', 'tolls_amount',
    'congestion_surcharge_amount', 'cbd_congestion_fee_amount', 'total_amount'
] %}

{#- a taxi end's zone: the published id, else the zone of its published coordinates, else unknown -#}
{% set located = {
    'pickup_location_id': 'coalesce(t.pickup_location_id, pz.location_id, 264)',
    'dropoff_location_id': 'coalesce(t.dropoff_location_id, dz.location_id, 264)',
    'pickup_location_basis': "case when t.pickup_location_id is not null then 'published_zone' else coalesce(pz.location_basis, 'missing_coordinates') end",
    'dropoff_location_basis': "case when t.dropoff_location_id is not null then 'published_zone' else coalesce(dz.location_basis, 'missing_coordinates') end"
} %}
{% set published = {
    'pickup_location_basis': "case when pickup_location_id is not null then 'published_zone' end",
    'dropoff_location_basis': "case when dropoff_location_id is not null then 'published_zone' end"
} %}

with yellow as (
    select
        {{ trip_columns('yellow_taxi', metered + ['airport_fee_amount'], {
            'trip_distance_km': 't.trip_distance_miles * 1.609344'
        }, located, alias='t') }}
    {{ coordinate_zone_joins('stg_tlc__yellow_taxi') }}
),

green as (
    select
        {{ trip_columns('green_taxi', metered, {
            'trip_distance_km': 't.trip_distance_miles * 1.609344',
            'is_street_hail': 'case t.trip_type when 1 then true when 2 then false end'
        }, located, alias='t') }}
    {{ coordinate_zone_joins('stg_tlc__green_taxi') }}
),

fhv as (
    select
        {{ trip_columns('fhv', common + ['dispatching_base_number'], {
            'company': 'dispatching_base_number'
        }, published) }}
    from {{ ref('stg_tlc__fhv_taxi') }}
),

hvfhv as (
    select
        {{ trip_columns('hvfhv', common + [
            'tip_amount', 'tolls_amount', 'congestion_surcharge_amount', 'airport_fee_amount',
            'cbd_congestion_fee_amount', 'driver_pay_amount', 'hvfhs_license_number',
            'dispatching_base_number', 'request_at', 'on_scene_at', 'wait_minutes',
            'is_shared_request', 'is_shared_match', 'is_wav_request', 'is_wav_match'
        ], {
            'trip_distance_km': 'trip_distance_miles * 1.609344',
            'fare_amount': 'base_passenger_fare_amount',
            'total_amount': 'passenger_total_amount',
            'company': "coalesce(l.company, 'Unknown HVFHS')"
        }, published) }}
    from {{ ref('stg_tlc__hvfhv_trips') }} as h
    left join {{ ref('hvfhs_licenses') }} as l on l.hvfhs_license_num = h.hvfhs_license_number
),

citibike_zoned as (
    select
        b.*,
        b.started_at as pickup_at,
        b.ended_at as dropoff_at,
        sz.location_id as pickup_location_id,
        -- no end coordinates (a bike not returned to a station): unknown, as a taxi's missing location
        case when {{ no_coordinates('b.end_lat', 'b.end_lng') }} then 264 else ez.location_id end
            as dropoff_location_id,
        case when sz.location_id = 265 then 'outside_zones' when sz.location_id is not null then 'coordinates' end
            as pickup_location_basis,
        case
            when {{ no_coordinates('b.end_lat', 'b.end_lng') }} then 'missing_coordinates'
            when ez.location_id = 265 then 'outside_zones'
            when ez.location_id is not null then 'coordinates'
        end as dropoff_location_basis
    from {{ ref('stg_citibike__trips') }} as b
    left join {{ ref('int_citibike__station_zones') }} as sz
        on sz.source_month = b.source_month
        and sz.lat_key = {{ coordinate_key('b.start_lat') }} and sz.lng_key = {{ coordinate_key('b.start_lng') }}
    left join {{ ref('int_citibike__station_zones') }} as ez
        on ez.source_month = b.source_month
        and ez.lat_key = {{ coordinate_key('b.end_lat') }} and ez.lng_key = {{ coordinate_key('b.end_lng') }}
),

citibike as (
    select
        {{ trip_columns('citibike', common + [
            'pickup_location_basis', 'dropoff_location_basis', 'trip_distance_km', 'system', 'bike_type', 'member_type', 'start_station_id', 'end_station_id'
        ]) }}
    from citibike_zoned
),

unioned as (
    select * from yellow
    union all
    select * from green
    union all
    select * from fhv
    union all
    select * from hvfhv
    union all
    select * from citibike
)

select
    md5(mode || '|' || source_month || '|' || {{ file_name_of('source_file') }} || '|' || source_row_number) as trip_id,
    *
from unioned
where {{ month_window_filter('source_month') }}
