{#
  One row per valid trip of every mode. Built month by month: with `start_month`/`end_month`
  vars only those months are read and each of them replaces its previous rows exactly
  (delete+insert on `source_month`); without them every month on disk is (re)built.
  Weather joins on the local pickup hour, which `dim_weather` holds exactly once. The date and
  hour keys come from `dim_date` / `dim_time` (not_null tests catch a day outside the calendar);
  the joins also make those dimensions upstream of this model, so the tests relating them run in
  the monthly build step (selectors.yml).
#}
with trips as (
    select *
    from {{ ref('int_trips__unioned') }}
    where is_valid
      and {{ month_window_filter('source_month') }}
)

select
    t.trip_id,
    t.mode,
    t.source_month,
    {{ file_name_of('t.source_file') }} as source_file_name,
    t.source_row_number,
    t.pickup_at,
    t.dropoff_at,
    cast(t.pickup_at as date) as pickup_date,
    d.date_key as pickup_date_key,
    {{ truncate_timestamp('hour', 't.pickup_at') }} as pickup_hour,
    tm.hour_of_day as pickup_hour_of_day,
    t.trip_duration_minutes,
    t.trip_distance_km,
    t.trip_distance_km / 1.609344 as trip_distance_miles,
    t.pickup_location_id,
    t.dropoff_location_id,
    t.pickup_location_basis,
    t.dropoff_location_basis,
    coalesce(pl.borough, 'Unknown') as pickup_borough,
    coalesce(dl.borough, 'Unknown') as dropoff_borough,
    t.passenger_count,
    t.payment_type,
    t.payment_type = 1 as is_card_payment,
    t.fare_amount,
    t.tip_amount,
    t.tolls_amount,
    t.congestion_surcharge_amount,
    t.airport_fee_amount,
    t.cbd_congestion_fee_amount,
    t.total_amount,
    t.driver_pay_amount,
    t.company,
    t.hvfhs_license_number,
    t.dispatching_base_number,
    t.request_at,
    t.on_scene_at,
    t.wait_minutes,
    t.is_shared_request,
    t.is_shared_match,
    t.is_wav_request,
    t.is_wav_match,
    t.is_street_hail,
    coalesce(pl.is_congestion_relief_zone, false) as is_congestion_zone_pickup,
    coalesce(dl.is_congestion_relief_zone, false) as is_congestion_zone_dropoff,
    t.system,
    t.bike_type,
    t.member_type,
    t.start_station_id,
    t.end_station_id,
    w.weather_hour,
    w.temperature_c,
    w.precipitation_mm,
    w.snowfall_cm,
    w.weather_condition,
    w.temperature_band,
    w.precipitation_intensity,
    w.is_wet_hour,
    w.is_adverse_weather,
    w.is_good_cycling_weather
from trips as t
left join {{ ref('dim_location') }} as pl on pl.location_id = t.pickup_location_id
left join {{ ref('dim_location') }} as dl on dl.location_id = t.dropoff_location_id
left join {{ ref('dim_weather') }} as w on w.weather_hour = {{ truncate_timestamp('hour', 't.pickup_at') }}
left join {{ ref('dim_date') }} as d on d.date_day = cast(t.pickup_at as date)
left join {{ ref('dim_time') }} as tm on tm.hour_of_day = hour(t.pickup_at)
