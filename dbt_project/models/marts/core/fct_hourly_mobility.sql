{#
  Trips per local hour, mode, company and pickup borough, zero-filled: every hour of every month
  that has trips appears for every mode (dim_mode), company and borough, with 0 where nothing
  started. `company` splits the high-volume for-hire trips by company (Uber, Lyft, Via, Juno: the
  seed's, plus any unknown licence found that month); every other mode has one company, its own
  label (FHV bases are too many to grid: fct_trips has the base). Bike trips take the borough of
  their start station's taxi zone ('Outside NYC' across the Hudson). Built month by month like
  fct_trips (the start_month/end_month window replaces its months; every month without one), and
  each month's grid depends on that month alone, so a month built alone equals the same month of
  a full rebuild.
#}
with window_trips as (
    select *
    from {{ ref('fct_trips') }}
    where {{ month_window_filter('source_month') }}
),

months as (
    select distinct source_month from window_trips
),

hours as (
    {{ month_hours('months') }}
),

month_modes as (
    select months.source_month, modes.mode, modes.company
    from months
    cross join (
        select mode, mode_label as company from {{ ref('dim_mode') }} where mode <> 'hvfhv'
        union
        select 'hvfhv', company from {{ ref('hvfhs_licenses') }}
    ) as modes
    union
    select distinct source_month, mode, company from window_trips where mode = 'hvfhv'
),

boroughs as (
    select distinct borough as pickup_borough from {{ ref('dim_location') }}
    union
    select 'Unknown'
),

grid as (
    select h.source_month, h.pickup_hour, m.mode, m.company, b.pickup_borough
    from hours as h
    inner join month_modes as m using (source_month)
    cross join boroughs as b
),

trips as (
    select
        pickup_hour,
        mode,
        case when mode = 'hvfhv' then company else m.mode_label end as company,
        pickup_borough,
        count(*) as trip_count,
        {{ exact_sum('trip_duration_minutes') }} as total_duration_minutes,
        {{ exact_sum('trip_distance_km') }} as total_distance_km,
        sum(passenger_count) as total_passengers,
        {{ exact_sum('fare_amount') }} as total_fare_amount,
        {{ exact_sum('tip_amount') }} as total_tip_amount,
        {{ exact_sum('total_amount') }} as total_amount
    from window_trips
    left join {{ ref('dim_mode') }} as m using (mode)
    group by 1, 2, 3, 4
)

select
    md5(g.pickup_hour || '|' || g.mode || '|' || g.company || '|' || g.pickup_borough) as hourly_mobility_id,
    g.source_month,
    g.pickup_hour,
    cast(g.pickup_hour as date) as pickup_date,
    hour(g.pickup_hour) as pickup_hour_of_day,
    g.mode,
    g.company,
    g.pickup_borough,
    coalesce(t.trip_count, 0) as trip_count,
    coalesce(t.total_duration_minutes, 0) as total_duration_minutes,
    coalesce(t.total_distance_km, 0) as total_distance_km,
    coalesce(t.total_passengers, 0) as total_passengers,
    coalesce(t.total_fare_amount, 0) as total_fare_amount,
    coalesce(t.total_tip_amount, 0) as total_tip_amount,
    coalesce(t.total_amount, 0) as total_amount,
    d.is_weekend,
    d.is_holiday,
    d.is_business_day,
    tm.day_part,
    tm.is_rush_hour,
    w.temperature_c,
    w.precipitation_mm,
    w.weather_condition,
    w.temperature_band,
    w.precipitation_intensity,
    w.is_wet_hour,
    w.is_adverse_weather,
    w.is_good_cycling_weather
from grid as g
left join trips as t
    on t.pickup_hour = g.pickup_hour and t.mode = g.mode and t.company = g.company
    and t.pickup_borough = g.pickup_borough
left join {{ ref('dim_date') }} as d on d.date_day = cast(g.pickup_hour as date)
left join {{ ref('dim_time') }} as tm on tm.hour_of_day = hour(g.pickup_hour)
left join {{ ref('dim_weather') }} as w on w.weather_hour = g.pickup_hour
