{#
  One row per hour per published weather response. Responses carry their own units and UTC
  offset: archive responses requested in UTC (offset 0, metric units) and legacy forecast
  responses (local offset, imperial units, `windspeed_10m`-style names) are both converted to
  UTC timestamps and metric units here. Local New York time is derived downstream from UTC,
  so daylight-saving days neither lose nor double an hour.
#}
with responses as (
    select
        filename as source_file,
        {{ source_month_of('filename') }} as source_month,
        coalesce(utc_offset_seconds, 0) as utc_offset_seconds,
        hourly_units,
        hourly
    from {{ raw_files('weather', 'open_meteo_hourly') }}
),

{% set variables = {
    'temperature': ['temperature_2m'],
    'apparent_temperature': ['apparent_temperature'],
    'relative_humidity': ['relative_humidity_2m', 'relativehumidity_2m'],
    'dew_point': ['dew_point_2m', 'dewpoint_2m'],
    'precipitation': ['precipitation'],
    'rain': ['rain'],
    'showers': ['showers'],
    'snowfall': ['snowfall'],
    'snow_depth': ['snow_depth'],
    'weather_code': ['weather_code', 'weathercode'],
    'cloud_cover': ['cloud_cover', 'cloudcover'],
    'wind_speed': ['wind_speed_10m', 'windspeed_10m'],
    'wind_gusts': ['wind_gusts_10m', 'windgusts_10m'],
} %}

{{ open_meteo_hourly_values('responses', variables) }},

converted as (
    select
        source_file,
        source_month,
        published_time,
        utc_offset_seconds,
        {{ parse_timestamp_as('published_time', '%Y-%m-%dT%H:%M') }} - {{ seconds_interval('utc_offset_seconds') }} as observed_at_utc,
        case when temperature_unit = '°F' then (temperature_value - 32) * 5 / 9 else temperature_value end
            as temperature_c,
        case when apparent_temperature_unit = '°F' then (apparent_temperature_value - 32) * 5 / 9
            else apparent_temperature_value end as apparent_temperature_c,
        relative_humidity_value as relative_humidity_pct,
        case when dew_point_unit = '°F' then (dew_point_value - 32) * 5 / 9 else dew_point_value end
            as dew_point_c,
        coalesce(
            case when precipitation_unit = 'inch' then precipitation_value * 25.4 else precipitation_value end,
            case when rain_unit = 'inch' then rain_value * 25.4 else rain_value end
                + coalesce(case when showers_unit = 'inch' then showers_value * 25.4 else showers_value end, 0)
        ) as precipitation_mm,
        case when rain_unit = 'inch' then rain_value * 25.4 else rain_value end as rain_mm,
        case when snowfall_unit = 'inch' then snowfall_value * 2.54 else snowfall_value end as snowfall_cm,
        case when snow_depth_unit = 'ft' then snow_depth_value * 0.3048 else snow_depth_value end as snow_depth_m,
        cast(weather_code_value as integer) as weather_code,
        cloud_cover_value as cloud_cover_pct,
        case wind_speed_unit
            when 'mp/h' then wind_speed_value * 1.609344
            when 'm/s' then wind_speed_value * 3.6
            when 'kn' then wind_speed_value * 1.852
            else wind_speed_value
        end as wind_speed_kmh,
        case wind_gusts_unit
            when 'mp/h' then wind_gusts_value * 1.609344
            when 'm/s' then wind_gusts_value * 3.6
            when 'kn' then wind_gusts_value * 1.852
            else wind_gusts_value
        end as wind_gusts_kmh
    from picked
)

select
    *,
    case
        when observed_at_utc is null then 'missing_timestamp'
        when temperature_c is null then 'missing_temperature'
        when temperature_c not between -40 and 50 then 'implausible_temperature'
        when precipitation_mm < 0 or precipitation_mm > 250 then 'implausible_precipitation'
    end as invalid_reason,
    invalid_reason is null as is_valid
from converted
