{#
  One row per New York local (wall-clock) hour that has weather. Responses overlap by design
  (each month's response runs one day into the next month), so each UTC hour is taken once,
  preferring the response of its own month. UTC hours are then converted to local time: in the
  fall-back hour two UTC hours share one local hour and are averaged into one row, so joining
  trips (published in local time) to weather can never fan out.
#}
with ranked as (
    select
        *,
        row_number() over (
            partition by observed_at_utc
            order by (source_month = {{ format_timestamp('observed_at_utc', '%Y-%m') }}) desc, source_file desc
        ) as preference
    from {{ ref('stg_weather__hourly') }}
    where is_valid
),

per_utc_hour as (
    select
        *,
        {{ utc_to_local('observed_at_utc', var("local_timezone")) }}
            as weather_hour
    from ranked
    where preference = 1
)

select
    weather_hour,
    min(observed_at_utc) as first_observed_at_utc,
    count(*) as utc_hours_in_local_hour,
    avg(temperature_c) as temperature_c,
    avg(apparent_temperature_c) as apparent_temperature_c,
    avg(relative_humidity_pct) as relative_humidity_pct,
    avg(dew_point_c) as dew_point_c,
    avg(precipitation_mm) as precipitation_mm,
    avg(rain_mm) as rain_mm,
    avg(snowfall_cm) as snowfall_cm,
    avg(snow_depth_m) as snow_depth_m,
    max(weather_code) as weather_code,
    avg(cloud_cover_pct) as cloud_cover_pct,
    avg(wind_speed_kmh) as wind_speed_kmh,
    max(wind_gusts_kmh) as wind_gusts_kmh
from per_utc_hour
group by weather_hour
