{# One row per calendar day over the configured calendar range. #}
with days as (
    select cast(range as date) as date_day
    from {{ series(
        "cast('" ~ var('calendar_start') ~ "' as date)",
        "cast('" ~ var('calendar_end') ~ "' as date) + interval 1 day",
        "interval 1 day"
    ) }}
),

holidays as (
    select
        holiday_date,
        {{ ordered_string_agg("holiday_name || case when is_observed_date then ' (observed)' else '' end", '; ', 'holiday_name') }} as holiday_name
    from {{ ref('int_calendar__us_federal_holidays') }}
    group by holiday_date
)

select
    d.date_day,
    cast({{ format_timestamp('d.date_day', '%Y%m%d') }} as integer) as date_key,
    year(d.date_day) as year,
    {{ date_attribute('quarter', 'd.date_day') }} as quarter,
    'Q' || {{ date_attribute('quarter', 'd.date_day') }} as quarter_name,
    month(d.date_day) as month,
    {{ date_attribute('month_name', 'd.date_day') }} as month_name,
    {{ format_timestamp('d.date_day', '%Y-%m') }} as year_month,
    {{ first_day_of('month', 'd.date_day') }} as first_day_of_month,
    {{ date_attribute('iso_year', 'd.date_day') }} as iso_year,
    {{ date_attribute('iso_week', 'd.date_day') }} as iso_week,
    {{ first_day_of('week', 'd.date_day') }} as week_start_date,
    day(d.date_day) as day_of_month,
    {{ date_attribute('iso_day_of_week', 'd.date_day') }} as day_of_week,
    {{ date_attribute('day_name', 'd.date_day') }} as day_name,
    {{ date_attribute('day_of_year', 'd.date_day') }} as day_of_year,
    {{ date_attribute('iso_day_of_week', 'd.date_day') }} >= 6 as is_weekend,
    h.holiday_date is not null as is_holiday,
    h.holiday_name,
    {{ date_attribute('iso_day_of_week', 'd.date_day') }} < 6 and h.holiday_date is null as is_business_day,
    case
        when month(d.date_day) in (12, 1, 2) then 'winter'
        when month(d.date_day) in (3, 4, 5) then 'spring'
        when month(d.date_day) in (6, 7, 8) then 'summer'
        else 'autumn'
    end as season
from days as d
left join holidays as h on h.holiday_date = d.date_day
