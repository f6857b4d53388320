{#
  One row per New York local hour from the first to the last hour with weather. The local hour
  that does not exist when clocks spring forward, and any gap of up to
  {{ var('max_weather_fill_hours', 3) }} hours, takes the previous hour's values and is flagged
  `is_filled`, so a trip stamped in that hour still has weather; longer gaps stay absent.
#}
{% set fill_limit = var('max_weather_fill_hours', 3) %}
with observed as (
    select * from {{ ref('int_weather__local_hourly') }}
),

hours as (
    select range as weather_hour
    from {{ series(
        '(select min(weather_hour) from observed)',
        '(select max(weather_hour) from observed) + interval 1 hour',
        'interval 1 hour'
    ) }}
),

joined as (
    select
        h.weather_hour,
        o.weather_hour is null as is_filled,
        max(o.weather_hour) over (order by h.weather_hour rows unbounded preceding) as source_hour
    from hours as h
    left join observed as o on o.weather_hour = h.weather_hour
),

filled as (
    select
        j.weather_hour,
        j.is_filled,
        {{ star_except(['weather_hour'], 'o') }}
    from joined as j
    inner join observed as o on o.weather_hour = j.source_hour
    where {{ diff_in('hour', 'j.source_hour', 'j.weather_hour') }} <= {{ fill_limit }}
),

classified as (
    select
        *,
        case
            when weather_code in (95, 96, 99) then 'thunderstorm'
            when weather_code between 71 and 77 or weather_code in (85, 86) then 'snow'
            when weather_code between 61 and 67 or weather_code between 80 and 82 then 'rain'
            when weather_code between 51 and 57 then 'drizzle'
            when weather_code in (45, 48) then 'fog'
            when weather_code in (2, 3) then 'cloudy'
            when weather_code in (0, 1) then 'clear'
            -- responses without weather codes (legacy forecast API): derive from the measurements
            when snowfall_cm > 0 then 'snow'
            when precipitation_mm >= 0.5 then 'rain'
            when precipitation_mm > 0 then 'drizzle'
            when cloud_cover_pct >= 70 then 'cloudy'
            else 'clear'
        end as weather_condition
    from filled
)

select
    weather_hour,
    cast(weather_hour as date) as weather_date,
    hour(weather_hour) as hour_of_day,
    first_observed_at_utc,
    utc_hours_in_local_hour,
    is_filled,
    temperature_c,
    apparent_temperature_c,
    relative_humidity_pct,
    dew_point_c,
    precipitation_mm,
    rain_mm,
    snowfall_cm,
    snow_depth_m,
    weather_code,
    weather_condition,
    cloud_cover_pct,
    wind_speed_kmh,
    wind_gusts_kmh,
    case
        when temperature_c < 0 then 'freezing'
        when temperature_c < 10 then 'cold'
        when temperature_c < 20 then 'mild'
        when temperature_c < 28 then 'warm'
        else 'hot'
    end as temperature_band,
    case
        when coalesce(precipitation_mm, 0) = 0 then 'none'
        when precipitation_mm < 2.5 then 'light'
        when precipitation_mm < 7.6 then 'moderate'
        else 'heavy'
    end as precipitation_intensity,
    coalesce(precipitation_mm, 0) > 0 as is_wet_hour,
    (
        coalesce(precipitation_mm, 0) >= 2.5
        or coalesce(snowfall_cm, 0) > 0
        or coalesce(wind_gusts_kmh, 0) >= 60
        or temperature_c < -5
        or weather_condition = 'thunderstorm'
    ) as is_adverse_weather,
    (
        coalesce(precipitation_mm, 0) = 0
        and coalesce(snowfall_cm, 0) = 0
        and temperature_c between 10 and 28
        and coalesce(wind_speed_kmh, 0) < 25
    ) as is_good_cycling_weather,
    bool_or(coalesce(precipitation_mm, 0) > 0) over (partition by cast(weather_hour as date)) as is_wet_day
from classified
